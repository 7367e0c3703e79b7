"""Outbox jobs. Each is idempotent and may safely run twice."""

from wcl.jobs import services


def sweep_outbox():
    """Periodic (every minute): push outbox jobs never pushed or lost by RQ."""
    return services.sweep_outbox()
