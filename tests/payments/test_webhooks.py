"""Sandbox checkout → signed event → webhook inbox → job → paid; and the pipeline's guards."""

import json
import time

from tests.campaigns.helpers import checkout_event, signed_webhook
from tests.factories.campaigns import CampaignFactory, PledgeFactory, RewardTierFactory
from tests.helpers import csrf_token, outbox_messages, post_form, queued_jobs
from wcl.audit.models import AuditEntry
from wcl.campaigns.models import Pledge, RewardTier
from wcl.extensions import db
from wcl.payments.models import WebhookEvent


def _count(model):
    return db.session.scalar(db.select(db.func.count(model.id)))


def _pledge_through_the_page(app, client, quantity=3):
    with app.app_context():
        campaign = CampaignFactory(slug="felt", title="Felt")
        tier = RewardTierFactory(campaign=campaign, min_amount=150_000, quantity=quantity)
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
        },
        headers={"Accept-Language": "ru"},
    )
    assert response.status_code == 302
    return response.headers["Location"], tier_id


def _press(client, checkout_url, button):
    token = csrf_token(client, checkout_url)
    return client.post(checkout_url, data={"csrf_token": token, button: "1"})


def test_sandbox_pay_goes_through_the_signed_webhook_pipeline(app, client, run_jobs):
    checkout_url, tier_id = _pledge_through_the_page(app, client)
    page = client.get(checkout_url)
    assert page.status_code == 200 and "sandbox" in page.get_data(as_text=True)
    response = _press(client, checkout_url, "pay")
    assert response.status_code == 302 and "/payments/pledges/" in response.headers["Location"]
    with app.app_context():
        event = db.session.scalar(db.select(WebhookEvent))
        assert event.type == "checkout.session.completed" and event.processed_at is None
        payload = json.loads(event.payload)
        assert payload["data"]["object"]["client_reference_id"] == str(
            db.session.scalar(db.select(Pledge.id))
        )
        assert db.session.scalar(db.select(Pledge.status)) == "pending"  # only the job decides
    assert queued_jobs(app) == ["wcl.payments.jobs.process_webhook_event"]
    # A double click (or the back button) emits the same event id: stored once, no effect.
    _press(client, checkout_url, "pay")
    with app.app_context():
        assert _count(WebhookEvent) == 1
    assert queued_jobs(app) == ["wcl.payments.jobs.process_webhook_event"]
    status_page = client.get(response.headers["Location"]).get_data(as_text=True)
    # Pending: a link to check again, never a timed refresh (WCAG 2.2.1, axe "meta-refresh").
    assert 'http-equiv="refresh"' not in status_page and "/payments/pledges/" in status_page

    run_jobs()
    with app.app_context():
        pledge = db.session.scalar(db.select(Pledge))
        assert pledge.status == "paid" and pledge.paid_at is not None
        assert db.session.get(RewardTier, tier_id).held == 1  # paid pledges keep holding stock
        event = db.session.scalar(db.select(WebhookEvent))
        assert event.processed_at is not None and event.outcome.startswith("paid")
        actions = db.session.scalars(
            db.select(AuditEntry.action).where(AuditEntry.target_type == "pledges").order_by(AuditEntry.id)
        ).all()
        assert actions == ["pledge.created", "pledge.checkout_started", "pledge.paid"]
    run_jobs()  # the thank-you email
    [message] = [m for m in outbox_messages(app) if m["X-WCL-Template"] == "campaigns/pledge_paid"]
    assert message["To"] == "aida@example.org" and "Felt" in message["Subject"]
    assert "Спасибо" in message.get_body().get_content()  # in the language she pledged in
    assert "csrf_token" not in client.get(checkout_url).get_data(as_text=True)  # no buttons once paid


def test_sandbox_cancel_expires_the_pledge_and_returns_the_unit(app, client, run_jobs):
    checkout_url, tier_id = _pledge_through_the_page(app, client)
    _press(client, checkout_url, "cancel")
    run_jobs()
    with app.app_context():
        assert db.session.scalar(db.select(Pledge.status)) == "expired"
        assert db.session.get(RewardTier, tier_id).held == 0


def test_sandbox_fail_marks_the_pledge_failed(app, client, run_jobs):
    checkout_url, tier_id = _pledge_through_the_page(app, client)
    _press(client, checkout_url, "fail")
    run_jobs()
    with app.app_context():
        assert db.session.scalar(db.select(Pledge.status)) == "failed"
        assert db.session.get(RewardTier, tier_id).held == 0


def test_duplicate_events_are_stored_once_and_applied_once(app, client, run_jobs):
    with app.app_context():
        pledge = PledgeFactory(amount=250_000)
        event = checkout_event(pledge)
        pledge_id = pledge.id
    for _ in range(5):
        response = signed_webhook(client, event)
        assert response.status_code == 200
    assert response.json == {"received": True, "duplicate": True}
    run_jobs()
    with app.app_context():
        assert _count(WebhookEvent) == 1
        assert db.session.get(Pledge, pledge_id).status == "paid"
        paid = db.session.scalar(
            db.select(db.func.count(AuditEntry.id)).where(AuditEntry.action == "pledge.paid")
        )
        assert paid == 1


def test_out_of_order_expiry_after_payment_is_harmless(app, client, run_jobs):
    with app.app_context():
        pledge = PledgeFactory()
        completed, expired = checkout_event(pledge), checkout_event(pledge, "checkout.session.expired")
        pledge_id = pledge.id
    signed_webhook(client, completed)
    signed_webhook(client, expired)
    run_jobs()
    with app.app_context():
        assert db.session.get(Pledge, pledge_id).status == "paid"
        outcomes = db.session.scalars(db.select(WebhookEvent.outcome).order_by(WebhookEvent.id)).all()
        assert outcomes[1] == "ignored: pledge already paid"


def test_bad_signatures_and_bodies_are_refused_and_nothing_is_stored(app, client):
    with app.app_context():
        pledge = PledgeFactory()
        event = checkout_event(pledge)
    assert signed_webhook(client, event, secret="whsec_wrong").status_code == 400
    assert signed_webhook(client, event, timestamp=time.time() - 301).status_code == 400
    assert signed_webhook(client, event, header="t=1,v1=abc").status_code == 400
    assert client.post("/webhooks/stripe", data=json.dumps(event)).status_code == 400  # unsigned
    assert signed_webhook(client, b"not json").status_code == 400
    assert signed_webhook(client, b'["a list"]').status_code == 400
    assert signed_webhook(client, b'{"id": 5, "type": "x"}').status_code == 400
    with app.app_context():
        assert _count(WebhookEvent) == 0
    assert queued_jobs(app) == []


def test_amount_or_currency_disagreeing_with_the_pledge_does_not_pay_it(app, client, run_jobs):
    with app.app_context():
        pledge = PledgeFactory(amount=250_000)
        pledge_id = pledge.id
        short = checkout_event(pledge, event_id="evt_short", amount=100)
        dollars = checkout_event(pledge, event_id="evt_usd", currency="usd")
    signed_webhook(client, short)
    signed_webhook(client, dollars)
    run_jobs()
    with app.app_context():
        assert db.session.get(Pledge, pledge_id).status == "pending"
        outcomes = db.session.scalars(db.select(WebhookEvent.outcome)).all()
        assert all(o.startswith("rejected: amount") for o in outcomes)
        mismatches = db.session.scalar(
            db.select(db.func.count(AuditEntry.id)).where(AuditEntry.action == "pledge.amount_mismatch")
        )
        assert mismatches == 2


def test_unknown_pledges_and_types_are_recorded_and_ignored(app, client, run_jobs):
    with app.app_context():
        pledge = PledgeFactory()
        other_session = checkout_event(pledge, event_id="evt_other")
        other_session["data"]["object"]["id"] = "cs_someone_else"
        unknown = checkout_event(pledge, event_id="evt_unknown")
        unknown["data"]["object"]["client_reference_id"] = "999999"
        unknown["data"]["object"]["metadata"] = {}
        pledge_id = pledge.id
    signed_webhook(client, other_session)
    signed_webhook(client, unknown)
    signed_webhook(client, {"id": "evt_x", "type": "customer.created", "data": {"object": {}}})
    run_jobs()
    with app.app_context():
        assert db.session.get(Pledge, pledge_id).status == "pending"
        outcomes = db.session.scalars(db.select(WebhookEvent.outcome).order_by(WebhookEvent.id)).all()
        assert outcomes == [
            "rejected: checkout session is not the pledge's",
            "ignored: unknown pledge",
            "ignored: type customer.created",
        ]


def test_webhook_endpoint_needs_no_csrf_token_but_the_sandbox_page_does(app, client):
    with app.app_context():
        pledge = PledgeFactory()
        token = pledge.token
    response = client.post(f"/payments/sandbox/{token}", data={"pay": "1"})
    assert response.status_code == 400  # CSRF: another site cannot "pay" for the backer
    with app.app_context():
        assert _count(WebhookEvent) == 0


def test_accepting_events_builds_their_statement_once(app, client, count_queries):
    """The inbox row and its job's outbox row: one statement, built once and bound per event (building
    it cost as much CPU as the rest of the accept path), and nothing written after the commit."""
    from wcl import queue

    queue._with_outbox_row.cache_clear()
    with app.app_context():
        pledges = [PledgeFactory(amount=100_000) for _ in range(3)]
        events = [checkout_event(p) for p in pledges]
    with count_queries() as statements:
        for event in events:
            assert signed_webhook(client, event).status_code == 200
    assert queue._with_outbox_row.cache_info()[:2] == (2, 1)  # (hits, misses)
    writes = [s for s in statements if not s.lstrip().upper().startswith(("SELECT", "WITH"))]
    assert writes == []  # no UPDATE of the outbox rows after their commit
    assert len([s for s in statements if "job_outbox" in s]) == 3
    with app.app_context():
        assert _count(WebhookEvent) == 3
