"""Ledger checks: the money invariants a healthy database keeps, and its stored files; read-only.

Run after a restore (``scripts/restore.sh``), after an incident, or any
time with ``flask check-ledger``. Each check is one SQL query that lists the
rows breaking one rule; an empty list everywhere means the ledger is whole.
"""

import hashlib

import sqlalchemy as sa

from wcl.campaigns.models import (
    LabCampaignMovement,
    LabMovementKind,
    LabMovementStatus,
    MatchingPool,
    MatchReservation,
    Pledge,
    PledgeStatus,
    RewardTier,
)
from wcl.extensions import db
from wcl.files.models import StoredFile
from wcl.files.services import storage_root
from wcl.grants.models import FundMovement, Grant, GrantFund, MovementKind, Tranche, TrancheStatus
from wcl.payments.models import Refund
from wcl.receipts.models import Receipt
from wcl.receipts.numbering import ReceiptSequence

SETTLED = (PledgeStatus.PAID, PledgeStatus.REFUNDED)


def _receipt_numbers_are_gapless():
    """Each year's receipts are numbered 1..N with N the sequence's last number."""
    per_year = (
        sa.select(
            Receipt.year,
            sa.func.count(Receipt.id).label("issued"),
            sa.func.count(sa.distinct(Receipt.number)).label("distinct_numbers"),
            sa.func.min(Receipt.number).label("first"),
            sa.func.max(Receipt.number).label("last"),
        )
        .group_by(Receipt.year)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(per_year, ReceiptSequence.last_number)
        .outerjoin(ReceiptSequence, ReceiptSequence.year == per_year.c.year)
        .where(
            sa.or_(
                per_year.c.first != 1,
                per_year.c.last != per_year.c.issued,
                per_year.c.distinct_numbers != per_year.c.issued,
                ReceiptSequence.last_number.is_(None),
                ReceiptSequence.last_number != per_year.c.issued,
            )
        )
    ).all()
    return [
        f"receipts of {r.year}: {r.issued} issued, numbers {r.first}..{r.last}, sequence at {r.last_number}"
        for r in rows
    ]


def _receipts_belong_to_settled_pledges():
    """A receipt exists only for a pledge that was paid (and perhaps refunded since)."""
    rows = db.session.execute(
        sa.select(Receipt.id, Pledge.id, Pledge.status)
        .join(Pledge, Pledge.id == Receipt.pledge_id)
        .where(Pledge.status.not_in(SETTLED))
    ).all()
    return [f"receipt {r[0]} for pledge {r[1]}, which is {r[2]}" for r in rows]


def _total_per(key, aggregate, *conditions):
    """A subquery of ``aggregate`` (as ``total``) per value of ``key`` (as ``key``)."""
    return sa.select(key.label("key"), aggregate.label("total")).where(*conditions).group_by(key).subquery()


def _refunds_add_up():
    """A settled pledge's refunded amount is the sum of its refunds, within its amount."""
    refunded = _total_per(Refund.pledge_id, sa.func.sum(Refund.amount))
    total = sa.func.coalesce(refunded.c.total, 0)
    rows = db.session.execute(
        sa.select(Pledge.id, Pledge.amount, Pledge.refunded_amount, total)
        .outerjoin(refunded, refunded.c.key == Pledge.id)
        .where(
            Pledge.status.in_(SETTLED),
            sa.or_(
                Pledge.refunded_amount != total,
                Pledge.refunded_amount < 0,
                Pledge.refunded_amount > Pledge.amount,
                sa.and_(Pledge.status == PledgeStatus.REFUNDED, Pledge.refunded_amount != Pledge.amount),
            ),
        )
    ).all()
    return [f"pledge {r[0]}: amount {r[1]}, refunded {r[2]}, refunds sum to {r[3]}" for r in rows]


def _pools_hold_what_they_reserved():
    """A matching pool's reserved amount is its open reservations, within its budget."""
    open_reservations = _total_per(
        MatchReservation.pool_id, sa.func.sum(MatchReservation.amount), MatchReservation.released_at.is_(None)
    )
    total = sa.func.coalesce(open_reservations.c.total, 0)
    rows = db.session.execute(
        sa.select(MatchingPool.id, MatchingPool.budget, MatchingPool.reserved, total)
        .outerjoin(open_reservations, open_reservations.c.key == MatchingPool.id)
        .where(
            sa.or_(
                MatchingPool.reserved != total,
                MatchingPool.reserved < 0,
                MatchingPool.reserved > MatchingPool.budget,
            )
        )
    ).all()
    return [f"matching pool {r[0]}: budget {r[1]}, reserved {r[2]}, open reservations {r[3]}" for r in rows]


def _rewards_within_stock():
    """No limited reward is held by more pledges than it has."""
    held = _total_per(Pledge.tier_id, sa.func.count(Pledge.id), Pledge.holds_stock.is_(True))
    rows = db.session.execute(
        sa.select(RewardTier.id, RewardTier.quantity, held.c.total)
        .join(held, held.c.key == RewardTier.id)
        .where(RewardTier.quantity.is_not(None), held.c.total > RewardTier.quantity)
    ).all()
    return [f"reward {r[0]}: {r[2]} pledges hold {r[1]} places" for r in rows]


def _signed_movements(*conditions):
    """Per fund, the sum of its movements with their sign (funded and returned add, awarded takes)."""
    sign = sa.case(
        *((FundMovement.kind == kind, value) for kind, value in MovementKind.SIGN.items()), else_=0
    )
    return _total_per(FundMovement.fund_id, sa.func.sum(sign * FundMovement.amount), *conditions)


def _grant_funds_equal_their_movements():
    """A grant fund's balance is funded − awarded + returned, never negative."""
    moved = _signed_movements()
    total = sa.func.coalesce(moved.c.total, 0)
    rows = db.session.execute(
        sa.select(GrantFund.id, GrantFund.balance, total)
        .outerjoin(moved, moved.c.key == GrantFund.id)
        .where(sa.or_(GrantFund.balance != total, GrantFund.balance < 0))
    ).all()
    return [f"grant fund {r[0]}: balance {r[1]}, movements sum to {r[2]}" for r in rows]


def _grants_match_their_movements():
    """Each grant was awarded once for its amount, released at most its released
    tranches, and returned what it records as returned."""
    per_kind = {
        kind: _total_per(FundMovement.grant_id, sa.func.sum(FundMovement.amount), FundMovement.kind == kind)
        for kind in (MovementKind.AWARDED, MovementKind.RELEASED, MovementKind.RETURNED)
    }
    released = _total_per(
        Tranche.grant_id, sa.func.sum(Tranche.amount), Tranche.status == TrancheStatus.RELEASED
    )
    awarded, paid, returned = (sa.func.coalesce(q.c.total, 0) for q in per_kind.values())
    tranches = sa.func.coalesce(released.c.total, 0)
    stmt = sa.select(Grant.id, Grant.amount, awarded, paid, tranches, Grant.returned_amount, returned)
    for q in (*per_kind.values(), released):
        stmt = stmt.outerjoin(q, q.c.key == Grant.id)
    rows = db.session.execute(
        stmt.where(
            sa.or_(
                awarded != Grant.amount,
                paid != tranches,
                returned != Grant.returned_amount,
            )
        )
    ).all()
    return [
        f"grant {r[0]}: amount {r[1]}, awarded {r[2]}, released {r[3]} (tranches {r[4]}), "
        f"returned {r[5]} (movements {r[6]})"
        for r in rows
    ]


def _lab_campaign_net(key, *conditions):
    """Per pool (or fund), the applied lab-campaign movements: paid in less refunded."""
    sign = sa.case((LabCampaignMovement.kind == LabMovementKind.PAID, 1), else_=-1)
    return _total_per(
        key,
        sa.func.sum(sign * LabCampaignMovement.amount),
        LabCampaignMovement.status == LabMovementStatus.APPLIED,
        key.is_not(None),
        *conditions,
    )


def _lab_campaigns_equal_their_movements():
    """What lab campaigns moved into a pool (``from_campaigns``, within its budget) or a
    fund (its ``campaign`` less ``refunded`` lines) equals their applied movements, and
    each paid pledge of a lab campaign moved in once, for its amount."""
    problems = []
    net = _lab_campaign_net(LabCampaignMovement.pool_id)
    total = sa.func.coalesce(net.c.total, 0)
    rows = db.session.execute(
        sa.select(MatchingPool.id, MatchingPool.budget, MatchingPool.from_campaigns, total)
        .outerjoin(net, net.c.key == MatchingPool.id)
        .where(
            sa.or_(MatchingPool.from_campaigns != total, MatchingPool.from_campaigns > MatchingPool.budget)
        )
    ).all()
    problems += [
        f"matching pool {r[0]}: budget {r[1]}, from lab campaigns {r[2]}, movements {r[3]}" for r in rows
    ]
    net = _lab_campaign_net(LabCampaignMovement.fund_id)
    sign = sa.case((FundMovement.kind == MovementKind.CAMPAIGN, 1), else_=-1)
    lines = _total_per(
        FundMovement.fund_id,
        sa.func.sum(sign * FundMovement.amount),
        FundMovement.kind.in_((MovementKind.CAMPAIGN, MovementKind.REFUNDED)),
    )
    moved, ledger = sa.func.coalesce(net.c.total, 0), sa.func.coalesce(lines.c.total, 0)
    rows = db.session.execute(
        sa.select(GrantFund.id, ledger, moved)
        .outerjoin(net, net.c.key == GrantFund.id)
        .outerjoin(lines, lines.c.key == GrantFund.id)
        .where(ledger != moved)
    ).all()
    problems += [f"grant fund {r[0]}: lab campaign lines {r[1]}, movements {r[2]}" for r in rows]
    rows = db.session.execute(
        sa.select(Pledge.id, Pledge.amount, LabCampaignMovement.amount)
        .join(LabCampaignMovement, LabCampaignMovement.pledge_id == Pledge.id)
        .where(LabCampaignMovement.kind == LabMovementKind.PAID, LabCampaignMovement.amount != Pledge.amount)
    ).all()
    problems += [f"pledge {r[0]}: amount {r[1]}, moved in {r[2]}" for r in rows]
    return problems


def _stored_files_are_whole():
    """Every stored file's bytes are on disk with the size and SHA-256 recorded for them."""
    root = storage_root()
    problems = []
    for stored in db.session.scalars(sa.select(StoredFile).order_by(StoredFile.id)).yield_per(500):
        path = root / stored.key
        if not path.is_file():
            problems.append(f"file {stored.id} ({stored.key}) is missing")
            continue
        data = path.read_bytes()
        if len(data) != stored.size or hashlib.sha256(data).hexdigest() != stored.sha256:
            problems.append(f"file {stored.id} ({stored.key}) differs from what was stored")
    return problems


def _backer_sql():
    """``wcl.reports.maintenance.backer_key`` in SQL: the account, else the email, else the pledge."""
    return sa.case(
        (Pledge.backer_id.isnot(None), "u" + sa.cast(Pledge.backer_id, sa.String)),
        (sa.func.coalesce(Pledge.backer_email, "") != "", "e" + sa.func.lower(Pledge.backer_email)),
        else_="p" + sa.cast(Pledge.id, sa.String),
    )


def _report_money_follows_pledges():
    """The money report's per-campaign table equals its paid pledges (net money, distinct backers)."""
    from wcl.reports.models import CampaignMoney

    truth = {
        cid: (int(money), backers)
        for cid, money, backers in db.session.execute(
            sa.select(
                Pledge.campaign_id,
                sa.func.sum(Pledge.amount - Pledge.refunded_amount),
                sa.func.count(sa.distinct(_backer_sql())),
            )
            .where(Pledge.status == PledgeStatus.PAID)
            .group_by(Pledge.campaign_id)
        )
    }
    kept = {
        cid: (int(money), backers)
        for cid, money, backers in db.session.execute(
            sa.select(CampaignMoney.campaign_id, CampaignMoney.pledged, CampaignMoney.backers)
        )
        if money or backers
    }
    return [
        f"campaign {cid}: report table {kept.get(cid, (0, 0))}, pledges {truth.get(cid, (0, 0))}"
        for cid in sorted(set(truth) | set(kept))
        if kept.get(cid, (0, 0)) != truth.get(cid, (0, 0))
    ]


def _report_days_follow_pledges():
    """The money report's per-day rows (Bishkek day of payment, campaign, backer: paid pledges
    and their net money) equal the paid pledges; one SQL comparison, the first 50 differences."""
    from wcl.reports.models import CampaignBackerDay

    if db.session.get_bind().dialect.name == "postgresql":
        day = sa.cast(sa.func.timezone("Asia/Bishkek", Pledge.paid_at), sa.Date)
    else:  # SQLite stores UTC; Bishkek is UTC+6 (no summer time since 2005)
        day = sa.func.date(Pledge.paid_at, "+6 hours")
    backer = _backer_sql()
    truth = (
        sa.select(
            day.label("day"),
            Pledge.campaign_id,
            backer.label("backer"),
            sa.func.count().label("paid_pledges"),
            sa.func.sum(Pledge.amount - Pledge.refunded_amount).label("pledged"),
        )
        .where(Pledge.status == PledgeStatus.PAID, Pledge.paid_at.isnot(None))
        .group_by(day, Pledge.campaign_id, backer)
        .subquery()
    )
    kept = (
        sa.select(CampaignBackerDay)
        .where(sa.or_(CampaignBackerDay.paid_pledges != 0, CampaignBackerDay.pledged != 0))
        .subquery()
    )
    same = sa.and_(truth.c.day == kept.c.day, truth.c.campaign_id == kept.c.campaign_id)
    rows = db.session.execute(
        sa.select(
            sa.func.coalesce(kept.c.campaign_id, truth.c.campaign_id).label("campaign_id"),
            sa.func.coalesce(kept.c.day, truth.c.day).label("day"),
            sa.func.coalesce(kept.c.backer, truth.c.backer).label("backer"),
            kept.c.paid_pledges,
            kept.c.pledged,
            truth.c.paid_pledges,
            truth.c.pledged,
        )
        .select_from(truth)
        .join(kept, sa.and_(same, truth.c.backer == kept.c.backer), full=True)
        .where(
            sa.or_(
                kept.c.day.is_(None),
                truth.c.day.is_(None),
                kept.c.paid_pledges != truth.c.paid_pledges,
                kept.c.pledged != truth.c.pledged,
            )
        )
        .order_by(sa.text("campaign_id, day, backer"))
        .limit(50)
    )
    return [
        f"campaign {cid}, day {when}, backer {who}: report table ({k_paid or 0}, {int(k_money or 0)}), "
        f"pledges ({t_paid or 0}, {int(t_money or 0)})"
        for cid, when, who, k_paid, k_money, t_paid, t_money in rows
    ]


CHECKS = {
    "receipt numbers": _receipt_numbers_are_gapless,
    "receipts": _receipts_belong_to_settled_pledges,
    "refunds": _refunds_add_up,
    "matching pools": _pools_hold_what_they_reserved,
    "reward stock": _rewards_within_stock,
    "grant funds": _grant_funds_equal_their_movements,
    "grants": _grants_match_their_movements,
    "lab campaigns": _lab_campaigns_equal_their_movements,
    "stored files": _stored_files_are_whole,
    "report money": _report_money_follows_pledges,
    "report money by day": _report_days_follow_pledges,
}


GRANT_CHECKS = ("grant funds", "grants", "lab campaigns")


def check_grant_ledger():
    """Only the grant checks (the staff page of grant funds shows them)."""
    return {name: CHECKS[name]() for name in GRANT_CHECKS}


def check_ledger():
    """Run every check; returns ``{check name: [problem, …]}`` (all lists empty when whole)."""
    return {name: check() for name, check in CHECKS.items()}
