"""Receipts: issue (numbered once), render, email, void, verify, statements, register.

Public functions are units of work (one commit at the end); helpers flush.
Issuing and rendering are separate steps: the number is taken in the short
transaction that creates the row, and the slow PDF render happens in a job
(``wcl.receipts.jobs.render_receipt``) that can fail, time out and be
retried without ever touching the number.
"""

import csv
import io
import secrets

import segno
import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from wcl.accounts.permissions import ensure
from wcl.accounts.tokens import GUEST_LINK, TokenError, make_token, read_token
from wcl.audit.services import record
from wcl.campaigns.models import Campaign, MatchReservation, Pledge, PledgeStatus
from wcl.campaigns.queries import pledges_of
from wcl.extensions import db
from wcl.files.generated import run_render
from wcl.files.services import delete_stored, read_bytes, store_bytes
from wcl.links import absolute_url
from wcl.mail import render_email, send
from wcl.queue import RECEIPTS, enqueue_after_commit
from wcl.receipts.errors import ReceiptError  # noqa: F401  (services.ReceiptError is the public name)
from wcl.receipts.models import AnnualStatement, Receipt
from wcl.receipts.numbering import next_number
from wcl.spreadsheets import safe_cell
from wcl.time import DEFAULT_ZONE, utcnow

RENDER_JOB = "wcl.receipts.jobs.render_receipt"
EMAIL_JOB = "wcl.receipts.jobs.email_receipt"
STATEMENT_JOB = "wcl.receipts.jobs.render_statement"
# A receipt is one page; a render taking longer than this is stuck (RQ kills it, then retries).
RENDER_TIMEOUT = 90
EMAIL_TIMEOUT = 60
# Guests keep their receipt link for tax season and beyond.
GUEST_LINK_MAX_AGE = 60 * 60 * 24 * 400
PAYMENT_METHODS = ("online", "cash", "bank", "qr")
PER_PAGE = 50


# --- helpers (flush only) ----------------------------------------------------------


def _lock_receipt(receipt_id):
    return db.session.scalar(
        db.select(Receipt)
        .where(Receipt.id == receipt_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _matched_amount(pledge_id):
    # SUM(bigint) is NUMERIC in PostgreSQL: keep money an int (it goes into audit JSON).
    return int(
        db.session.scalar(
            db.select(sa.func.coalesce(sa.func.sum(MatchReservation.amount), 0)).where(
                MatchReservation.pledge_id == pledge_id, MatchReservation.released_at.is_(None)
            )
        )
    )


def _payment_method(pledge):
    if pledge.provider == "offline":
        return pledge.offline_method if pledge.offline_method in PAYMENT_METHODS else "cash"
    return "online"


def receipt_year(moment):
    """The calendar year of a payment, in Kyrgyzstan (a 31 December 23:30 gift counts for that year)."""
    return moment.astimezone(DEFAULT_ZONE).year


def _enqueue_render(receipt):
    enqueue_after_commit(RENDER_JOB, receipt.id, queue=RECEIPTS, job_timeout=RENDER_TIMEOUT)


def _enqueue_email(receipt):
    enqueue_after_commit(EMAIL_JOB, receipt.id, queue=RECEIPTS, job_timeout=EMAIL_TIMEOUT)


def receipt_for_pledge_id(pledge_id):
    return db.session.scalar(db.select(Receipt).where(Receipt.pledge_id == pledge_id))


# --- issuing -----------------------------------------------------------------------


def issue_receipt(pledge_id):
    """Issue the receipt of a paid pledge and queue its PDF; returns the ``Receipt``.

    Idempotent: a pledge that already has a receipt gets that one back (never a
    second number). The pledge row is locked, so concurrent issuers of the same
    pledge queue behind each other; the number comes from ``next_number`` in
    this same transaction, so a rollback gives the number back (no gaps).
    Raises ``ReceiptError`` for an unknown or unpaid pledge (nothing changes).
    """
    pledge = db.session.scalar(
        db.select(Pledge)
        .where(Pledge.id == pledge_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    existing = receipt_for_pledge_id(pledge_id) if pledge is not None else None
    if existing is not None:
        db.session.rollback()
        return existing
    if pledge is None or pledge.status != PledgeStatus.PAID or pledge.paid_at is None:
        db.session.rollback()
        raise ReceiptError(_l("A receipt is only issued for a paid pledge."))
    campaign = db.session.get(Campaign, pledge.campaign_id)
    year = receipt_year(pledge.paid_at)
    receipt = Receipt(
        pledge_id=pledge.id,
        year=year,
        number=next_number(year),
        issued_at=utcnow(),
        paid_at=pledge.paid_at,
        backer_id=pledge.backer_id,
        donor_name=pledge.backer_name,
        donor_email=pledge.backer_email,
        anonymous=pledge.anonymous,
        amount=pledge.amount,
        currency=pledge.currency,
        matched_amount=_matched_amount(pledge.id),
        # A partial refund made before this job ran is already on the receipt.
        refunded_amount=pledge.refunded_amount,
        campaign_id=campaign.id,
        campaign_title=campaign.title,
        creator_name=campaign.creator_name,
        payment_method=_payment_method(pledge),
        locale=pledge.locale if pledge.locale in current_app.config["LANGUAGES"] else "en",
        code=secrets.token_urlsafe(18),
    )
    db.session.add(receipt)
    try:
        db.session.flush()
    except IntegrityError:
        # Only reachable if the pledge lock was bypassed; the constraint still holds.
        db.session.rollback()
        return receipt_for_pledge_id(pledge_id)
    record("receipt.issued", receipt, pledge_id=pledge.id, number=receipt.display_number)
    _enqueue_render(receipt)
    db.session.commit()
    return receipt


def void_receipt(pledge_id, reason="refunded"):
    """Void the receipt of a fully refunded pledge and queue the PDF with its VOID mark.

    The number stays taken. Idempotent; a partly refunded (still paid) pledge
    or a pledge without a receipt changes nothing. Returns the receipt or ``None``.
    """
    pledge = db.session.get(Pledge, pledge_id)
    receipt = receipt_for_pledge_id(pledge_id)
    if pledge is None or receipt is None or pledge.status != PledgeStatus.REFUNDED:
        db.session.rollback()
        return None
    receipt = _lock_receipt(receipt.id)
    if receipt.voided_at is not None:
        db.session.rollback()
        return receipt
    receipt.voided_at = utcnow()
    receipt.void_reason = reason[:200]
    receipt.refunded_amount = receipt.amount
    receipt.needs_render = True
    record("receipt.voided", receipt, pledge_id=pledge_id, reason=receipt.void_reason)
    _enqueue_render(receipt)
    db.session.commit()
    return receipt


def amend_receipt(pledge_id):
    """Bring the receipt of a partly refunded pledge up to date and queue a new PDF.

    The receipt keeps its number and states the amount paid, the amount refunded
    and the donation that remains; the sponsor's match is re-read (it shrinks with
    the refund). Idempotent: nothing changes when the receipt already says so.
    Returns the receipt or ``None`` (no receipt, or the pledge is not partly refunded).
    """
    pledge = db.session.get(Pledge, pledge_id)
    receipt = receipt_for_pledge_id(pledge_id)
    if pledge is None or receipt is None or pledge.status != PledgeStatus.PAID or not pledge.refunded_amount:
        db.session.rollback()
        return None
    receipt = _lock_receipt(receipt.id)
    matched = _matched_amount(pledge_id)
    up_to_date = receipt.refunded_amount == pledge.refunded_amount and receipt.matched_amount == matched
    if receipt.is_void or up_to_date:
        db.session.rollback()
        return receipt
    receipt.refunded_amount = pledge.refunded_amount
    receipt.matched_amount = matched
    receipt.needs_render = True
    record(
        "receipt.amended",
        receipt,
        pledge_id=pledge_id,
        refunded_amount=receipt.refunded_amount,
        matched_amount=matched,
    )
    _enqueue_render(receipt)
    db.session.commit()
    return receipt


def apply_refund(pledge_id):
    """After any refund of the pledge: void its receipt (fully refunded) or amend it
    (partly refunded). Idempotent; returns the receipt or ``None``."""
    pledge = db.session.get(Pledge, pledge_id)
    if pledge is not None and pledge.status == PledgeStatus.REFUNDED:
        return void_receipt(pledge_id)
    return amend_receipt(pledge_id)


# --- rendering ---------------------------------------------------------------------


def verify_url(receipt):
    return absolute_url("receipts.verify", code=receipt.code)


def qr_data_uri(url):
    """The QR code of ``url`` as a ``data:`` PNG (the PDF fetcher allows only data: and static files)."""
    return segno.make(url, error="m").png_data_uri(scale=4, border=2)


def org_details():
    config = current_app.config
    return {
        "name": config.get("ORG_NAME") or "Women's Creative Lab",
        "address": config.get("ORG_ADDRESS") or "",
        "registration": config.get("ORG_REGISTRATION") or "",
    }


def render_receipt_pdf(receipt):
    """The PDF bytes of ``receipt`` in its donor's language (no database change)."""
    from wcl.pdf import render_pdf

    url = verify_url(receipt)
    return render_pdf(
        "receipts/pdf/receipt.html",
        receipt.locale,
        receipt=receipt,
        org=org_details(),
        verify_url=url,
        qr=qr_data_uri(url),
    )


def render_receipt(receipt_id):
    """Render and store the PDF of a receipt that needs one, then queue its email.

    Idempotent: a receipt whose PDF is current is left alone. Before rendering
    the attempt is recorded and committed with a ``last_error`` marker that only
    a finished render clears, so a render killed by its job timeout stays
    visible to staff. Other errors are recorded and re-raised (RQ retries).
    """
    receipt = _lock_receipt(receipt_id)
    if receipt is None or not receipt.needs_render:
        db.session.rollback()
        return receipt
    receipt.render_attempts += 1
    receipt.last_error = f"render {receipt.render_attempts} did not finish (timeout or crash)"
    db.session.commit()
    voided_at = receipt.voided_at
    try:
        data = render_receipt_pdf(receipt)
    except Exception as exc:
        db.session.rollback()
        receipt = _lock_receipt(receipt_id)
        receipt.last_error = f"render {receipt.render_attempts} failed: {type(exc).__name__}: {exc}"[:500]
        db.session.commit()
        raise
    receipt = _lock_receipt(receipt_id)
    stored = store_bytes(data, "application/pdf", f"receipt-{receipt.display_number}.pdf")
    old = receipt.pdf
    receipt.pdf_id = stored.id
    receipt.rendered_at = utcnow()
    receipt.last_error = None
    # Voided while we rendered: the render job queued by the void runs next.
    receipt.needs_render = receipt.voided_at != voided_at
    db.session.flush()
    if old is not None:
        delete_stored(old)
    record("receipt.rendered", receipt, file_id=stored.id, void=receipt.is_void)
    if receipt.emailed_at is None and receipt.donor_email and not receipt.is_void:
        _enqueue_email(receipt)
    db.session.commit()
    return receipt


def _isolated(text):
    """``text`` between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE: in plain
    text (emails) a right-to-left name, or one carrying a bidi override, cannot
    reorder the number and amount around it (HTML and PDFs use ``<bdi>``)."""
    return f"\u2068{text}\u2069"


def guest_link(receipt):
    """A signed download link for the donor's email (works without an account)."""
    return absolute_url("receipts.guest_download", token=make_token(GUEST_LINK, {"receipt": receipt.id}))


def email_receipt(receipt_id):
    """Email the donor her receipt with the PDF attached, once.

    Idempotent: ``emailed_at`` is set in the same transaction as the send, so a
    re-run after success does nothing (staff re-send by clearing it first).
    """
    receipt = _lock_receipt(receipt_id)
    if receipt is None or receipt.emailed_at is not None or not receipt.donor_email or receipt.pdf is None:
        db.session.rollback()
        return False
    link = absolute_url("receipts.mine") if receipt.backer_id else guest_link(receipt)
    message = render_email(
        "receipts/receipt",
        receipt.locale,
        name=_isolated(receipt.donor_name),
        number=receipt.display_number,
        title=_isolated(receipt.campaign_title),
        # The donation the PDF states: net of a partial refund made before it was issued.
        amount=receipt.donated_amount,
        paid=receipt.amount,
        refunded=receipt.refunded_amount if receipt.is_partly_refunded else 0,
        void=receipt.is_void,  # staff may re-send a receipt that was voided since
        currency=receipt.currency,
        link=link,
        verify=verify_url(receipt),
    )
    message["to"] = receipt.donor_email
    message["template"] = "receipts/receipt"
    send(message, [(receipt.pdf.original_name, "application/pdf", read_bytes(receipt.pdf))])
    receipt.emailed_at = utcnow()
    record("receipt.emailed", receipt)
    db.session.commit()
    return True


# --- reading -----------------------------------------------------------------------


def receipt_by_code(code):
    """The receipt with this verification code, or ``None`` (forged or mistyped)."""
    if not code or len(code) > 64:
        return None
    return db.session.scalar(db.select(Receipt).where(Receipt.code == code))


def _owner_condition(user):
    # A receipt is hers when its pledge is (campaigns' rule, guest pledges included).
    return Receipt.pledge_id.in_(db.select(Pledge.id).where(pledges_of(user)))


def receipts_for_user(user, page=1, per_page=PER_PAGE):
    """ "My receipts": the person's receipts (and guest ones under her confirmed email), newest first."""
    stmt = (
        db.select(Receipt).where(_owner_condition(user)).order_by(Receipt.year.desc(), Receipt.number.desc())
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def years_for_user(user):
    return db.session.scalars(
        db.select(Receipt.year).where(_owner_condition(user)).distinct().order_by(Receipt.year.desc())
    ).all()


def receipt_for(user, receipt_id):
    """A receipt the user may see (hers, or any for staff); ``None`` otherwise."""
    from wcl.accounts.permissions import can

    receipt = db.session.get(Receipt, receipt_id)
    if receipt is None or not can("receipts.view", receipt, user=user):
        return None
    return receipt


def receipt_for_users_pledge(user, pledge_id):
    """The receipt of one of the user's pledges; ``ReceiptError`` when there is none (unpaid)."""
    pledge = db.session.get(Pledge, pledge_id)
    from wcl.accounts.permissions import can

    receipt = receipt_for_pledge_id(pledge_id) if pledge is not None else None
    if receipt is None or not can("receipts.view", receipt, user=user):
        if pledge is not None and pledge.backer_id == user.id and pledge.status != PledgeStatus.PAID:
            raise ReceiptError(_l("A receipt is only issued for a paid pledge."))
        if pledge is not None and pledge.backer_id == user.id and pledge.status == PledgeStatus.PAID:
            raise ReceiptError(_l("Your receipt is being prepared. Please try again in a minute."))
        return None
    return receipt


def receipt_from_guest_token(token):
    """The receipt a signed guest link points to, or ``None``."""
    try:
        payload = read_token(GUEST_LINK, token, max_age=GUEST_LINK_MAX_AGE)
    except TokenError:
        return None
    receipt_id = payload.get("receipt") if isinstance(payload, dict) else None
    return db.session.get(Receipt, receipt_id) if isinstance(receipt_id, int) else None


def pdf_bytes(receipt):
    return read_bytes(receipt.pdf)


def _statement_receipts(user, year):
    return db.session.scalars(
        db.select(Receipt).where(_owner_condition(user), Receipt.year == year).order_by(Receipt.number)
    ).all()


def annual_statement(user, year, locale=None):
    """One PDF listing all of the user's receipts of ``year`` (void ones marked, partial
    refunds netted). Raises ``ReceiptError`` when she has none that year.
    """
    from wcl.pdf import render_pdf

    receipts = _statement_receipts(user, year)
    if not receipts:
        raise ReceiptError(_l("You have no receipts for this year."))
    totals = {}
    for receipt in receipts:
        if not receipt.is_void:
            totals[receipt.currency] = totals.get(receipt.currency, 0) + receipt.net_amount
    if locale not in current_app.config["LANGUAGES"]:
        locale = user.locale if getattr(user, "locale", None) in current_app.config["LANGUAGES"] else "en"
    return render_pdf(
        "receipts/pdf/statement.html",
        locale,
        receipts=receipts,
        year=year,
        donor_name=user.full_name,
        totals=sorted(totals.items()),
        org=org_details(),
        issued_on=utcnow(),
    )


def request_statement(user, year, locale):
    """Queue the PDF of ``user``'s receipts of ``year`` in ``locale``; returns the
    ``AnnualStatement`` to follow. Raises ``ReceiptError`` (nothing queued) when she
    has no receipts that year."""
    has_receipts = year is not None and db.session.scalar(
        db.select(Receipt.id).where(_owner_condition(user), Receipt.year == year).limit(1)
    )
    if not has_receipts:
        db.session.rollback()
        raise ReceiptError(_l("You have no receipts for this year."))
    if locale not in current_app.config["LANGUAGES"]:
        locale = "en"
    statement = AnnualStatement(user_id=user.id, year=year, locale=locale)
    db.session.add(statement)
    db.session.flush()
    enqueue_after_commit(STATEMENT_JOB, statement.id, queue=RECEIPTS, job_timeout=RENDER_TIMEOUT * 4)
    db.session.commit()
    return statement


def render_statement(statement_id):
    """Render a requested statement and store it (idempotent: a finished one is left
    alone). A failure marks it failed for the donor and is re-raised for RQ."""
    from wcl.accounts.models import User

    def produce(statement):
        user = db.session.get(User, statement.user_id)
        data = annual_statement(user, statement.year, statement.locale)
        return store_bytes(data, "application/pdf", f"receipts-{statement.year}.pdf", uploaded_by=user.id)

    return run_render(AnnualStatement, statement_id, produce)


def statement_for(user, statement_id):
    """The user's own requested statement, or ``None``."""
    statement = db.session.get(AnnualStatement, statement_id)
    if statement is None or statement.user_id != getattr(user, "id", None):
        return None
    return statement


# --- staff -------------------------------------------------------------------------


def _register_query(campaign_id=None, year=None):
    stmt = db.select(Receipt)
    if campaign_id:
        stmt = stmt.where(Receipt.campaign_id == campaign_id)
    if year:
        stmt = stmt.where(Receipt.year == year)
    return stmt.order_by(Receipt.year.desc(), Receipt.number.desc())


def register(actor, campaign_id=None, year=None, page=1):
    """The staff receipt register, filtered by campaign and/or year; paginated."""
    ensure("receipts.manage", user=actor)
    return db.paginate(_register_query(campaign_id, year), page=page, per_page=PER_PAGE, error_out=False)


def register_filters():
    """Campaigns and years that have receipts (for the register's filter form)."""
    campaigns = db.session.execute(
        db.select(Receipt.campaign_id, Receipt.campaign_title).distinct().order_by(Receipt.campaign_title)
    ).all()
    years = db.session.scalars(db.select(Receipt.year).distinct().order_by(Receipt.year.desc())).all()
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
    for receipt in db.session.scalars(_register_query(campaign_id, year)).yield_per(500):
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
    stmt = sa.update(Receipt).values(needs_render=True)
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


def failed_render_jobs():
    """Render/email jobs that exhausted their retries (RQ's failed registry), newest first."""
    from rq.registry import FailedJobRegistry

    from wcl.queue import get_queue, is_inline

    if is_inline():
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
