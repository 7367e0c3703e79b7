"""Reconciliation: bring Stripe pledges in line with what Stripe says, through the event handlers."""

import logging

from redis.exceptions import RedisError

from wcl.accounts.permissions import ensure
from wcl.campaigns.models import Pledge, PledgeStatus
from wcl.extensions import db
from wcl.payments.providers import ProviderError, get_provider
from wcl.payments.services._common import _lock_pledge
from wcl.payments.services.events import _fetch_refunds, _on_completed, _on_expired, _record_provider_refund
from wcl.queue import redis_connection

log = logging.getLogger(__name__)

RECONCILE_BATCH = 1000

# Redis key: the last paid pledge id the previous run looked at (the next run goes on from there).
CURSOR_KEY = "wcl:payments:reconcile:after"


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
    intent = session.get("payment_intent")
    intent = intent.get("id") if isinstance(intent, dict) else intent
    if pledge.status == PledgeStatus.PAID and not pledge.payment_intent_id and isinstance(intent, str):
        # Confirmed without its payment intent: Stripe's session names it, and its refunds hang on it.
        pledge.payment_intent_id = intent
    if pledge.status == PledgeStatus.PAID and pledge.payment_intent_id:
        for refund in _fetch_refunds(pledge):
            result = _record_provider_refund(pledge, refund)
            if not result.startswith("ignored"):
                outcome = f"{outcome + '; ' if outcome else ''}{result}"
    db.session.commit()
    return outcome


def _stripe_pledges(status, after=0):
    return db.session.execute(
        db.select(Pledge.id, Pledge.status, Pledge.provider_ref)
        .where(
            Pledge.provider == "stripe",
            Pledge.provider_ref.is_not(None),
            Pledge.status == status,
            Pledge.id > after,
        )
        .order_by(Pledge.id)
        .limit(RECONCILE_BATCH)
    ).all()


def _paid_batch():
    """The next batch of paid Stripe pledges, going on after the previous run's last one.

    Paid pledges stay paid for years; a fixed "first N" would look at the oldest
    ones for ever and never at a newer pledge whose refund events were lost.
    The cursor lives in Redis (no Redis: every run starts from the beginning);
    after the last batch the next run starts again from the first pledge.
    """
    connection = redis_connection()
    after = 0
    if connection is not None:
        try:
            after = int(connection.get(CURSOR_KEY) or 0)
        except (RedisError, ValueError):
            after = 0
    rows = _stripe_pledges(PledgeStatus.PAID, after)
    if not rows and after:
        rows = _stripe_pledges(PledgeStatus.PAID)
    if connection is not None:
        last = rows[-1].id if len(rows) == RECONCILE_BATCH else 0
        try:
            connection.set(CURSOR_KEY, last)
        except RedisError:
            log.warning("reconciliation cursor not saved")
    return rows


def reconcile(actor=None, fix=True):
    """Compare Stripe pledges with Stripe; fix disagreements through the webhook handlers.

    Pending pledges whose session is paid or expired, and paid pledges with
    refunds we never heard of (their events all lost), are brought in line
    (idempotently: the same handlers as the events). Every pending pledge is
    looked at each run; paid pledges a batch at a time, each run going on
    from where the previous one stopped, so all of them are looked at in turn.
    A paid pledge Stripe calls unpaid cannot move back and is only reported.
    Returns ``[(pledge id, what Stripe says, outcome)]``.
    """
    if actor is not None:
        ensure("payments.refund", user=actor)
    rows = _stripe_pledges(PledgeStatus.PENDING) + _paid_batch()
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
