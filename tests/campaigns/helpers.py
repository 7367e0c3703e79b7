"""Helpers for campaign and payment tests."""

import io
import json

from PIL import Image
from werkzeug.datastructures import FileStorage

from wcl.payments.signatures import sign


def png_bytes(size=(1200, 800), color=(155, 29, 90)):
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def bomb_bytes():
    out = io.BytesIO()
    Image.new("1", (12000, 12000)).save(out, "PNG")  # tiny file, 144 megapixels
    return out.getvalue()


def upload(data, name="photo.png"):
    return FileStorage(stream=io.BytesIO(data), filename=name)


def signed_webhook(client, event, secret="whsec_dev_sandbox_secret", timestamp=None, header=None):
    """POST ``event`` to the webhook endpoint signed exactly as Stripe signs."""
    body = json.dumps(event).encode() if not isinstance(event, bytes) else event
    return client.post(
        "/webhooks/stripe",
        data=body,
        headers={"Stripe-Signature": header or sign(body, secret, timestamp)},
        content_type="application/json",
    )


def checkout_event(
    pledge, event_type="checkout.session.completed", event_id=None, amount=None, currency=None
):
    """A Stripe-shaped checkout event for ``pledge``."""
    return {
        "id": event_id or f"evt_test_{pledge.id}_{event_type}",
        "object": "event",
        "type": event_type,
        "data": {
            "object": {
                "id": pledge.provider_ref,
                "object": "checkout.session",
                "client_reference_id": str(pledge.id),
                "amount_total": pledge.amount if amount is None else amount,
                "currency": (currency or pledge.currency).lower(),
                "payment_status": "paid",
                "metadata": {"pledge_id": str(pledge.id)},
            }
        },
    }
