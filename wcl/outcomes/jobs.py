"""Background work for outcomes. Jobs take ids or plain data and are idempotent."""

from wcl.outcomes import services
from wcl.outcomes.services import channels


def run_follow_ups():
    """Periodic: create the follow-ups that graduations and enrolments call for, send
    the due ones and remind once. Safe to run any number of times."""
    return services.run_follow_ups()


def deliver_short_message(phone, text):
    """Write one short message to the outbox (the default message channel)."""
    channels.deliver_short_message(phone, text)
