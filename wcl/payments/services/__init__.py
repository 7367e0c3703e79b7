"""Payment services, one module per use case; each public function is one unit of work and commits once.

- ``_common``: the pledge state machine (pending → paid → refunded, or failed / expired) and its hooks
- ``checkout``: pledging online, and confirmations that mark a pledge paid or closed
- ``webhooks``: the inbox (verify, store, commit, enqueue) and processing one stored event
- ``events``: what each provider event does to its pledge
- ``refunds``: refunds of one pledge, of a failed campaign, by staff
- ``offline``: cash, bank and QR payments recorded by a coordinator
- ``sandbox``: the local checkout that emits signed events into the webhook pipeline
- ``sweeper``: expiring abandoned pledges, re-enqueueing unprocessed events
- ``reconciliation``: bringing Stripe pledges in line with Stripe
- ``bank_transfer``: lab bank accounts, transfer references and how to pay
- ``local_pay``, ``local_events``: the local hosted-page provider's callbacks and status poll
- ``statements``: importing bank statements and matching their lines to pledges

The names below are re-exported for callers; patch a function in the module that defines it.
"""

from wcl.payments.errors import PaymentError
from wcl.payments.services import bank_transfer, local_pay, statements
from wcl.payments.services._common import PAID_HOOKS, REFUNDED_HOOKS
from wcl.payments.services.checkout import (
    ONLINE,
    begin_checkout,
    create_pledge,
    mark_pledge_closed,
    mark_pledge_paid,
    online_provider_name,
    payment_methods,
    pledge_by_token,
)
from wcl.payments.services.events import EVENT_HANDLERS
from wcl.payments.services.lab_funding import settle_held_refund
from wcl.payments.services.offline import OFFLINE_METHODS, offline_pledges, proof_for, record_offline_payment
from wcl.payments.services.reconciliation import RECONCILE_BATCH, reconcile
from wcl.payments.services.refunds import refund_campaign, refund_pledge, refundable_pledges, staff_refund
from wcl.payments.services.sandbox import SANDBOX_OUTCOMES, sandbox_checkout, sandbox_event
from wcl.payments.services.sweeper import (
    DEFAULT_PENDING_TTL,
    MAX_BACKOFF,
    PENDING_TTL,
    SWEEP_AFTER,
    SWEEP_BATCH,
    expire_stale_pledges,
    sweep_inbox,
)
from wcl.payments.services.webhooks import (
    INBOX_FILTERS,
    WEBHOOK_PROVIDER,
    WebhookRejected,
    inbox,
    process_webhook_event,
    receive_webhook,
)

__all__ = [
    "PaymentError",
    "PAID_HOOKS",
    "REFUNDED_HOOKS",
    "online_provider_name",
    "ONLINE",
    "payment_methods",
    "bank_transfer",
    "local_pay",
    "statements",
    "begin_checkout",
    "create_pledge",
    "mark_pledge_paid",
    "mark_pledge_closed",
    "pledge_by_token",
    "WEBHOOK_PROVIDER",
    "WebhookRejected",
    "receive_webhook",
    "process_webhook_event",
    "INBOX_FILTERS",
    "inbox",
    "EVENT_HANDLERS",
    "refund_pledge",
    "settle_held_refund",
    "refund_campaign",
    "refundable_pledges",
    "staff_refund",
    "OFFLINE_METHODS",
    "record_offline_payment",
    "offline_pledges",
    "proof_for",
    "SANDBOX_OUTCOMES",
    "sandbox_event",
    "sandbox_checkout",
    "PENDING_TTL",
    "DEFAULT_PENDING_TTL",
    "expire_stale_pledges",
    "SWEEP_AFTER",
    "SWEEP_BATCH",
    "MAX_BACKOFF",
    "sweep_inbox",
    "RECONCILE_BATCH",
    "reconcile",
]
