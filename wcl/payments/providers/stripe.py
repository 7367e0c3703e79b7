"""The Stripe provider: Checkout Sessions in redirect mode, refunds, look-ups.

Uses stripe-python's ``StripeClient`` (never the global ``stripe.api_key``):
every create call carries a deterministic idempotency key, so a retried
request — ours or the library's network retry — can never open two sessions
or refund twice. ``STRIPE_API_BASE`` points the client elsewhere (tests run
it against a local fake of Stripe's HTTP API).

The provider never marks a pledge paid: the success page only *shows* the
pledge's status; a signed webhook event (or reconciliation) decides it.
"""

from contextlib import contextmanager
from datetime import timedelta

import stripe
from flask import current_app

from wcl.links import absolute_url
from wcl.payments import signatures
from wcl.payments.providers import Provider, ProviderError, ProviderUnavailable
from wcl.payments.signatures import DEFAULT_TOLERANCE
from wcl.time import utcnow

# Stripe Checkout has no Kyrgyz; Russian is what Kyrgyz speakers read most easily.
CHECKOUT_LOCALES = {"ru": "ru", "ky": "ru", "en": "en"}
# Stripe allows 30 min … 24 h; the pledge sweeper's TTL (25 h) must be longer.
SESSION_LIFETIME = timedelta(hours=23)
# Secret and restricted keys of live mode; anything else (sk_test_, rk_test_, none) is test mode.
LIVE_KEY_PREFIXES = ("sk_live_", "rk_live_")
TIMEOUT_SECONDS = 10
NETWORK_RETRIES = 2


@contextmanager
def _calling_stripe():
    """Stripe's errors leave this module as ``ProviderError`` (named by Stripe's class)."""
    try:
        yield
    except stripe.StripeError as exc:
        raise ProviderError(str(exc), kind=type(exc).__name__) from exc


def _client():
    key = current_app.config.get("STRIPE_SECRET_KEY")
    if not key:
        raise ProviderUnavailable("STRIPE_SECRET_KEY is not set")
    base = current_app.config.get("STRIPE_API_BASE")
    return stripe.StripeClient(
        key,
        base_addresses={"api": base} if base else None,
        max_network_retries=NETWORK_RETRIES,
        http_client=stripe.RequestsClient(timeout=TIMEOUT_SECONDS),
    )


def checkout_locale(locale):
    """The Stripe Checkout locale for a pledge's locale ("auto" when unknown)."""
    return CHECKOUT_LOCALES.get((locale or "").split("_")[0].lower(), "auto")


class StripeProvider(Provider):
    name = "stripe"
    online = True

    def available(self):
        return bool(current_app.config.get("STRIPE_SECRET_KEY"))

    def livemode(self):
        """Live mode when ``STRIPE_SECRET_KEY`` is a live key (``sk_live_``/``rk_live_``)."""
        return (current_app.config.get("STRIPE_SECRET_KEY") or "").startswith(LIVE_KEY_PREFIXES)

    def checkout_params(self, pledge):
        """The Checkout Session parameters for a pending pledge (a plain dict)."""
        status_url = absolute_url("payments.pledge_status", token=pledge.token)
        campaign = pledge.campaign
        params = {
            "mode": "payment",
            "submit_type": "donate",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": pledge.currency.lower(),
                        "unit_amount": pledge.amount,
                        "product_data": {"name": (campaign.title if campaign else "WCL")[:250]},
                    },
                }
            ],
            "client_reference_id": str(pledge.id),
            "metadata": {"pledge_id": str(pledge.id)},
            # Charges, refunds and disputes carry the payment intent's metadata.
            "payment_intent_data": {"metadata": {"pledge_id": str(pledge.id)}},
            "locale": checkout_locale(pledge.locale),
            "success_url": status_url,
            "cancel_url": status_url,
            "expires_at": int((utcnow() + SESSION_LIFETIME).timestamp()),
        }
        if pledge.backer_email:
            params["customer_email"] = pledge.backer_email
        return params

    def start_checkout(self, pledge):
        """Create (idempotently: ``checkout-<pledge id>``) the session; returns its URL."""
        with _calling_stripe():
            session = _client().v1.checkout.sessions.create(
                params=self.checkout_params(pledge),
                options={"idempotency_key": f"checkout-{pledge.id}"},
            )
        data = session.to_dict()
        pledge.provider_ref = data["id"]
        # Recent API versions create the payment intent only when the backer pays;
        # it is then taken from checkout.session.completed.
        if isinstance(data.get("payment_intent"), str):
            pledge.payment_intent_id = data["payment_intent"]
        return data["url"]

    def _payment_intent_id(self, pledge):
        if pledge.payment_intent_id:
            return pledge.payment_intent_id
        session = self.retrieve_session(pledge.provider_ref)
        intent = session.get("payment_intent")
        return intent if isinstance(intent, str) else (intent or {}).get("id")

    def refund(self, pledge, amount, key):
        """Refund ``amount`` of the pledge's payment intent; returns Stripe's refund id."""
        intent = self._payment_intent_id(pledge)
        if not intent:
            raise ProviderUnavailable(f"pledge {pledge.id} has no Stripe payment intent")
        with _calling_stripe():
            refund = _client().v1.refunds.create(
                params={
                    "payment_intent": intent,
                    "amount": amount,
                    "metadata": {"pledge_id": str(pledge.id)},
                },
                options={"idempotency_key": key},
            )
        return refund.id

    def retrieve_session(self, session_id):
        """The Checkout Session as a plain dict (for reconciliation)."""
        with _calling_stripe():
            return _client().v1.checkout.sessions.retrieve(session_id).to_dict()

    def retrieve_payment_intent(self, intent_id):
        """The payment intent as a plain dict."""
        with _calling_stripe():
            return _client().v1.payment_intents.retrieve(intent_id).to_dict()

    def retrieve_charge(self, charge_id):
        """The charge as a plain dict."""
        with _calling_stripe():
            return _client().v1.charges.retrieve(charge_id).to_dict()

    def list_refunds(self, intent_id):
        """Every refund of a payment intent (plain dicts); webhooks are only a trigger."""
        with _calling_stripe():
            page = _client().v1.refunds.list(params={"payment_intent": intent_id, "limit": 100})
            return [r.to_dict() for r in page.auto_paging_iter()]

    def verify_webhook(self, payload, header, secret):
        """The project's own check (``wcl.payments.signatures.verify``): HMAC-SHA256 over
        "<t>.<raw body>", constant-time compare against every v1 signature, and a timestamp
        more than the tolerance in the past *or in the future* refused. stripe-python's
        ``WebhookSignature`` only refuses old ones: a header dated ahead would stay
        replayable until that date."""
        signatures.verify(payload, header, secret, tolerance=DEFAULT_TOLERANCE)
