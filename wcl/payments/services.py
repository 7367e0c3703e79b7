"""Payments: checkout, the webhook inbox, the pledge state machine, refunds, offline records.

Pledge states only move forward::

    pending → paid → refunded          (partial refunds: paid, refunded_amount > 0)
    pending → failed | expired

Every transition happens with the pledge row locked (``SELECT … FOR
UPDATE``), is audited, and is idempotent: a second confirmation of a paid
pledge, or an expiry arriving after payment, changes nothing.

Hooks for later issues: ``PAID_HOOKS`` and ``REFUNDED_HOOKS`` list jobs to
enqueue (with the pledge id) after a pledge becomes paid / is refunded —
receipts append ``"wcl.receipts.jobs.issue_receipt"`` here.
"""

import hashlib
import json
import logging
from datetime import timedelta

import sqlalchemy as sa
import stripe
from flask import current_app
from flask_babel import lazy_gettext as _l

from wcl.accounts.permissions import ensure
from wcl.audit.services import record
from wcl.campaigns import matching, stock
from wcl.campaigns.models import Campaign, CampaignStatus, Pledge, PledgeStatus
from wcl.campaigns.pledging import PledgeError, new_pledge
from wcl.extensions import db
from wcl.files.services import DOCUMENT_TYPES, UploadError, save_upload
from wcl.links import absolute_url
from wcl.mail import queue_email
from wcl.payments import signatures
from wcl.payments.errors import PaymentError  # noqa: F401  (services.PaymentError is the public name)
from wcl.payments.models import Refund, WebhookEvent
from wcl.payments.providers import ProviderUnavailable, allowed, checkout_provider, get_provider
from wcl.queue import DEFAULT, RECEIPTS, WEBHOOKS, enqueue_after_commit, enqueue_now, redis_connection
from wcl.time import local_today, utcnow

log = logging.getLogger(__name__)

# Jobs enqueued after commit with ``(pledge_id,)`` when a pledge becomes paid /
# is (partly or fully) refunded. Entries: a dotted job name (runs on the
# "receipts" queue) or a ``(dotted name, queue)`` pair.
PAID_HOOKS: list = ["wcl.receipts.jobs.issue_receipt"]
REFUNDED_HOOKS: list = ["wcl.receipts.jobs.apply_refund"]

OFFLINE_METHODS = ("cash", "bank", "qr")
WEBHOOK_PROVIDER = "stripe"  # the inbox is Stripe's; the sandbox speaks the same language

_FORWARD = {
    PledgeStatus.PENDING: {PledgeStatus.PAID, PledgeStatus.FAILED, PledgeStatus.EXPIRED},
    PledgeStatus.PAID: {PledgeStatus.REFUNDED},
}


class WebhookRejected(ValueError):
    """A webhook that must be answered 400 (bad signature, not an event)."""


# --- helpers (flush only) ------------------------------------------------------


def _lock_pledge(pledge_id):
    return db.session.scalar(
        db.select(Pledge)
        .where(Pledge.id == pledge_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _transition(pledge, new_status, actor=None, **data):
    if new_status not in _FORWARD.get(pledge.status, ()):
        raise ValueError(f"pledge {pledge.id}: {pledge.status} → {new_status} is not allowed")
    previous = pledge.status
    pledge.status = new_status
    record(f"pledge.{new_status}", pledge, actor=actor, previous=previous, **data)


def _enqueue_hooks(hooks, pledge_id):
    for hook in hooks:
        path, queue = (hook, RECEIPTS) if isinstance(hook, str) else hook
        enqueue_after_commit(path, pledge_id, queue=queue, job_timeout=120)


def begin_checkout(pledge):
    """Hand a new pending pledge to its provider; returns the URL to send the backer to.

    Part of the caller's unit of work (flushes; the pledge service commits).
    """
    try:
        url = get_provider(pledge.provider).start_checkout(pledge)
    except (stripe.StripeError, ProviderUnavailable):
        # Nothing is kept: the unit goes back to the tier with the rollback.
        db.session.rollback()
        log.exception("checkout could not be started")
        raise PledgeError(
            _l("Online payment is not available at the moment. Please try again in a few minutes.")
        ) from None
    record("pledge.checkout_started", pledge, provider=pledge.provider)
    return url


def online_provider_name():
    """The provider online pledges use now; raises ``PledgeError`` if none is available."""
    try:
        return checkout_provider().name
    except ProviderUnavailable:
        log.exception("no online payment provider")
        raise PledgeError(
            _l(
                "Online payment is not available at the moment. Please contact the lab to pay in cash or by transfer."
            )
        ) from None


def _apply_paid(pledge, amount, currency, provider_ref=None, actor=None, source="webhook"):
    """pending → paid (once): reserve the match, thank the backer, run the hooks."""
    if pledge.status in (PledgeStatus.EXPIRED, PledgeStatus.FAILED):
        # Money arrived for a pledge already closed (its unit may be gone): never
        # silently drop it — staff see it in the audit log and refund it.
        record("pledge.late_payment", pledge, actor=actor, amount=amount, status=pledge.status)
        return f"error: payment for a {pledge.status} pledge needs a refund"
    if pledge.status != PledgeStatus.PENDING:
        return f"ignored: pledge already {pledge.status}"
    if amount != pledge.amount or (currency or "").upper() != pledge.currency:
        record(
            "pledge.amount_mismatch",
            pledge,
            actor=actor,
            expected=pledge.amount,
            got=amount,
            currency=(currency or "").upper(),
        )
        return "error: amount or currency differs from the pledge"
    if provider_ref and not pledge.provider_ref:
        pledge.provider_ref = provider_ref
    pledge.paid_at = utcnow()
    _transition(pledge, PledgeStatus.PAID, actor=actor, source=source, amount=amount)
    matched = matching.reserve_for_pledge(pledge)
    if matched:
        record("pledge.matched", pledge, actor=actor, matched=matched)
    _enqueue_hooks(PAID_HOOKS, pledge.id)
    campaign = db.session.get(Campaign, pledge.campaign_id)
    # Refunds the provider reported before the payment itself (events arrive in
    # any order) were recorded, not applied: they take effect now, once.
    early = int(
        db.session.scalar(
            db.select(sa.func.coalesce(sa.func.sum(Refund.amount), 0)).where(Refund.pledge_id == pledge.id)
        )
    )
    if early:
        _apply_refund(pledge, min(early, pledge.amount), actor=actor, reason="refund_before_payment")
        return f"paid (matched {matched}), then refunded {min(early, pledge.amount)}"
    if pledge.backer_email:
        queue_email(
            pledge.backer_email,
            "campaigns/pledge_paid",
            pledge.locale,
            name=pledge.backer_name,
            title=campaign.title,
            amount=pledge.amount,
            currency=pledge.currency,
            matched=matched,
            link=absolute_url("campaigns.show", slug=campaign.slug),
        )
    if campaign.status in (CampaignStatus.FAILED, CampaignStatus.CANCELLED):
        # Money that arrives after an all-or-nothing failure goes straight back.
        enqueue_after_commit(
            "wcl.payments.jobs.refund_pledge", pledge.id, "campaign_" + campaign.status, queue=DEFAULT
        )
    return f"paid (matched {matched})"


def _apply_closed(pledge, new_status, actor=None, source="webhook"):
    """pending → failed | expired (once): the tier unit goes back."""
    if pledge.status != PledgeStatus.PENDING:
        return f"ignored: pledge already {pledge.status}"
    pledge.closed_at = utcnow()
    _transition(pledge, new_status, actor=actor, source=source)
    stock.release_unit(pledge)
    return new_status


# --- state changes (units of work) ----------------------------------------------


def mark_pledge_paid(pledge_id, amount, currency, provider_ref=None, actor=None, source="api"):
    """Confirm a payment of ``amount`` for a pending pledge; returns the outcome text.

    Idempotent: a pledge already paid (or closed) is left as it is.
    """
    pledge = _lock_pledge(pledge_id)
    if pledge is None:
        db.session.rollback()
        return "ignored: unknown pledge"
    outcome = _apply_paid(pledge, amount, currency, provider_ref, actor, source)
    db.session.commit()
    return outcome


def mark_pledge_closed(pledge_id, expired=False, actor=None, source="api"):
    """A pending pledge failed (or expired): close it and give its tier unit back."""
    pledge = _lock_pledge(pledge_id)
    if pledge is None:
        db.session.rollback()
        return "ignored: unknown pledge"
    outcome = _apply_closed(pledge, PledgeStatus.EXPIRED if expired else PledgeStatus.FAILED, actor, source)
    db.session.commit()
    return outcome


# How long an online pledge may stay pending (holding a reward unit) before the
# sweeper expires it. A provider's checkout must expire before this, or a late
# payment would find its pledge closed: Stripe sessions last 24 h by default.
PENDING_TTL = {"sandbox": timedelta(hours=2)}
DEFAULT_PENDING_TTL = timedelta(hours=25)


def expire_stale_pledges(now=None):
    """Expire online pledges left pending longer than their checkout can live.

    Stripe expires sessions itself and says so by webhook; the sandbox (or a
    lost event) needs this sweep, so abandoned checkouts give their reward
    units back. Returns the number expired.
    """
    now = now or utcnow()
    conditions = [
        (Pledge.provider == name) & (Pledge.created_at < now - ttl) for name, ttl in PENDING_TTL.items()
    ]
    conditions.append(
        Pledge.provider.not_in(["offline", *PENDING_TTL]) & (Pledge.created_at < now - DEFAULT_PENDING_TTL)
    )
    ids = db.session.scalars(
        db.select(Pledge.id).where(Pledge.status == PledgeStatus.PENDING, sa.or_(*conditions))
    ).all()
    db.session.rollback()
    count = 0
    for pledge_id in ids:
        if mark_pledge_closed(pledge_id, expired=True, source="sweeper") == PledgeStatus.EXPIRED:
            count += 1
    return count


# --- webhooks ---------------------------------------------------------------------


def receive_webhook(raw_body, signature_header, provider=WEBHOOK_PROVIDER):
    """Verify, store in the inbox, commit, enqueue processing. Returns ``(row id, new?)``.

    A duplicate (same provider event id) is stored once and processed once:
    the second delivery returns ``(None, False)``. Raises ``WebhookRejected``
    for a bad signature or a body that is not an event.
    """
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret or not signature_header:
        raise WebhookRejected("no signature or no secret")
    try:
        # stripe-python's own check: HMAC-SHA256 over "<t>.<raw body>", constant-time
        # compare against every v1 signature, and older than the tolerance → refused.
        stripe.WebhookSignature.verify_header(
            raw_body, signature_header, secret, tolerance=signatures.DEFAULT_TOLERANCE
        )
    except (stripe.SignatureVerificationError, ValueError) as exc:
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
    values = {
        "provider": provider,
        "event_id": event["id"][:255],
        "type": event["type"][:80],
        "payload": text,
        "received_at": utcnow(),
        "attempts": 0,
    }
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    row_id = db.session.scalar(
        insert(WebhookEvent)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["provider", "event_id"])
        .returning(WebhookEvent.id)
    )
    if row_id is not None:
        enqueue_after_commit("wcl.payments.jobs.process_event", row_id, queue=WEBHOOKS, job_timeout=60)
    db.session.commit()
    return row_id, row_id is not None


def _pledge_id_of(session):
    for value in (session.get("client_reference_id"), (session.get("metadata") or {}).get("pledge_id")):
        try:
            return int(value)
        except (TypeError, ValueError):
            continue
    return None


def _checkout_pledge(session):
    pledge_id = _pledge_id_of(session)
    pledge = _lock_pledge(pledge_id) if pledge_id else None
    if pledge is None:
        return None, "ignored: unknown pledge"
    if pledge.provider_ref and session.get("id") and session["id"] != pledge.provider_ref:
        return None, "ignored: checkout session is not the pledge's"
    return pledge, None


def _on_completed(session):
    pledge, problem = _checkout_pledge(session)
    if problem:
        return problem
    intent = session.get("payment_intent")
    if isinstance(intent, str) and not pledge.payment_intent_id:
        pledge.payment_intent_id = intent
    if session.get("payment_status") == "unpaid":
        return "waiting: payment not settled yet"
    return _apply_paid(pledge, session.get("amount_total"), session.get("currency"), session.get("id"))


def _on_expired(session):
    pledge, problem = _checkout_pledge(session)
    return problem or _apply_closed(pledge, PledgeStatus.EXPIRED)


def _on_failed(session):
    pledge, problem = _checkout_pledge(session)
    return problem or _apply_closed(pledge, PledgeStatus.FAILED)


def _payment_pledge(obj):
    """The locked pledge behind a charge, refund, dispute or payment intent object."""
    intent = obj.get("id") if obj.get("object") == "payment_intent" else obj.get("payment_intent")
    if isinstance(intent, dict):
        intent = intent.get("id")
    pledge_id = _pledge_id_of({"metadata": obj.get("metadata")})
    if pledge_id is None and isinstance(intent, str):
        pledge_id = db.session.scalar(db.select(Pledge.id).where(Pledge.payment_intent_id == intent))
    pledge = _lock_pledge(pledge_id) if pledge_id else None
    if pledge is None:
        return None, "ignored: unknown pledge"
    if isinstance(intent, str):
        if pledge.payment_intent_id and pledge.payment_intent_id != intent:
            return None, "ignored: payment intent is not the pledge's"
        if not pledge.payment_intent_id and pledge.provider == "stripe":
            pledge.payment_intent_id = intent
    return pledge, None


def _record_provider_refund(pledge, refund):
    """Record one provider refund (by its id) once, and apply it if the pledge is paid."""
    refund_id, amount, status = refund.get("id"), refund.get("amount"), refund.get("status")
    if not isinstance(refund_id, str) or not isinstance(amount, int) or amount <= 0:
        return "ignored: not a refund"
    if status in ("failed", "canceled"):
        record("pledge.refund_failed", pledge, refund=refund_id, status=status)
        return f"recorded: refund {status}"
    known = db.session.scalar(
        db.select(Refund.id).where(Refund.provider == pledge.provider, Refund.provider_ref == refund_id)
    )
    if known:
        return "ignored: refund already recorded"
    if (refund.get("currency") or pledge.currency).upper() != pledge.currency or amount > (
        pledge.amount - pledge.refunded_amount
    ):
        record("pledge.refund_mismatch", pledge, refund=refund_id, got=amount, left=pledge.net_amount)
        return "error: refund exceeds what is left of the pledge"
    db.session.add(
        Refund(
            pledge_id=pledge.id,
            key=f"{pledge.provider}-{refund_id}"[:80],
            amount=amount,
            currency=pledge.currency,
            provider=pledge.provider,
            provider_ref=refund_id,
            reason="provider",
        )
    )
    db.session.flush()
    if pledge.status == PledgeStatus.PAID:
        _apply_refund(pledge, amount, reason="provider", refund=refund_id)
        return f"refunded {amount}"
    if pledge.status == PledgeStatus.PENDING:
        # The refund overtook the payment's own event: keep it; _apply_paid applies it.
        record("pledge.refund_before_payment", pledge, refund=refund_id, amount=amount)
        return "recorded: refund before payment"
    record("pledge.refund_recorded", pledge, refund=refund_id, amount=amount, status=pledge.status)
    return f"recorded: refund of a {pledge.status} pledge"


def _fetch_refunds(pledge):
    provider = get_provider(pledge.provider)
    if not pledge.payment_intent_id or not hasattr(provider, "list_refunds"):
        return []
    return provider.list_refunds(pledge.payment_intent_id)


def _on_charge_refunded(charge):
    pledge, problem = _payment_pledge(charge)
    if problem:
        return problem
    # Newer API versions leave ``refunds`` out of the charge: the event is then
    # only a trigger and the refunds are fetched (each recorded once by its id).
    refunds = (charge.get("refunds") or {}).get("data")
    if refunds is None:
        refunds = _fetch_refunds(pledge)
    outcomes = [_record_provider_refund(pledge, r) for r in refunds]
    return "; ".join(outcomes) or "ignored: no refunds listed"


def _on_refund(refund):
    pledge, problem = _payment_pledge(refund)
    return problem or _record_provider_refund(pledge, refund)


def _on_dispute(dispute):
    pledge, problem = _payment_pledge(dispute)
    if problem:
        return problem
    if pledge.disputed_at is not None:
        return "ignored: dispute already flagged"
    pledge.disputed_at = utcnow()
    record("pledge.disputed", pledge, amount=dispute.get("amount"), reason=dispute.get("reason"))
    return "flagged: dispute"


def _on_payment_failed(intent):
    pledge, problem = _payment_pledge(intent)
    if problem:
        return problem
    # A declined card does not end a Checkout Session: the backer may try again
    # until it expires (checkout.session.expired closes the pledge).
    error = (intent.get("last_payment_error") or {}).get("code")
    record("pledge.payment_attempt_failed", pledge, code=error)
    return "recorded: payment attempt failed"


# Event type → handler of ``data.object``.
EVENT_HANDLERS = {
    "checkout.session.completed": _on_completed,
    "checkout.session.async_payment_succeeded": _on_completed,
    "checkout.session.async_payment_failed": _on_failed,
    "checkout.session.expired": _on_expired,
    "payment_intent.payment_failed": _on_payment_failed,
    "charge.refunded": _on_charge_refunded,
    "refund.created": _on_refund,
    "refund.updated": _on_refund,
    "charge.refund.updated": _on_refund,
    "charge.dispute.created": _on_dispute,
}


def process_webhook_event(event_row_id):
    """Apply one stored event, once (the inbox row is locked; processed rows are skipped)."""
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
        handler = EVENT_HANDLERS.get(event.type)
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


# --- sandbox ----------------------------------------------------------------------

SANDBOX_OUTCOMES = {
    "pay": "checkout.session.completed",
    "cancel": "checkout.session.expired",
    "fail": "checkout.session.async_payment_failed",
}


def pledge_by_token(token):
    """The pledge behind a checkout/status link, or ``None``."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(db.select(Pledge).where(Pledge.token == token))


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


# --- refunds ----------------------------------------------------------------------


def refund_pledge(pledge_id, amount=None, actor=None, reason="requested"):
    """Refund (part of) a paid pledge through its provider; returns the ``Refund`` or ``None``.

    ``amount=None`` refunds what is left. A full refund moves the pledge to
    ``refunded``, releases its match and its tier unit — once. Safe to re-run:
    a pledge that is no longer paid is skipped, and the provider gets a
    deterministic idempotency key (``refund-<pledge>-<n>``).
    """
    if actor is not None:
        ensure("payments.refund", user=actor)
    pledge = _lock_pledge(pledge_id)
    if pledge is None or pledge.status != PledgeStatus.PAID:
        db.session.rollback()
        return None
    left = pledge.amount - pledge.refunded_amount
    amount = left if amount is None else amount
    if not isinstance(amount, int) or amount <= 0 or amount > left:
        db.session.rollback()
        raise PaymentError(
            _l("The refund must be more than zero and at most what is left to refund."), "amount"
        )
    n = db.session.scalar(db.select(sa.func.count(Refund.id)).where(Refund.pledge_id == pledge.id)) + 1
    key = f"refund-{pledge.id}-{n}"
    try:
        provider_ref = get_provider(pledge.provider).refund(pledge, amount, key)
    except (stripe.StripeError, ProviderUnavailable):
        db.session.rollback()
        log.exception("refund %s failed at the provider", key)
        if actor is None:
            raise  # a job: RQ retries it with backoff, with the same key
        raise PaymentError(
            _l("The payment provider did not confirm the refund; nothing was changed. Try again later.")
        ) from None
    refund = Refund(
        pledge_id=pledge.id,
        key=key,
        amount=amount,
        currency=pledge.currency,
        provider=pledge.provider,
        provider_ref=provider_ref,
        reason=reason[:40],
        requested_by_id=getattr(actor, "id", None),
    )
    db.session.add(refund)
    _apply_refund(pledge, amount, actor=actor, reason=reason, key=key)
    db.session.commit()
    return refund


def _apply_refund(pledge, amount, actor=None, reason="requested", **data):
    """Count ``amount`` as refunded on a paid pledge; a full refund closes it (once)."""
    pledge.refunded_amount = pledge.refunded_amount + amount
    if pledge.refunded_amount == pledge.amount:
        pledge.closed_at = utcnow()
        _transition(pledge, PledgeStatus.REFUNDED, actor=actor, reason=reason, amount=amount, **data)
        released = matching.release_for_pledge(pledge)
        if released:
            record("pledge.match_released", pledge, actor=actor, released=released)
        stock.release_unit(pledge)
    else:
        record("pledge.partially_refunded", pledge, actor=actor, reason=reason, amount=amount, **data)
        reduced = matching.reduce_for_pledge(pledge, amount)
        if reduced:
            record("pledge.match_reduced", pledge, actor=actor, released=reduced)
    _enqueue_hooks(REFUNDED_HOOKS, pledge.id)


def request_refunds_for_campaign(campaign_id):
    """Ask for every paid pledge of a failed or cancelled campaign to be refunded.

    Part of the caller's unit of work: enqueues ``wcl.payments.jobs.refund_campaign``
    after its commit (flushes nothing else).
    """
    enqueue_after_commit("wcl.payments.jobs.refund_campaign", campaign_id, queue=DEFAULT, job_timeout=1800)


def refund_campaign(campaign_id):
    """Refund every paid pledge of a failed/cancelled campaign, one unit of work each.

    Re-runnable: refunded pledges are skipped; a crash part-way keeps what was done.
    Returns the number of pledges refunded by this run.
    """
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.status not in (CampaignStatus.FAILED, CampaignStatus.CANCELLED):
        db.session.rollback()
        return 0
    reason = f"campaign_{campaign.status}"
    ids = db.session.scalars(
        db.select(Pledge.id)
        .where(Pledge.campaign_id == campaign_id, Pledge.status == PledgeStatus.PAID)
        .order_by(Pledge.id)
    ).all()
    db.session.rollback()
    done, failed = 0, []
    for pledge_id in ids:
        try:
            if refund_pledge(pledge_id, reason=reason) is not None:
                done += 1
        except Exception:  # one provider failure must not hold back the other refunds
            db.session.rollback()
            log.exception("refund of pledge %s failed", pledge_id)
            failed.append(pledge_id)
    if failed:
        # Raising makes RQ retry the job (with backoff); the re-run skips what is done.
        raise RuntimeError(f"{len(failed)} refund(s) failed; {done} done")
    return done


# --- offline payments -------------------------------------------------------------


def record_offline_payment(
    actor,
    campaign_id,
    *,
    amount,
    currency,
    method,
    received_on,
    reference,
    proof,
    backer_name,
    backer_email=None,
    tier_id=None,
    anonymous=False,
    gender=None,
    locale=None,
):
    """A coordinator records cash, a bank or a QR transfer: the pledge is created and paid.

    Who recorded it, how and when the money came, the reference and a photo
    or scan of the proof are kept; both transitions are audited.
    """
    ensure("payments.record_offline", user=actor)
    try:
        if method not in OFFLINE_METHODS:
            raise PaymentError(_l("Choose how the money came."), "method")
        if received_on is None or received_on > local_today():
            raise PaymentError(_l("Enter the day the money was received (not in the future)."), "received_on")
        reference = (reference or "").strip()[:120] or None
        if method in ("bank", "qr") and not reference:
            raise PaymentError(_l("Enter the transfer's reference number."), "reference")
        if reference and db.session.scalar(
            db.select(Pledge.id).where(Pledge.provider == "offline", Pledge.provider_ref == reference)
        ):
            raise PaymentError(_l("A payment with this reference is already recorded."), "reference")
        pledge = new_pledge(
            campaign_id,
            amount=amount,
            currency=currency,
            provider="offline",
            tier_id=tier_id,
            name=backer_name,
            email=backer_email,
            anonymous=anonymous,
            gender=gender,
            locale=locale,
            require_email=False,
        )
        try:
            proof_file = save_upload(proof, allowed=DOCUMENT_TYPES, uploaded_by=actor)
        except UploadError as exc:
            raise PaymentError(exc.message, "proof") from None
    except (PaymentError, PledgeError):
        db.session.rollback()
        raise
    pledge.recorded_by_id = actor.id
    pledge.offline_method = method
    pledge.received_on = received_on
    pledge.provider_ref = reference
    pledge.proof_id = proof_file.id
    record("pledge.recorded_offline", pledge, actor=actor, method=method, amount=amount)
    _apply_paid(pledge, amount, currency, actor=actor, source="offline")
    db.session.commit()
    return pledge


def offline_pledges(actor, campaign_id, page=1, per_page=50):
    """Reconciliation: a campaign's offline pledges (newest first) and totals per method."""
    ensure("payments.record_offline", user=actor)
    stmt = (
        db.select(Pledge)
        .where(Pledge.campaign_id == campaign_id, Pledge.provider == "offline")
        .options(sa.orm.joinedload(Pledge.recorded_by), sa.orm.joinedload(Pledge.tier))
        .order_by(Pledge.received_on.desc(), Pledge.id.desc())
    )
    pagination = db.paginate(stmt, page=page, per_page=per_page, error_out=False)
    totals = db.session.execute(
        db.select(Pledge.offline_method, Pledge.status, sa.func.count(Pledge.id), sa.func.sum(Pledge.amount))
        .where(Pledge.campaign_id == campaign_id, Pledge.provider == "offline")
        .group_by(Pledge.offline_method, Pledge.status)
        .order_by(Pledge.offline_method, Pledge.status)
    ).all()
    return pagination, totals


def proof_for(actor, pledge_id):
    """The stored proof of an offline pledge, for staff."""
    ensure("payments.record_offline", user=actor)
    pledge = db.session.get(Pledge, pledge_id)
    return pledge.proof if pledge is not None else None


# --- staff refunds ----------------------------------------------------------------


def refundable_pledges(actor, campaign_id, page=1, per_page=50):
    """A campaign's paid pledges (any provider), newest first, for the staff refund page."""
    ensure("payments.refund", user=actor)
    stmt = (
        db.select(Pledge)
        .where(Pledge.campaign_id == campaign_id, Pledge.status == PledgeStatus.PAID)
        .order_by(Pledge.paid_at.desc(), Pledge.id.desc())
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def staff_refund(actor, campaign_id, pledge_id, amount=None):
    """Staff refund ``amount`` (``None``: all that is left) of a paid pledge of the campaign."""
    ensure("payments.refund", user=actor)
    pledge = db.session.get(Pledge, pledge_id)
    if pledge is None or pledge.campaign_id != campaign_id or pledge.status != PledgeStatus.PAID:
        db.session.rollback()
        raise PaymentError(_l("Only a paid pledge of this campaign can be refunded."))
    db.session.rollback()
    return refund_pledge(pledge_id, amount=amount, actor=actor, reason="staff")


# --- the inbox sweeper ------------------------------------------------------------

SWEEP_AFTER = timedelta(minutes=1)
SWEEP_BATCH = 500
MAX_BACKOFF = timedelta(hours=1)


def _backoff(attempts):
    return min(SWEEP_AFTER * (2 ** min(attempts, 12)), MAX_BACKOFF)


def sweep_inbox(now=None):
    """Re-enqueue inbox events still unprocessed a minute after they arrived.

    Covers Redis being down when the webhook came, a worker killed mid-job,
    and jobs that exhausted RQ's retries. Events that keep failing are retried
    with an exponential backoff (1 min · 2^attempts, at most an hour); their
    attempts and last error stay on the row for the staff inbox page.
    Processing is idempotent, so a second copy of a job does nothing.
    Returns the number of events re-enqueued.
    """
    now = now or utcnow()
    rows = db.session.execute(
        db.select(WebhookEvent.id, WebhookEvent.attempts, WebhookEvent.last_attempt_at)
        .where(WebhookEvent.processed_at.is_(None), WebhookEvent.received_at < now - SWEEP_AFTER)
        .order_by(WebhookEvent.id)
        .limit(SWEEP_BATCH)
    ).all()
    due = [
        row.id
        for row in rows
        if row.last_attempt_at is None or row.last_attempt_at <= now - _backoff(row.attempts)
    ]
    if due:
        db.session.execute(
            sa.update(WebhookEvent).where(WebhookEvent.id.in_(due)).values(last_attempt_at=now)
        )
    db.session.commit()
    for row_id in due:
        enqueue_now("wcl.payments.jobs.process_event", row_id, queue=WEBHOOKS, job_timeout=60)
    return len(due)


INBOX_FILTERS = ("all", "pending", "failing", "processed")


def inbox(actor, status="all", page=1, per_page=50):
    """The webhook inbox for staff: events (newest first), counts, and RQ's failed jobs."""
    ensure("payments.inbox", user=actor)
    stmt = db.select(WebhookEvent).order_by(WebhookEvent.id.desc())
    if status == "pending":
        stmt = stmt.where(WebhookEvent.processed_at.is_(None))
    elif status == "failing":
        stmt = stmt.where(WebhookEvent.processed_at.is_(None), WebhookEvent.last_error.is_not(None))
    elif status == "processed":
        stmt = stmt.where(WebhookEvent.processed_at.is_not(None))
    pagination = db.paginate(stmt, page=page, per_page=per_page, error_out=False)
    counts = db.session.execute(
        db.select(
            sa.func.count(WebhookEvent.id),
            sa.func.count(WebhookEvent.id).filter(WebhookEvent.processed_at.is_(None)),
            sa.func.count(WebhookEvent.id).filter(
                WebhookEvent.processed_at.is_(None), WebhookEvent.last_error.is_not(None)
            ),
        )
    ).one()
    return pagination, {"all": counts[0], "pending": counts[1], "failing": counts[2]}, _failed_job_count()


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


# --- reconciliation ---------------------------------------------------------------

RECONCILE_BATCH = 1000


def _reconcile_session(pledge_id, session):
    pledge = _lock_pledge(pledge_id)
    if session.get("status") == "complete" and session.get("payment_status") in (
        "paid",
        "no_payment_required",
    ):
        outcome = _on_completed(session)
    elif session.get("status") == "expired":
        outcome = _on_expired(session)
    else:
        outcome = None
    if outcome and outcome.startswith("ignored"):
        outcome = None  # nothing to fix
    if pledge.status == PledgeStatus.PAID and pledge.payment_intent_id:
        for refund in _fetch_refunds(pledge):
            result = _record_provider_refund(pledge, refund)
            if not result.startswith("ignored"):
                outcome = f"{outcome + '; ' if outcome else ''}{result}"
    db.session.commit()
    return outcome


def reconcile(actor=None, fix=True):
    """Compare Stripe pledges with Stripe; fix disagreements through the webhook handlers.

    Pending pledges whose session is paid or expired, and paid pledges with
    refunds we never heard of, are brought in line (idempotently: the same
    handlers as the events). A paid pledge Stripe calls unpaid cannot move back
    and is only reported. Returns ``[(pledge id, what Stripe says, outcome)]``.
    """
    if actor is not None:
        ensure("payments.refund", user=actor)
    rows = db.session.execute(
        db.select(Pledge.id, Pledge.status, Pledge.provider_ref)
        .where(
            Pledge.provider == "stripe",
            Pledge.provider_ref.is_not(None),
            Pledge.status.in_([PledgeStatus.PENDING, PledgeStatus.PAID]),
        )
        .order_by(Pledge.id)
        .limit(RECONCILE_BATCH)
    ).all()
    db.session.rollback()
    if not rows:
        return []
    provider = get_provider("stripe")
    found = []
    for pledge_id, status, session_id in rows:
        try:
            session = provider.retrieve_session(session_id)
        except stripe.StripeError as exc:
            found.append((pledge_id, f"lookup failed: {exc.__class__.__name__}", None))
            continue
        said = f"{session.get('status')}/{session.get('payment_status')}"
        disagrees = (status == PledgeStatus.PENDING and session.get("status") in ("complete", "expired")) or (
            status == PledgeStatus.PAID
            and session.get("payment_status") not in ("paid", "no_payment_required")
        )
        outcome = _reconcile_session(pledge_id, session) if fix else None
        if status == PledgeStatus.PAID and session.get("payment_status") not in (
            "paid",
            "no_payment_required",
        ):
            outcome = "reported: paid here, not at Stripe"
        if disagrees or outcome:
            found.append((pledge_id, said, outcome))
    return found
