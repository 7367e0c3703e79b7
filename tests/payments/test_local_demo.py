"""The local provider's demo mode: the embedded default offers it with a hosted page served by the
app itself (clearly marked as a demo), whose buttons send signed callbacks into the same inbox."""

import re

import pytest
import sqlalchemy as sa

from tests.factories.campaigns import CampaignFactory, RewardTierFactory
from tests.helpers import drain_queues, post_form
from wcl.campaigns.models import Pledge
from wcl.extensions import db
from wcl.payments import services
from wcl.payments.models import WebhookEvent
from wcl.payments.providers import local


@pytest.fixture
def demo_app(make_app):
    return make_app(LOCAL_PAY_DEMO=True)


def _pledge(app, client):
    with app.app_context():
        campaign = CampaignFactory(slug="felt", title="Felt slippers")
        tier = RewardTierFactory(campaign=campaign, min_amount=150_000, quantity=3)
        tier_id = tier.id
    response = post_form(
        client,
        "/campaigns/felt/pledge",
        {
            "tier": str(tier_id),
            "amount": "2000",
            "currency": "KGS",
            "name": "Aida",
            "email": "aida@example.org",
            "method": "local",
        },
    )
    with app.app_context():
        pledge = db.session.scalar(sa.select(Pledge))
        return response, pledge.id, pledge.token


def test_demo_mode_is_offered_only_where_it_may_be(app, demo_app, make_app):
    with demo_app.app_context():
        campaign = CampaignFactory(slug="som")
        assert local.mode() == "demo" and "local" in dict(services.checkout.payment_methods(campaign))
    with app.app_context():
        assert local.mode() is None  # tests: off unless asked for
    live = make_app(
        LOCAL_PAY_DEMO=True,
        LOCAL_PAY_API_BASE="http://x",
        LOCAL_PAY_MERCHANT_ID="m",
        LOCAL_PAY_SECRET="s" * 16,
    )
    with live.app_context():
        assert local.mode() == "live"  # real settings win over the demo


def test_never_in_production(app, monkeypatch):
    with app.app_context():
        monkeypatch.setitem(app.config, "LOCAL_PAY_DEMO", True)
        monkeypatch.setitem(app.config, "ENV_NAME", "production")
        assert local.mode() is None and not local.configured()


def test_a_backer_pays_on_the_demo_page_through_the_inbox(demo_app, run_jobs):
    client = demo_app.test_client()
    response, pledge_id, token = _pledge(demo_app, client)
    assert response.status_code == 302
    page_url = response.headers["Location"]
    assert page_url.endswith(f"/payments/local-demo/{token}")
    page = client.get(page_url).get_data(as_text=True)
    assert "Demo payment page" in page and "no money" in page and re.search(r"2,000(\.00)?", page)
    with demo_app.app_context():
        pledge = db.session.get(Pledge, pledge_id)
        assert pledge.provider == "local" and pledge.provider_ref == f"demo-{local.order_id(pledge)}"
    back = post_form(client, page_url, {"pay": "x"})
    assert back.status_code == 302 and back.headers["Location"].endswith(f"/payments/pledges/{token}")
    with demo_app.app_context():
        event = db.session.scalar(sa.select(WebhookEvent))
        assert (event.provider, event.type) == ("local", "invoice.paid")  # signed, stored, like a real one
    drain_queues(demo_app)
    with demo_app.app_context():
        assert db.session.get(Pledge, pledge_id).status == "paid"
        # The poll asks the demo "provider" too, and finds nothing more to do.
        assert services.local_pay.poll_local_pledges() == []
        # Refunds "succeed" at the demo provider, the same key giving the same refund id.
        from wcl.payments.providers import get_provider

        pledge = db.session.get(Pledge, pledge_id)
        first = get_provider("local").refund(pledge, 50_000, f"refund-{pledge_id}-1")
        assert first.startswith("rf_demo_") and first == get_provider("local").refund(
            pledge, 50_000, f"refund-{pledge_id}-1"
        )
    # The page offers no second payment, and a second press (an old tab) changes nothing.
    assert "See the status of this pledge" in client.get(page_url).get_data(as_text=True)
    with demo_app.app_context():
        services.local_pay.demo_checkout(token, "pay")
    drain_queues(demo_app)
    with demo_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(WebhookEvent.id))) == 1


def test_a_failed_demo_payment_closes_the_pledge(demo_app):
    client = demo_app.test_client()
    response, pledge_id, _token = _pledge(demo_app, client)
    post_form(client, response.headers["Location"], {"fail": "x"})
    drain_queues(demo_app)
    with demo_app.app_context():
        pledge = db.session.get(Pledge, pledge_id)
        assert pledge.status == "failed" and not pledge.holds_stock


def test_the_demo_page_is_not_there_without_demo_mode(app, client, demo_app):
    _response, _pledge_id, token = _pledge(demo_app, demo_app.test_client())
    assert client.get(f"/payments/local-demo/{token}").status_code == 404
    assert client.get("/payments/local-demo/nope").status_code == 404


def test_the_demo_lists_the_local_provider(demo_app):
    from wcl.demo import load_demo

    with demo_app.app_context():
        lines = load_demo()
    assert any("Kyrgyz bank card or e-wallet (demo page)" in line for line in lines)
