"""What each provider event does to its pledge (Stripe's event types; the sandbox speaks the same).

Handlers run inside ``process_webhook_event``'s unit of work (flush only) and
return an outcome text kept on the inbox row.
"""

from wcl.audit.services import record
from wcl.campaigns.models import Pledge, PledgeStatus
from wcl.extensions import db
from wcl.payments.models import Refund
from wcl.payments.providers import ProviderError, ProviderUnavailable, get_provider
from wcl.payments.services._common import (
    _apply_closed,
    _apply_paid,
    _apply_refund,
    _lock_pledge,
    _payment_mismatch,
)
from wcl.payments.services.bank_credits import EVENT_TYPE as BANK_CREDIT
from wcl.payments.services.bank_credits import on_bank_credit
from wcl.payments.services.local_events import LOCAL_EVENT_HANDLERS
from wcl.time import utcnow


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
        return None, "rejected: checkout session is not the pledge's"
    return pledge, None


def _on_completed(session):
    pledge, problem = _checkout_pledge(session)
    if problem:
        return problem
    # A completion that does not match the pledge is refused before anything of it
    # (its payment intent above all) is written: the genuine one may still come.
    problem = _payment_mismatch(pledge, session.get("amount_total"), session.get("currency"))
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


# The provider whose API answers for an event's payment (the webhook inbox is Stripe's).
EVENT_PROVIDER = "stripe"


def _id_of(value):
    return value.get("id") if isinstance(value, dict) else value


def _ask_provider(intent, charge):
    """``(pledge id, payment intent)`` from the provider's own payment intent (or charge), or
    ``(None, intent)``.

    For an object we cannot place ourselves: a refund made in the Stripe
    Dashboard carries no metadata, and until checkout.session.completed is
    processed we do not know the payment intent. The intent (and its charge)
    carry the pledge id we gave Checkout. An object Stripe does not know, or no
    Stripe key, means it is not ours; any other failure raises, so the event
    is retried (RQ, then the inbox sweeper) rather than lost.
    """
    try:
        provider = get_provider(EVENT_PROVIDER)
    except ProviderUnavailable:
        return None, intent
    if not getattr(provider, "available", lambda: False)():
        return None, intent
    try:
        if isinstance(intent, str):
            found = provider.retrieve_payment_intent(intent)
        elif isinstance(charge, str):
            found = provider.retrieve_charge(charge)
            intent = _id_of(found.get("payment_intent"))
        else:
            return None, intent
    except ProviderError as exc:
        if exc.kind == "InvalidRequestError":  # no such object at Stripe
            return None, intent
        raise
    return _pledge_id_of({"metadata": found.get("metadata")}), intent


def _payment_pledge(obj):
    """The locked pledge behind a charge, refund, dispute or payment intent object."""
    intent = obj.get("id") if obj.get("object") == "payment_intent" else _id_of(obj.get("payment_intent"))
    charge = obj.get("id") if obj.get("object") == "charge" else _id_of(obj.get("charge"))
    pledge_id = _pledge_id_of({"metadata": obj.get("metadata")})
    if pledge_id is None and isinstance(intent, str):
        pledge_id = db.session.scalar(db.select(Pledge.id).where(Pledge.payment_intent_id == intent))
    if pledge_id is None:
        pledge_id, intent = _ask_provider(intent, charge)
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
    # A bank-statement line carrying a valid transfer reference (wcl.payments.services.statements).
    BANK_CREDIT: on_bank_credit,
}

# A provider whose callbacks speak their own language has its own table (default: the one above).
PROVIDER_EVENT_HANDLERS = {"local": LOCAL_EVENT_HANDLERS}
