"""The local provider's callbacks and the poll that stands in for a late one.

A callback goes through the webhook inbox like Stripe's (verify → store →
commit → enqueue → 200). When a pledge stays pending past ``LOCAL_PAY_POLL_AFTER``
minutes, the poll asks the provider for its invoice; a final status is stored
in the same inbox as a callback would be (event id ``poll-<invoice>-<status>``,
so two polls store it once) and applied by the same handler.
"""

import json
import logging
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from config import DEV_LOCAL_PAY_SECRET
from wcl.campaigns.models import Pledge, PledgeStatus
from wcl.extensions import db
from wcl.payments import signatures
from wcl.payments.errors import PaymentError
from wcl.payments.providers import ProviderError, get_provider
from wcl.payments.providers.local import NAME, configured, mode, order_id
from wcl.payments.services.checkout import pledge_by_token
from wcl.payments.services.inbox import store_event
from wcl.payments.services.local_events import FINAL_STATUSES
from wcl.payments.services.webhooks import process_webhook_event, receive_webhook
from wcl.time import utcnow

log = logging.getLogger(__name__)

POLL_BATCH = 200


def receive_local_callback(raw_body, signature_header):
    """A callback from the local provider: verified, stored once, committed, enqueued.

    Returns ``(row id, new?)``; raises ``WebhookRejected`` (answered 400) for a
    bad or stale signature, or when the provider is not configured here.
    """
    return receive_webhook(raw_body, signature_header, provider=NAME)


def _poll_event(invoice):
    status = invoice.get("status")
    return {
        "id": f"poll-{invoice['id']}-{status}",
        "type": FINAL_STATUSES[status],
        "created": int(utcnow().timestamp()),
        "data": {"object": invoice},
    }


def poll_local_pledges(now=None):
    """Ask the provider about local pledges pending longer than the poll delay; apply final states.

    Idempotent: each final status is stored once in the inbox and applied once
    (a callback that arrives after changes nothing more). A failed look-up is
    logged and tried again next run. Returns ``[(pledge id, status, outcome)]``.
    """
    if not configured():
        return []
    now = now or utcnow()
    after = timedelta(minutes=current_app.config.get("LOCAL_PAY_POLL_AFTER", 10))
    rows = db.session.execute(
        db.select(Pledge.id, Pledge.provider_ref)
        .where(
            Pledge.provider == NAME,
            Pledge.status == PledgeStatus.PENDING,
            Pledge.provider_ref.is_not(None),
            Pledge.created_at < now - after,
        )
        .order_by(Pledge.id)
        .limit(POLL_BATCH)
    ).all()
    db.session.rollback()
    provider = get_provider(NAME)
    found = []
    for pledge_id, invoice_id in rows:
        try:
            invoice = provider.retrieve_invoice(invoice_id)
        except ProviderError as exc:
            log.warning("local invoice of pledge %s: look-up failed (%s)", pledge_id, exc.kind)
            found.append((pledge_id, f"lookup failed: {exc.kind}", None))
            continue
        status = invoice.get("status")
        if status not in FINAL_STATUSES or invoice.get("id") != invoice_id:
            continue
        event = _poll_event(invoice)
        row_id = store_event(NAME, event["id"], event["type"], json.dumps(event, separators=(",", ":")))
        db.session.commit()
        outcome = process_webhook_event(row_id) if row_id is not None else "ignored: already polled"
        found.append((pledge_id, status, outcome))
    return found


# The demo page's buttons and the invoice status each one settles.
DEMO_OUTCOMES = {"pay": "paid", "fail": "failed", "cancel": "cancelled"}


def demo_checkout(token, outcome):
    """The demo hosted page's button: sign the callback the provider would send and feed it to the
    same pipeline (verify, inbox, commit, job) as a real one. Demo mode only. Returns the pledge."""
    pledge = pledge_by_token(token) if mode() == "demo" else None
    if pledge is None or pledge.provider != NAME or outcome not in DEMO_OUTCOMES or not pledge.provider_ref:
        raise PaymentError(_l("This checkout link is not valid."))
    if pledge.status != PledgeStatus.PENDING:
        return pledge
    status = DEMO_OUTCOMES[outcome]
    invoice = {
        "id": pledge.provider_ref,
        "order_id": order_id(pledge),
        "amount": pledge.amount,
        "currency": pledge.currency,
        "status": status,
    }
    event = {
        "id": f"evt_{pledge.provider_ref}_{status}",
        "type": FINAL_STATUSES[status],
        "created": int(utcnow().timestamp()),
        "data": {"object": invoice},
    }
    body = json.dumps(event, separators=(",", ":")).encode()
    receive_local_callback(body, signatures.sign(body, DEV_LOCAL_PAY_SECRET))
    return pledge
