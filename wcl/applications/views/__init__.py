"""Pages for calls, applying, reviewing and deciding: one blueprint, one module per audience.

Public: ``/calls/`` and ``/calls/<slug>`` (DESIGN.md fixes these). Applicants
work under ``/applications/``, reviewers under ``/review/``, staff under
``/staff/``. Every view parses a form, calls one service and renders or
redirects; permissions are checked here and again in the services.

- ``applicant``: the public call pages, the applicant's steps, and one application's page
- ``reviewer``: a reviewer's list, scoring, conflicts of interest
- ``staff_calls``: staff set up calls, their questions and rubric
- ``staff_applications``: staff assign reviewers, rank, decide, enter paper forms, export
"""

from babel.dates import format_datetime as babel_format_datetime
from flask import Blueprint

from wcl.applications import forms, services
from wcl.applications.models import ApplicationStatus
from wcl.i18n import current_locale
from wcl.time import BISHKEK

bp = Blueprint("applications", __name__)


@bp.app_template_filter("bishkek_time")
def bishkek_time(value):
    """A moment in Asia/Bishkek time, whatever the viewer's zone (deadlines)."""
    if value is None:
        return ""
    return babel_format_datetime(value, "d MMMM y, HH:mm", tzinfo=BISHKEK, locale=current_locale())


bp.add_app_template_global(services.status_label, "status_label")
bp.add_app_template_global(services.audit_label, "audit_label")


@bp.context_processor
def _helpers():
    return {
        "locale": current_locale(),
        "kind_labels": forms.QUESTION_KIND_LABELS,
        "S": ApplicationStatus,
    }


# The audience modules attach their routes to ``bp`` when imported.
from wcl.applications.views import applicant, reviewer, staff_applications, staff_calls  # noqa: E402, F401
