"""Offline payments: cash, bank or QR transfers recorded by a coordinator with proof, and their reconciliation."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from wcl.accounts.permissions import ensure
from wcl.audit.services import record
from wcl.campaigns.models import Campaign, Pledge
from wcl.campaigns.pledging import PledgeError, new_pledge
from wcl.extensions import db
from wcl.files.services import DOCUMENT_TYPES, UploadError, save_upload
from wcl.payments.errors import PaymentError
from wcl.payments.services._common import _apply_paid
from wcl.time import local_today

OFFLINE_METHODS = ("cash", "bank", "qr")


def _checked_reference(method, received_on, reference):
    """Check how and when the money came; returns the cleaned reference (``None`` if none).

    Raises ``PaymentError`` on the field at fault; a reference is recorded once only.
    """
    if method not in OFFLINE_METHODS:
        raise PaymentError(_l("Choose how the money came."), "method")
    if received_on is None or received_on > local_today():
        raise PaymentError(_l("Enter the day the money was received (not in the future)."), "received_on")
    reference = (reference or "").strip()[:120] or None
    if method in ("bank", "qr") and not reference:
        raise PaymentError(_l("Enter the transfer's reference number."), "reference")
    if reference and db.session.scalar(
        db.select(Pledge.id).where(Pledge.provider == "offline", Pledge.provider_ref == reference)
    ):
        raise PaymentError(_l("A payment with this reference is already recorded."), "reference")
    return reference


def record_offline_payment(
    actor,
    campaign_id,
    *,
    amount,
    currency,
    method,
    received_on,
    reference,
    proof,
    backer_name,
    backer_email=None,
    tier_id=None,
    anonymous=False,
    gender=None,
    locale=None,
):
    """A coordinator records cash, a bank or a QR transfer: the pledge is created and paid.

    Who recorded it, how and when the money came, the reference and a photo
    or scan of the proof are kept; both transitions are audited.
    """
    # Staff scoped to a lab record payments on their lab's campaigns only.
    ensure("payments.record_offline", db.session.get(Campaign, campaign_id), user=actor)
    try:
        reference = _checked_reference(method, received_on, reference)
        pledge = new_pledge(
            campaign_id,
            amount=amount,
            currency=currency,
            provider="offline",
            tier_id=tier_id,
            name=backer_name,
            email=backer_email,
            anonymous=anonymous,
            gender=gender,
            locale=locale,
            require_email=False,
        )
        try:
            proof_file = save_upload(proof, allowed=DOCUMENT_TYPES, uploaded_by=actor)
        except UploadError as exc:
            raise PaymentError(exc.message, "proof") from None
    except (PaymentError, PledgeError):
        db.session.rollback()
        raise
    pledge.recorded_by_id = actor.id
    pledge.offline_method = method
    pledge.received_on = received_on
    pledge.provider_ref = reference
    pledge.proof_id = proof_file.id
    record("pledge.recorded_offline", pledge, actor=actor, method=method, amount=amount)
    _apply_paid(pledge, amount, currency, actor=actor, source="offline")
    db.session.commit()
    return pledge


def offline_pledges(actor, campaign_id, page=1, per_page=50):
    """Reconciliation: a campaign's offline pledges (newest first) and totals per method."""
    ensure("payments.record_offline", db.session.get(Campaign, campaign_id), user=actor)
    stmt = (
        db.select(Pledge)
        .where(Pledge.campaign_id == campaign_id, Pledge.provider == "offline")
        .options(sa.orm.joinedload(Pledge.recorded_by), sa.orm.joinedload(Pledge.tier))
        .order_by(Pledge.received_on.desc(), Pledge.id.desc())
    )
    pagination = db.paginate(stmt, page=page, per_page=per_page, error_out=False)
    totals = db.session.execute(
        db.select(Pledge.offline_method, Pledge.status, sa.func.count(Pledge.id), sa.func.sum(Pledge.amount))
        .where(Pledge.campaign_id == campaign_id, Pledge.provider == "offline")
        .group_by(Pledge.offline_method, Pledge.status)
        .order_by(Pledge.offline_method, Pledge.status)
    ).all()
    return pagination, totals


def proof_for(actor, pledge_id):
    """The stored proof of an offline pledge, for staff."""
    ensure("payments.record_offline", user=actor)
    pledge = db.session.get(Pledge, pledge_id)
    if pledge is None:
        return None
    ensure("payments.record_offline", pledge, user=actor)
    return pledge.proof


def money_by_method(actor, campaign_id):
    """A campaign's paid money by how it came: ``[(method, pledges, net amount)]`` where method is
    ``card`` (Stripe), ``sandbox`` (test payments, no money), ``local`` (the Kyrgyz hosted page),
    ``bank_transfer`` (matched from a statement), or an offline method."""
    ensure("payments.record_offline", db.session.get(Campaign, campaign_id), user=actor)
    method = sa.case(
        (Pledge.provider == "offline", sa.func.coalesce(Pledge.offline_method, "cash")),
        (Pledge.provider == "bank_transfer", "bank_transfer"),
        (Pledge.provider == "local", "local"),
        (Pledge.provider == "stripe", "card"),
        (Pledge.provider == "sandbox", "sandbox"),
        else_="online",
    )
    rows = db.session.execute(
        db.select(method, sa.func.count(Pledge.id), sa.func.sum(Pledge.amount - Pledge.refunded_amount))
        .where(Pledge.campaign_id == campaign_id, Pledge.status == "paid")
        .group_by(method)
        .order_by(method)
    ).all()
    return [(name, count, int(total or 0)) for name, count, total in rows]
