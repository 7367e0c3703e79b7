"""Finding receipts: by verification code, a donor's own, a guest's signed link."""

from flask_babel import lazy_gettext as _l

from wcl.accounts.permissions import can
from wcl.accounts.tokens import GUEST_LINK, TokenError, read_token
from wcl.campaigns.models import Pledge, PledgeStatus
from wcl.campaigns.queries import pledges_of
from wcl.extensions import db
from wcl.files.services import read_bytes
from wcl.receipts.errors import ReceiptError
from wcl.receipts.models import Receipt
from wcl.receipts.services._common import (
    GUEST_LINK_MAX_AGE,
    PER_PAGE,
    receipt_for_pledge_id,
)
from wcl.receipts.services.emailing import guest_link


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
    receipt = db.session.get(Receipt, receipt_id)
    if receipt is None or not can("receipts.view", receipt, user=user):
        return None
    return receipt


def receipt_for_users_pledge(user, pledge_id):
    """The receipt of one of the user's pledges; ``ReceiptError`` when there is none (unpaid)."""
    pledge = db.session.get(Pledge, pledge_id)
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


def guest_link_for_pledge(pledge_id):
    """The signed download link of the pledge's receipt once its PDF exists, else ``None``
    (the thank-you page shows it as soon as the receipt job has run)."""
    receipt = receipt_for_pledge_id(pledge_id)
    if receipt is None or receipt.pdf_id is None or receipt.voided_at is not None:
        return None
    return guest_link(receipt)
