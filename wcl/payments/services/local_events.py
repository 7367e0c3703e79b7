"""What the local provider's callbacks do to their pledge (``provider="local"`` rows of the inbox).

A callback is ``{"id", "type", "created", "data": {"object": <invoice>}}`` where
the invoice carries ``id`` (the provider's, our ``provider_ref``), ``order_id``
(ours, naming the pledge), ``amount`` (minor units), ``currency`` and ``status``.
The handlers run inside ``process_webhook_event``'s unit of work (flush only)
and apply the same transitions as Stripe's events: states only move forward,
so a cancellation after payment, or a second delivery, changes nothing; a paid
invoice whose amount or currency is not the pledge's is kept as rejected.
"""

from wcl.campaigns.models import PledgeStatus
from wcl.payments.providers.local import NAME, pledge_id_of
from wcl.payments.services._common import _apply_closed, _apply_paid, _lock_pledge, _payment_mismatch


def _invoice_pledge(invoice):
    pledge_id = pledge_id_of(invoice.get("order_id"))
    pledge = _lock_pledge(pledge_id) if pledge_id else None
    if pledge is None or pledge.provider != NAME:
        return None, "ignored: unknown pledge"
    if not isinstance(invoice.get("id"), str) or invoice["id"] != pledge.provider_ref:
        return None, "rejected: invoice is not the pledge's"
    if invoice.get("order_id") != f"wcl-{pledge.id}-{pledge.token[:8]}":
        return None, "rejected: invoice is not the pledge's"
    return pledge, None


def _on_paid(invoice):
    pledge, problem = _invoice_pledge(invoice)
    if problem:
        return problem
    amount, currency = invoice.get("amount"), invoice.get("currency")
    # Checked before anything else, also for a pledge already paid: staff see the odd callback.
    problem = _payment_mismatch(pledge, amount if isinstance(amount, int) else None, currency)
    return problem or _apply_paid(pledge, amount, currency, invoice["id"])


def _on_failed(invoice):
    pledge, problem = _invoice_pledge(invoice)
    return problem or _apply_closed(pledge, PledgeStatus.FAILED)


def _on_cancelled(invoice):
    # The payer left the hosted page, or the invoice lapsed: nothing was paid.
    pledge, problem = _invoice_pledge(invoice)
    return problem or _apply_closed(pledge, PledgeStatus.EXPIRED)


# Callback type → handler of ``data.object`` (the invoice).
LOCAL_EVENT_HANDLERS = {
    "invoice.paid": _on_paid,
    "invoice.failed": _on_failed,
    "invoice.cancelled": _on_cancelled,
    "invoice.expired": _on_cancelled,
}

# The invoice statuses that end it, and the callback type each stands for (used by the poll).
FINAL_STATUSES = {
    "paid": "invoice.paid",
    "failed": "invoice.failed",
    "cancelled": "invoice.cancelled",
    "expired": "invoice.expired",
}
