"""Pages for calls, applying, reviewing and deciding: one blueprint, one module per audience.

Public: ``/calls/`` and ``/calls/<slug>`` (DESIGN.md fixes these). Applicants
work under ``/applications/``, reviewers under ``/review/``, staff under
``/staff/``. Every view parses a form, calls one service and renders or
redirects; permissions are checked here and again in the services.

- ``applicant``: the public call pages, the applicant's steps, and one application's page
- ``reviewer``: a reviewer's list, scoring, conflicts of interest
- ``staff_calls``: staff set up calls, their questions and rubric
- ``teams``: teams and organisations applying; a call's co-reviewers (issue 20)
- ``staff_applications``: staff assign reviewers, rank, decide, enter paper forms, export
"""

from flask import Blueprint

from wcl.applications import forms
from wcl.applications.models import ApplicationStatus
from wcl.i18n import current_locale

bp = Blueprint("applications", __name__)


@bp.context_processor
def _helpers():
    return {
        "locale": current_locale(),
        "kind_labels": forms.QUESTION_KIND_LABELS,
        "S": ApplicationStatus,
    }


# The audience modules attach their routes to ``bp`` when imported.
from wcl.applications.views import (  # noqa: E402, F401
    applicant,
    reviewer,
    staff_applications,
    staff_calls,
    teams,
)
