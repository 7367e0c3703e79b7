"""The fake Stripe API answers the real StripeClient, with idempotency and faults."""

import stripe

from tests.fakes.stripe_api import FakeStripe
from tests.fakes.stripe_signing import make_event, signed_request


def _client(fake, retries=0):
    return stripe.StripeClient("sk_test_fake", base_addresses={"api": fake.url}, max_network_retries=retries)


def test_checkout_session_roundtrip_and_idempotency():
    with FakeStripe() as fake:
        client = _client(fake)
        params = {
            "mode": "payment",
            "client_reference_id": "42",
            "metadata": {"pledge_id": "42"},
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": "kgs",
                        "unit_amount": 50000,
                        "product_data": {"name": "Pledge"},
                    },
                }
            ],
            "success_url": "http://x/s",
            "cancel_url": "http://x/c",
        }
        one = client.v1.checkout.sessions.create(params, {"idempotency_key": "pledge-42-checkout"})
        two = client.v1.checkout.sessions.create(params, {"idempotency_key": "pledge-42-checkout"})
        assert one.id == two.id and one.amount_total == 50000 and one.metadata["pledge_id"] == "42"
        assert len(fake.sessions) == 1
        fake.complete_session(one.id)
        assert client.v1.checkout.sessions.retrieve(one.id).payment_status == "paid"


def test_network_retries_reach_the_fake_after_faults():
    with FakeStripe() as fake:
        client = _client(fake, retries=2)
        session = client.v1.checkout.sessions.create(
            {
                "mode": "payment",
                "line_items": [
                    {
                        "quantity": 1,
                        "price_data": {"currency": "kgs", "unit_amount": 100, "product_data": {"name": "x"}},
                    }
                ],
                "success_url": "http://x/s",
            },
            {"idempotency_key": "k1"},
        )
        fake.fail_next(2, status=503)
        refund = client.v1.refunds.create(
            {"payment_intent": session.payment_intent, "amount": 100}, {"idempotency_key": "refund-1-1"}
        )
        assert refund.amount == 100
        assert [r["idempotency_key"] for r in fake.requests[-3:]] == ["refund-1-1"] * 3


def test_signed_event_verifies_with_the_real_library():
    event = make_event("checkout.session.completed", {"id": "cs_1", "object": "checkout.session"})
    body, headers = signed_request(event, "whsec_test")
    parsed = stripe.Webhook.construct_event(body, headers["Stripe-Signature"], "whsec_test")
    assert parsed.id == event["id"] and parsed.type == "checkout.session.completed"
