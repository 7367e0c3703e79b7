"""Date-filtered money reports read the per-day rows kept in step with the pledges
(``report_campaign_backer_days``, ``wcl.reports.maintenance``), never the pledges; they must
equal a direct scan of the pledges for every range: Bishkek day boundaries (UTC 18:00–24:00 is
the next day in Bishkek), a backer who paid on two days counted once, refunds made on later
days (counted against the pledge, which stays in the day it was paid), pledges moved, paid
without a payment time, and deleted."""

import importlib.util
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from tests.factories.accounts import UserFactory
from tests.factories.campaigns import CampaignFactory, PledgeFactory
from wcl.campaigns.models import Pledge, PledgeStatus
from wcl.core.ledger import check_ledger
from wcl.extensions import db
from wcl.reports import queries, services
from wcl.reports.maintenance import backer_key, payment_day
from wcl.reports.models import CampaignBackerDay, CampaignDay, CampaignDayBackers
from wcl.reports.services.filters import Filters


def utc(text):
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _scan(date_from, date_to):
    """{campaign: (net money, distinct backers)} of pledges paid in the Bishkek days
    [date_from, date_to] (inclusive, either open), straight from the pledges."""
    bounds = Filters(date_from=date_from, date_to=date_to).sql()
    out = {}
    for p in db.session.scalars(sa.select(Pledge).where(Pledge.status == PledgeStatus.PAID)):
        if p.paid_at is None and (date_from or date_to):  # no range holds a pledge without a payment time
            continue
        if "date_from" in bounds and p.paid_at < bounds["date_from"]:
            continue
        if "date_to" in bounds and p.paid_at >= bounds["date_to"]:
            continue
        money, backers = out.get(p.campaign_id, (0, set()))
        backers.add(backer_key(p.backer_id, p.backer_email, p.id))
        out[p.campaign_id] = (money + p.amount - p.refunded_amount, backers)
    return {cid: (money, len(backers)) for cid, (money, backers) in out.items()}


def _kept(date_from, date_to):
    sql = Filters(date_from=date_from, date_to=date_to).sql()
    return {cid: (int(money), backers) for cid, money, backers in db.session.execute(queries.paid_money(sql))}


# Inclusive Bishkek date ranges, open at either end, one day, across every boundary below.
RANGES = [
    (None, None),
    (date(2026, 3, 1), None),
    (None, date(2026, 3, 1)),
    (date(2026, 3, 1), date(2026, 3, 1)),
    (date(2026, 3, 2), date(2026, 3, 2)),
    (date(2026, 3, 1), date(2026, 3, 2)),
    (date(2026, 2, 28), date(2026, 3, 3)),
    (date(2026, 3, 3), date(2026, 3, 31)),
    (date(2026, 4, 1), date(2026, 4, 30)),
]


def _assert_exact():
    for date_from, date_to in RANGES:
        scanned = _scan(date_from, date_to)
        assert _kept(date_from, date_to) == scanned, (date_from, date_to)
    assert check_ledger()["report money by day"] == []
    assert check_ledger()["report money"] == []


def test_payment_day_is_the_bishkek_date():
    assert payment_day(utc("2026-03-01 17:59:59")) == date(2026, 3, 1)
    assert payment_day(utc("2026-03-01 18:00:00")) == date(2026, 3, 2)
    assert payment_day(utc("2026-03-01 23:59:59")) == date(2026, 3, 2)
    assert payment_day(None) is None


def test_date_filtered_money_equals_a_scan_of_the_pledges(app_ctx):
    one, two = CampaignFactory(), CampaignFactory()
    account = UserFactory()
    paid = {"status": "paid"}
    # Ai pays on one's Bishkek 1 March (UTC 17:59) and 2 March (UTC 18:00 on 1 March): one
    # backer in a range holding both days, one backer on each day alone.
    a = PledgeFactory(
        campaign=one, amount=100_000, paid_at=utc("2026-03-01 17:59"), backer_email="Ai@x.kg", **paid
    )
    b = PledgeFactory(
        campaign=one, amount=40_000, paid_at=utc("2026-03-01 18:00"), backer_email="ai@x.kg", **paid
    )
    # An account pays twice on the same Bishkek day (2 March) and once in April.
    c = PledgeFactory(
        campaign=one, amount=30_000, paid_at=utc("2026-03-02 05:00"), backer_id=account.id, **paid
    )
    PledgeFactory(campaign=one, amount=20_000, paid_at=utc("2026-03-02 17:00"), backer_id=account.id, **paid)
    PledgeFactory(campaign=one, amount=25_000, paid_at=utc("2026-04-10 19:30"), backer_id=account.id, **paid)
    # Campaign two: a last-minute payment of 28 February UTC that is 1 March in Bishkek, a
    # pledge with no email (its own backer), a pending one and a paid one with no payment time.
    d = PledgeFactory(campaign=two, amount=60_000, paid_at=utc("2026-02-28 23:30"), backer_email=None, **paid)
    e = PledgeFactory(campaign=two, amount=70_000, paid_at=utc("2026-03-03 12:00"), **paid)
    f = PledgeFactory(campaign=two, amount=80_000, status="pending")
    PledgeFactory(campaign=two, amount=90_000, status="paid", paid_at=None)
    db.session.commit()
    assert _kept(date(2026, 3, 1), date(2026, 3, 2)) == {one.id: (190_000, 2), two.id: (60_000, 1)}
    assert _kept(date(2026, 3, 2), date(2026, 3, 2)) == {one.id: (90_000, 2)}
    assert _kept(date(2026, 2, 28), date(2026, 2, 28)) == {}
    _assert_exact()

    # Refunds on later days: a partial one counts against the day the pledge was paid;
    # a full one takes the pledge (and, here, Ai on 2 March) out of its day.
    a.refunded_amount = 30_000
    db.session.commit()
    b.refunded_amount, b.status, b.closed_at = 40_000, "refunded", utc("2026-03-20 10:00")
    db.session.commit()
    assert _kept(date(2026, 3, 2), date(2026, 3, 2)) == {one.id: (50_000, 1)}
    assert _kept(date(2026, 3, 1), date(2026, 3, 1)) == {one.id: (70_000, 1), two.id: (60_000, 1)}
    _assert_exact()

    # Paid later (the pending one, after midnight Bishkek), moved to another campaign, its
    # backer corrected, its payment time corrected across a day boundary, deleted.
    f.status, f.paid_at = "paid", utc("2026-03-31 18:30")
    db.session.commit()
    e.campaign_id = one.id
    db.session.commit()
    c.backer_id, c.backer_email = None, "ai@x.kg"
    db.session.commit()
    d.paid_at = utc("2026-03-02 00:30")
    db.session.commit()
    db.session.delete(a)
    db.session.commit()
    assert _kept(date(2026, 4, 1), date(2026, 4, 30)) == {one.id: (25_000, 1), two.id: (80_000, 1)}
    _assert_exact()
    assert db.session.scalar(sa.select(sa.func.min(CampaignBackerDay.paid_pledges))) >= 0
    assert db.session.scalar(sa.select(sa.func.min(CampaignDayBackers.backers))) >= 0
    _assert_backfill_gives_the_kept_rows()


DAY_TABLES = (CampaignDay, CampaignBackerDay, CampaignDayBackers)
MIGRATION = (
    Path(__file__).parents[2] / "migrations" / "versions" / "8361f3cdf911_reports_per_day_backer_money.py"
)


def _day_rows():
    """The day tables' rows that count (a row moved back to zero counts as absent)."""
    out = set()
    for model in DAY_TABLES:
        value = [c for c in model.__table__.c if not c.primary_key][0]
        keys = [c for c in model.__table__.c if c.primary_key]
        rows = db.session.execute(sa.select(*keys, value).where(value != 0))
        out |= {(model.__tablename__, *row) for row in rows}
    return out


def _assert_backfill_gives_the_kept_rows():
    """The migration's backfill, run on the same pledges, gives the rows the maintenance kept."""
    kept = _day_rows()
    for model in DAY_TABLES:
        db.session.execute(sa.delete(model))
    spec = importlib.util.spec_from_file_location("day_migration", MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    migration.backfill(lambda sql: db.session.execute(sa.text(sql)), db.session.get_bind().dialect.name)
    assert _day_rows() == kept
    db.session.commit()
    _assert_exact()


def test_one_backer_over_many_days(app_ctx):
    """A backer paying on days 1, 3 and 5, then losing day 3, then day 1: counted once in
    every range holding any of her days, each change keeping the (day, previous day) rows."""
    campaign = CampaignFactory()
    pledges = {
        d: PledgeFactory(
            campaign=campaign,
            status="paid",
            amount=10_000 * d,
            paid_at=utc(f"2026-03-0{d} 10:00"),
            backer_email="x@x.kg",
        )
        for d in (5, 1, 3)
    }
    db.session.commit()
    ranges = [(date(2026, 3, a), date(2026, 3, b)) for a in range(1, 7) for b in range(a, 7)]
    for step in ("all", 3, 1):
        if step != "all":
            pledges[step].status, pledges[step].refunded_amount = "refunded", pledges[step].amount
            db.session.commit()
        for date_from, date_to in [*ranges, *RANGES]:
            assert _kept(date_from, date_to) == _scan(date_from, date_to), (step, date_from, date_to)
        assert check_ledger()["report money by day"] == []
    _assert_backfill_gives_the_kept_rows()


def test_the_report_page_with_dates_reads_the_days(app_ctx, count_queries):
    """The page's money with dates comes from the kept rows (no pledge is read) and shows
    the scan's totals."""
    staff = UserFactory(roles=["staff"])
    campaign = CampaignFactory()
    for hour in range(10):
        PledgeFactory(
            campaign=campaign,
            status="paid",
            amount=10_000,
            paid_at=utc("2026-03-01 12:00") + timedelta(hours=hour),
        )
    db.session.commit()
    filters = services.parse_filters(
        {"by": "gender", "date_from": "2026-03-01", "date_to": "2026-03-01"}, staff
    )
    with count_queries() as statements:
        services.build_report(filters, staff)
    money = [s for s in statements if "report_campaign_day_backers" in s]
    assert len(money) == 1
    assert not any("FROM pledges" in s or "JOIN pledges" in s for s in statements)
    # 12:00–17:00 UTC is 1 March in Bishkek (6 pledges), 18:00–21:00 is 2 March.
    assert _kept(date(2026, 3, 1), date(2026, 3, 1)) == _scan(date(2026, 3, 1), date(2026, 3, 1))
    assert _kept(date(2026, 3, 1), date(2026, 3, 1)) == {campaign.id: (60_000, 6)}


def test_check_ledger_compares_the_days_with_the_pledges(app_ctx):
    pledge = PledgeFactory(
        status="paid", paid_at=utc("2026-03-01 18:30"), amount=80_000, backer_email="Bo@x.kg"
    )
    db.session.commit()
    assert check_ledger()["report money by day"] == []
    # Changes behind the ORM's back: the day's money, and a backer counted twice.
    db.session.execute(sa.update(CampaignDay).values(pledged=1))
    db.session.execute(sa.update(CampaignDayBackers).values(backers=2))
    db.session.commit()
    assert check_ledger()["report money by day"] == [
        f"money: campaign_id {pledge.campaign_id}, day 2026-03-02: report table 1, pledges 80000",
        f"backers: campaign_id {pledge.campaign_id}, day 2026-03-02, since 1900-01-01: report table 2, pledges 1",
    ]
