"""Cohort services. Other domains call these, never the cohort views.

One module per use case; this package re-exports their public names, so
callers write ``services.enrol(...)``. A test that replaces a name a service
looks up (e.g. ``save_upload``) patches it in the module that uses it
(``services.milestones``), not here.

Each public function that changes something is one unit of work: it checks
the actor's permission (``ensure``; jobs and the CLI call these too),
validates, changes, records an audit entry and commits once at its end.
A refusal raises ``CohortError`` with a translated message after rolling the
session back, so bad input changes nothing.
"""

from wcl.cohorts.errors import CohortError
from wcl.cohorts.queries import is_campaign_ready, is_enrolled, mentors_in_cohort
from wcl.cohorts.services.attendance import attendance_rate, record_attendance, roster, session_started
from wcl.cohorts.services.certificates import (
    CERTIFICATE_JOB,
    certificate_number,
    issue_certificate,
    request_certificate,
)
from wcl.cohorts.services.checkins import checkins_of, record_checkin
from wcl.cohorts.services.cohorts import (
    COHORT_FIELDS,
    cohorts_for,
    create_cohort,
    get_or_404,
    my_enrolments,
    own_enrolment,
    update_cohort,
)
from wcl.cohorts.services.completion import graduate, graduation_problems, sign_off_campaign_ready, withdraw
from wcl.cohorts.services.enrolment import (
    assign_mentor,
    enrol,
    enrol_all,
    enrolment_candidates,
    enrolment_options,
    mentor_choices,
    seats_taken,
)
from wcl.cohorts.services.milestones import milestones_of, review_evidence, save_milestone, submit_evidence
from wcl.cohorts.services.progress import Grid, Page, ProgressRow, attendance_of, progress_grid, progress_of
from wcl.cohorts.services.reminders import send_checkin_reminders, send_session_reminders
from wcl.cohorts.services.sessions import (
    add_material,
    remove_material,
    save_session,
    session_rates,
    sessions_page,
)

__all__ = [
    "CERTIFICATE_JOB",
    "COHORT_FIELDS",
    "CohortError",
    "Grid",
    "Page",
    "ProgressRow",
    "add_material",
    "assign_mentor",
    "attendance_of",
    "attendance_rate",
    "certificate_number",
    "checkins_of",
    "cohorts_for",
    "create_cohort",
    "enrol",
    "enrol_all",
    "enrolment_candidates",
    "enrolment_options",
    "get_or_404",
    "graduate",
    "graduation_problems",
    "is_campaign_ready",
    "is_enrolled",
    "issue_certificate",
    "mentor_choices",
    "mentors_in_cohort",
    "milestones_of",
    "my_enrolments",
    "own_enrolment",
    "progress_grid",
    "progress_of",
    "record_attendance",
    "session_started",
    "record_checkin",
    "remove_material",
    "request_certificate",
    "review_evidence",
    "roster",
    "save_milestone",
    "save_session",
    "seats_taken",
    "send_checkin_reminders",
    "send_session_reminders",
    "session_rates",
    "sessions_page",
    "sign_off_campaign_ready",
    "submit_evidence",
    "update_cohort",
    "withdraw",
]
