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
from wcl.reports.models import (
    NO_EARLIER_DAY,
    CampaignBackerDay,
    CampaignDay,
    CampaignDayBackers,
    CampaignMoney,
)

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


def _differences(name, truth, kept, keys, value):
    """Rows of ``truth`` and ``kept`` (subqueries with the ``keys`` columns and ``value``)
    that differ, a missing row counting as 0; the first 20, as text."""
    same = sa.and_(*[truth.c[k] == kept.c[k] for k in keys])
    rows = db.session.execute(
        sa.select(
            *[sa.func.coalesce(kept.c[k], truth.c[k]).label(k) for k in keys],
            sa.func.coalesce(kept.c[value], 0),
            sa.func.coalesce(truth.c[value], 0),
        )
        .select_from(truth)
        .join(kept, same, full=True)
        .where(sa.func.coalesce(kept.c[value], 0) != sa.func.coalesce(truth.c[value], 0))
        .order_by(*[sa.text(k) for k in keys])
        .limit(20)
    )
    return [
        f"{name} {', '.join(f'{k} {v}' for k, v in zip(keys, row[:-2], strict=True))}: "
        f"report table {int(row[-2])}, pledges {int(row[-1])}"
        for row in rows
    ]


def _bishkek_day_sql(moment):
    """The date in Asia/Bishkek of a stored UTC moment, in SQL."""
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.cast(sa.func.timezone("Asia/Bishkek", moment), sa.Date)
    return sa.func.date(moment, "+6 hours")  # SQLite stores UTC; Bishkek is UTC+6 (no summer time since 2005)


def _report_days_follow_pledges():
    """The money report's day tables equal the paid pledges: per Bishkek day of payment and
    campaign the net money, per backer her paid pledges of each day, and per (day, previous
    paid day of the backer) the number of backers; each compared in SQL."""
    day = _bishkek_day_sql(Pledge.paid_at)
    backer = _backer_sql()
    paid = sa.and_(Pledge.status == PledgeStatus.PAID, Pledge.paid_at.isnot(None))
    money = (
        sa.select(
            day.label("day"),
            Pledge.campaign_id.label("campaign_id"),
            sa.func.sum(Pledge.amount - Pledge.refunded_amount).label("pledged"),
        )
        .where(paid)
        .group_by(day, Pledge.campaign_id)
        .subquery()
    )
    backer_days = (
        sa.select(
            Pledge.campaign_id.label("campaign_id"),
            backer.label("backer"),
            day.label("day"),
            sa.func.count().label("paid_pledges"),
        )
        .where(paid)
        .group_by(Pledge.campaign_id, backer, day)
        .subquery()
    )
    previous = sa.func.lag(backer_days.c.day).over(
        partition_by=(backer_days.c.campaign_id, backer_days.c.backer), order_by=backer_days.c.day
    )
    runs = sa.select(
        backer_days.c.day,
        backer_days.c.campaign_id,
        sa.func.coalesce(previous, NO_EARLIER_DAY).label("since"),
    ).subquery()
    day_backers = (
        sa.select(runs.c.day, runs.c.campaign_id, runs.c.since, sa.func.count().label("backers"))
        .group_by(runs.c.day, runs.c.campaign_id, runs.c.since)
        .subquery()
    )
    return _day_table_differences(money, backer_days, day_backers)


def _day_table_differences(money, backer_days, day_backers):
    """Each of the three day tables compared with what the pledges say it holds."""
    return [
        *_differences("money:", money, sa.select(CampaignDay).subquery(), ("campaign_id", "day"), "pledged"),
        *_differences(
            "backer:",
            backer_days,
            sa.select(CampaignBackerDay).subquery(),
            ("campaign_id", "backer", "day"),
            "paid_pledges",
        ),
        *_differences(
            "backers:",
            day_backers,
            sa.select(CampaignDayBackers).subquery(),
            ("campaign_id", "day", "since"),
            "backers",
        ),
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
