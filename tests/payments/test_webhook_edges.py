"""Webhook edge cases (issue 15, point 3), with events shaped as Stripe sends them.

Live/test mode mismatches, signatures from the future, completions that do not
match their pledge, refunds made in the Stripe Dashboard (no metadata) that
arrive before the payment, refunds whose events were all lost, and the receipt
of a pledge refunded before its receipt job ran.
"""

import time

import pytest
import sqlalchemy as sa

from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.campaigns import CampaignFactory, PledgeFactory
from tests.fakes.stripe_api import FakeStripe
from tests.fakes.stripe_signing import make_event, signed_request
from tests.helpers import drain_queues, login
from wcl.audit.models import AuditEntry
from wcl.campaigns.models import Pledge
from wcl.extensions import db
from wcl.payments.models import Refund, WebhookEvent

SECRET = "whsec_dev_sandbox_secret"


@pytest.fixture
def fake():
    with FakeStripe() as fake:
        yield fake


def post_event(client, event, timestamp=None):
    body, headers = signed_request(event, SECRET, timestamp)
    return client.post("/webhooks/stripe", data=body, headers=headers)


def session_obj(pledge, amount=None, currency=None, intent=None):
    """A checkout.session object as Stripe sends it in checkout.session.completed."""
    return {
        "id": pledge.provider_ref,
        "object": "checkout.session",
        "mode": "payment",
        "client_reference_id": str(pledge.id),
        "metadata": {"pledge_id": str(pledge.id)},
        "amount_subtotal": pledge.amount if amount is None else amount,
        "amount_total": pledge.amount if amount is None else amount,
        "currency": (currency or pledge.currency).lower(),
        "payment_status": "paid",
        "status": "complete",
        "payment_intent": intent or pledge.payment_intent_id,
        "livemode": False,
    }


def stripe_pledge(**fields):
    fields.setdefault("provider", "stripe")
    fields.setdefault("amount", 250_000)
    pledge = PledgeFactory(**fields)
    pledge.provider_ref = f"cs_test_{pledge.id}"
    db.session.commit()
    return pledge


def refund_obj(intent, refund_id, amount, currency="kgs", metadata=None):
    """A refund as Stripe sends it; one made in the Dashboard has empty metadata."""
    return {
        "id": refund_id,
        "object": "refund",
        "amount": amount,
        "currency": currency,
        "charge": f"ch_{intent[3:]}",
        "payment_intent": intent,
        "status": "succeeded",
        "reason": "requested_by_customer",
        "metadata": metadata or {},
    }


def audit_count(action):
    return db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == action))


def outcomes():
    return db.session.scalars(sa.select(WebhookEvent.outcome).order_by(WebhookEvent.id)).all()


# --- (a) livemode ------------------------------------------------------------------------


@pytest.mark.parametrize("key, livemode", [(None, True), ("sk_live_x", False), ("rk_live_x", False)])
def test_an_event_from_the_other_mode_is_stored_rejected_and_has_no_effect(make_app, fake, key, livemode):
    overrides = {"STRIPE_API_BASE": fake.url}
    if key:
        overrides["STRIPE_SECRET_KEY"] = key
    app = make_app(**overrides)
    with app.app_context():
        pledge = stripe_pledge(payment_intent_id=None)
        pledge_id = pledge.id
        event = make_event("checkout.session.completed", session_obj(pledge, intent="pi_other_mode"))
        event["livemode"] = livemode
    assert post_event(app.test_client(), event).status_code == 200
    drain_queues(app)
    with app.app_context():
        pledge = db.session.get(Pledge, pledge_id)
        assert pledge.status == "pending" and pledge.payment_intent_id is None and pledge.paid_at is None
        row = db.session.scalar(sa.select(WebhookEvent))
        assert row.event_id == event["id"] and row.processed_at is not None
        mode = "live" if livemode else "test"
        assert row.outcome == f"rejected: a {mode}-mode event, but the key is in the other mode"
        assert audit_count("pledge.paid") == 0


def test_an_event_of_the_keys_own_mode_is_applied(make_app, fake):
    app = make_app(STRIPE_SECRET_KEY="sk_live_x", STRIPE_API_BASE=fake.url)
    with app.app_context():
        pledge = stripe_pledge(payment_intent_id="pi_live_1")
        pledge_id = pledge.id
        event = make_event("checkout.session.completed", session_obj(pledge))
        event["livemode"] = True
    post_event(app.test_client(), event)
    drain_queues(app)
    with app.app_context():
        assert db.session.get(Pledge, pledge_id).status == "paid"
        assert outcomes()[0].startswith("paid")


# --- (b) signatures from the future ----------------------------------------------------------


def test_a_signature_dated_in_the_future_beyond_the_tolerance_is_refused(app, client, run_jobs):
    with app.app_context():
        pledge = stripe_pledge(payment_intent_id="pi_future")
        pledge_id = pledge.id
        event = make_event("checkout.session.completed", session_obj(pledge))
    # Stripe's library only checks the age; a header dated ahead could be replayed for ever after.
    assert post_event(client, event, timestamp=time.time() + 600).status_code == 400
    assert post_event(client, event, timestamp=time.time() + 301).status_code == 400
    run_jobs()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(WebhookEvent.id))) == 0
        assert db.session.get(Pledge, pledge_id).status == "pending"
    # Clock skew within the tolerance, either way, is fine.
    assert post_event(client, event, timestamp=time.time() + 200).status_code == 200
    run_jobs()
    with app.app_context():
        assert db.session.get(Pledge, pledge_id).status == "paid"


def test_the_stripe_provider_checks_with_the_projects_verifier(app_ctx):
    from wcl.payments import signatures
    from wcl.payments.providers import get_provider

    body = b'{"id": "evt_1", "type": "x"}'
    provider = get_provider("stripe")
    provider.verify_webhook(body, signatures.sign(body, SECRET), SECRET)
    for header in (
        signatures.sign(body, SECRET, time.time() + 600),
        signatures.sign(body, SECRET, time.time() - 600),
        signatures.sign(body, "whsec_other"),
        "t=abc,v1=00",
    ):
        with pytest.raises(signatures.SignatureError):
            provider.verify_webhook(body, header, SECRET)


# --- (c) a completion that does not match its pledge -------------------------------------------


def test_a_mismatched_completion_changes_nothing_then_the_genuine_payment_and_refund_apply(app, run_jobs):
    with app.app_context():
        UserFactory(email="staff@example.org", roles=["staff"])
        campaign = CampaignFactory(slug="felt")
        # Recent API versions create the payment intent only when the backer pays.
        pledge = stripe_pledge(campaign=campaign, amount=250_000, payment_intent_id=None)
        pledge_id, session_id = pledge.id, pledge.provider_ref
        short = make_event("checkout.session.completed", session_obj(pledge, amount=100, intent="pi_foreign"))
        dollars = make_event(
            "checkout.session.completed", session_obj(pledge, currency="usd", intent="pi_usd")
        )
        genuine = make_event("checkout.session.completed", session_obj(pledge, intent="pi_genuine"))
        refund = make_event("refund.created", refund_obj("pi_genuine", "re_genuine", 50_000))
    client = app.test_client()
    post_event(client, short)
    post_event(client, dollars)
    run_jobs()
    with app.app_context():
        pledge = db.session.get(Pledge, pledge_id)
        assert pledge.status == "pending" and pledge.paid_at is None
        assert pledge.payment_intent_id is None and pledge.provider_ref == session_id  # nothing written
        assert outcomes() == ["rejected: amount or currency differs from the pledge"] * 2
        assert audit_count("pledge.amount_mismatch") == 2
    post_event(client, genuine)
    run_jobs()
    post_event(client, refund)
    run_jobs()
    with app.app_context():
        pledge = db.session.get(Pledge, pledge_id)
        assert pledge.status == "paid" and pledge.payment_intent_id == "pi_genuine"
        assert pledge.refunded_amount == 50_000, outcomes()
        assert db.session.scalar(sa.select(Refund.provider_ref)) == "re_genuine"
    staff = app.test_client()
    login(staff, "staff@example.org", PASSWORD)
    assert "Already refunded: KGS\xa0500" in staff.get("/payments/campaigns/felt/refunds").get_data(
        as_text=True
    )
    # Staff see the refused events with their reason, and only those under "Rejected".
    everything = staff.get("/payments/inbox").get_data(as_text=True)
    assert "Rejected: 2." in everything
    rejected = staff.get("/payments/inbox?status=rejected").get_data(as_text=True)
    assert short["id"] in rejected and dollars["id"] in rejected
    assert "Rejected: the amount or currency differs from the pledge" in rejected
    assert genuine["id"] not in rejected and refund["id"] not in rejected


# --- (d) a Dashboard refund (no metadata) before the payment is known ------------------------


@pytest.fixture
def late_intent_app(make_app):
    """Stripe against a fake that creates the payment intent only when the backer pays."""
    with FakeStripe(defer_payment_intent=True) as fake:
        yield make_app(STRIPE_SECRET_KEY="sk_test_x", STRIPE_API_BASE=fake.url), fake


def _checkout(app, fake, amount=250_000):
    from wcl.payments.providers import get_provider

    with app.app_context():
        pledge = PledgeFactory(provider="stripe", provider_ref=None, amount=amount)
        get_provider("stripe").start_checkout(pledge)
        db.session.commit()
        assert pledge.payment_intent_id is None  # not known until checkout.session.completed
        session = fake.complete_session(pledge.provider_ref)
        return pledge.id, session


def _session_event(event_type, session):
    return make_event(event_type, {**session, "livemode": False})


@pytest.mark.parametrize("by", ["payment_intent", "charge"])
def test_a_dashboard_refund_arriving_before_the_payment_is_kept_and_applied(late_intent_app, by):
    app, fake = late_intent_app
    pledge_id, session = _checkout(app, fake)
    refund = fake.dashboard_refund(session["payment_intent"])
    assert refund["metadata"] == {}
    if by == "charge":
        refund = {**refund, "payment_intent": None}
    client = app.test_client()
    post_event(client, make_event("refund.created", refund))
    post_event(client, make_event("refund.updated", refund))
    drain_queues(app)
    with app.app_context():
        pledge = db.session.get(Pledge, pledge_id)
        assert pledge.status == "pending" and pledge.refunded_amount == 0
        assert outcomes() == ["recorded: refund before payment", "ignored: refund already recorded"]
        assert db.session.scalar(sa.select(Refund.provider_ref)) == refund["id"]  # kept, not lost
    post_event(client, _session_event("checkout.session.completed", session))
    drain_queues(app)
    with app.app_context():
        pledge = db.session.get(Pledge, pledge_id)
        assert pledge.status == "refunded" and pledge.refunded_amount == 250_000, outcomes()
        assert pledge.payment_intent_id == session["payment_intent"]
        assert audit_count("pledge.paid") == audit_count("pledge.refunded") == 1


def test_a_refund_of_a_payment_that_is_not_ours_is_ignored(late_intent_app):
    app, fake = late_intent_app
    with app.app_context():
        foreign = fake._new_intent(1000, "kgs", {})  # another product on the same Stripe account
    client = app.test_client()
    post_event(client, make_event("refund.created", refund_obj(foreign, "re_theirs", 1000)))
    post_event(client, make_event("refund.created", refund_obj("pi_gone", "re_gone", 1000)))
    drain_queues(app)
    with app.app_context():
        assert outcomes() == ["ignored: unknown pledge"] * 2
        assert db.session.scalar(sa.select(sa.func.count(Refund.id))) == 0


def test_stripe_down_keeps_the_refund_event_for_a_retry(late_intent_app):
    from wcl.payments import services

    app, fake = late_intent_app
    pledge_id, session = _checkout(app, fake)
    refund = fake.dashboard_refund(session["payment_intent"], amount=100_000)
    post_event(app.test_client(), make_event("refund.created", refund))
    fake.fail_next(50)
    drain_queues(app)
    with app.app_context():
        row = db.session.scalar(sa.select(WebhookEvent))
        assert row.processed_at is None and row.last_error  # the sweeper tries again
        fake.fail_next(0)
        assert services.process_webhook_event(row.id) == "recorded: refund before payment"
    post_event(app.test_client(), _session_event("checkout.session.completed", session))
    drain_queues(app)
    with app.app_context():
        pledge = db.session.get(Pledge, pledge_id)
        assert pledge.status == "paid" and pledge.refunded_amount == 100_000


# --- (e) the hourly reconciliation repairs refunds whose events were all lost -----------------


def test_hourly_reconciliation_repairs_pledges_whose_refund_events_were_all_lost(
    late_intent_app, monkeypatch
):
    from wcl.payments import jobs
    from wcl.payments.services import reconciliation

    app, fake = late_intent_app
    paid = [_checkout(app, fake, amount=100_000) for _ in range(4)]
    client = app.test_client()
    for _pledge_id, session in paid:
        post_event(client, _session_event("checkout.session.completed", session))
    drain_queues(app)
    ids = [pledge_id for pledge_id, _session in paid]
    with app.app_context():
        assert [db.session.get(Pledge, i).status for i in ids] == ["paid"] * 4
        # The last one was confirmed without its payment intent (e.g. before intents were kept).
        db.session.get(Pledge, ids[3]).payment_intent_id = None
        db.session.commit()
    # Refunds made in the Dashboard; not one of their events ever arrives.
    fake.dashboard_refund(paid[0][1]["payment_intent"])
    fake.dashboard_refund(paid[2][1]["payment_intent"], amount=30_000)
    fake.dashboard_refund(paid[2][1]["payment_intent"], amount=20_000)
    fake.dashboard_refund(paid[3][1]["payment_intent"])
    # Each hourly run looks at a batch and the next run goes on from there: every paid
    # pledge is looked at in turn, not only the oldest batch.
    monkeypatch.setattr(reconciliation, "RECONCILE_BATCH", 2)
    with app.app_context():
        found = jobs.reconcile() + jobs.reconcile()
        pledges = [db.session.get(Pledge, i) for i in ids]
        assert [p.status for p in pledges] == ["refunded", "paid", "paid", "refunded"], found
        assert [p.refunded_amount for p in pledges] == [100_000, 0, 50_000, 100_000]
        assert pledges[3].payment_intent_id == paid[3][1]["payment_intent"]
        assert sorted(row[0] for row in found) == [ids[0], ids[2], ids[3]]
        assert db.session.scalar(sa.select(sa.func.count(Refund.id))) == 4
        # Nothing left to repair, and nothing applied twice.
        assert jobs.reconcile() + jobs.reconcile() == []
        assert db.session.scalar(sa.select(sa.func.count(Refund.id))) == 4
        assert audit_count("pledge.refunded") == 2 and audit_count("pledge.partially_refunded") == 2


# --- (f) a pledge refunded in full before its receipt job ran ---------------------------------


def _paid_then_refunded(app, run_jobs, receipt_job_first):
    from wcl.payments import services

    with app.app_context():
        pledge = PledgeFactory(provider="sandbox", amount=120_000, backer_email="aida@example.org")
        pledge_id = pledge.id
        services.mark_pledge_paid(pledge_id, 120_000, "KGS")
    if receipt_job_first:
        run_jobs()  # issued, rendered and emailed
    with app.app_context():
        services.refund_pledge(pledge_id, reason="staff")
    run_jobs()
    return pledge_id


def _receipt_state(pledge_id):
    from wcl.receipts.models import Receipt

    [receipt] = db.session.scalars(sa.select(Receipt).where(Receipt.pledge_id == pledge_id)).all()
    return {
        "number": receipt.display_number,
        "void": receipt.voided_at is not None,
        "void_reason": receipt.void_reason,
        "amount": receipt.amount,
        "refunded_amount": receipt.refunded_amount,
        "pdf": receipt.pdf_id is not None and not receipt.needs_render,
    }


def test_a_full_refund_voids_the_receipt_whether_or_not_the_receipt_job_ran_first(app, run_jobs):
    from wcl.receipts import services as receipts

    before = _paid_then_refunded(app, run_jobs, receipt_job_first=True)
    after = _paid_then_refunded(app, run_jobs, receipt_job_first=False)
    with app.app_context():
        assert db.session.get(Pledge, before).status == db.session.get(Pledge, after).status == "refunded"
        first, second = _receipt_state(before), _receipt_state(after)
        # The same rule either way: the payment happened, so it has its number; the refund voids it.
        assert (
            {**first, "number": None}
            == {**second, "number": None}
            == {
                "number": None,
                "void": True,
                "void_reason": "refunded",
                "amount": 120_000,
                "refunded_amount": 120_000,
                "pdf": True,
            }
        )
        assert first["number"] != second["number"]
        assert audit_count("receipt.issued") == audit_count("receipt.voided") == 2
        # The refund hook running before the receipt job (two workers) ends the same way.
        pledge = PledgeFactory(provider="sandbox", status="refunded", amount=5_000, refunded_amount=5_000)
        pledge.paid_at = pledge.created_at
        db.session.commit()
        assert receipts.apply_refund(pledge.id) is None
        receipt = receipts.issue_receipt(pledge.id)
        assert receipt.is_void and receipt.refunded_amount == 5_000
        assert receipts.issue_receipt(pledge.id).id == receipt.id  # still once
