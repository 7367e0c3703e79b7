"""The staff receipt register: listing, CSV, re-sending and re-rendering.

Staff scoped to a lab see and act on their lab's campaigns' receipts only
(a receipt's lab is its campaign's: ``campaigns.queries.campaign_lab``).
"""

import csv
import io

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from rq.registry import FailedJobRegistry

from wcl.accounts.permissions import PermissionDenied, can, ensure, has_permission, lab_condition
from wcl.audit.services import record
from wcl.campaigns.queries import campaign_lab
from wcl.extensions import db
from wcl.queue import RECEIPTS, enqueue_after_commit, get_queue, is_inline
from wcl.receipts.errors import ReceiptError
from wcl.receipts.models import Receipt
from wcl.receipts.services._common import (
    PER_PAGE,
    RENDER_JOB,
    RENDER_TIMEOUT,
    _enqueue_email,
    _lock_receipt,
)
from wcl.spreadsheets import safe_cell


def _in_scope(actor):
    """The receipts ``actor`` may see, as a SQL condition (her lab's, or all)."""
    return lab_condition(actor, campaign_lab(Receipt.campaign_id))


def _register_query(actor, campaign_id=None, year=None):
    stmt = db.select(Receipt).where(_in_scope(actor))
    if campaign_id:
        stmt = stmt.where(Receipt.campaign_id == campaign_id)
    if year:
        stmt = stmt.where(Receipt.year == year)
    return stmt.order_by(Receipt.year.desc(), Receipt.number.desc())


def register(actor, campaign_id=None, year=None, page=1):
    """The staff receipt register, filtered by campaign and/or year; paginated."""
    ensure("receipts.manage", user=actor)
    return db.paginate(
        _register_query(actor, campaign_id, year), page=page, per_page=PER_PAGE, error_out=False
    )


def register_filters(actor):
    """Campaigns and years that have receipts ``actor`` may see (for the register's filter form)."""
    campaigns = db.session.execute(
        db.select(Receipt.campaign_id, Receipt.campaign_title)
        .where(_in_scope(actor))
        .distinct()
        .order_by(Receipt.campaign_title)
    ).all()
    years = db.session.scalars(
        db.select(Receipt.year).where(_in_scope(actor)).distinct().order_by(Receipt.year.desc())
    ).all()
    return campaigns, years


CSV_COLUMNS = (
    "number",
    "issued_at",
    "paid_at",
    "donor_name",
    "anonymous",
    "amount",
    "matched_amount",
    "refunded_amount",
    "currency",
    "campaign",
    "creator",
    "payment_method",
    "status",
)


def _csv_cell(value):
    return safe_cell("" if value is None else str(value))


def register_csv(actor, campaign_id=None, year=None):
    """The register as CSV text (amounts in minor units, times in UTC ISO 8601)."""
    ensure("receipts.manage", user=actor)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for receipt in db.session.scalars(_register_query(actor, campaign_id, year)).yield_per(500):
        writer.writerow(
            [
                _csv_cell(v)
                for v in (
                    receipt.display_number,
                    receipt.issued_at.isoformat(),
                    receipt.paid_at.isoformat(),
                    receipt.donor_name,
                    "yes" if receipt.anonymous else "no",
                    receipt.amount,
                    receipt.matched_amount,
                    receipt.refunded_amount,
                    receipt.currency,
                    receipt.campaign_title,
                    receipt.creator_name,
                    receipt.payment_method,
                    "void" if receipt.is_void else "valid",
                )
            ]
        )
    return out.getvalue()


def resend_receipt(actor, receipt_id):
    """Staff: email the receipt to the donor again. Refused without an email or a PDF."""
    ensure("receipts.manage", user=actor)
    receipt = _lock_receipt(receipt_id)
    if receipt is None:
        db.session.rollback()
        raise ReceiptError(_l("This receipt does not exist."))
    if not can("receipts.manage", receipt, actor):
        db.session.rollback()
        raise PermissionDenied("receipts.manage")
    if not receipt.donor_email:
        db.session.rollback()
        raise ReceiptError(_l("This donor left no email address."))
    if receipt.pdf_id is None:
        db.session.rollback()
        raise ReceiptError(_l("The PDF of this receipt is not ready yet."))
    receipt.emailed_at = None
    record("receipt.resend_requested", receipt, actor=actor)
    _enqueue_email(receipt)
    db.session.commit()
    return receipt


def regenerate_receipts(actor, campaign_id=None, year=None):
    """Staff: re-render PDFs (e.g. after a template change), one job per receipt.

    Numbers, codes and emails are untouched. Returns how many were queued.
    """
    ensure("receipts.manage", user=actor)
    stmt = sa.update(Receipt).values(needs_render=True).where(_in_scope(actor))
    if campaign_id:
        stmt = stmt.where(Receipt.campaign_id == campaign_id)
    if year:
        stmt = stmt.where(Receipt.year == year)
    ids = db.session.scalars(stmt.returning(Receipt.id).execution_options(synchronize_session=False)).all()
    for receipt_id in ids:
        enqueue_after_commit(RENDER_JOB, receipt_id, queue=RECEIPTS, job_timeout=RENDER_TIMEOUT)
    for receipt in db.session.scalars(db.select(Receipt).where(Receipt.id.in_(ids))):
        record("receipt.regenerate_requested", receipt, actor=actor)
    db.session.commit()
    return len(ids)


def failed_render_jobs(actor):
    """Render/email jobs that exhausted their retries (RQ's failed registry), newest first.

    Their arguments and errors may belong to any lab: only for those who may
    manage background jobs (unscoped staff).
    """
    if is_inline() or not has_permission(actor, "jobs.manage"):
        return []
    queue = get_queue(RECEIPTS)
    registry = FailedJobRegistry(queue=queue)
    jobs = []
    for job in queue.job_class.fetch_many(registry.get_job_ids()[:50], connection=queue.connection):
        if job is not None:
            jobs.append(
                {
                    "id": job.id,
                    "name": job.description,
                    "args": job.args[1:],
                    "ended_at": job.ended_at,
                    "error": (job.latest_result().exc_string if job.latest_result() else "") or "",
                }
            )
    return jobs
