"""Sponsor matching: reserve a match when a pledge is paid, release it on refund.

Every change to a pool happens with its row locked (``SELECT … FOR UPDATE``),
pools always locked in id order (no deadlocks between two payments), and
the amount is computed under the lock:

    min(ratio × pledge, cap per pledge, cap per campaign − already matched
        for this campaign, pool budget − reserved)

so concurrent payments can never take more than the pool holds or its caps
allow; when the pool runs low the last pledge gets a partial match. The
check constraint on ``matching_pools`` is the last line of defence.
Helpers only flush; the payments service that calls them commits.
"""

import sqlalchemy as sa

from wcl.campaigns.models import MatchingPool, MatchReservation, matching_pool_campaigns
from wcl.extensions import db
from wcl.time import utcnow


def _eligible(campaign_id, currency, now):
    return (
        db.select(MatchingPool)
        .join(matching_pool_campaigns, matching_pool_campaigns.c.pool_id == MatchingPool.id)
        .where(
            matching_pool_campaigns.c.campaign_id == campaign_id,
            MatchingPool.currency == currency,
            MatchingPool.active.is_(True),
            MatchingPool.starts_at <= now,
            MatchingPool.ends_at > now,
        )
        .order_by(MatchingPool.id)
    )


def _matched_for_campaign(pool_id, campaign_id):
    return db.session.scalar(
        db.select(sa.func.coalesce(sa.func.sum(MatchReservation.amount), 0)).where(
            MatchReservation.pool_id == pool_id,
            MatchReservation.campaign_id == campaign_id,
            MatchReservation.released_at.is_(None),
        )
    )


def match_amount(pool, amount, matched_for_campaign):
    """What ``pool`` adds to a pledge of ``amount`` (pure; caps and remaining applied)."""
    limits = [amount * pool.ratio_num // pool.ratio_den, pool.budget - pool.reserved]
    if pool.cap_per_pledge is not None:
        limits.append(pool.cap_per_pledge)
    if pool.cap_per_campaign is not None:
        limits.append(pool.cap_per_campaign - matched_for_campaign)
    return max(0, min(limits))


def reserve_for_pledge(pledge, now=None):
    """Reserve matches for a pledge that just became paid; returns the total.

    Idempotent per (pool, pledge): a pledge already matched by a pool is skipped.
    """
    now = now or utcnow()
    pools = db.session.scalars(
        _eligible(pledge.campaign_id, pledge.currency, now)
        .with_for_update(of=MatchingPool)
        .execution_options(populate_existing=True)
    ).all()
    if not pools:
        return 0
    existing = set(
        db.session.scalars(db.select(MatchReservation.pool_id).where(MatchReservation.pledge_id == pledge.id))
    )
    total = 0
    for pool in pools:
        if pool.id in existing:
            continue
        amount = match_amount(pool, pledge.amount, _matched_for_campaign(pool.id, pledge.campaign_id))
        if amount <= 0:
            continue
        db.session.add(
            MatchReservation(
                pool_id=pool.id, pledge_id=pledge.id, campaign_id=pledge.campaign_id, amount=amount
            )
        )
        pool.reserved = MatchingPool.reserved + amount
        total += amount
    db.session.flush()
    return total


def release_for_pledge(pledge, now=None):
    """Release every live reservation of the pledge, once; returns the total released."""
    reservations = db.session.scalars(
        db.select(MatchReservation)
        .where(MatchReservation.pledge_id == pledge.id, MatchReservation.released_at.is_(None))
        .order_by(MatchReservation.pool_id)
    ).all()
    if not reservations:
        return 0
    # Lock the pools in id order, as reserve_for_pledge does.
    db.session.scalars(
        db.select(MatchingPool)
        .where(MatchingPool.id.in_([r.pool_id for r in reservations]))
        .order_by(MatchingPool.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    total = 0
    for reservation in reservations:
        reservation.released_at = now or utcnow()
        db.session.execute(
            sa.update(MatchingPool.__table__)
            .where(MatchingPool.__table__.c.id == reservation.pool_id)
            .values(reserved=MatchingPool.__table__.c.reserved - reservation.amount)
        )
        total += reservation.amount
    db.session.flush()
    return total


def banners(campaign_id, currency, now=None):
    """The active pools matching this campaign, with what each can still add to it.

    One query whatever the number of pools or reservations.
    """
    now = now or utcnow()
    used = (
        db.select(sa.func.coalesce(sa.func.sum(MatchReservation.amount), 0))
        .where(
            MatchReservation.pool_id == MatchingPool.id,
            MatchReservation.campaign_id == campaign_id,
            MatchReservation.released_at.is_(None),
        )
        .scalar_subquery()
    )
    rows = db.session.execute(_eligible(campaign_id, currency, now).add_columns(used)).all()
    result = []
    for pool, used_here in rows:
        left = pool.budget - pool.reserved
        if pool.cap_per_campaign is not None:
            left = min(left, pool.cap_per_campaign - used_here)
        if left > 0:
            result.append({"pool": pool, "left": left})
    return result
