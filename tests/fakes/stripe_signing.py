"""Sign webhook payloads exactly as Stripe does, and build Stripe-shaped events.

Header: ``Stripe-Signature: t=<unix ts>,v1=<hex>``, where hex is HMAC-SHA256
keyed with the ``whsec_…`` secret over ``"<t>.<raw body>"``.
"""

import hashlib
import hmac
import json
import time
import uuid


def signature_header(payload, secret, timestamp=None):
    """The ``Stripe-Signature`` header value for raw ``payload`` bytes."""
    timestamp = int(time.time()) if timestamp is None else int(timestamp)
    if isinstance(payload, str):
        payload = payload.encode()
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def make_event(event_type, obj, event_id=None, created=None):
    """A Stripe event envelope around ``obj`` (a dict)."""
    return {
        "id": event_id or f"evt_{uuid.uuid4().hex[:24]}",
        "object": "event",
        "api_version": "2025-09-30.clover",
        "created": int(created or time.time()),
        "livemode": False,
        "pending_webhooks": 1,
        "type": event_type,
        "data": {"object": obj},
    }


def signed_request(event, secret, timestamp=None):
    """(raw body, headers) ready to POST to the webhook endpoint."""
    body = json.dumps(event, separators=(",", ":")).encode()
    return body, {
        "Stripe-Signature": signature_header(body, secret, timestamp),
        "Content-Type": "application/json",
    }
