"""Periodic sweeps: expire abandoned online pledges; re-enqueue webhook events left unprocessed."""

from datetime import timedelta

import sqlalchemy as sa

from wcl.campaigns.models import Pledge, PledgeStatus
from wcl.extensions import db
from wcl.payments.models import WebhookEvent
from wcl.payments.services.bank_transfer import hold_period
from wcl.payments.services.checkout import mark_pledge_closed
from wcl.queue import WEBHOOKS, enqueue_now
from wcl.time import utcnow

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
    # A bank transfer holds its reward while the money travels (BANK_TRANSFER_HOLD_HOURS).
    ttls = {**PENDING_TTL, "bank_transfer": hold_period()}
    conditions = [(Pledge.provider == name) & (Pledge.created_at < now - ttl) for name, ttl in ttls.items()]
    conditions.append(
        Pledge.provider.not_in(["offline", *ttls]) & (Pledge.created_at < now - DEFAULT_PENDING_TTL)
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
        enqueue_now("wcl.payments.jobs.process_webhook_event", row_id, queue=WEBHOOKS, job_timeout=60)
    return len(due)
