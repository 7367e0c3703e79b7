"""Payment jobs. Each takes ids, is idempotent and may safely run twice."""

from wcl.payments import services


def process_event(event_row_id):
    """Apply one stored webhook event (queue "webhooks"); a processed event is skipped."""
    return services.process_webhook_event(event_row_id)


def refund_campaign(campaign_id):
    """Refund every paid pledge of a failed or cancelled campaign; re-runnable."""
    return services.refund_campaign(campaign_id)


def refund_pledge(pledge_id, reason="requested"):
    """Refund what is left of one paid pledge (e.g. paid after its campaign failed)."""
    return services.refund_pledge(pledge_id, reason=reason)


def expire_stale_pledges():
    """Periodic: expire online pledges left pending beyond a checkout's life."""
    return services.expire_stale_pledges()


def sweep_inbox():
    """Periodic (every minute): re-enqueue webhook events left unprocessed, with backoff."""
    return services.sweep_inbox()


def reconcile():
    """Periodic (hourly): bring Stripe pledges in line with Stripe; returns what was found."""
    return [list(row) for row in services.reconcile()]
