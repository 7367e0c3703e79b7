"""Event pages: ``display`` for everyone (the list, an event, registering, tickets)
and ``management`` for staff (editing, publishing, registrations, check-in at the door).
One blueprint, ``events``."""

from flask import Blueprint

from wcl.events import forms
from wcl.time import to_local

bp = Blueprint("events", __name__, url_prefix="/events")


def _clock(value):
    """The time of day of a moment in the viewer's zone, 24-hour ("18:30"): the end of a
    one-day event, after its full start (``|datetime``)."""
    return to_local(value).strftime("%H:%M") if value is not None else ""


@bp.context_processor
def _inject_labels():
    return {
        "event_status_labels": forms.STATUS_LABELS,
        "registration_labels": forms.REGISTRATION_LABELS,
        "clock": _clock,
    }


# Importing the route modules registers their routes on ``bp`` (defined above).
from wcl.events.views import display, management  # noqa: E402, F401
