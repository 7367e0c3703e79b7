"""The local hosted-page provider against a fake provider server: checkout, callbacks, poll, refund."""

import json
import time
import urllib.request
from datetime import timedelta

import pytest
import sqlalchemy as sa

from config import DEV_LOCAL_PAY_SECRET
from tests.factories.campaigns import CampaignFactory, RewardTierFactory
from tests.fakes.local_pay import MERCHANT, FakeLocalPay
from tests.helpers import drain_queues, post_form, queued_jobs
from wcl.audit.models import AuditEntry
from wcl.campaigns.models import Pledge
from wcl.extensions import db
from wcl.payments import services
from wcl.payments.models import Refund, WebhookEvent
from wcl.schedule import PERIODIC_JOBS

SECRET = DEV_LOCAL_PAY_SECRET


@pytest.fixture
def fake():
    with FakeLocalPay(SECRET) as fake:
        yield fake


@pytest.fixture
def local_app(make_app, fake):
    return make_app(LOCAL_PAY_API_BASE=fake.url, LOCAL_PAY_MERCHANT_ID=MERCHANT, LOCAL_PAY_SECRET=SECRET)


def pledge_through_page(app, client, slug="felt"):
    """A backer pledges 2,000 som by the local method; returns (redirect response, pledge id)."""
    with app.app_context():
        campaign = CampaignFactory(slug=slug, title="Felt slippers")
        tier = RewardTierFactory(campaign=campaign, min_amount=150_000, quantity=3)
        tier_id = tier.id
    response = post_form(
        client,
        f"/campaigns/{slug}/pledge",
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
        pledge_id = db.session.scalar(sa.select(Pledge.id))
    return response, pledge_id


def pay_on_hosted_page(url, outcome="pay"):
    """The payer presses a button on the fake's hosted page (a real HTTP request)."""
    with urllib.request.urlopen(url, timeout=5) as page:
        assert b"KGS" in page.read()
    request = urllib.request.Request(url, data=f"outcome={outcome}".encode(), method="POST")

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(request, timeout=5)
    except urllib.error.HTTPError as exc:
        assert exc.code == 303
        return exc.headers["Location"]
    raise AssertionError("the hosted page did not redirect")


def post_callback(client, callback):
    body, headers = callback
    return client.post("/webhooks/local", data=body, headers=headers)


def status_of(app, pledge_id):
    with app.app_context():
        return db.session.get(Pledge, pledge_id).status


def inbox_rows(app):
    with app.app_context():
        return [
            (e.event_id, e.outcome)
            for e in db.session.scalars(sa.select(WebhookEvent).order_by(WebhookEvent.id))
        ]


@pytest.fixture
def paid_flow(local_app, fake):
    """A pledge opened through the page, its invoice, and the app's client."""
    client = local_app.test_client()
    response, pledge_id = pledge_through_page(local_app, client)
    return client, response, pledge_id, fake.only_invoice()


def test_the_pledge_page_creates_an_invoice_and_redirects_to_the_hosted_page(local_app, fake, paid_flow):
    client, response, pledge_id, invoice = paid_flow
    assert response.status_code == 302
    assert response.headers["Location"] == invoice["payment_url"]
    with local_app.app_context():
        pledge = db.session.get(Pledge, pledge_id)
        assert pledge.provider == "local" and pledge.status == "pending"
        assert pledge.provider_ref == invoice["id"]
        assert invoice["order_id"] == f"wcl-{pledge.id}-{pledge.token[:8]}"
        assert invoice["amount"] == 200_000 and invoice["currency"] == "KGS"
        assert invoice["merchant_id"] == MERCHANT and invoice["description"] == "Felt slippers"
        assert invoice["success_url"].endswith(f"/payments/pledges/{pledge.token}")
        assert invoice["callback_url"].endswith("/webhooks/local")
    [(method, path, _params)] = [r for r in fake.requests if r[1] == "/v1/invoices"]
    assert method == "POST"
    assert fake._idempotent  # created with an idempotency key


def test_the_method_is_offered_only_when_configured_and_for_som(app, local_app):
    with local_app.app_context():
        som = CampaignFactory(slug="som")
        dollars = CampaignFactory(slug="usd", currency="USD")
        assert "local" in dict(services.checkout.payment_methods(som))
        assert "local" not in dict(services.checkout.payment_methods(dollars))
    with app.app_context():
        assert "local" not in dict(services.checkout.payment_methods(db.session.get(type(som), som.id)))


def test_paid_on_the_hosted_page_then_callback_pays_once(local_app, fake, paid_flow):
    client, _response, pledge_id, invoice = paid_flow
    back = pay_on_hosted_page(invoice["payment_url"])
    assert "/payments/pledges/" in back
    [callback] = fake.callbacks
    assert post_callback(client, callback).json == {"received": True, "duplicate": False}
    # Stored before it was acknowledged; applied by the job.
    assert status_of(local_app, pledge_id) == "pending"
    assert queued_jobs(local_app) == ["wcl.payments.jobs.process_webhook_event"]
    drain_queues(local_app)
    assert status_of(local_app, pledge_id) == "paid"
    # Duplicate delivery: 200, nothing stored or applied again.
    assert post_callback(client, callback).json == {"received": True, "duplicate": True}
    assert queued_jobs(local_app) == []
    assert [o for _e, o in inbox_rows(local_app)] == ["paid (matched 0)"]


@pytest.mark.parametrize(("outcome", "status"), [("fail", "failed"), ("cancel", "expired")])
def test_failed_and_cancelled_close_the_pledge_and_give_the_reward_back(
    local_app, fake, paid_flow, outcome, status
):
    client, _response, pledge_id, invoice = paid_flow
    pay_on_hosted_page(invoice["payment_url"], outcome)
    post_callback(client, fake.callbacks[-1])
    drain_queues(local_app)
    assert status_of(local_app, pledge_id) == status, inbox_rows(local_app)
    with local_app.app_context():
        pledge = db.session.get(Pledge, pledge_id)
        assert pledge.tier.held == 0 and not pledge.holds_stock


def test_cancelled_after_paid_changes_nothing(local_app, fake, paid_flow):
    client, _response, pledge_id, invoice = paid_flow
    fake.settle(invoice["id"], "paid")
    post_callback(client, fake.callbacks[-1])
    drain_queues(local_app)
    post_callback(client, fake.callback_for(invoice, status="cancelled"))
    drain_queues(local_app)
    assert status_of(local_app, pledge_id) == "paid"
    assert inbox_rows(local_app)[-1][1] == "ignored: pledge already paid"


def test_forged_and_replayed_callbacks_are_refused_and_change_nothing(local_app, fake, paid_flow):
    client, _response, pledge_id, invoice = paid_flow
    fake.settle(invoice["id"], "paid", send=False)
    forged = fake.callback_for(invoice, secret="not-the-merchant-secret")
    assert post_callback(client, forged).status_code == 400
    old = fake.callback_for(invoice, timestamp=time.time() - 600)
    assert post_callback(client, old).status_code == 400
    ahead = fake.callback_for(invoice, timestamp=time.time() + 600)
    assert post_callback(client, ahead).status_code == 400
    body, headers = fake.callback_for(invoice)
    tampered = body.replace(b'"amount":200000', b'"amount":200')
    assert client.post("/webhooks/local", data=tampered, headers=headers).status_code == 400
    # Stripe's door does not take the local provider's callbacks, nor the other way round.
    assert (
        client.post(
            "/webhooks/stripe", data=body, headers={"Stripe-Signature": headers["X-Signature"]}
        ).status_code
        == 400
    )
    assert inbox_rows(local_app) == []
    assert status_of(local_app, pledge_id) == "pending"


def test_a_callback_whose_amount_differs_is_kept_as_rejected_and_never_applied(local_app, fake, paid_flow):
    client, _response, pledge_id, invoice = paid_flow
    fake.settle(invoice["id"], "paid", send=False)
    assert (
        post_callback(client, fake.callback_for(invoice, amount=100, event_id="evt_low")).status_code == 200
    )
    assert (
        post_callback(client, fake.callback_for(invoice, currency="USD", event_id="evt_usd")).status_code
        == 200
    )
    drain_queues(local_app)
    assert status_of(local_app, pledge_id) == "pending"
    outcomes = [o for _e, o in inbox_rows(local_app)]
    assert outcomes == ["rejected: amount or currency differs from the pledge"] * 2
    with local_app.app_context():
        # Staff find them under the inbox's "rejected" filter.
        rejected = WebhookEvent.outcome.startswith(services.webhooks.REJECTED_PREFIX)
        assert db.session.scalar(sa.select(sa.func.count(WebhookEvent.id)).where(rejected)) == 2
        assert (
            db.session.scalar(
                sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "pledge.amount_mismatch")
            )
            == 2
        )
    # The genuine callback still pays.
    post_callback(client, fake.callback_for(invoice))
    drain_queues(local_app)
    assert status_of(local_app, pledge_id) == "paid"


def test_a_callback_for_an_unknown_invoice_is_stored_and_ignored(local_app, fake, paid_flow):
    client, _response, pledge_id, invoice = paid_flow
    stranger = dict(invoice, id="inv_someone_else")
    post_callback(client, fake.callback_for(stranger, status="paid"))
    post_callback(
        client, fake.callback_for(dict(invoice, order_id="wcl-999999-abcdefgh"), status="paid", event_id="e2")
    )
    drain_queues(local_app)
    assert [o for _e, o in inbox_rows(local_app)] == [
        "rejected: invoice is not the pledge's",
        "ignored: unknown pledge",
    ]
    assert status_of(local_app, pledge_id) == "pending"


def test_the_poll_applies_a_late_callback_once(local_app, fake, paid_flow):
    client, _response, pledge_id, invoice = paid_flow
    assert any(j.func_path == "wcl.payments.jobs.poll_local_pledges" for j in PERIODIC_JOBS)
    fake.settle(invoice["id"], "paid", send=False)  # the callback is lost
    with local_app.app_context():
        from wcl.time import utcnow

        assert services.local_pay.poll_local_pledges() == []  # too young to ask about
        later = utcnow() + timedelta(minutes=11)
        [(found_id, status, outcome)] = services.local_pay.poll_local_pledges(now=later)
        assert (found_id, status, outcome) == (pledge_id, "paid", "paid (matched 0)")
        assert services.local_pay.poll_local_pledges(now=later) == []  # no longer pending
    assert status_of(local_app, pledge_id) == "paid"
    # The callback arrives after all: stored, and changes nothing.
    post_callback(client, fake.callback_for(invoice))
    drain_queues(local_app)
    assert inbox_rows(local_app)[-1][1] == "ignored: pledge already paid"


def test_the_poll_leaves_a_pending_invoice_and_survives_a_provider_outage(local_app, fake, paid_flow):
    _client, _response, pledge_id, invoice = paid_flow
    with local_app.app_context():
        from wcl.time import utcnow

        later = utcnow() + timedelta(minutes=11)
        assert services.local_pay.poll_local_pledges(now=later) == []  # still pending at the provider
        local_app.config["LOCAL_PAY_API_BASE"] = "http://127.0.0.1:9"  # nothing listens there
        [(_id, said, outcome)] = services.local_pay.poll_local_pledges(now=later)
        assert said == "lookup failed: network" and outcome is None
    assert status_of(local_app, pledge_id) == "pending"


def test_staff_refund_goes_through_the_provider(local_app, fake, paid_flow):
    client, _response, pledge_id, invoice = paid_flow
    fake.settle(invoice["id"], "paid")
    post_callback(client, fake.callbacks[-1])
    drain_queues(local_app)
    with local_app.app_context():
        refund = services.refunds.refund_pledge(pledge_id, amount=50_000, reason="requested")
        assert refund.provider == "local" and refund.provider_ref.startswith("rf_")
        services.refunds.refund_pledge(pledge_id)
        pledge = db.session.get(Pledge, pledge_id)
        assert pledge.status == "refunded" and pledge.refunded_amount == 200_000
        assert db.session.scalar(sa.select(sa.func.count(Refund.id))) == 2
    assert sorted(r["amount"] for r in fake.refunds.values()) == [50_000, 150_000]
    [first] = [r for r in fake.requests if r[1].endswith("/refunds") and r[2]["amount"] == 50_000]
    assert first[1] == f"/v1/invoices/{invoice['id']}/refunds"


def test_a_refund_the_provider_refuses_changes_nothing(local_app, fake, paid_flow):
    client, _response, pledge_id, invoice = paid_flow
    fake.settle(invoice["id"], "paid")
    post_callback(client, fake.callbacks[-1])
    drain_queues(local_app)
    fake.fail_next_count = 5
    with local_app.app_context():
        with pytest.raises(Exception):  # noqa: B017 (a job: RQ retries it)
            services.refunds.refund_pledge(pledge_id)
        assert db.session.get(Pledge, pledge_id).status == "paid"
        assert db.session.scalar(sa.select(sa.func.count(Refund.id))) == 0


def test_without_configuration_the_callback_door_is_shut(client, fake):
    invoice = {"id": "inv_x", "order_id": "wcl-1-abcdefgh", "amount": 1, "currency": "KGS", "status": "paid"}
    assert post_callback(client, fake.callback_for(invoice)).status_code == 400


def test_a_provider_outage_at_checkout_keeps_no_pledge(local_app, fake):
    fake.fail_next_count = 1
    client = local_app.test_client()
    response, pledge_id = pledge_through_page(local_app, client)
    assert response.status_code == 422 or response.status_code == 200
    assert pledge_id is None


def test_callback_body_is_json_signed_over_the_raw_bytes(fake):
    invoice = {"id": "inv_x", "order_id": "wcl-1-abcdefgh", "amount": 1, "currency": "KGS", "status": "paid"}
    body, headers = fake.callback_for(invoice)
    assert json.loads(body)["data"]["object"]["id"] == "inv_x"
    assert headers["X-Signature"].startswith("t=")


LOCAL = {"LOCAL_PAY_API_BASE": "https://pay.example.kg", "LOCAL_PAY_MERCHANT_ID": "m1"}


@pytest.mark.parametrize(
    "overrides",
    [
        {**LOCAL, "LOCAL_PAY_SECRET": DEV_LOCAL_PAY_SECRET},
        {**LOCAL, "LOCAL_PAY_SECRET": "short"},
        {"LOCAL_PAY_API_BASE": "https://pay.example.kg"},
    ],
)
def test_production_refuses_the_development_or_a_partial_local_provider_setting(app, overrides):
    from wcl import create_app

    settings = {
        k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "REDIS_URL", "OUTBOX_DIR", "STORAGE_DIR")
    }
    with pytest.raises(RuntimeError, match="Refusing to start"):
        create_app("production", overrides={**settings, "SECRET_KEY": "s" * 48, **overrides})


def test_the_pledge_form_offers_the_method_in_kyrgyz_and_russian(local_app):
    with local_app.app_context():
        CampaignFactory(slug="felt")
    client = local_app.test_client()
    ky = client.get("/campaigns/felt/pledge", headers={"Accept-Language": "ky"}).get_data(as_text=True)
    ru = client.get("/campaigns/felt/pledge", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "Кыргыз банкынын картасы же электрондук капчык" in ky
    assert "Кыргызская банковская карта или электронный кошелёк" in ru


def test_the_poll_job_does_nothing_without_the_provider(app_ctx):
    from wcl.payments import jobs

    assert jobs.poll_local_pledges() == []
