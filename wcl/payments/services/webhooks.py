"""The webhook inbox: verify, store, commit, enqueue; process one stored event once; the staff inbox page."""

import json
import logging

import sqlalchemy as sa

from wcl.accounts.permissions import ensure
from wcl.extensions import db
from wcl.payments.models import WebhookEvent
from wcl.payments.providers import ProviderUnavailable, get_provider
from wcl.payments.services.events import EVENT_HANDLERS, PROVIDER_EVENT_HANDLERS
from wcl.payments.services.inbox import store_event_with_job
from wcl.payments.signatures import SignatureError
from wcl.queue import WEBHOOKS, redis_connection
from wcl.time import utcnow

log = logging.getLogger(__name__)

PROCESS_JOB = "wcl.payments.jobs.process_webhook_event"
WEBHOOK_PROVIDER = "stripe"  # the inbox is Stripe's; the sandbox speaks the same language


class WebhookRejected(ValueError):
    """A webhook that must be answered 400 (bad signature, not an event)."""


def receive_webhook(raw_body, signature_header, provider=WEBHOOK_PROVIDER):
    """Verify, store in the inbox, commit, enqueue processing. Returns ``(row id, new?)``.

    A duplicate (same provider event id) is stored once and processed once:
    the second delivery returns ``(None, False)``. Raises ``WebhookRejected``
    for a bad signature or a body that is not an event.
    """
    try:
        receiver = get_provider(provider)
    except ProviderUnavailable:
        raise WebhookRejected(f"no provider {provider!r} here") from None
    secret = receiver.webhook_secret()
    if not secret or not signature_header:
        raise WebhookRejected("no signature or no secret")
    try:
        receiver.verify_webhook(raw_body, signature_header, secret)
    except SignatureError as exc:
        raise WebhookRejected(str(exc)) from None
    try:
        text = raw_body.decode("utf-8") if isinstance(raw_body, bytes) else raw_body
        event = json.loads(text)
    except (ValueError, UnicodeDecodeError):
        raise WebhookRejected("body is not UTF-8 JSON") from None
    if (
        not isinstance(event, dict)
        or not isinstance(event.get("id"), str)
        or not isinstance(event.get("type"), str)
    ):
        raise WebhookRejected("not an event")
    row_id = store_event_with_job(
        provider, event["id"], event["type"], text, PROCESS_JOB, queue=WEBHOOKS, job_timeout=60
    )
    db.session.commit()
    return row_id, row_id is not None


def _mode_refusal(provider, payload):
    """Why an event of the other mode (live vs test) than the configured key is refused, or ``None``.

    A test-mode event reaching a live install (or a live one a test install)
    is stored and marked rejected: it never touches a pledge.
    """
    live = bool(payload.get("livemode"))
    if live == get_provider(provider).livemode():
        return None
    return f"rejected: a {'live' if live else 'test'}-mode event, but the key is in the other mode"


def process_webhook_event(event_row_id):
    """Apply one stored event, once (the inbox row is locked; processed rows are skipped).

    An event refused before its handler runs (``rejected: …``, e.g. the wrong
    live/test mode) is marked processed with that outcome and changes nothing.
    """
    event = db.session.scalar(
        db.select(WebhookEvent)
        .where(WebhookEvent.id == event_row_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if event is None:
        db.session.rollback()
        return "missing"
    if event.processed_at is not None:
        db.session.rollback()
        return event.outcome
    try:
        payload = json.loads(event.payload)
        obj = ((payload.get("data") or {}).get("object")) or {}
        handler = PROVIDER_EVENT_HANDLERS.get(event.provider, EVENT_HANDLERS).get(event.type)
        outcome = _mode_refusal(event.provider, payload)
        if outcome:
            log.warning("webhook event %s %s", event.event_id, outcome)
        else:
            outcome = handler(obj) if handler else f"ignored: type {event.type}"
        event.attempts += 1
        event.processed_at = utcnow()
        event.outcome = outcome[:200]
        event.last_error = None
        db.session.commit()
        return outcome
    except Exception as exc:
        db.session.rollback()
        # Keep a trace for staff; the job raises so RQ retries it.
        db.session.execute(
            sa.update(WebhookEvent)
            .where(WebhookEvent.id == event_row_id)
            .values(attempts=WebhookEvent.attempts + 1, last_error=repr(exc)[:2000], last_attempt_at=utcnow())
        )
        db.session.commit()
        raise


INBOX_FILTERS = ("all", "pending", "failing", "processed", "rejected")

# Outcomes of events refused on their content (wrong mode, amount, session): kept, never applied.
REJECTED_PREFIX = "rejected:"


def inbox(actor, status="all", page=1, per_page=50):
    """The webhook inbox for staff: events (newest first), counts, and RQ's failed jobs.

    ``status="rejected"`` lists the events refused on their content, whose
    outcome gives the reason.
    """
    ensure("payments.inbox", user=actor)
    rejected = WebhookEvent.outcome.startswith(REJECTED_PREFIX, autoescape=True)
    stmt = db.select(WebhookEvent).order_by(WebhookEvent.id.desc())
    if status == "pending":
        stmt = stmt.where(WebhookEvent.processed_at.is_(None))
    elif status == "failing":
        stmt = stmt.where(WebhookEvent.processed_at.is_(None), WebhookEvent.last_error.is_not(None))
    elif status == "processed":
        stmt = stmt.where(WebhookEvent.processed_at.is_not(None))
    elif status == "rejected":
        stmt = stmt.where(WebhookEvent.processed_at.is_not(None), rejected)
    pagination = db.paginate(stmt, page=page, per_page=per_page, error_out=False)
    counts = db.session.execute(
        db.select(
            sa.func.count(WebhookEvent.id),
            sa.func.count(WebhookEvent.id).filter(WebhookEvent.processed_at.is_(None)),
            sa.func.count(WebhookEvent.id).filter(
                WebhookEvent.processed_at.is_(None), WebhookEvent.last_error.is_not(None)
            ),
            sa.func.count(WebhookEvent.id).filter(WebhookEvent.processed_at.is_not(None), rejected),
        )
    ).one()
    return (
        pagination,
        {"all": counts[0], "pending": counts[1], "failing": counts[2], "rejected": counts[3]},
        _failed_job_count(),
    )


def _failed_job_count():
    connection = redis_connection()
    if connection is None:
        return None
    from redis.exceptions import RedisError
    from rq.registry import FailedJobRegistry

    try:
        return FailedJobRegistry(WEBHOOKS, connection=connection).count
    except RedisError:
        return None
