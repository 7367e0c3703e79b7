"""Annual statements: one PDF of a donor's receipts of a year, requested and rendered in a job."""

from flask import current_app
from flask_babel import lazy_gettext as _l

from wcl.accounts.models import User
from wcl.extensions import db
from wcl.files.generated import run_render
from wcl.files.services import store_bytes
from wcl.queue import RECEIPTS, enqueue_after_commit
from wcl.receipts.errors import ReceiptError
from wcl.receipts.models import AnnualStatement, Receipt
from wcl.receipts.services._common import RENDER_TIMEOUT, STATEMENT_JOB
from wcl.receipts.services.reading import _owner_condition
from wcl.receipts.services.rendering import org_details
from wcl.time import utcnow


def _statement_receipts(user, year):
    return db.session.scalars(
        db.select(Receipt).where(_owner_condition(user), Receipt.year == year).order_by(Receipt.number)
    ).all()


def annual_statement(user, year, locale=None):
    """One PDF listing all of the user's receipts of ``year`` (void ones marked, partial
    refunds netted). Raises ``ReceiptError`` when she has none that year.
    """
    from wcl.pdf import render_pdf  # WeasyPrint is slow to load; only this path needs it

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
        stylesheets=("receipts.css",),
        ua_stylesheet="ua-lean.css",
        receipts=receipts,
        year=year,
        donor_name=user.full_name,
        totals=sorted(totals.items()),
        org=org_details(locale),
        issued_on=utcnow(),
    )


def request_statement(actor, year, locale):
    """Queue the PDF of ``user``'s receipts of ``year`` in ``locale``; returns the
    ``AnnualStatement`` to follow. Raises ``ReceiptError`` (nothing queued) when she
    has no receipts that year."""
    has_receipts = year is not None and db.session.scalar(
        db.select(Receipt.id).where(_owner_condition(actor), Receipt.year == year).limit(1)
    )
    if not has_receipts:
        db.session.rollback()
        raise ReceiptError(_l("You have no receipts for this year."))
    if locale not in current_app.config["LANGUAGES"]:
        locale = "en"
    statement = AnnualStatement(user_id=actor.id, year=year, locale=locale)
    db.session.add(statement)
    db.session.flush()
    enqueue_after_commit(STATEMENT_JOB, statement.id, queue=RECEIPTS, job_timeout=RENDER_TIMEOUT * 4)
    db.session.commit()
    return statement


def render_statement(statement_id):
    """Render a requested statement and store it (idempotent: a finished one is left
    alone). A failure marks it failed for the donor and is re-raised for RQ."""

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
