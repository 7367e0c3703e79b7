"""Sponsor matching: reserved atomically when paid, released once on refund, never over the caps."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import sqlalchemy as sa

from tests.factories.accounts import UserFactory
from tests.factories.campaigns import CampaignFactory, MatchingPoolFactory, PledgeFactory
from wcl.campaigns import services
from wcl.campaigns.matching import match_amount
from wcl.campaigns.models import MatchingPool, MatchReservation, Pledge
from wcl.extensions import db
from wcl.payments import services as payments
from wcl.time import utcnow


def _reserved(pool_id):
    db.session.expire_all()
    pool = db.session.get(MatchingPool, pool_id)
    live = db.session.scalar(
        db.select(sa.func.coalesce(sa.func.sum(MatchReservation.amount), 0)).where(
            MatchReservation.pool_id == pool_id, MatchReservation.released_at.is_(None)
        )
    )
    assert pool.reserved == live  # the counter always equals the live reservations
    return live


def test_match_amount_takes_the_smallest_limit():
    pool = MatchingPool(
        budget=10_000, reserved=9_000, ratio_num=1, ratio_den=2, cap_per_pledge=3_000, cap_per_campaign=5_000
    )
    assert match_amount(pool, 4_000, 0) == 1_000  # pool remaining
    pool.reserved = 0
    assert match_amount(pool, 4_000, 0) == 2_000  # ratio 1:2
    assert match_amount(pool, 10_000, 0) == 3_000  # cap per pledge
    assert match_amount(pool, 10_000, 4_500) == 500  # cap per campaign
    assert match_amount(pool, 10_000, 5_000) == 0


def test_paid_pledge_is_matched_partially_when_the_pool_runs_low_and_refund_releases_once(app_ctx):
    campaign = CampaignFactory()
    pool = MatchingPoolFactory(campaigns=[campaign], budget=300_000)
    first, second = (
        PledgeFactory(campaign=campaign, amount=200_000),
        PledgeFactory(campaign=campaign, amount=200_000),
    )
    payments.mark_pledge_paid(first.id, 200_000, "KGS")
    payments.mark_pledge_paid(second.id, 200_000, "KGS")
    payments.mark_pledge_paid(second.id, 200_000, "KGS")  # a repeat reserves nothing more
    assert _reserved(pool.id) == 300_000
    amounts = db.session.scalars(
        db.select(MatchReservation.amount).order_by(MatchReservation.pledge_id)
    ).all()
    assert amounts == [200_000, 100_000]
    assert services.campaign_totals([campaign.id])[campaign.id] == {
        "raised": 400_000,
        "backers": 2,
        "matched": 300_000,
    }

    payments.refund_pledge(first.id)
    payments.refund_pledge(first.id)  # already refunded: nothing happens
    assert _reserved(pool.id) == 100_000
    assert services.campaign_totals([campaign.id])[campaign.id] == {
        "raised": 200_000,
        "backers": 1,
        "matched": 100_000,
    }


def test_partial_refunds_shrink_the_match_in_proportion_and_the_last_releases_it(app_ctx):
    from wcl.audit.models import AuditEntry

    campaign = CampaignFactory()
    pool = MatchingPoolFactory(campaigns=[campaign], budget=1_000_000)
    pledge = PledgeFactory(campaign=campaign, amount=300_000)
    payments.mark_pledge_paid(pledge.id, 300_000, "KGS")
    assert _reserved(pool.id) == 300_000

    payments.refund_pledge(pledge.id, amount=100_000)  # a third of the backer's money goes back
    assert _reserved(pool.id) == 200_000
    assert services.campaign_totals([campaign.id])[campaign.id] == {
        "raised": 200_000,
        "backers": 1,
        "matched": 200_000,
    }
    payments.refund_pledge(pledge.id, amount=50_000)  # 200k → 150k: the match keeps 3/4
    assert _reserved(pool.id) == 150_000
    payments.refund_pledge(pledge.id)  # the rest: the match is released entirely, once
    assert _reserved(pool.id) == 0
    assert db.session.get(Pledge, pledge.id).status == "refunded"
    reduced = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "pledge.match_reduced").order_by(AuditEntry.id)
    ).all()
    assert [entry.data["released"] for entry in reduced] == [100_000, 50_000]


def test_only_eligible_active_pools_in_the_same_currency_match(app_ctx):
    campaign, other = CampaignFactory(), CampaignFactory()
    MatchingPoolFactory(campaigns=[other])
    MatchingPoolFactory(campaigns=[campaign], currency="USD")
    MatchingPoolFactory(campaigns=[campaign], active=False)
    MatchingPoolFactory(
        campaigns=[campaign], starts_at=utcnow() - timedelta(days=9), ends_at=utcnow() - timedelta(days=1)
    )
    pledge = PledgeFactory(campaign=campaign)
    payments.mark_pledge_paid(pledge.id, pledge.amount, "KGS")
    assert db.session.scalar(db.select(sa.func.count(MatchReservation.id))) == 0


def test_staff_create_a_pool_through_the_service(app_ctx):
    staff = UserFactory(roles=["staff"])
    campaign = CampaignFactory()
    pool = services.save_pool(
        staff,
        {
            "sponsor_name": "Aiyl Bank",
            "budget": 1_000_000,
            "currency": "KGS",
            "ratio_num": 1,
            "ratio_den": 1,
            "cap_per_pledge": 50_000,
            "cap_per_campaign": None,
            "starts_at": utcnow(),
            "ends_at": utcnow() + timedelta(days=30),
            "campaign_ids": [campaign.id],
        },
    )
    assert [c.id for c in pool.campaigns] == [campaign.id]


def test_concurrent_payments_never_exceed_the_pool_or_its_caps(app):
    """Real concurrent connections: 16 threads mark 90 pledges paid at once."""
    with app.app_context():
        a, b = CampaignFactory(), CampaignFactory()
        pool = MatchingPoolFactory(
            campaigns=[a, b], budget=1_000_000, cap_per_pledge=15_000, cap_per_campaign=600_000
        )
        pledges = [PledgeFactory(campaign=a, amount=20_000) for _ in range(50)]
        pledges += [PledgeFactory(campaign=b, amount=20_000) for _ in range(40)]
        ids, pool_id, a_id = [p.id for p in pledges], pool.id, a.id

    def pay(pledge_id):
        with app.app_context():
            try:
                return payments.mark_pledge_paid(pledge_id, 20_000, "KGS")
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=16) as executor:
        outcomes = list(executor.map(pay, ids))
    assert all(o.startswith("paid") for o in outcomes)
    with app.app_context():
        assert _reserved(pool_id) == 1_000_000  # demand was 1.35 million: exactly the budget
        per_campaign = dict(
            db.session.execute(
                db.select(MatchReservation.campaign_id, sa.func.sum(MatchReservation.amount)).group_by(
                    MatchReservation.campaign_id
                )
            ).all()
        )
        assert per_campaign[a_id] <= 600_000
        assert max(db.session.scalars(db.select(MatchReservation.amount))) <= 15_000
        assert db.session.scalar(db.select(sa.func.count(Pledge.id)).where(Pledge.status == "paid")) == 90


def test_concurrent_refunds_release_each_match_once(app):
    with app.app_context():
        campaign = CampaignFactory()
        pool = MatchingPoolFactory(campaigns=[campaign], budget=500_000)
        pledges = [PledgeFactory(campaign=campaign, amount=10_000) for _ in range(20)]
        for p in pledges:
            payments.mark_pledge_paid(p.id, 10_000, "KGS")
        ids, pool_id = [p.id for p in pledges], pool.id

    def refund(pledge_id):
        with app.app_context():
            try:
                return payments.refund_pledge(pledge_id) is not None
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=16) as executor:
        results = list(executor.map(refund, ids + ids))  # every refund requested twice
    assert results.count(True) == 20
    with app.app_context():
        assert _reserved(pool_id) == 0
