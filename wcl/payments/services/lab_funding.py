"""The lab's own campaign feeding a matching pool or a grant fund.

The hooks (``on_paid``, ``on_refunded``) only flush: their callers commit.
``settle_held_refund`` is staff's own unit of work and commits.

Called from the one place a pledge becomes paid (``_common._apply_paid``) and
the one place a refund is applied (``_common._apply_refund``). A paid pledge of
a lab campaign adds its amount to the pool's budget (and ``from_campaigns``) or
to the fund's balance (a ``campaign`` movement); a refund takes it back out —
unless that would take the pool below what it has reserved for matches, or the
fund below what it has awarded: then the refund is **held** (a movement row in
status ``held``, an audit entry, and the staff page of held refunds) and the
money stays where it is.

Every movement is a ``LabCampaignMovement`` with a unique key per pledge and
kind (``paid-<pledge>``, ``refunded-<pledge>-<refunded so far>``): a payment
or refund told twice moves the money once. The pool or fund row is locked
(``FOR UPDATE``, re-read) before it changes, as matching does, so concurrent
payments, refunds and match reservations never take a pool below zero or
below what it reserved.
"""

from flask_babel import lazy_gettext as _l

from wcl.accounts.permissions import ensure
from wcl.audit.services import record
from wcl.campaigns.models import (
    Campaign,
    LabCampaignMovement,
    LabMovementKind,
    LabMovementStatus,
    MatchingPool,
)
from wcl.extensions import db
from wcl.grants.models import MovementKind
from wcl.grants.services._common import lock_fund, move
from wcl.locks import lock
from wcl.payments.errors import PaymentError


def _already(key):
    return (
        db.session.scalar(db.select(LabCampaignMovement.id).where(LabCampaignMovement.key == key)) is not None
    )


def _movement(campaign, pledge, kind, key, amount, status):
    movement = LabCampaignMovement(
        key=key,
        campaign_id=campaign.id,
        pledge_id=pledge.id,
        pool_id=campaign.feeds_pool_id,
        fund_id=campaign.feeds_fund_id,
        kind=kind,
        status=status,
        amount=amount,
        currency=pledge.currency,
    )
    db.session.add(movement)
    db.session.flush()
    return movement


def _lab_campaign(pledge):
    campaign = db.session.get(Campaign, pledge.campaign_id)
    return campaign if campaign is not None and campaign.lab_id is not None else None


def on_paid(pledge, actor=None):
    """A lab campaign's pledge became paid: its amount flows into the pool or fund (once)."""
    campaign = _lab_campaign(pledge)
    if campaign is None:
        return None
    key = f"{LabMovementKind.PAID}-{pledge.id}"
    if _already(key):
        return None
    amount = pledge.amount
    if campaign.feeds_pool_id:
        pool = lock(MatchingPool, campaign.feeds_pool_id)
        pool.budget = pool.budget + amount
        pool.from_campaigns = pool.from_campaigns + amount
    else:
        fund = lock_fund(campaign.feeds_fund_id)
        move(
            fund,
            MovementKind.CAMPAIGN,
            amount,
            actor,
            source=campaign.title[:120],
            note=f"pledge {pledge.id}",
        )
    movement = _movement(campaign, pledge, LabMovementKind.PAID, key, amount, LabMovementStatus.APPLIED)
    record(
        "lab_campaign.fed",
        campaign,
        actor=actor,
        pledge_id=pledge.id,
        amount=amount,
        pool_id=movement.pool_id,
        fund_id=movement.fund_id,
    )
    return movement


def _pool_can_give_back(pool, amount):
    after = pool.budget - amount
    return after > 0 and after >= pool.reserved and pool.from_campaigns >= amount


def _take_back(pool_id, fund_id, amount, actor, source, pledge_id):
    """Take ``amount`` back out of the pool or fund (locked first) if it fits; whether it did."""
    if pool_id:
        pool = lock(MatchingPool, pool_id)
        if not _pool_can_give_back(pool, amount):
            return False
        pool.budget = pool.budget - amount
        pool.from_campaigns = pool.from_campaigns - amount
        return True
    fund = lock_fund(fund_id)
    if fund.balance < amount:
        return False
    move(fund, MovementKind.REFUNDED, amount, actor, source=source[:120], note=f"pledge {pledge_id}")
    return True


def on_refunded(pledge, amount, actor=None):
    """``amount`` of a lab campaign's pledge was refunded (``pledge.refunded_amount``
    already counts it): take it back out of the pool or fund, or hold it."""
    campaign = _lab_campaign(pledge)
    if campaign is None or amount <= 0:
        return None
    key = f"{LabMovementKind.REFUNDED}-{pledge.id}-{pledge.refunded_amount}"
    if _already(key):
        return None
    fits = _take_back(
        campaign.feeds_pool_id, campaign.feeds_fund_id, amount, actor, campaign.title, pledge.id
    )
    status = LabMovementStatus.APPLIED if fits else LabMovementStatus.HELD
    movement = _movement(campaign, pledge, LabMovementKind.REFUNDED, key, amount, status)
    record(
        "lab_campaign.refund_applied" if fits else "lab_campaign.refund_held",
        campaign,
        actor=actor,
        pledge_id=pledge.id,
        movement_id=movement.id,
        amount=amount,
        pool_id=movement.pool_id,
        fund_id=movement.fund_id,
    )
    return movement


def settle_held_refund(actor, movement_id):
    """Take a held refund out of its pool or fund now that there is room again; commits.

    Staff of the lab campaign's lab (or unscoped staff) do it from the held-refunds page.
    Refused, changing nothing, when the refund is no longer held or when the pool would
    still go below what it reserved (the fund below what it awarded).
    """
    movement = lock(LabCampaignMovement, movement_id)
    if movement is None:
        db.session.rollback()
        raise PaymentError(_l("This held refund does not exist."))
    campaign = db.session.get(Campaign, movement.campaign_id)
    ensure("campaigns.lab_campaign", campaign, user=actor)
    if movement.status != LabMovementStatus.HELD:
        db.session.rollback()
        raise PaymentError(_l("This refund has already been taken out of the pool or fund."))
    if not _take_back(
        movement.pool_id, movement.fund_id, movement.amount, actor, campaign.title, movement.pledge_id
    ):
        db.session.rollback()
        raise PaymentError(
            _l(
                "There is still no room: the pool would go below what it has reserved for matches, "
                "or the fund below what it has awarded."
            )
        )
    movement.status = LabMovementStatus.APPLIED
    record(
        "lab_campaign.refund_settled",
        campaign,
        actor=actor,
        pledge_id=movement.pledge_id,
        movement_id=movement.id,
        amount=movement.amount,
        pool_id=movement.pool_id,
        fund_id=movement.fund_id,
    )
    db.session.commit()
    return movement
