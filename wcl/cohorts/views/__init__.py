"""Cohort pages: staff manage cohorts, mentors follow their participants,
participants see their schedule and progress. Views are thin: every change
goes through one service function; permissions are checked here (403) and
again in the services.

One blueprint, ``cohorts``; its routes are split by audience, as indico separates
display and management: ``display`` (the people in a cohort: participants,
mentors, and staff looking on) and ``management`` (staff only).
"""

from flask import Blueprint

from wcl.cohorts import forms

bp = Blueprint("cohorts", __name__, url_prefix="/cohorts")


def _context_labels():
    return {
        "checkin_labels": forms.CHECKIN_LABELS,
        "enrolment_labels": forms.ENROLMENT_LABELS,
        "milestone_labels": forms.MILESTONE_LABELS,
        "attendance_labels": forms.ATTENDANCE_LABELS,
    }


@bp.context_processor
def _inject_labels():
    return _context_labels()


# Importing the route modules registers their routes on ``bp`` (defined above).
from wcl.cohorts.views import display, management  # noqa: E402, F401
