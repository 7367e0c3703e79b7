"""Sponsor matching: reserve a match when a pledge is paid, release it on refund
(in proportion on a partial refund).

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


def _live_reservations_with_pools_locked(pledge):
    reservations = db.session.scalars(
        db.select(MatchReservation)
        .where(MatchReservation.pledge_id == pledge.id, MatchReservation.released_at.is_(None))
        .order_by(MatchReservation.pool_id)
    ).all()
    if reservations:
        # Lock the pools in id order, as reserve_for_pledge does.
        db.session.scalars(
            db.select(MatchingPool)
            .where(MatchingPool.id.in_([r.pool_id for r in reservations]))
            .order_by(MatchingPool.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).all()
    return reservations


def _give_back(pool_id, amount):
    table = MatchingPool.__table__
    db.session.execute(
        sa.update(table).where(table.c.id == pool_id).values(reserved=table.c.reserved - amount)
    )


def release_for_pledge(pledge, now=None):
    """Release every live reservation of the pledge, once; returns the total released."""
    total = 0
    for reservation in _live_reservations_with_pools_locked(pledge):
        reservation.released_at = now or utcnow()
        _give_back(reservation.pool_id, reservation.amount)
        total += reservation.amount
    db.session.flush()
    return total


def reduce_for_pledge(pledge, refunded, now=None):
    """After a partial refund of ``refunded``, shrink the pledge's matches in proportion.

    The sponsor matches the backer's money, so when part of it goes back the match
    follows: each live reservation keeps ``amount × net after / net before``
    (rounded down) and the rest returns to its pool. Call it once per refund, after
    ``pledge.refunded_amount`` counts it; returns the total given back.
    """
    net_after = pledge.amount - pledge.refunded_amount
    net_before = net_after + refunded
    total = 0
    for reservation in _live_reservations_with_pools_locked(pledge):
        keep = reservation.amount * net_after // net_before
        cut = reservation.amount - keep
        if cut <= 0:
            continue
        if keep:
            reservation.amount = keep
        else:
            reservation.released_at = now or utcnow()
        _give_back(reservation.pool_id, cut)
        total += cut
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
