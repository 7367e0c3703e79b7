"""Background work of the events domain: each job runs the service of its name,
takes ids and is idempotent."""

from wcl.events import services


def email_ticket(registration_id):
    """Email one ticket (QR code and .ics), once."""
    return services.email_ticket(registration_id)


def send_event_reminders():
    """Periodic: remind everyone with a place at an event starting within a day."""
    return services.send_event_reminders()
