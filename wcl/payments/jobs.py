"""Payment jobs. Each takes ids, is idempotent and may safely run twice; each has its service's name."""

from wcl.payments.services import local_pay, reconciliation, refunds, statements, sweeper, webhooks


def process_webhook_event(event_row_id):
    """Apply one stored webhook event (queue "webhooks"); a processed event is skipped."""
    return webhooks.process_webhook_event(event_row_id)


def refund_campaign(campaign_id):
    """Refund every paid pledge of a failed or cancelled campaign; re-runnable."""
    return refunds.refund_campaign(campaign_id)


def refund_pledge(pledge_id, reason="requested"):
    """Refund what is left of one paid pledge (e.g. paid after its campaign failed)."""
    return refunds.refund_pledge(pledge_id, reason=reason)


def expire_stale_pledges():
    """Periodic: expire online pledges left pending beyond a checkout's life."""
    return sweeper.expire_stale_pledges()


def sweep_inbox():
    """Periodic (every minute): re-enqueue webhook events left unprocessed, with backoff."""
    return sweeper.sweep_inbox()


def reconcile():
    """Periodic (hourly): bring Stripe pledges in line with Stripe; returns what was found."""
    return [list(row) for row in reconciliation.reconcile()]


def poll_local_pledges():
    """Periodic (every 5 minutes): ask the local provider about pledges whose callback is late."""
    return [list(row) for row in local_pay.poll_local_pledges()]


def import_statement(statement_id):
    """Import an uploaded bank statement (queue "default"); re-runnable, each line applied once."""
    return statements.import_statement(statement_id)
