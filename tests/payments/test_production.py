"""Production refuses development secrets, and the sandbox provider does not exist there (issue 15.1)."""

import pytest

import config
from tests.factories.campaigns import CampaignFactory, PledgeFactory
from tests.fakes.stripe_signing import make_event, signed_request
from tests.helpers import csrf_token, post_form
from wcl import create_app
from wcl.campaigns.models import Pledge
from wcl.extensions import db
from wcl.payments.models import WebhookEvent
from wcl.payments.providers import ProviderUnavailable, get_provider

STRONG = "s" * 48


def _production(app, **overrides):
    settings = {
        key: app.config[key] for key in ("SQLALCHEMY_DATABASE_URI", "REDIS_URL", "OUTBOX_DIR", "STORAGE_DIR")
    }
    return create_app(
        "production", overrides={**settings, "SECRET_KEY": STRONG, "RATELIMIT_ENABLED": False, **overrides}
    )


@pytest.mark.parametrize(
    "overrides",
    [
        {"SECRET_KEY": config.DEV_SECRET_KEY},
        {"SECRET_KEY": config.TestingConfig.SECRET_KEY},
        {"STRIPE_WEBHOOK_SECRET": config.DEV_WEBHOOK_SECRET},
        {"STRIPE_SECRET_KEY": "sk_live_x", "STRIPE_WEBHOOK_SECRET": config.DEV_WEBHOOK_SECRET},
    ],
)
def test_production_refuses_every_development_secret(app, overrides):
    with pytest.raises(RuntimeError, match="Refusing to start"):
        _production(app, **overrides)


def test_production_has_no_development_webhook_secret_by_default():
    assert config.ProductionConfig.STRIPE_WEBHOOK_SECRET != config.DEV_WEBHOOK_SECRET


def test_production_ignores_events_signed_with_the_development_secret(app):
    production = _production(app)
    with production.app_context():
        pledge = PledgeFactory(campaign=CampaignFactory(slug="felt"))
        pledge_id = pledge.id
    event = make_event(
        "checkout.session.completed",
        {
            "id": "cs_forged",
            "object": "checkout.session",
            "client_reference_id": str(pledge_id),
            "amount_total": 100_000,
            "currency": "kgs",
            "payment_status": "paid",
            "status": "complete",
            "metadata": {"pledge_id": str(pledge_id)},
        },
        event_id="evt_forged",
    )
    body, headers = signed_request(event, config.DEV_WEBHOOK_SECRET)
    response = production.test_client().post("/webhooks/stripe", data=body, headers=headers)
    assert response.status_code == 400
    with production.app_context():
        assert db.session.scalar(db.select(db.func.count(WebhookEvent.id))) == 0


def test_sandbox_provider_does_not_exist_in_production(app):
    production = _production(app)
    with production.test_request_context():
        with pytest.raises(ProviderUnavailable):
            get_provider("sandbox")
        assert get_provider("offline").name == "offline"
    with production.app_context():
        pledge = PledgeFactory(campaign=CampaignFactory(slug="felt"))
        token = pledge.token
    client = production.test_client()
    url = f"/payments/sandbox/{token}"
    assert client.get(url, base_url="https://wcl.example").status_code == 404
    # Even with a valid form token taken from another page, "Pay (test)" does nothing.
    token_value = csrf_token(client, "https://wcl.example/account/login")
    response = client.post(
        url,
        data={"csrf_token": token_value, "pay": "1"},
        base_url="https://wcl.example",
        headers={"Referer": "https://wcl.example/account/login"},
    )
    assert response.status_code == 404
    with production.app_context():
        assert db.session.scalar(db.select(Pledge.status)) == "pending"
        assert db.session.scalar(db.select(db.func.count(WebhookEvent.id))) == 0


def test_production_checkout_never_offers_the_sandbox(app):
    production = _production(app)
    with production.app_context():
        CampaignFactory(slug="felt", title="Felt")
    client = production.test_client()
    response = post_form(
        client,
        "/campaigns/felt/pledge",
        {"amount": "2000", "currency": "KGS", "name": "Aida", "email": "aida@example.org"},
        base_url="https://wcl.example",
    )
    assert "/payments/sandbox/" not in response.headers.get("Location", "")
    with production.app_context():
        assert db.session.scalar(db.select(db.func.count(Pledge.id)).where(Pledge.provider == "sandbox")) == 0
