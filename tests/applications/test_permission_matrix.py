"""Who may open or do what: each role × each application page and action.

The submitted application belongs to "owner" in lab A. Staff are scoped to
lab A, to lab B, or to all labs. Reviewers are assigned, excused for a
conflict, or not assigned. Mentors and participants get nothing here.
"""

import io

import pytest
from werkzeug.datastructures import FileStorage

from tests.applications.conftest import db_state, jpeg_bytes
from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.applications import AssignmentFactory, call_with_form
from tests.factories.programme import ApplicationFactory, LabFactory
from tests.helpers import csrf_token, login
from wcl.accounts.models import User
from wcl.applications.models import Application, ApplicationAttachment
from wcl.audit.models import AuditEntry
from wcl.extensions import db
from wcl.files.services import save_upload

ROLES = {
    # name: (roles, lab)
    "owner": (["applicant"], None),
    "other_applicant": (["applicant"], None),
    "reviewer_assigned": (["reviewer"], None),
    "reviewer_conflict": (["reviewer"], None),
    "reviewer_unassigned": (["reviewer"], None),
    "staff_lab": (["staff"], "A"),
    "staff_other_lab": (["staff"], "B"),
    "staff_all": (["staff"], None),
    "admin": (["admin"], None),
    "mentor": (["mentor"], None),
    "participant": (["participant"], None),
}
STAFF = {"staff_lab", "staff_all", "admin"}
VIEWERS = {"owner", "reviewer_assigned"} | STAFF
REVIEWERS = {"reviewer_assigned", "reviewer_conflict", "reviewer_unassigned"}

# action: (method, path, form data, roles allowed, status when allowed)
ACTIONS = {
    "view": ("GET", "/applications/{sub}", None, VIEWERS, 200),
    "file": ("GET", "/applications/{sub}/files/{att}", None, VIEWERS, 200),
    "edit_draft": ("GET", "/applications/{draft}/step/2", None, {"owner"}, 200),
    "review_form": ("GET", "/applications/{sub}/review", None, {"reviewer_assigned"}, 200),
    "my_reviews": ("GET", "/review/", None, REVIEWERS | {"admin"}, 200),
    "mine": ("GET", "/applications/mine", None, set(ROLES), 200),
    "staff_calls": ("GET", "/staff/calls/", None, STAFF | {"staff_other_lab"}, 200),
    "staff_list": ("GET", "/staff/calls/{call}/applications", None, STAFF, 200),
    "ranking": ("GET", "/staff/calls/{call}/ranking", None, STAFF, 200),
    "export": ("GET", "/staff/calls/{call}/export.csv", None, STAFF, 200),
    "paper": ("GET", "/staff/calls/{call}/paper", None, STAFF, 200),
    "edit_call": ("GET", "/staff/calls/{call}/edit", None, STAFF, 200),
    "templates": ("GET", "/staff/decision-templates", None, STAFF | {"staff_other_lab"}, 200),
    "edit_template": ("GET", "/staff/decision-templates/rejected/en", None, {"staff_all", "admin"}, 200),
    "decide": ("POST", "/applications/{sub}/decide", {"outcome": "rejected", "note": ""}, STAFF, 302),
    "shortlist": ("POST", "/applications/{sub}/shortlist", {}, STAFF, 302),
    "assign": ("POST", "/applications/{sub}/assign", {"reviewer_id": "{reviewer_unassigned}"}, STAFF, 302),
    "withdraw": ("POST", "/applications/{sub}/withdraw", {"confirm": "yes"}, {"owner"}, 302),
    "save_draft": ("POST", "/applications/{draft}/step/2", {}, {"owner"}, 302),
    "score": (
        "POST",
        "/applications/{sub}/review",
        {"score-{c0}": "3", "score-{c1}": "5"},
        {"reviewer_assigned"},
        302,
    ),
    "conflict": ("POST", "/applications/{sub}/conflict", {"confirm": "yes"}, {"reviewer_assigned"}, 302),
    "remove_file": ("POST", "/applications/{draft}/files/{datt}/delete", {}, {"owner"}, 302),
    "export_xlsx": ("GET", "/staff/calls/{call}/export.xlsx", None, STAFF, 200),
    "new_call": ("GET", "/staff/calls/new", None, STAFF | {"staff_other_lab"}, 200),
    "call_setup": ("GET", "/staff/calls/{call}/form", None, STAFF, 200),
    "bulk_decide": (
        "POST",
        "/staff/calls/{call}/ranking",
        {"application_ids": "{sub}", "action": "rejected", "note": ""},
        STAFF,
        302,
    ),
    "auto_assign": ("POST", "/staff/calls/{call}/auto-assign", {}, STAFF, 302),
    "add_question": (
        "POST",
        "/staff/calls/{call}/questions",
        {"kind": "short_text", "label_en": "Where do you sell?"},
        STAFF,
        302,
    ),
    "add_criterion": (
        "POST",
        "/staff/calls/{call}/criteria",
        {"label_en": "Market", "weight": "2", "min_score": "0", "max_score": "5"},
        STAFF,
        302,
    ),
    "delete_criterion": ("POST", "/staff/criteria/{c1}/delete", {"confirm": "yes"}, STAFF, 302),
    "save_template": (
        "POST",
        "/staff/decision-templates/rejected/en",
        {"subject": "About your application", "body": "Thank you for applying."},
        {"staff_all", "admin"},  # the letters go to every lab: unscoped staff only
        302,
    ),
}
# POSTs that reach the service for these roles and are refused there (302 with a
# message, nothing changed) rather than at the door (403).
REFUSED_INSIDE = {
    ("conflict", "reviewer_conflict"),
    ("conflict", "reviewer_unassigned"),
    ("conflict", "admin"),
}


@pytest.fixture
def matrix(app):
    with app.app_context():
        lab_a, lab_b = LabFactory(slug="lab-a"), LabFactory(slug="lab-b")
        users = {}
        for name, (roles, lab) in ROLES.items():
            users[name] = UserFactory(
                email=f"{name}@example.org", roles=roles, lab={"A": lab_a, "B": lab_b}.get(lab)
            )
        call = call_with_form(lab=lab_a)
        other_call = call_with_form(lab=lab_a)
        submitted = ApplicationFactory(call=call, applicant=users["owner"], status="under_review")
        draft = ApplicationFactory(
            call=other_call, applicant=users["owner"], status="draft", submitted_at=None
        )
        stored = save_upload(FileStorage(io.BytesIO(jpeg_bytes()), "w.jpg"))
        draft_stored = save_upload(FileStorage(io.BytesIO(jpeg_bytes()), "d.jpg"))
        attachment = ApplicationAttachment(application=submitted, stored_file=stored, kind="portfolio")
        draft_file = ApplicationAttachment(application=draft, stored_file=draft_stored, kind="portfolio")
        db.session.add_all([attachment, draft_file])
        db.session.commit()
        AssignmentFactory(application=submitted, reviewer=users["reviewer_assigned"])
        AssignmentFactory(application=submitted, reviewer=users["reviewer_conflict"], status="conflict")
        return {
            "sub": submitted.id,
            "draft": draft.id,
            "att": attachment.id,
            "datt": draft_file.id,
            "call": call.id,
            "c0": call.criteria[0].id,
            "c1": call.criteria[1].id,
            "reviewer_unassigned": users["reviewer_unassigned"].id,
        }


def _fmt(text, ids):
    return text.format(**ids)


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_permission_matrix(app, matrix, role, action):
    method, path, data, allowed, ok_status = ACTIONS[action]
    path = _fmt(path, matrix)
    client = app.test_client()
    login(client, f"{role}@example.org", PASSWORD)
    if method == "GET":
        response = client.get(path)
        assert response.status_code == (ok_status if role in allowed else 403), (role, action)
        return
    with app.app_context():
        before = db_state()
    form = {_fmt(k, matrix): _fmt(v, matrix) for k, v in data.items()}
    form["csrf_token"] = csrf_token(client, "/applications/mine")
    response = client.post(path, data=form)
    permitted = role in allowed
    inside = (action, role) in REFUSED_INSIDE
    assert response.status_code == (ok_status if permitted or inside else 403), (role, action)
    with app.app_context():
        if permitted:
            assert db_state() != before, (role, action)
        else:
            assert db_state() == before, (role, action)


@pytest.mark.parametrize(
    "path",
    [
        "/applications/mine",
        "/applications/{sub}",
        "/review/",
        "/staff/calls/",
        "/staff/calls/{call}/ranking",
        "/applications/{draft}/step/1",
    ],
)
def test_anonymous_is_sent_to_sign_in(client, matrix, path):
    response = client.get(path.format(**matrix))
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_public_pages_need_no_account(client, app, matrix):
    with app.app_context():
        slug = db.session.get(Application, matrix["sub"]).call.slug
    assert client.get("/calls/").status_code == 200
    assert client.get(f"/calls/{slug}").status_code == 200
    assert client.get("/calls/no-such-call").status_code == 404


# Every state-changing action above leaves an audit entry naming who did it.
AUDITED = {
    "decide": "application.decided",
    "shortlist": "application.status_changed",
    "bulk_decide": "application.decided",
    "assign": "review.assigned",
    "auto_assign": "call.reviewers_auto_assigned",
    "withdraw": "application.withdrawn",
    "save_draft": "application.draft_saved",
    "remove_file": "application.file_removed",
    "score": "review.saved",
    "conflict": "review.conflict_declared",
    "add_question": "call.question_added",
    "add_criterion": "call.criterion_added",
    "delete_criterion": "call.criterion_deleted",
    "save_template": "decision_template.saved",
}


@pytest.mark.parametrize("action", list(AUDITED))
def test_every_change_is_audited_with_its_actor(app, matrix, action):
    method, path, data, allowed, ok_status = ACTIONS[action]
    role = "staff_lab" if "staff_lab" in allowed else sorted(allowed)[0]
    client = app.test_client()
    login(client, f"{role}@example.org", PASSWORD)
    form = {_fmt(k, matrix): _fmt(v, matrix) for k, v in data.items()}
    form["csrf_token"] = csrf_token(client, "/applications/mine")
    assert client.post(_fmt(path, matrix), data=form).status_code == ok_status
    with app.app_context():
        actor = db.session.scalar(db.select(User.id).where(User.email == f"{role}@example.org"))
        entries = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == AUDITED[action])).all()
        assert [entry.actor_id for entry in entries] and {entry.actor_id for entry in entries} == {actor}
