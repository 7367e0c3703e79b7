"""Read-only campaign lookups that other domains need (receipts, payments, reports).

Imports only models: never services, never permissions.
"""

from functools import cache

import sqlalchemy as sa

from wcl.accounts.models import User
from wcl.campaigns.models import Campaign, MatchingPool, MatchReservation, Pledge, PledgeStatus
from wcl.cohorts.models import Cohort, Enrolment
from wcl.extensions import db
from wcl.grants.models import FundMovement, GrantFund, MovementKind
from wcl.labs.models import Lab


def campaign_lab(campaign_id):
    """The lab a campaign belongs to, as a correlated SQL expression: the lab's own
    campaign's lab, else a community project's lab (``Campaign.community_lab_id``),
    else its owner's cohort's lab (her latest enrolment, as the reports count it),
    NULL when she is in no cohort. ``campaign_id`` is a column (``Campaign.id``,
    ``Pledge.campaign_id``, ``Receipt.campaign_id``) or a value.
    The one statement of "a campaign's lab"."""
    owned = sa.orm.aliased(Campaign)
    carried = sa.orm.aliased(Campaign)
    return sa.func.coalesce(
        sa.select(sa.func.coalesce(carried.lab_id, carried.community_lab_id))
        .where(carried.id == campaign_id)
        .scalar_subquery(),
        _owner_cohort_lab(owned, campaign_id),
    )


def _owner_cohort_lab(owned, campaign_id):
    return (
        sa.select(Cohort.lab_id)
        .select_from(Enrolment)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .join(owned, owned.owner_id == Enrolment.participant_id)
        .where(owned.id == campaign_id)
        .order_by(Enrolment.enrolled_at.desc(), Enrolment.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def campaign_lab_id(campaign_id):
    """The id of the lab ``campaign_id`` belongs to (``None``: no lab)."""
    return db.session.scalar(sa.select(campaign_lab(campaign_id)))


def pool_lab_id(pool):
    """The lab a matching pool belongs to: the one lab of every campaign it matches
    (a lab campaign feeding it counts too), or, matching none, its creator's lab;
    ``None`` when that is no single lab. As the permission rule reads a pool."""
    ids = [c.id for c in pool.campaigns]
    ids += db.session.scalars(sa.select(Campaign.id).where(Campaign.feeds_pool_id == pool.id)).all()
    if ids:
        labs = {campaign_lab_id(cid) for cid in ids}
        return labs.pop() if len(labs) == 1 else None
    creator = db.session.get(User, pool.created_by_id) if pool.created_by_id else None
    return getattr(creator, "lab_id", None)


def matched_out_of(pool_id):
    """What ``pool_id`` has matched so far (its live reservations)."""
    return int(
        db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(MatchReservation.amount), 0)).where(
                MatchReservation.pool_id == pool_id, MatchReservation.released_at.is_(None)
            )
        )
    )


def pledges_of(user):
    """Which pledges are ``user``'s, as a SQL condition: her own, and guest pledges
    made with the email address she has confirmed, however its letters were cased
    when typed. The one rule for "my pledges", backers-only updates and receipts."""
    by_email, values = reader(user)
    return _pledges_of(values["reader_id"], values["reader_email"] if by_email else None)


@cache
def pledges_of_reader(by_email):
    """``pledges_of`` with the user as bound parameters (``reader``): one condition per
    shape (``by_email``: her confirmed address counts), for statements built once and
    run with her values."""
    return _pledges_of(sa.bindparam("reader_id"), sa.bindparam("reader_email") if by_email else None)


def _pledges_of(user_id, email):
    mine = Pledge.backer_id == user_id
    if email is not None:
        mine = mine | (Pledge.backer_id.is_(None) & (sa.func.lower(Pledge.backer_email) == email))
    return mine


def reader(user):
    """``(by_email, values)``: the shape of ``pledges_of_reader`` for ``user`` and its bound
    parameters. An unconfirmed address proves nothing, so it does not count."""
    by_email = user.email_verified_at is not None and bool(user.email)
    return by_email, {"reader_id": user.id, "reader_email": (user.email or "").lower()}


def campaign_totals(campaign_ids):
    """``{id: {"raised", "backers", "matched"}}`` — two grouped queries for any number of campaigns.

    ``raised`` is backers' money (paid pledges, less partial refunds);
    ``matched`` is what sponsors reserved, shown separately.
    """
    totals = {cid: {"raised": 0, "backers": 0, "matched": 0} for cid in campaign_ids}
    if not campaign_ids:
        return totals
    for cid, raised, backers in db.session.execute(
        db.select(
            Pledge.campaign_id,
            sa.func.coalesce(sa.func.sum(Pledge.amount - Pledge.refunded_amount), 0),
            sa.func.count(Pledge.id),
        )
        .where(Pledge.campaign_id.in_(campaign_ids), Pledge.status == PledgeStatus.PAID)
        .group_by(Pledge.campaign_id)
    ):
        totals[cid].update(raised=int(raised), backers=backers)
    for cid, matched in db.session.execute(
        db.select(MatchReservation.campaign_id, sa.func.sum(MatchReservation.amount))
        .where(MatchReservation.campaign_id.in_(campaign_ids), MatchReservation.released_at.is_(None))
        .group_by(MatchReservation.campaign_id)
    ):
        totals[cid]["matched"] = int(matched)
    return totals


def lab_destination(campaign_id, locale="en"):
    """Where a lab campaign's money goes, for its page and its receipts; ``None`` for
    a participant's campaign. ``{"kind": "pool"|"fund", "name", "lab_name", "used"}``:
    ``used`` is what the pool has matched out of it so far, or what the fund awarded."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.lab_id is None:
        return None
    lab = db.session.get(Lab, campaign.lab_id)
    if campaign.feeds_pool_id:
        pool = db.session.get(MatchingPool, campaign.feeds_pool_id)
        return {
            "kind": "pool",
            "name": pool.sponsor_name,
            "lab_name": lab.name(locale),
            "used": matched_out_of(pool.id),
            "ratio": (pool.ratio_num, pool.ratio_den),
        }
    fund = db.session.get(GrantFund, campaign.feeds_fund_id)
    awarded = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(FundMovement.amount), 0)).where(
            FundMovement.fund_id == fund.id, FundMovement.kind == MovementKind.AWARDED
        )
    )
    return {"kind": "fund", "name": fund.name, "lab_name": lab.name(locale), "used": int(awarded)}
