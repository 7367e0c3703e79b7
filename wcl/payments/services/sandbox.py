"""The sandbox checkout: signs Stripe-shaped events and feeds them to the same webhook pipeline."""

import hashlib
import json

from flask import current_app
from flask_babel import lazy_gettext as _l

from wcl.campaigns.models import PledgeStatus
from wcl.payments import signatures
from wcl.payments.errors import PaymentError
from wcl.payments.providers import allowed
from wcl.payments.services.checkout import pledge_by_token
from wcl.payments.services.webhooks import receive_webhook
from wcl.time import utcnow

SANDBOX_OUTCOMES = {
    "pay": "checkout.session.completed",
    "cancel": "checkout.session.expired",
    "fail": "checkout.session.async_payment_failed",
}


def sandbox_event(pledge, outcome):
    """The Stripe-shaped event the sandbox checkout emits (a dict)."""
    event_type = SANDBOX_OUTCOMES[outcome]
    digest = hashlib.sha256(f"{pledge.provider_ref}:{event_type}".encode()).hexdigest()[:24]
    return {
        "id": f"evt_sb_{digest}",
        "object": "event",
        "type": event_type,
        "created": int(utcnow().timestamp()),
        "livemode": False,
        "data": {
            "object": {
                "id": pledge.provider_ref,
                "object": "checkout.session",
                "client_reference_id": str(pledge.id),
                "amount_total": pledge.amount,
                "currency": pledge.currency.lower(),
                "payment_status": "paid" if outcome == "pay" else "unpaid",
                "metadata": {"pledge_id": str(pledge.id)},
            }
        },
    }


def sandbox_checkout(token, outcome):
    """The sandbox page's button: sign a Stripe-shaped event and feed it to the webhook pipeline.

    The event goes through ``receive_webhook`` — signature check, inbox,
    commit, job — exactly like a real Stripe delivery. Returns the pledge.
    """
    pledge = pledge_by_token(token) if allowed("sandbox") else None  # never in production
    if pledge is None or pledge.provider != "sandbox" or outcome not in SANDBOX_OUTCOMES:
        raise PaymentError(_l("This checkout link is not valid."))
    if pledge.status != PledgeStatus.PENDING:
        return pledge
    body = json.dumps(sandbox_event(pledge, outcome), separators=(",", ":")).encode()
    header = signatures.sign(body, current_app.config["STRIPE_WEBHOOK_SECRET"])
    receive_webhook(body, header)
    return pledge
