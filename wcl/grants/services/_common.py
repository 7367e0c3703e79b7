"""What the grant services share: refusing, locking, the ledger line (flush only)."""

from flask_babel import lazy_gettext as _l

from wcl.audit.services import record
from wcl.extensions import db
from wcl.files.services import DOCUMENT_TYPES, UploadError, save_upload
from wcl.grants.errors import GrantError
from wcl.grants.models import FundMovement, Grant, GrantFund, MovementKind, Tranche
from wcl.locks import lock_or_refuse
from wcl.money import CURRENCIES, MAX_AMOUNT_MAJOR, exponent
from wcl.text import one_line as one_line_text

refuse = GrantError.refuse


def get_locked(model, row_id, missing):
    """The row locked ``FOR UPDATE`` (re-read), or a refusal with ``missing``."""
    return lock_or_refuse(model, row_id, refuse, missing)


def lock_fund(fund_id):
    return get_locked(GrantFund, fund_id, _l("This grant fund does not exist."))


def lock_grant(grant_id):
    return get_locked(Grant, grant_id, _l("This grant does not exist."))


def lock_tranche(tranche_id):
    return get_locked(Tranche, tranche_id, _l("This tranche does not exist."))


def check_amount(amount, currency, field="amount"):
    """Refuse an amount that is not a positive whole number of minor units within the limit."""
    if currency not in CURRENCIES:
        refuse(_l("This currency is not accepted."), "currency")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        refuse(_l("The amount must be more than zero."), field)
    if amount > int(MAX_AMOUNT_MAJOR.scaleb(exponent(currency))):
        refuse(_l("This amount is too large."), field)
    return amount


def check_currency(currency, fund):
    """Money comes and goes in the fund's own currency only."""
    if currency != fund.currency:
        refuse(_l("This fund holds %(currency)s only.", currency=fund.currency), "currency")


def one_line(text, limit, field, required=True):
    """``text`` on one line, normalised; refused when required and empty, or too long."""
    return one_line_text(text, limit, field, refuse, required)


def move(fund, kind, amount, actor, grant=None, note=None, source=None):
    """Write one ledger line and apply it to the locked ``fund``'s balance; audited (flushes).

    The caller holds the fund row lock; the check constraint refuses a negative
    balance even if a caller forgot.
    """
    fund.balance += MovementKind.SIGN[kind] * amount
    movement = FundMovement(
        fund_id=fund.id,
        grant_id=grant.id if grant is not None else None,
        kind=kind,
        amount=amount,
        actor_id=getattr(actor, "id", None),
        note=note,
        source=source,
    )
    db.session.add(movement)
    db.session.flush()
    record(
        f"grant_fund.{kind}",
        fund,
        actor=actor,
        movement_id=movement.id,
        grant_id=movement.grant_id,
        amount=amount,
        currency=fund.currency,
    )
    return movement


def save_document(upload, actor, field="upload"):
    """Store an uploaded photo or PDF, or refuse with the upload's reason (or that it is missing)."""
    if upload is None or not getattr(upload, "filename", None):
        refuse(_l("Attach the file: a photo or a PDF."), field)
    try:
        return save_upload(upload, allowed=DOCUMENT_TYPES, uploaded_by=actor)
    except UploadError as exc:
        refuse(exc.message, field)
