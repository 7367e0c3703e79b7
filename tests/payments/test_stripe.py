"""Stripe: checkout against a fake Stripe API, the event handlers, refunds, faults."""

import json
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.factories.campaigns import CampaignFactory, PledgeFactory, RewardTierFactory
from tests.fakes.stripe_api import FakeStripe
from tests.fakes.stripe_signing import make_event, signed_request
from tests.helpers import post_form, queued_jobs
from wcl.audit.models import AuditEntry
from wcl.campaigns.models import Pledge, RewardTier
from wcl.extensions import db
from wcl.payments import services
from wcl.payments.models import Refund, WebhookEvent
from wcl.payments.providers import get_provider
from wcl.payments.services import events
from wcl.time import utcnow

SECRET = "whsec_dev_sandbox_secret"


@pytest.fixture
def fake():
    with FakeStripe() as fake:
        yield fake


@pytest.fixture
def stripe_app(make_app, fake):
    return make_app(STRIPE_SECRET_KEY="sk_test_x", STRIPE_API_BASE=fake.url)


def post_event(client, event, secret=SECRET, timestamp=None):
    body, headers = signed_request(event, secret, timestamp)
    return client.post("/webhooks/stripe", data=body, headers=headers)


def stripe_pledge(**fields):
    fields.setdefault("provider", "stripe")
    fields.setdefault("amount", 250_000)
    pledge = PledgeFactory(**fields)
    pledge.provider_ref = fields.get("provider_ref") or f"cs_test_{pledge.id}"
    pledge.payment_intent_id = fields.get("payment_intent_id") or f"pi_test_{pledge.id}"
    db.session.commit()
    return pledge


def session_obj(pledge, payment_status="paid", amount=None):
    return {
        "id": pledge.provider_ref,
        "object": "checkout.session",
        "client_reference_id": str(pledge.id),
        "metadata": {"pledge_id": str(pledge.id)},
        "amount_total": pledge.amount if amount is None else amount,
        "currency": pledge.currency.lower(),
        "payment_status": payment_status,
        "status": "complete",
        "payment_intent": pledge.payment_intent_id,
    }


def refund_obj(pledge, refund_id, amount, status="succeeded"):
    return {
        "id": refund_id,
        "object": "refund",
        "amount": amount,
        "currency": pledge.currency.lower(),
        "payment_intent": pledge.payment_intent_id,
        "status": status,
        "metadata": {"pledge_id": str(pledge.id)},
    }


def charge_refunded(pledge, refunds):
    return {
        "id": f"ch_{pledge.id}",
        "object": "charge",
        "amount": pledge.amount,
        "amount_refunded": sum(r["amount"] for r in refunds),
        "payment_intent": pledge.payment_intent_id,
        "metadata": {"pledge_id": str(pledge.id)},
        "refunds": {"object": "list", "data": refunds},
    }


def _parent_pid(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def audit_count(action):
    return db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == action))


# --- checkout ----------------------------------------------------------------------------


def test_pledge_page_opens_a_stripe_checkout_session(stripe_app, fake):
    with stripe_app.app_context():
        campaign = CampaignFactory(slug="felt", title="Felt")
        tier = RewardTierFactory(campaign=campaign, min_amount=150_000, quantity=3)
        tier_id = tier.id
    client = stripe_app.test_client()
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
        headers={"Accept-Language": "ky"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith("https://checkout.stripe.test/c/pay/cs_test_")
    [request] = [r for r in fake.requests if r["path"] == "/v1/checkout/sessions"]
    with stripe_app.app_context():
        pledge = db.session.scalar(sa.select(Pledge))
        assert pledge.provider == "stripe" and pledge.status == "pending"
        assert request["idempotency_key"] == f"checkout-{pledge.id}"
        params = request["params"]
        assert params["mode"] == "payment" and params["submit_type"] == "donate"
        assert params["client_reference_id"] == str(pledge.id)
        assert params["metadata"] == {"pledge_id": str(pledge.id)}
        assert params["payment_intent_data"]["metadata"] == {"pledge_id": str(pledge.id)}
        assert params["locale"] == "ru"  # Stripe has no Kyrgyz
        assert params["customer_email"] == "aida@example.org"
        [item] = params["line_items"]
        assert item["price_data"]["currency"] == "kgs" and item["price_data"]["unit_amount"] == "200000"
        assert f"/payments/pledges/{pledge.token}" in params["success_url"] == params["cancel_url"]
        assert int(params["expires_at"]) <= time.time() + 24 * 3600
        assert pledge.provider_ref == fake.sessions[pledge.provider_ref]["id"]
        assert pledge.payment_intent_id == fake.sessions[pledge.provider_ref]["payment_intent"]
        # The success page shows the state; it does not decide it.
        token = pledge.token
    assert client.get(f"/payments/pledges/{token}").status_code == 200
    with stripe_app.app_context():
        assert db.session.scalar(sa.select(Pledge.status)) == "pending"


def test_checkout_survives_a_flaky_network_and_never_opens_two_sessions(stripe_app, fake):
    with stripe_app.app_context():
        pledge = PledgeFactory(provider="stripe", provider_ref=None, locale="ru")
        provider = get_provider("stripe")
        fake.fail_next(2)  # two 500s, then the library's third try succeeds
        url = provider.start_checkout(pledge)
        url_again = provider.start_checkout(pledge)  # e.g. a re-run: same idempotency key
        assert url == url_again and len(fake.sessions) == 1
        keys = {r["idempotency_key"] for r in fake.requests}
        assert keys == {f"checkout-{pledge.id}"}
        assert fake.requests[0]["params"]["locale"] == "ru"


def test_stripe_down_at_checkout_refuses_the_pledge_and_keeps_nothing(stripe_app, fake):
    with stripe_app.app_context():
        campaign = CampaignFactory(slug="felt")
        tier = RewardTierFactory(campaign=campaign, min_amount=150_000, quantity=1)
        tier_id = tier.id
    fake.fail_next(10)
    client = stripe_app.test_client()
    response = post_form(
        client,
        "/campaigns/felt/pledge",
        {"tier": str(tier_id), "amount": "2000", "currency": "KGS", "name": "Aida", "email": "a@example.org"},
    )
    assert response.status_code in (200, 422)
    with stripe_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Pledge.id))) == 0
        assert db.session.get(RewardTier, tier_id).held == 0


# --- webhook guards --------------------------------------------------------------------


def test_bad_stale_and_non_json_webhooks_get_400_and_store_nothing(app, client):
    with app.app_context():
        pledge = stripe_pledge()
        event = make_event("checkout.session.completed", session_obj(pledge))
    assert post_event(client, event, secret="whsec_other").status_code == 400
    assert post_event(client, event, timestamp=time.time() - 301).status_code == 400
    body, headers = signed_request(event, SECRET)
    assert client.post("/webhooks/stripe", data=body + b" ", headers=headers).status_code == 400  # tampered
    assert client.post("/webhooks/stripe", data=body).status_code == 400  # no header
    from tests.fakes.stripe_signing import signature_header

    for raw in (b"not json", b"\xff\xfe", b'"a string"', b'{"type": "x"}'):
        headers = {"Stripe-Signature": signature_header(raw, SECRET)}
        assert client.post("/webhooks/stripe", data=raw, headers=headers).status_code == 400
    assert post_event(client, event, timestamp=time.time() - 200).status_code == 200  # within tolerance
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(WebhookEvent.id))) == 1


def test_the_same_event_five_times_pays_once(app, client, run_jobs):
    with app.app_context():
        pledge = stripe_pledge()
        pledge_id = pledge.id
        event = make_event("checkout.session.completed", session_obj(pledge))
    answers = [post_event(client, event) for _ in range(5)]
    assert [a.status_code for a in answers] == [200] * 5
    assert [a.json["duplicate"] for a in answers] == [False, True, True, True, True]
    assert queued_jobs(app) == ["wcl.payments.jobs.process_webhook_event"]
    run_jobs()
    with app.app_context():
        assert db.session.get(Pledge, pledge_id).status == "paid"
        assert audit_count("pledge.paid") == 1


def test_unknown_pledge_and_wrong_amount_change_nothing(app, client, run_jobs):
    with app.app_context():
        pledge = stripe_pledge()
        pledge_id = pledge.id
        ghost = session_obj(pledge)
        ghost.update(client_reference_id="424242", metadata={"pledge_id": "424242"})
        short = session_obj(pledge, amount=100)
        stray_refund = refund_obj(pledge, "re_ghost", 100)
        stray_refund.update(metadata={}, payment_intent="pi_nobody")
    post_event(client, make_event("checkout.session.completed", ghost))
    post_event(client, make_event("checkout.session.completed", short))
    post_event(client, make_event("refund.created", stray_refund))
    post_event(client, make_event("customer.created", {"id": "cus_1", "object": "customer"}))
    run_jobs()
    with app.app_context():
        assert db.session.get(Pledge, pledge_id).status == "pending"
        outcomes = db.session.scalars(sa.select(WebhookEvent.outcome).order_by(WebhookEvent.id)).all()
        assert outcomes == [
            "ignored: unknown pledge",
            "rejected: amount or currency differs from the pledge",
            "ignored: unknown pledge",
            "ignored: type customer.created",
        ]
        assert db.session.scalar(sa.select(sa.func.count(Refund.id))) == 0


# --- event handling -----------------------------------------------------------------------


def test_unpaid_completion_waits_for_the_async_result(app, client, run_jobs):
    with app.app_context():
        paid_later, failed_later = stripe_pledge(), stripe_pledge()
        ids = paid_later.id, failed_later.id
        events = [
            make_event("checkout.session.completed", session_obj(paid_later, "unpaid")),
            make_event("checkout.session.completed", session_obj(failed_later, "unpaid")),
        ]
        later = [
            make_event("checkout.session.async_payment_succeeded", session_obj(paid_later)),
            make_event("checkout.session.async_payment_failed", session_obj(failed_later, "unpaid")),
        ]
    for event in events:
        post_event(client, event)
    run_jobs()
    with app.app_context():
        assert [db.session.get(Pledge, i).status for i in ids] == ["pending", "pending"]
    for event in later:
        post_event(client, event)
    run_jobs()
    with app.app_context():
        assert [db.session.get(Pledge, i).status for i in ids] == ["paid", "failed"]


def test_refund_events_of_both_kinds_count_each_refund_once(app, client, run_jobs):
    with app.app_context():
        pledge = stripe_pledge(amount=300_000)
        pledge_id = pledge.id
        first, second = refund_obj(pledge, "re_1", 100_000), refund_obj(pledge, "re_2", 200_000)
        events = [
            make_event("checkout.session.completed", session_obj(pledge)),
            make_event("refund.created", first),
            make_event("charge.refunded", charge_refunded(pledge, [first])),
            make_event("refund.updated", first),
        ]
        final = [
            make_event("charge.refunded", charge_refunded(pledge, [first, second])),
            make_event("refund.created", second),
        ]
    for event in events:
        post_event(client, event)
    run_jobs()
    with app.app_context():
        pledge = db.session.get(Pledge, pledge_id)
        assert pledge.status == "paid" and pledge.refunded_amount == 100_000  # partial
        assert audit_count("pledge.partially_refunded") == 1
    for event in final:
        post_event(client, event)
    run_jobs()
    with app.app_context():
        pledge = db.session.get(Pledge, pledge_id)
        assert pledge.status == "refunded" and pledge.refunded_amount == 300_000
        refs = db.session.scalars(sa.select(Refund.provider_ref).order_by(Refund.id)).all()
        assert refs == ["re_1", "re_2"]
        assert audit_count("pledge.refunded") == 1


def test_charge_refunded_before_checkout_completed_ends_refunded(app, client, run_jobs):
    with app.app_context():
        tier = RewardTierFactory(quantity=2, held=1)
        pledge = stripe_pledge(campaign=tier.campaign, tier=tier, holds_stock=True)
        pledge_id, tier_id = pledge.id, tier.id
        refund = refund_obj(pledge, "re_early", pledge.amount)
        early = make_event("charge.refunded", charge_refunded(pledge, [refund]))
        completed = make_event("checkout.session.completed", session_obj(pledge))
    post_event(client, early)
    run_jobs()
    with app.app_context():
        pledge = db.session.get(Pledge, pledge_id)
        assert pledge.status == "pending" and pledge.refunded_amount == 0
        assert db.session.scalar(sa.select(Refund.amount)) == 250_000  # recorded, not lost
    post_event(client, completed)
    post_event(client, make_event("refund.created", refund))  # its twin: no second effect
    run_jobs()
    with app.app_context():
        pledge = db.session.get(Pledge, pledge_id)
        outcomes = db.session.scalars(sa.select(WebhookEvent.outcome).order_by(WebhookEvent.id)).all()
        errors = db.session.scalars(sa.select(WebhookEvent.last_error)).all()
        assert pledge.status == "refunded" and pledge.refunded_amount == 250_000, (outcomes, errors)
        assert db.session.get(RewardTier, tier_id).held == 0
        assert db.session.scalar(sa.select(sa.func.count(Refund.id))) == 1
        assert audit_count("pledge.paid") == audit_count("pledge.refunded") == 1


def test_refund_larger_than_the_pledge_is_refused(app, client, run_jobs):
    with app.app_context():
        pledge = stripe_pledge(amount=100_000)
        pledge_id = pledge.id
        events = [
            make_event("checkout.session.completed", session_obj(pledge)),
            make_event("refund.created", refund_obj(pledge, "re_big", 999_999)),
        ]
    for event in events:
        post_event(client, event)
    run_jobs()
    with app.app_context():
        assert db.session.get(Pledge, pledge_id).refunded_amount == 0
        assert audit_count("pledge.refund_mismatch") == 1


def test_dispute_flags_the_pledge_once_and_failed_attempt_keeps_checkout_open(app, client, run_jobs):
    with app.app_context():
        paid, trying = stripe_pledge(), stripe_pledge()
        ids = paid.id, trying.id
        dispute = {
            "id": "dp_1",
            "object": "dispute",
            "amount": paid.amount,
            "reason": "fraudulent",
            "payment_intent": paid.payment_intent_id,
            "metadata": {},
        }
        intent = {
            "id": trying.payment_intent_id,
            "object": "payment_intent",
            "metadata": {"pledge_id": str(trying.id)},
            "last_payment_error": {"code": "card_declined"},
        }
        events = [
            make_event("checkout.session.completed", session_obj(paid)),
            make_event("charge.dispute.created", dispute),
            make_event("charge.dispute.created", dispute),
            make_event("payment_intent.payment_failed", intent),
        ]
    for event in events:
        post_event(client, event)
    run_jobs()
    with app.app_context():
        paid, trying = (db.session.get(Pledge, i) for i in ids)
        assert paid.status == "paid" and paid.disputed_at is not None
        assert audit_count("pledge.disputed") == 1
        assert trying.status == "pending" and audit_count("pledge.payment_attempt_failed") == 1


# --- refunds through Stripe -------------------------------------------------------------


def test_refunds_go_to_stripe_with_deterministic_keys(stripe_app, fake):
    with stripe_app.app_context():
        pledge = PledgeFactory(provider="stripe", provider_ref=None, amount=300_000)
        provider = get_provider("stripe")
        provider.start_checkout(pledge)
        fake.complete_session(pledge.provider_ref)
        pledge_id = pledge.id
        db.session.commit()
        services.mark_pledge_paid(pledge_id, 300_000, "kgs")
        fake.fail_next(1)  # retried by the library with the same key
        services.refund_pledge(pledge_id, amount=100_000, reason="staff")
        services.refund_pledge(pledge_id, reason="campaign_failed")
        assert services.refund_pledge(pledge_id) is None  # nothing left: no call
        refunds = [r for r in fake.requests if r["path"] == "/v1/refunds"]
        assert [r["idempotency_key"] for r in refunds] == [
            f"refund-{pledge_id}-1",
            f"refund-{pledge_id}-1",
            f"refund-{pledge_id}-2",
        ]
        assert sorted(r["amount"] for r in fake.refunds.values()) == [100_000, 200_000]
        pledge = db.session.get(Pledge, pledge_id)
        assert pledge.status == "refunded"
        stored = db.session.scalars(sa.select(Refund.provider_ref)).all()
        assert set(stored) == set(fake.refunds)


def test_stripe_refusing_a_staff_refund_changes_nothing(stripe_app, fake):
    from tests.factories.accounts import UserFactory

    with stripe_app.app_context():
        staff = UserFactory(roles=["staff"])
        pledge = PledgeFactory(provider="stripe", provider_ref=None)
        get_provider("stripe").start_checkout(pledge)
        db.session.commit()
        services.mark_pledge_paid(pledge.id, pledge.amount, "KGS")
        fake.fail_next(5, status=500)
        with pytest.raises(services.PaymentError):
            services.staff_refund(staff, pledge.campaign_id, pledge.id, None)
        assert db.session.get(Pledge, pledge.id).refunded_amount == 0
        assert db.session.scalar(sa.select(sa.func.count(Refund.id))) == 0


# --- faults ------------------------------------------------------------------------------


def test_redis_down_the_event_is_stored_and_the_sweeper_processes_it_later(app, make_app, run_jobs):
    broken = make_app(REDIS_URL="redis://127.0.0.1:1/0")
    with app.app_context():
        pledge = stripe_pledge()
        pledge_id = pledge.id
        event = make_event("checkout.session.completed", session_obj(pledge))
    response = post_event(broken.test_client(), event)
    assert response.status_code == 200
    assert queued_jobs(app) == []
    with app.app_context():
        assert services.sweep_inbox() == 0  # not a minute old yet
        db.session.execute(sa.update(WebhookEvent).values(received_at=utcnow() - timedelta(minutes=2)))
        db.session.commit()
        assert services.sweep_inbox() == 1
        assert services.sweep_inbox() == 0  # backoff: not again at once
    run_jobs()
    with app.app_context():
        assert db.session.get(Pledge, pledge_id).status == "paid"
        assert services.sweep_inbox(now=utcnow() + timedelta(hours=2)) == 0  # processed: left alone


def test_failing_events_record_attempts_and_errors_and_back_off(app, client, monkeypatch):
    with app.app_context():
        pledge = stripe_pledge()
        event = make_event("checkout.session.completed", session_obj(pledge))

    def boom(session):
        raise RuntimeError("database hiccup")

    monkeypatch.setitem(events.EVENT_HANDLERS, "checkout.session.completed", boom)
    post_event(client, event)
    with app.app_context():
        row_id = db.session.scalar(sa.select(WebhookEvent.id))
        for _ in range(2):
            with pytest.raises(RuntimeError):
                services.process_webhook_event(row_id)
        row = db.session.get(WebhookEvent, row_id)
        assert row.attempts == 2 and "database hiccup" in row.last_error and row.processed_at is None
        now = utcnow()
        assert services.sweep_inbox(now=now + timedelta(minutes=3)) == 0  # 1 min · 2² not yet over
        assert services.sweep_inbox(now=now + timedelta(minutes=5)) == 1


@pytest.mark.parametrize("fork", [True, False], ids=["fork", "no-fork"])
def test_a_worker_killed_mid_batch_is_recovered_without_double_effects(app, run_jobs, redis, fork):
    import os
    import signal
    import subprocess
    import sys

    from wcl.extensions import db as _db

    with app.app_context():
        pledges = [stripe_pledge() for _ in range(3)]
        ids = [p.id for p in pledges]
        events = [make_event("checkout.session.completed", session_obj(p)) for p in pledges]
    client = app.test_client()
    for event in events:
        post_event(client, event)
    # Hold the second pledge's row lock so the worker blocks inside its job.
    with app.app_context():
        engine = _db.engine
        blocker = engine.connect()
        tx = blocker.begin()
        blocker.execute(sa.text("SELECT id FROM pledges WHERE id = :id FOR UPDATE"), {"id": ids[1]})
    env = dict(
        os.environ,
        WCL_ENV="development",
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        REDIS_URL=app.config["REDIS_URL"],
        SECRET_KEY="test-secret-key-0123456789abcdef0123456789",
        WCL_OUTBOX_DIR=app.config["OUTBOX_DIR"],
        WCL_STORAGE_DIR=app.config["STORAGE_DIR"],
    )
    horses = []
    worker = subprocess.Popen(
        [sys.executable, "-m", "workers.worker", "--fork" if fork else "--no-fork", "webhooks"],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 120
        with app.app_context():
            while time.time() < deadline:
                _db.session.rollback()
                if _db.session.get(Pledge, ids[0]).status == "paid":
                    break
                time.sleep(0.2)
            assert _db.session.get(Pledge, ids[0]).status == "paid"
        # RQ runs each job in a forked "work horse" in its own session: kill both.
        deadline = time.time() + 120  # each phase gets its own time on a loaded machine
        while time.time() < deadline:  # the second event's job now waits for the row lock
            # Ask on a fresh connection each time: pg_stat_activity is a snapshot taken once per
            # transaction, so polling inside the blocker's open transaction would never change.
            with engine.connect() as probe:
                waiting = probe.scalar(
                    sa.text(
                        "SELECT count(*) FROM pg_stat_activity"
                        " WHERE wait_event_type = 'Lock' AND datname = current_database()"
                    )
                )
            if waiting:
                break
            time.sleep(0.2)
        assert waiting, "no job is blocked inside its transaction"
        while fork and not horses and time.time() < deadline:
            time.sleep(0.2)
            horses = [
                int(entry)
                for entry in os.listdir("/proc")
                if entry.isdigit() and _parent_pid(entry) == worker.pid
            ]
        # Forking: the job runs in a work horse. --no-fork: in the worker itself, killed below.
        assert horses or not fork, "the worker has no work horse busy with a job"
    finally:
        for pid in horses:
            os.kill(pid, signal.SIGKILL)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        tx.rollback()
        blocker.close()
    with app.app_context():
        statuses = [_db.session.get(Pledge, i).status for i in ids]
        assert statuses == ["paid", "pending", "pending"]
        _db.session.execute(sa.update(WebhookEvent).values(received_at=utcnow() - timedelta(minutes=2)))
        _db.session.commit()
        assert services.sweep_inbox() == 2
    run_jobs()
    with app.app_context():
        assert [_db.session.get(Pledge, i).status for i in ids] == ["paid"] * 3
        assert audit_count("pledge.paid") == 3  # each exactly once
        assert (
            _db.session.scalar(
                sa.select(sa.func.count(WebhookEvent.id)).where(WebhookEvent.processed_at.is_(None))
            )
            == 0
        )


# --- reconciliation ------------------------------------------------------------------------


def test_reconcile_fixes_pledges_stripe_disagrees_with(stripe_app, fake):
    with stripe_app.app_context():
        provider = get_provider("stripe")
        paid_at_stripe, open_session, expired, refunded_at_stripe = (
            PledgeFactory(provider="stripe", provider_ref=None) for _ in range(4)
        )
        for pledge in (paid_at_stripe, open_session, expired, refunded_at_stripe):
            provider.start_checkout(pledge)
        db.session.commit()
        fake.complete_session(paid_at_stripe.provider_ref)
        fake.sessions[expired.provider_ref]["status"] = "expired"
        fake.complete_session(refunded_at_stripe.provider_ref)
        services.mark_pledge_paid(refunded_at_stripe.id, refunded_at_stripe.amount, "KGS")
        fake._create_refund({"payment_intent": refunded_at_stripe.payment_intent_id, "amount": "40000"})
        ids = [p.id for p in (paid_at_stripe, open_session, expired, refunded_at_stripe)]
    runner = stripe_app.test_cli_runner()
    result = runner.invoke(stripe_app.cli, ["payments", "reconcile"])
    assert result.exit_code == 0, result.output
    assert "3 disagreement(s) found, 3 fixed" in result.output
    with stripe_app.app_context():
        pledges = [db.session.get(Pledge, i) for i in ids]
        assert [p.status for p in pledges] == ["paid", "pending", "expired", "paid"]
        assert pledges[3].refunded_amount == 40_000
    again = runner.invoke(stripe_app.cli, ["payments", "reconcile"])
    assert "0 disagreement(s) found" in again.output
    with stripe_app.app_context():
        assert audit_count("pledge.paid") == 2


def test_event_payload_is_stored_as_received(app, client):
    with app.app_context():
        pledge = stripe_pledge()
        event = make_event("checkout.session.completed", session_obj(pledge))
    body, headers = signed_request(event, SECRET)
    client.post("/webhooks/stripe", data=body, headers=headers)
    with app.app_context():
        stored = db.session.scalar(sa.select(WebhookEvent))
        assert stored.payload.encode() == body and json.loads(stored.payload)["id"] == event["id"]
