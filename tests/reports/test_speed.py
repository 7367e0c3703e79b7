"""The report's cost (issue 16, speed): a fixed number of queries per page, and the money
figures read from the per-campaign table kept in step with the pledges instead of a scan of
every pledge (``wcl.reports.maintenance``)."""

import sqlalchemy as sa

from tests.factories.accounts import UserFactory
from tests.factories.campaigns import CampaignFactory, PledgeFactory
from wcl.campaigns.models import Pledge, PledgeStatus
from wcl.extensions import db
from wcl.reports import services
from wcl.reports.maintenance import backer_key
from wcl.reports.models import CampaignBacker, CampaignMoney
from wcl.time import utcnow


def _from_pledges():
    """{campaign: (net paid money, distinct backers)} counted from the pledges themselves."""
    out = {}
    for p in db.session.scalars(sa.select(Pledge).where(Pledge.status == PledgeStatus.PAID)):
        money, backers = out.get(p.campaign_id, (0, set()))
        backers.add(backer_key(p.backer_id, p.backer_email, p.id))
        out[p.campaign_id] = (money + p.amount - p.refunded_amount, backers)
    return {cid: (money, len(backers)) for cid, (money, backers) in out.items()}


def _kept():
    return {
        m.campaign_id: (m.pledged, m.backers)
        for m in db.session.scalars(sa.select(CampaignMoney))
        if m.pledged or m.backers
    }


def test_the_kept_table_follows_every_change_of_a_pledge(app_ctx):
    one, two = CampaignFactory(), CampaignFactory()
    account = UserFactory()
    # Two paid pledges by the same email (any case): one backer; one by an account; one pending.
    a = PledgeFactory(campaign=one, amount=100_000, status="paid", paid_at=utcnow(), backer_email="Ai@x.kg")
    b = PledgeFactory(campaign=one, amount=50_000, status="paid", paid_at=utcnow(), backer_email="ai@x.kg")
    c = PledgeFactory(campaign=one, amount=70_000, status="pending", backer_id=account.id)
    d = PledgeFactory(campaign=two, amount=30_000, status="paid", paid_at=utcnow(), backer_email=None)
    db.session.commit()
    assert _kept() == _from_pledges() == {one.id: (150_000, 1), two.id: (30_000, 1)}
    # Paid, partly refunded, fully refunded, deleted: each step keeps the table right.
    c.status, c.paid_at = "paid", utcnow()
    db.session.commit()
    assert _kept() == _from_pledges() == {one.id: (220_000, 2), two.id: (30_000, 1)}
    a.refunded_amount = 40_000
    db.session.commit()
    assert _kept() == _from_pledges() == {one.id: (180_000, 2), two.id: (30_000, 1)}
    b.refunded_amount, b.status = 50_000, "refunded"
    db.session.commit()
    assert _kept() == _from_pledges() == {one.id: (130_000, 2), two.id: (30_000, 1)}
    a.refunded_amount, a.status = 100_000, "refunded"
    db.session.commit()
    assert _kept() == _from_pledges() == {one.id: (70_000, 1)} | {two.id: (30_000, 1)}
    db.session.delete(d)
    db.session.commit()
    assert _kept() == _from_pledges() == {one.id: (70_000, 1)}
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(CampaignBacker).where(CampaignBacker.paid_pledges < 0)
        )
        == 0
    )


def _page_queries(count_queries, staff, args):
    filters = services.parse_filters(args, staff)
    with count_queries() as queries:
        services.build_report(filters, staff)
    return len(queries)


def test_a_report_page_makes_a_fixed_number_of_queries(app_ctx, count_queries):
    staff = UserFactory(roles=["staff"])
    one_way = {"by": "gender"}
    cross = {"by": "gender", "by2": "region", "stage": "applied"}
    # Funnel (one query for every stage, one-way and two-way together), money, grants.
    assert _page_queries(count_queries, staff, one_way) == 3
    assert _page_queries(count_queries, staff, cross) == 3
    for _ in range(3):
        PledgeFactory(campaign=CampaignFactory(), status="paid", paid_at=utcnow())
    db.session.commit()
    assert _page_queries(count_queries, staff, cross) == 3


def test_check_ledger_compares_the_kept_table_with_the_pledges(app_ctx):
    from wcl.core.ledger import check_ledger

    pledge = PledgeFactory(status="paid", paid_at=utcnow(), amount=80_000)
    db.session.commit()
    assert check_ledger()["report money"] == []
    db.session.execute(sa.update(CampaignMoney).values(pledged=1))  # a bulk change behind the ORM's back
    db.session.commit()
    assert check_ledger()["report money"] == [
        f"campaign {pledge.campaign_id}: report table (1, 1), pledges (80000, 1)"
    ]


def test_the_filter_free_parts_of_the_statements_are_built_once(app_ctx, monkeypatch):
    """The union of every stage, the campaigns' base and the grants' rows depend on no filter:
    built once per process, not on every page (building them cost as much as running the
    report at 100,000 pledges, bench/reports.py)."""
    from wcl.reports.queries import campaigns, funnel, grants

    built = []
    for module, name in (
        (funnel, "_application_stages"),
        (campaigns, "owner_context"),
        (grants, "snapshot_or_current"),
    ):
        original = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, _f=original, _n=name: built.append(_n) or _f(*a))
    cached = (funnel.events, campaigns.campaign_base, grants._grant_rows)
    for function in cached:
        function.cache_clear()
    staff = UserFactory(roles=["staff"])
    two_weeks = {"by": "gender", "date_from": "2026-10-08", "date_to": "2026-10-21"}
    for args in ({"by": "gender"}, {"by": "region", "by2": "gender"}, two_weeks):
        services.build_report(services.parse_filters(args, staff), staff)
    assert sorted(built) == ["_application_stages", "owner_context", "snapshot_or_current"]
    for function in cached:
        function.cache_clear()  # the next test builds them without the spies
