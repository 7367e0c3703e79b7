"""Pledging: guests and signed-in backers, bad input refused, stock never oversold."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.campaigns import CampaignFactory, RewardTierFactory
from tests.helpers import login, post_form
from wcl.audit.models import AuditEntry
from wcl.campaigns.models import Pledge, RewardTier
from wcl.campaigns.pledging import PledgeError
from wcl.extensions import db
from wcl.payments.services import checkout
from wcl.time import utcnow


def _setup(app, quantity=3, **campaign_fields):
    with app.app_context():
        campaign = CampaignFactory(slug="felt", **campaign_fields)
        tier = RewardTierFactory(campaign=campaign, min_amount=150_000, quantity=quantity)
        return campaign.id, tier.id


def _state(app, tier_id):
    with app.app_context():
        return (
            db.session.scalar(db.select(db.func.count(Pledge.id))),
            db.session.get(RewardTier, tier_id).held,
        )


def test_guest_pledge_is_pending_holds_stock_and_goes_to_checkout(app, client):
    _campaign_id, tier_id = _setup(app)
    response = post_form(
        client,
        "/campaigns/felt/pledge",
        {
            "tier": str(tier_id),
            "amount": "1 500",
            "currency": "KGS",
            "name": "Aida",
            "email": "Aida@Example.org",
            "gender": "woman",
            "anonymous": "y",
        },
        headers={"Accept-Language": "ky"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/payments/sandbox/")
    with app.app_context():
        pledge = db.session.scalar(db.select(Pledge))
        assert (pledge.status, pledge.amount, pledge.provider) == ("pending", 150_000, "sandbox")
        assert (pledge.backer_email, pledge.gender, pledge.locale, pledge.anonymous) == (
            "aida@example.org",
            "woman",
            "ky",
            True,
        )
        assert pledge.holds_stock and db.session.get(RewardTier, tier_id).held == 1
        assert pledge.provider_ref.startswith("cs_sb_")
        assert pledge.token in response.headers["Location"]


def test_signed_in_backer_pledges_without_typing_her_name(app, client):
    _setup(app)
    with app.app_context():
        UserFactory(email="b@example.org", full_name="Bermet", display_name="Bema")
    login(client, "b@example.org", PASSWORD)
    response = post_form(client, "/campaigns/felt/pledge", {"amount": "500", "currency": "KGS", "tier": ""})
    assert response.status_code == 302
    with app.app_context():
        pledge = db.session.scalar(db.select(Pledge))
        assert pledge.backer_name == "Bema" and pledge.backer_email == "b@example.org"
        assert pledge.tier_id is None and pledge.backer_id is not None


GUEST = {"name": "Aida", "email": "aida@example.org", "currency": "KGS"}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"amount": "1000", "tier": "TIER"}, "at least"),  # below the tier's minimum
        ({"amount": "0"}, "more than zero"),
        ({"amount": "-5"}, "more than zero"),
        ({"amount": "abc"}, "as a number"),
        ({"amount": "1e9999"}, "as a number"),  # no exponents (issue 15, point 11)
        ({"amount": "NaN"}, "as a number"),
        ({"amount": "100000000000"}, "too large"),
        ({"amount": "10.555"}, "decimal places"),
        ({"amount": "500", "currency": "USD"}, "KGS only"),
        ({"amount": "500", "email": "not-an-email"}, "valid email"),
        ({"amount": "500", "name": ""}, "your name"),
        ({"amount": "2000", "tier": "999999"}, "rewards"),
    ],
)
def test_bad_pledges_are_refused_and_change_nothing(app, client, fields, message):
    _campaign_id, tier_id = _setup(app)
    data = {**GUEST, "tier": "", **fields}
    if data["tier"] == "TIER":
        data["tier"] = str(tier_id)
    response = post_form(client, "/campaigns/felt/pledge", data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _state(app, tier_id) == (0, 0)


def test_sold_out_tier_is_refused(app, client):
    _campaign_id, tier_id = _setup(app, quantity=1)
    with app.app_context():
        db.session.get(RewardTier, tier_id).held = 1
        db.session.commit()
    response = post_form(client, "/campaigns/felt/pledge", {**GUEST, "amount": "2000", "tier": str(tier_id)})
    assert response.status_code == 422 and "sold out" in response.get_data(as_text=True)
    assert _state(app, tier_id) == (0, 1)


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "draft"},
        {"status": "in_review"},
        {"status": "succeeded"},
        {
            "status": "live",
            "ends_at": utcnow() - timedelta(minutes=1),
            "starts_at": utcnow() - timedelta(days=3),
        },
    ],
)
def test_pledging_to_a_campaign_not_taking_pledges_is_refused(app_ctx, fields):
    campaign = CampaignFactory(**fields)
    tier = RewardTierFactory(campaign=campaign)
    with app_ctx.test_request_context(), pytest.raises(PledgeError, match="not taking pledges"):
        checkout.create_pledge(campaign.id, amount=200_000, currency="KGS", tier_id=tier.id, **{
            "name": "A", "email": "a@example.org"})  # fmt: skip
    assert db.session.scalar(db.select(db.func.count(Pledge.id))) == 0
    assert db.session.get(RewardTier, tier.id).held == 0


def test_draft_campaign_page_and_pledge_form_are_not_public(app, client):
    _setup(app, status="draft")
    assert client.get("/campaigns/felt").status_code == 404
    assert client.get("/campaigns/felt/pledge").status_code == 404


def test_200_concurrent_pledges_against_50_units_hold_exactly_50(app):
    """Real concurrent connections: 16 threads, each with its own app context and session."""
    campaign_id, tier_id = _setup(app, quantity=50)
    start = threading.Barrier(16)

    def attempt(i):
        if i < 16:
            start.wait()  # the first wave hits the row at the same moment
        with app.test_request_context():
            try:
                checkout.create_pledge(
                    campaign_id,
                    amount=200_000,
                    currency="KGS",
                    tier_id=tier_id,
                    name=f"Backer {i}",
                    email=f"b{i}@example.org",
                )
                return True
            except PledgeError:
                return False
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(attempt, range(200)))
    assert results.count(True) == 50
    assert _state(app, tier_id) == (50, 50)
    with app.app_context():
        created = db.session.scalar(
            db.select(db.func.count(AuditEntry.id)).where(AuditEntry.action == "pledge.created")
        )
        assert created == 50


def test_expired_pledge_gives_its_unit_back_once(app_ctx):
    from wcl.payments import services as payments

    campaign = CampaignFactory()
    tier = RewardTierFactory(campaign=campaign, quantity=2)
    with app_ctx.test_request_context():
        pledge, _url = checkout.create_pledge(
            campaign.id, amount=200_000, currency="KGS", tier_id=tier.id, name="A", email="a@example.org"
        )
    assert db.session.get(RewardTier, tier.id).held == 1
    assert payments.mark_pledge_closed(pledge.id, expired=True) == "expired"
    assert payments.mark_pledge_closed(pledge.id, expired=True).startswith("ignored")
    assert payments.mark_pledge_closed(pledge.id).startswith("ignored")
    db.session.expire_all()
    assert db.session.get(RewardTier, tier.id).held == 0
    assert db.session.get(Pledge, pledge.id).status == "expired"
    # Forward only: an expired pledge is never paid later; money arriving for it is flagged for a refund.
    assert (
        payments.mark_pledge_paid(pledge.id, 200_000, "KGS")
        == "error: payment for a expired pledge needs a refund"
    )
    assert db.session.get(Pledge, pledge.id).status == "expired"
    flagged = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "pledge.late_payment"))
    assert flagged.target_id == pledge.id


def test_stale_pending_pledges_are_swept(app_ctx):
    from tests.factories.campaigns import PledgeFactory
    from wcl.payments.services import expire_stale_pledges

    campaign = CampaignFactory()
    tier = RewardTierFactory(campaign=campaign, quantity=5, held=1)
    old = PledgeFactory(
        campaign=campaign, tier=tier, holds_stock=True, created_at=utcnow() - timedelta(hours=30)
    )
    fresh = PledgeFactory(campaign=campaign)
    offline = PledgeFactory(campaign=campaign, provider="offline", created_at=utcnow() - timedelta(days=3))
    assert expire_stale_pledges() == 1
    assert expire_stale_pledges() == 0
    db.session.expire_all()
    assert [db.session.get(Pledge, p.id).status for p in (old, fresh, offline)] == [
        "expired",
        "pending",
        "pending",
    ]
    assert db.session.get(RewardTier, tier.id).held == 0


def test_pledge_posts_are_rate_limited(app):
    """Pending pledges hold stock: one address cannot grab a tier with a burst of fake pledges."""
    from wcl import create_app

    keys = ("SQLALCHEMY_DATABASE_URI", "REDIS_URL", "OUTBOX_DIR", "STORAGE_DIR")
    limited = create_app("testing", overrides={**{k: app.config[k] for k in keys}, "RATELIMIT_ENABLED": True})
    _setup(app)
    client = limited.test_client()
    codes = [post_form(client, "/campaigns/felt/pledge", {"amount": "0"}).status_code for _ in range(11)]
    assert codes[:10] == [422] * 10 and codes[10] == 429
