"""A Redis outage (issue 15.4): pages, sign-in and pledging keep working; limits fall back to memory."""

import logging

from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.campaigns import CampaignFactory
from tests.helpers import csrf_token, login, post_form
from wcl.campaigns.models import Pledge
from wcl.extensions import db
from wcl.jobs.models import OutboxJob

DOWN = "redis://127.0.0.1:1/0"  # nothing listens there


def _down_app(make_app):
    return make_app(REDIS_URL=DOWN, RATELIMIT_ENABLED=True)


def test_sign_in_works_and_is_still_limited_with_redis_down(make_app, caplog, monkeypatch):
    # Alembic's logging setup (the migration tests) disables loggers that exist already.
    monkeypatch.setattr(logging.getLogger("flask-limiter"), "disabled", False)
    app = _down_app(make_app)
    with app.app_context():
        UserFactory(email="aida@example.org")
    client = app.test_client()
    with caplog.at_level(logging.WARNING, logger="flask-limiter"):
        login(client, "aida@example.org", PASSWORD)
        assert client.get("/account/").status_code == 200
        other = app.test_client()
        token = csrf_token(other, "/account/login")
        codes = [
            other.post(
                "/account/login", data={"csrf_token": token, "email": "aida@example.org", "password": "wrong"}
            ).status_code
            for _ in range(11)
        ]
    assert 500 not in codes
    assert codes[-1] == 429  # the limits still hold, counted in memory
    falling_back = [r for r in caplog.records if "falling back" in r.getMessage()]
    assert len(falling_back) == 1  # logged once, not on every request


def test_a_guest_can_pledge_with_redis_down(make_app):
    app = _down_app(make_app)
    with app.app_context():
        CampaignFactory(slug="felt", title="Felt")
    client = app.test_client()
    assert client.get("/campaigns/felt").status_code == 200
    response = post_form(
        client,
        "/campaigns/felt/pledge",
        {"amount": "2000", "currency": "KGS", "name": "Aida", "email": "aida@example.org"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    checkout = response.headers["Location"]
    assert client.get(checkout).status_code == 200
    token = csrf_token(client, checkout)
    assert client.post(checkout, data={"csrf_token": token, "pay": "1"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Pledge.id))) == 1
        # The payment's processing waits in the outbox for Redis.
        assert set(db.session.scalars(db.select(OutboxJob.status))) == {"pending"}
