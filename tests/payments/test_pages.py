"""Staff payment pages: refunds per campaign and the webhook inbox — the permission matrix and the flows."""

import pytest
import sqlalchemy as sa

from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.campaigns import CampaignFactory, PledgeFactory, ready_participant
from tests.fakes.stripe_signing import make_event, signed_request
from tests.helpers import csrf_token, login
from wcl.audit.models import AuditEntry
from wcl.campaigns.models import Pledge
from wcl.extensions import db
from wcl.payments.models import Refund, WebhookEvent

ROLES = ["anonymous", "applicant", "participant", "owner", "mentor", "reviewer", "staff", "admin"]
STAFF = {"staff", "admin"}


@pytest.fixture
def world(app):
    with app.app_context():
        owner = ready_participant(email="owner@example.org")
        for role in ("applicant", "participant", "mentor", "reviewer", "staff"):
            UserFactory(email=f"{role}@example.org", roles=[role])
        UserFactory(email="admin@example.org", roles=["admin", "staff"])
        live = CampaignFactory(owner=owner, slug="live")
        other = CampaignFactory(slug="other")
        pledge = PledgeFactory(campaign=live, status="paid", amount=300_000, backer_name="Aida Backer")
        foreign = PledgeFactory(campaign=other, status="paid")
        return {"pledge": pledge.id, "foreign": foreign.id}


def _client(app, role):
    client = app.test_client()
    if role != "anonymous":
        login(client, f"{role}@example.org", PASSWORD)
    return client


def _refund(client, pledge_id, amount="", slug="live"):
    token = csrf_token(client, "/campaigns/live/pledge")
    return client.post(
        f"/payments/campaigns/{slug}/refunds/{pledge_id}",
        data={
            "csrf_token": token,
            f"p{pledge_id}-csrf_token": token,
            f"p{pledge_id}-amount": amount,
            f"p{pledge_id}-confirm": "y",
        },
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", ["/payments/campaigns/live/refunds", "/payments/inbox"])
def test_pages_matrix(app, world, role, path):
    response = _client(app, role).get(path)
    if role in STAFF:
        assert response.status_code == 200
    elif role == "anonymous":
        assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_refund_action_matrix(app, world, role):
    response = _refund(_client(app, role), world["pledge"])
    with app.app_context():
        pledge = db.session.get(Pledge, world["pledge"])
        if role in STAFF:
            assert response.status_code == 302
            assert pledge.status == "refunded" and pledge.refunded_amount == 300_000
        else:
            assert response.status_code == (302 if role == "anonymous" else 403)
            assert pledge.status == "paid" and pledge.refunded_amount == 0


def test_staff_partial_then_full_refund_and_refusals(app, world):
    client = _client(app, "staff")
    page = client.get("/payments/campaigns/live/refunds").get_data(as_text=True)
    assert "Aida Backer" in page
    assert _refund(client, world["pledge"], "1000").status_code == 302  # 1000 som of 3000
    with app.app_context():
        pledge = db.session.get(Pledge, world["pledge"])
        assert pledge.status == "paid" and pledge.refunded_amount == 100_000
    # Refusals change nothing: too much, zero, another campaign's pledge, nonsense.
    for pledge_id, amount, slug in (
        (world["pledge"], "2500", "live"),
        (world["pledge"], "0", "live"),
        (world["foreign"], "", "live"),
        (world["pledge"], "abc", "live"),
    ):
        response = _refund(client, pledge_id, amount, slug)
        assert response.status_code == 302
        with app.app_context():
            assert db.session.scalar(sa.select(sa.func.count(Refund.id))) == 1
            assert db.session.get(Pledge, world["foreign"]).refunded_amount == 0
    _refund(client, world["pledge"])  # the rest
    with app.app_context():
        pledge = db.session.get(Pledge, world["pledge"])
        assert pledge.status == "refunded" and pledge.refunded_amount == 300_000
        actors = db.session.scalars(
            sa.select(AuditEntry.actor_id).where(
                AuditEntry.action.in_(["pledge.partially_refunded", "pledge.refunded"])
            )
        ).all()
        assert len(actors) == 2 and all(actors)
    assert "No paid pledges to refund." in client.get("/payments/campaigns/live/refunds").get_data(
        as_text=True
    )


def test_inbox_lists_events_with_status_attempts_and_errors(app, world):
    client = app.test_client()
    for index in range(3):
        body, headers = signed_request(
            make_event("customer.created", {"id": f"cus_{index}"}, event_id=f"evt_inbox_{index}"),
            "whsec_dev_sandbox_secret",
        )
        client.post("/webhooks/stripe", data=body, headers=headers)
    with app.app_context():
        db.session.execute(
            sa.update(WebhookEvent)
            .where(WebhookEvent.event_id == "evt_inbox_1")
            .values(attempts=3, last_error="RuntimeError('boom')")
        )
        db.session.commit()
    staff = _client(app, "staff")
    page = staff.get("/payments/inbox").get_data(as_text=True)
    assert all(f"evt_inbox_{i}" in page for i in range(3))
    assert "Failed jobs in the queue: 0." in page
    failing = staff.get("/payments/inbox?status=failing").get_data(as_text=True)
    assert "evt_inbox_1" in failing and "evt_inbox_0" not in failing and "boom" in failing
    assert "No events." in staff.get("/payments/inbox?status=processed").get_data(as_text=True)


@pytest.mark.parametrize("locale", ["ru", "ky"])
def test_staff_payment_pages_have_no_english(app, locale):
    from tests.core.test_i18n import english_words

    with app.app_context():
        UserFactory(email="s@example.org", full_name="Айгуль", roles=["staff"], locale=locale)
        campaign = CampaignFactory(slug="kiyiz", title="Кийиз")
        PledgeFactory(campaign=campaign, status="paid", backer_name="Айдай", refunded_amount=10_000)
    client = app.test_client()
    login(client, "s@example.org", PASSWORD)
    event = make_event("customer.created", {"id": "c"}, event_id="evt_1")
    body, headers = signed_request(event, "whsec_dev_sandbox_secret")
    client.post("/webhooks/stripe", data=body, headers=headers)
    for path in (
        "/payments/campaigns/kiyiz/refunds",
        "/payments/inbox",
        "/payments/inbox?status=failing",
        "/payments/inbox?status=rejected",
    ):
        html = client.get(path).get_data(as_text=True)
        # Event types and ids are Stripe's identifiers, shown as code.
        assert english_words(html, exclude=["customer.created", "evt_1", "KGS"]) == [], path


@pytest.mark.parametrize("locale", ["ru", "ky"])
def test_processed_event_outcomes_read_in_the_staff_language(app, locale, run_jobs):
    """The inbox shows what processing concluded in the reader's language; the stored phrase stays."""
    from tests.core.test_i18n import english_words

    with app.app_context():
        UserFactory(email="s@example.org", full_name="Айгуль", roles=["staff"], locale=locale)
    client = app.test_client()
    login(client, "s@example.org", PASSWORD)
    for index, kind in enumerate(("customer.created", "charge.dispute.created")):
        body, headers = signed_request(
            make_event(kind, {"id": f"x_{index}"}, event_id=f"evt_{index}"), "whsec_dev_sandbox_secret"
        )
        client.post("/webhooks/stripe", data=body, headers=headers)
    run_jobs()
    with app.app_context():
        stored = set(db.session.scalars(sa.select(WebhookEvent.outcome)))
    assert "ignored: type customer.created" in stored
    html = client.get("/payments/inbox?status=processed").get_data(as_text=True)
    assert 'data-outcome="ignored: type customer.created"' in html
    identifiers = ["customer.created", "charge.dispute.created", "evt_0", "evt_1"]
    assert english_words(html, exclude=identifiers) == []


def test_outcome_phrases_translate_with_their_amounts(app):
    from wcl.payments.outcomes import describe

    with app.test_request_context(headers={"Accept-Language": "ru"}):
        assert describe("paid (matched 50000)") == "Оплачен; добавлено из фонда софинансирования: 500\xa0KGS"
        assert (
            describe("ignored: pledge already refunded; refunded 2500", "USD")
            == "Пропущено: взнос уже в состоянии «Возвращён»; Возвращено: 25\xa0$"
        )
        assert describe("something new: kept as written") == "something new: kept as written"
