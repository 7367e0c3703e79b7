"""Sponsor matching: reserved atomically when paid, released once on refund, never over the caps."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.campaigns import CampaignFactory, MatchingPoolFactory, PledgeFactory
from tests.helpers import csrf_token, login, post_form
from wcl.accounts.models import User
from wcl.campaigns import services
from wcl.campaigns.matching import match_amount
from wcl.campaigns.models import Campaign, MatchingPool, MatchReservation, Pledge
from wcl.campaigns.queries import campaign_totals
from wcl.extensions import db
from wcl.payments import services as payments
from wcl.time import to_local, utcnow


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
    assert campaign_totals([campaign.id])[campaign.id] == {
        "raised": 400_000,
        "backers": 2,
        "matched": 300_000,
    }

    payments.refund_pledge(first.id)
    payments.refund_pledge(first.id)  # already refunded: nothing happens
    assert _reserved(pool.id) == 100_000
    assert campaign_totals([campaign.id])[campaign.id] == {
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
    assert campaign_totals([campaign.id])[campaign.id] == {
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

    # Fewer threads than half the connection pool (5 + 10): a payment's commit also
    # marks its outbox rows on a second connection.
    with ThreadPoolExecutor(max_workers=7) as executor:
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

    with ThreadPoolExecutor(max_workers=7) as executor:  # see above: under half the pool
        results = list(executor.map(refund, ids + ids))  # every refund requested twice
    assert results.count(True) == 20
    with app.app_context():
        assert _reserved(pool_id) == 0


# --- the staff pages: /campaigns/matching/ (new) and /campaigns/matching/<id> (edit) --------


def _pool_data(campaign_id, **overrides):
    today = to_local(utcnow()).date()
    data = {
        "sponsor_name": "Aiyl Bank",
        "budget": "10000",
        "currency": "KGS",
        "ratio_num": "1",
        "ratio_den": "2",
        "cap_per_pledge": "",
        "cap_per_campaign": "500",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=30)).isoformat(),
        "campaigns": str(campaign_id),
        "active": "y",
    }
    data.update(overrides)
    return data


def _pool_world(app):
    with app.app_context():
        UserFactory(email="staff@example.org", roles=["staff"])
        for role in ("participant", "mentor", "reviewer"):
            UserFactory(email=f"{role}@example.org", roles=[role])
        return CampaignFactory(title="Felt slippers").id


def _pool_audit(app):
    from wcl.audit.models import AuditEntry

    with app.app_context():
        return db.session.execute(
            db.select(AuditEntry.actor_id, AuditEntry.target_id, AuditEntry.data).where(
                AuditEntry.action == "matching_pool.saved"
            )
        ).all()


def _pools(app):
    with app.app_context():
        return db.session.execute(
            db.select(MatchingPool.sponsor_name, MatchingPool.budget).order_by(MatchingPool.id)
        ).all()


def _staff(app):
    client = app.test_client()
    login(client, "staff@example.org", PASSWORD)
    return client


def test_staff_create_a_pool_through_the_page(app):
    campaign_id = _pool_world(app)
    staff = _staff(app)
    response = post_form(staff, "/campaigns/matching/", _pool_data(campaign_id))
    assert response.status_code == 302 and response.headers["Location"].endswith("/campaigns/matching/")
    with app.app_context():
        pool = db.session.scalar(db.select(MatchingPool))
        assert (pool.sponsor_name, pool.budget, pool.currency) == ("Aiyl Bank", 1_000_000, "KGS")
        assert (pool.ratio_num, pool.ratio_den) == (1, 2)
        assert (pool.cap_per_pledge, pool.cap_per_campaign) == (None, 50_000)
        assert pool.active and [c.id for c in pool.campaigns] == [campaign_id]
        assert pool.ends_at - pool.starts_at == timedelta(days=31)  # the last day is included
        staff_id = db.session.scalar(db.select(User.id).where(User.email == "staff@example.org"))
        assert _pool_audit(app) == [(staff_id, pool.id, {"campaigns": [campaign_id], "budget": 1_000_000})]
    page = staff.get("/campaigns/matching/").get_data(as_text=True)
    assert "The matching pool is saved." in page and "Aiyl Bank" in page and "1:2" in page


BAD_POOLS = [
    # (field, value typed, message shown under the field)
    ("sponsor_name", "  ", "This field is required."),
    ("ratio_num", "0", "Enter a whole number from 1 to 100."),
    ("ratio_num", "101", "Enter a whole number from 1 to 100."),
    ("ratio_den", "-1", "Enter a whole number from 1 to 100."),
    ("budget", "0", "The amount must be more than zero."),
    ("budget", "-500", "The amount must be more than zero."),
    ("budget", "", "This field is required."),
    ("cap_per_pledge", "0", "The amount must be more than zero."),
    ("cap_per_campaign", "-10", "The amount must be more than zero."),
    ("ends_on", "BEFORE", "The pool must end after it starts."),
]


@pytest.mark.parametrize(("name", "value", "message"), BAD_POOLS, ids=[f"{f}={v}" for f, v, _m in BAD_POOLS])
def test_a_bad_pool_is_refused_with_the_fields_message_and_nothing_is_saved(app, name, value, message):
    campaign_id = _pool_world(app)
    if value == "BEFORE":
        value = (to_local(utcnow()).date() - timedelta(days=2)).isoformat()
    response = post_form(_staff(app), "/campaigns/matching/", _pool_data(campaign_id, **{name: value}))
    assert response.status_code == 422
    assert f'<p class="error" id="{name}-error">{message}</p>' in response.get_data(as_text=True)
    assert _pools(app) == [] and _pool_audit(app) == []


def test_an_edit_keeps_the_budget_above_what_is_reserved(app):
    campaign_id = _pool_world(app)
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        pool = MatchingPoolFactory(campaigns=[campaign], budget=1_000_000, sponsor_name="Aiyl Bank")
        pledge = PledgeFactory(campaign=campaign, amount=300_000)
        payments.mark_pledge_paid(pledge.id, 300_000, "KGS")
        pool_id = pool.id
        assert _reserved(pool_id) == 300_000
    staff = _staff(app)
    path = f"/campaigns/matching/{pool_id}"
    assert 'value="Aiyl Bank"' in staff.get(path).get_data(as_text=True)

    response = post_form(staff, path, _pool_data(campaign_id, budget="2999.99", ratio_den="1"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert (
        '<p class="error" id="budget-error">The budget cannot be less than what is already reserved.</p>'
        in html
    )
    with app.app_context():
        unchanged = db.session.get(MatchingPool, pool_id)
        assert (unchanged.budget, unchanged.ratio_den, unchanged.reserved) == (1_000_000, 1, 300_000)
    assert _pool_audit(app) == []

    assert post_form(staff, path, _pool_data(campaign_id, budget="3000", ratio_den="1")).status_code == 302
    with app.app_context():
        assert db.session.get(MatchingPool, pool_id).budget == 300_000  # exactly what is reserved
    assert len(_pool_audit(app)) == 1


@pytest.mark.parametrize("role", ["anonymous", "participant", "mentor", "reviewer"])
def test_only_staff_may_save_a_pool(app, role):
    campaign_id = _pool_world(app)
    with app.app_context():
        pool_id = MatchingPoolFactory(budget=1_000_000, sponsor_name="Aiyl Bank").id
    client = app.test_client()
    token_page = "/account/login"
    if role != "anonymous":
        login(client, f"{role}@example.org", PASSWORD)
        token_page = "/campaigns/"
    for path in ("/campaigns/matching/", f"/campaigns/matching/{pool_id}"):
        data = {
            **_pool_data(campaign_id, sponsor_name="Someone", budget="1"),
            "csrf_token": csrf_token(client, token_page),
        }
        response = client.post(path, data=data)
        if role == "anonymous":
            assert response.status_code == 302 and "/account/login" in response.headers["Location"]
        else:
            assert response.status_code == 403, (role, path)
    assert _pools(app) == [("Aiyl Bank", 1_000_000)]
    assert _pool_audit(app) == []
