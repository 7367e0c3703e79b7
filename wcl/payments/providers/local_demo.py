"""The local provider's demo mode: an in-process stand-in for the aggregator's API (never in production).

It answers the calls of ``LocalPayProvider`` in the provider's own dialect,
with nothing kept in memory (web processes are many): an invoice is derived
from its pledge (id ``demo-<order id>``, status from the pledge's), and its
hosted page is the app's own ``/payments/local-demo/<token>``, marked as a
demo. Refunds succeed with an id derived from their idempotency key.
"""

import hashlib

from wcl.campaigns.models import Pledge, PledgeStatus
from wcl.extensions import db
from wcl.links import absolute_url
from wcl.payments.providers import ProviderError, is_production
from wcl.payments.providers.local import pledge_id_of

PREFIX = "demo-"
STATUS = {
    PledgeStatus.PENDING: "pending",
    PledgeStatus.PAID: "paid",
    PledgeStatus.REFUNDED: "paid",
    PledgeStatus.FAILED: "failed",
    PledgeStatus.EXPIRED: "cancelled",
}


def _pledge(order):
    pledge_id = pledge_id_of(order)
    pledge = db.session.get(Pledge, pledge_id) if pledge_id else None
    if pledge is None or order != f"wcl-{pledge.id}-{pledge.token[:8]}":
        raise ProviderError("demo: no such invoice", kind="not_found")
    return pledge


def _invoice(pledge, order):
    return {
        "id": PREFIX + order,
        "order_id": order,
        "amount": pledge.amount,
        "currency": pledge.currency,
        "status": STATUS.get(pledge.status, "pending"),
        "payment_url": absolute_url("payments.local_demo_page", token=pledge.token),
    }


def answer(method, path, body, key):
    """What the real API would answer to ``method path`` (a dict); ``ProviderError`` otherwise."""
    if is_production():
        raise ProviderError("the local provider's demo does not exist in production", kind="demo")
    parts = path.strip("/").split("/")
    if method == "POST" and parts == ["v1", "invoices"]:
        return _invoice(_pledge((body or {}).get("order_id")), body["order_id"])
    if parts[:2] != ["v1", "invoices"] or len(parts) < 3 or not parts[2].startswith(PREFIX):
        raise ProviderError(f"demo: no route {method} {path}", kind="not_found")
    order = parts[2][len(PREFIX) :]
    pledge = _pledge(order)
    if method == "GET" and len(parts) == 3:
        return _invoice(pledge, order)
    if method == "POST" and parts[3:] == ["refunds"]:
        return {
            "id": "rf_demo_" + hashlib.sha256((key or path).encode()).hexdigest()[:20],
            "status": "succeeded",
        }
    raise ProviderError(f"demo: no route {method} {path}", kind="not_found")
