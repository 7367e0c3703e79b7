"""Refunds through the pledge's provider: one pledge, a whole failed campaign, or staff's choice."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from wcl.accounts.permissions import PermissionDenied, can, ensure
from wcl.campaigns.models import Campaign, CampaignStatus, Pledge, PledgeStatus
from wcl.extensions import db
from wcl.payments.errors import PaymentError
from wcl.payments.models import Refund
from wcl.payments.providers import ProviderError, ProviderUnavailable, get_provider
from wcl.payments.services._common import _apply_refund, _lock_pledge, log


def refund_pledge(pledge_id, amount=None, actor=None, reason="requested"):
    """Refund (part of) a paid pledge through its provider; returns the ``Refund`` or ``None``.

    ``amount=None`` refunds what is left. A full refund moves the pledge to
    ``refunded``, releases its match and its tier unit — once. Safe to re-run:
    a pledge that is no longer paid is skipped, and the provider gets a
    deterministic idempotency key (``refund-<pledge>-<n>``).
    """
    if actor is not None:
        ensure("payments.refund", user=actor)
    pledge = _lock_pledge(pledge_id)
    if actor is not None and pledge is not None and not can("payments.refund", pledge, actor):
        db.session.rollback()  # staff scoped to another lab: the pledge's campaign is not hers
        raise PermissionDenied("payments.refund")
    if pledge is None or pledge.status != PledgeStatus.PAID:
        db.session.rollback()
        return None
    left = pledge.amount - pledge.refunded_amount
    amount = left if amount is None else amount
    if not isinstance(amount, int) or amount <= 0 or amount > left:
        db.session.rollback()
        raise PaymentError(
            _l("The refund must be more than zero and at most what is left to refund."), "amount"
        )
    n = db.session.scalar(db.select(sa.func.count(Refund.id)).where(Refund.pledge_id == pledge.id)) + 1
    key = f"refund-{pledge.id}-{n}"
    try:
        provider_ref = get_provider(pledge.provider).refund(pledge, amount, key)
    except (ProviderError, ProviderUnavailable):
        db.session.rollback()
        log.exception("refund %s failed at the provider", key)
        if actor is None:
            raise  # a job: RQ retries it with backoff, with the same key
        raise PaymentError(
            _l("The payment provider did not confirm the refund; nothing was changed. Try again later.")
        ) from None
    refund = Refund(
        pledge_id=pledge.id,
        key=key,
        amount=amount,
        currency=pledge.currency,
        provider=pledge.provider,
        provider_ref=provider_ref,
        reason=reason[:40],
        requested_by_id=getattr(actor, "id", None),
    )
    db.session.add(refund)
    _apply_refund(pledge, amount, actor=actor, reason=reason, key=key)
    db.session.commit()
    return refund


def refund_campaign(campaign_id):
    """Refund every paid pledge of a failed/cancelled campaign, one unit of work each.

    Re-runnable: refunded pledges are skipped; a crash part-way keeps what was done.
    Returns the number of pledges refunded by this run.
    """
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.status not in (CampaignStatus.FAILED, CampaignStatus.CANCELLED):
        db.session.rollback()
        return 0
    reason = f"campaign_{campaign.status}"
    ids = db.session.scalars(
        db.select(Pledge.id)
        .where(Pledge.campaign_id == campaign_id, Pledge.status == PledgeStatus.PAID)
        .order_by(Pledge.id)
    ).all()
    db.session.rollback()
    done, failed = 0, []
    for pledge_id in ids:
        try:
            if refund_pledge(pledge_id, reason=reason) is not None:
                done += 1
        except Exception:  # one provider failure must not hold back the other refunds
            db.session.rollback()
            log.exception("refund of pledge %s failed", pledge_id)
            failed.append(pledge_id)
    if failed:
        # Raising makes RQ retry the job (with backoff); the re-run skips what is done.
        raise RuntimeError(f"{len(failed)} refund(s) failed; {done} done")
    return done


def refundable_pledges(actor, campaign_id, page=1, per_page=50):
    """A campaign's paid pledges (any provider), newest first, for the staff refund page."""
    ensure("payments.refund", db.session.get(Campaign, campaign_id), user=actor)
    stmt = (
        db.select(Pledge)
        .where(Pledge.campaign_id == campaign_id, Pledge.status == PledgeStatus.PAID)
        .order_by(Pledge.paid_at.desc(), Pledge.id.desc())
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def staff_refund(actor, campaign_id, pledge_id, amount=None):
    """Staff refund ``amount`` (``None``: all that is left) of a paid pledge of the campaign."""
    ensure("payments.refund", db.session.get(Campaign, campaign_id), user=actor)
    pledge = db.session.get(Pledge, pledge_id)
    if pledge is None or pledge.campaign_id != campaign_id or pledge.status != PledgeStatus.PAID:
        db.session.rollback()
        raise PaymentError(_l("Only a paid pledge of this campaign can be refunded."))
    db.session.rollback()
    return refund_pledge(pledge_id, amount=amount, actor=actor, reason="staff")
