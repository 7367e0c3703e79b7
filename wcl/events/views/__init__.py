"""Event pages: ``display`` for everyone (the list, an event, registering, tickets)
and ``management`` for staff (editing, publishing, registrations, check-in at the door).
One blueprint, ``events``."""

from flask import Blueprint

from wcl.events import forms
from wcl.time import clock_filter

bp = Blueprint("events", __name__, url_prefix="/events")


@bp.context_processor
def _inject_labels():
    return {
        "event_status_labels": forms.STATUS_LABELS,
        "registration_labels": forms.REGISTRATION_LABELS,
        "clock": clock_filter,
    }


# Importing the route modules registers their routes on ``bp`` (defined above).
from wcl.events.views import display, management  # noqa: E402, F401
