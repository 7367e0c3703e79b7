"""Who may open each cohort page and use each action: every role × every page/action.

"ok" means the view let the person in (200, or a redirect back after acting);
"403" means refused; "refused" means let in but the input refused (422, nothing
saved); "login" means sent to sign in. The mentor rule is
enrolment.mentor_id == user.id; staff act only within their lab; a
participant sees only her own enrolment and her own cohort.
"""

from datetime import date

import pytest

from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.cohorts import MilestoneProgressFactory
from tests.helpers import csrf_token, login
from wcl.cohorts.models import Enrolment, Milestone
from wcl.extensions import db

ROLES = [
    "anonymous",
    "applicant",
    "reviewer",
    "participant_own",
    "participant_elsewhere",
    "mentor_own",
    "mentor_other",
    "staff",
    "staff_other_lab",
    "admin",
]

# (name, method, path template, form data)
ACTIONS = [
    ("index", "GET", "/cohorts/", None),
    ("new_cohort", "GET", "/cohorts/new", None),
    ("edit_cohort", "GET", "/cohorts/{c}/edit", None),
    ("dashboard", "GET", "/cohorts/{c}", None),
    ("enrol_page", "GET", "/cohorts/{c}/enrol", None),
    ("enrolment", "GET", "/cohorts/enrolments/{e}", None),
    ("schedule", "GET", "/cohorts/{c}/schedule", None),
    ("calendar", "GET", "/cohorts/{c}/calendar.ics", None),
    ("attendance_page", "GET", "/cohorts/sessions/{s}/attendance", None),
    ("milestones", "GET", "/cohorts/{c}/milestones", None),
    ("edit_milestone", "GET", "/cohorts/milestones/{m}/edit", None),
    ("new_session", "GET", "/cohorts/{c}/sessions/new", None),
    ("evidence_file", "GET", "/cohorts/progress/{p}/evidence", None),
    ("mark_attendance", "POST", "/cohorts/sessions/{s}/attendance", {"a-{e}": "present"}),
    ("add_milestone", "POST", "/cohorts/{c}/milestones", {"title": "New"}),
    ("submit_evidence", "POST", "/cohorts/enrolments/{e}/evidence", {"milestone_id": "{m2}", "text": "work"}),
    ("review", "POST", "/cohorts/progress/{p}/review", {"decision": "approved"}),
    ("checkin", "POST", "/cohorts/enrolments/{e}/checkins", {"met_on": "{today}", "status": "on_track"}),
    ("assign_mentor", "POST", "/cohorts/enrolments/{e}/mentor", {"mentor_id": "{mentor_a}"}),
    ("sign_off", "POST", "/cohorts/enrolments/{e}/campaign-ready", {}),
    ("enrol", "POST", "/cohorts/{c}/enrol", {"application_id": "999999"}),
    ("withdraw", "POST", "/cohorts/enrolments/{e}/withdraw", {"reason": "Moved"}),
    ("graduate", "POST", "/cohorts/enrolments/{e}/graduate", {}),
]

ALL = {name for name, *_ in ACTIONS}
STAFF_ONLY = {
    "new_cohort", "edit_cohort", "enrol_page", "edit_milestone", "new_session",
    "add_milestone", "assign_mentor", "graduate", "enrol", "withdraw",
}  # fmt: skip
COHORT_VIEW = {"index", "schedule", "calendar", "milestones"}

EXPECTED_OK = {
    "anonymous": set(),
    "applicant": set(),
    "reviewer": set(),
    "participant_own": COHORT_VIEW | {"dashboard", "enrolment", "evidence_file", "submit_evidence"},
    "participant_elsewhere": {"index"},
    "mentor_own": COHORT_VIEW
    | {
        "dashboard",
        "enrolment",
        "attendance_page",
        "evidence_file",
        "mark_attendance",
        "review",
        "checkin",
        "sign_off",
    },
    # Mentor B mentors someone else in this cohort: she sees the cohort, not mentor A's participant.
    "mentor_other": COHORT_VIEW | {"dashboard", "attendance_page"},
    "staff": ALL - {"submit_evidence", "checkin", "sign_off"},
    "staff_other_lab": {"index", "new_cohort"},
    "admin": ALL,
}


def _user(world, role):
    ids = {
        "participant_own": world.people_ids[0],
        "mentor_own": world.mentor_a_id,
        "mentor_other": world.mentor_b_id,
        "staff": world.staff_id,
        "staff_other_lab": world.other_staff_id,
        "admin": world.admin_id,
    }
    from wcl.accounts.models import User

    if role in ids:
        return db.session.get(User, ids[role]).email
    if role == "participant_elsewhere":
        return db.session.get(Enrolment, world.other_enrolment_id).participant.email
    if role in ("applicant", "reviewer"):
        return UserFactory(email=f"{role}@example.org", roles=[role]).email
    return None


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(app, client, world, role):
    with app.app_context():
        email = _user(world, role)
        e1 = db.session.get(Enrolment, world.enrolment_ids[0])
        progress = MilestoneProgressFactory(
            enrolment=e1, milestone=db.session.get(Milestone, world.milestone_ids[0])
        )
        progress.evidence_file_id = None
        db.session.commit()
        values = {
            "c": world.cohort_id,
            "e": world.enrolment_ids[0],
            "s": world.session_id,
            "m": world.milestone_ids[0],
            "m2": world.milestone_ids[1],
            "p": progress.id,
            "today": date.today().isoformat(),
            "mentor_a": world.mentor_a_id,
        }
    if email:
        login(client, email, PASSWORD)
    token = csrf_token(client, "/account/" if email else "/account/login")
    results = {}
    for name, method, path, data in ACTIONS:
        url = path.format(**values)
        if method == "GET":
            response = client.get(url)
        else:
            form = {k.format(**values): v.format(**values) for k, v in data.items()}
            response = client.post(url, data={**form, "csrf_token": token})
        location = response.headers.get("Location", "")
        if name == "dashboard" and role == "participant_own":
            # Her way into the cohort is her own progress page, not the grid.
            assert response.status_code == 302 and location.endswith(f"/cohorts/{world.cohort_id}/me")
        if response.status_code == 302 and "/account/login" in location:
            results[name] = "login"
        elif response.status_code == 403:
            results[name] = "403"
        elif name == "evidence_file" and response.status_code == 404:
            results[name] = "ok"  # allowed in, but this progress has no file
        elif response.status_code == 422:
            results[name] = "refused"
        elif response.status_code in (200, 302):
            results[name] = "ok"
        else:
            results[name] = str(response.status_code)
    if role == "anonymous":
        expected = {name: "login" for name in ALL}
    else:
        expected = {name: "ok" if name in EXPECTED_OK[role] else "403" for name in ALL}
    if role == "mentor_other":
        # She may mark her own participants; marking mentor A's is refused, nothing saved.
        expected["mark_attendance"] = "refused"
    assert results == expected


def test_staff_only_actions_are_refused_to_mentors_in_services(app_ctx, world):
    """Services re-check: a job or CLI calling them as a mentor is refused too."""
    from wcl.accounts.models import User
    from wcl.accounts.permissions import PermissionDenied
    from wcl.cohorts import services

    mentor = db.session.get(User, world.mentor_a_id)
    enrolment = db.session.get(Enrolment, world.enrolment_ids[0])
    for call in (
        lambda: services.graduate(mentor, enrolment),
        lambda: services.withdraw(mentor, enrolment, "x"),
        lambda: services.assign_mentor(mentor, enrolment, world.mentor_b_id),
        lambda: services.enrol(mentor, enrolment.cohort, 1),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert STAFF_ONLY <= ALL
