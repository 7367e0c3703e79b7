"""Reconciliation: bring Stripe pledges in line with what Stripe says, through the event handlers."""

from wcl.accounts.permissions import ensure
from wcl.campaigns.models import Pledge, PledgeStatus
from wcl.extensions import db
from wcl.payments.providers import ProviderError, get_provider
from wcl.payments.services._common import _lock_pledge
from wcl.payments.services.events import _fetch_refunds, _on_completed, _on_expired, _record_provider_refund

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
        except ProviderError as exc:
            found.append((pledge_id, f"lookup failed: {exc.kind}", None))
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
