"""The whole path: call → draft → submit → assign → conflict → review → rank → decide → emails."""

import io
import re

from tests.applications.conftest import jpeg_bytes
from tests.factories.accounts import PASSWORD
from tests.helpers import login, message_text, outbox_messages, post_form
from wcl.applications.models import (
    Application,
    AssignmentStatus,
    Decision,
    Review,
    ReviewAssignment,
)
from wcl.applications.services import ranked_applications
from wcl.audit.models import AuditEntry
from wcl.extensions import db


def _client(app, email):
    client = app.test_client()
    login(client, email, PASSWORD)
    return client


def test_whole_path(app, world, run_jobs):
    q_short, q_long, q_choice, q_number, q_file = world["questions"]
    c_orig, c_feas = world["criteria"]
    applicant = _client(app, world["emails"]["applicant"])

    # The public list and the call page.
    assert "Osh Lab 2026" in applicant.get("/calls/").get_data(as_text=True)
    page = applicant.get("/calls/osh-2026").get_data(as_text=True)
    assert "(Bishkek time)" in page and "Start my application" in page

    # Start a draft; resuming opens step 1.
    response = post_form(applicant, "/calls/osh-2026/apply", {}, get_path="/calls/osh-2026")
    assert response.status_code == 302
    with app.app_context():
        application_id = db.session.scalar(db.select(Application.id))
    base = f"/applications/{application_id}"
    assert applicant.get(f"{base}/continue").headers["Location"].endswith(f"{base}/step/1")

    # Step 1 explains why the optional demographics are asked and who sees them.
    page = applicant.get(f"{base}/step/1").get_data(as_text=True)
    assert "Why we ask:" in page and "Who sees your answers: only you and the Lab's administrators" in page

    # Step 1 with the optional demographics, consent given.
    response = post_form(
        applicant,
        f"{base}/step/1",
        {
            "contact_name": "Aigerim A.",
            "contact_phone": "+996 555 000 111",
            "contact_locality": "Nookat",
            "demo-gender": "woman",
            "demo-birth_year": "1998",
            "demo-region": "KG-O",
            "demo-settlement": "rural",
            "demo-wg_walking": "a_lot",
            "demo-consent": "y",
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{base}/step/2")

    # Step 2: answers saved on the server, including HTML typed as text.
    response = post_form(
        applicant,
        f"{base}/step/2",
        {
            f"q-{q_short}": "Felt making",
            f"q-{q_long}": "<script>alert('x')</script> I will sell shyrdaks.",
            f"q-{q_choice}": "Experienced",
            f"q-{q_number}": "7",
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{base}/step/3")

    # The connection drops; she comes back later and lands on the first incomplete step.
    applicant = _client(app, world["emails"]["applicant"])
    assert applicant.get(f"{base}/continue").headers["Location"].endswith(f"{base}/step/3")
    html = applicant.get(f"{base}/step/2").get_data(as_text=True)
    assert "Felt making" in html and 'value="Experienced" selected' in html

    # Step 3: the file question's answer.
    response = post_form(
        applicant,
        f"{base}/files",
        {"file": (io.BytesIO(jpeg_bytes()), "felt.jpg"), "question_id": str(q_file)},
        get_path=f"{base}/step/3",
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    response = post_form(applicant, f"{base}/step/3", {})
    assert response.headers["Location"].endswith(f"{base}/step/4")

    # Step 4 shows the answers, HTML escaped.
    html = applicant.get(f"{base}/step/4").get_data(as_text=True)
    assert "&lt;script&gt;alert(" in html and "<script>alert" not in html

    response = post_form(applicant, f"{base}/submit", {}, get_path=f"{base}/step/4")
    assert response.status_code == 302
    with app.app_context():
        application = db.session.get(Application, application_id)
        assert application.status == "submitted" and application.submitted_at is not None
        # Demographics as they were at submission.
        assert (application.snapshot_gender, application.snapshot_region) == ("woman", "KG-O")
        assert application.snapshot_birth_year == 1998 and application.snapshot_disability is True
        assert application.snapshot_settlement == "rural"
    dashboard = applicant.get("/applications/mine").get_data(as_text=True)
    assert "Osh Lab 2026" in dashboard and "Submitted" in dashboard

    run_jobs()
    [confirmation] = outbox_messages(app)
    assert confirmation["To"] == "applicant@example.org"
    assert "We received your application" in confirmation["Subject"]
    assert f"http://localhost/applications/{application_id}" in message_text(confirmation)

    # Staff assign reviewers automatically: the two least-loaded (by id) first.
    staff = _client(app, world["emails"]["staff"])
    response = post_form(
        staff,
        f"/staff/calls/{world['call_id']}/auto-assign",
        {},
        get_path=f"/staff/calls/{world['call_id']}/ranking",
    )
    assert response.status_code == 302
    ids = world["ids"]
    with app.app_context():
        assigned = set(
            db.session.scalars(
                db.select(ReviewAssignment.reviewer_id).where(ReviewAssignment.status == "assigned")
            )
        )
        assert assigned == {ids["reviewer"], ids["reviewer2"]}
        assert db.session.get(Application, application_id).status == "under_review"

    # Reviewer one knows her: a conflict; reviewer three replaces her.
    reviewer = _client(app, world["emails"]["reviewer"])
    response = post_form(reviewer, f"{base}/conflict", {"confirm": "yes"}, get_path=base)
    assert response.status_code == 302
    with app.app_context():
        rows = {r.reviewer_id: r.status for r in db.session.scalars(db.select(ReviewAssignment))}
        assert rows == {
            ids["reviewer"]: AssignmentStatus.CONFLICT,
            ids["reviewer2"]: AssignmentStatus.ASSIGNED,
            ids["reviewer3"]: AssignmentStatus.ASSIGNED,
        }
    # Once excused, she can no longer open the application.
    assert reviewer.get(base).status_code == 403

    # Two reviews: originality weight 2 (1–5), feasibility weight 1 (0–10).
    for email, orig, feas in (("reviewer2@example.org", "5", "10"), ("reviewer3@example.org", "3", "5")):
        client = _client(app, email)
        response = post_form(
            client, f"{base}/review", {f"score-{c_orig}": orig, f"score-{c_feas}": feas, "comment": "Strong"}
        )
        assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Review.id))) == 2
        [row] = ranked_applications(db.session.get(Application, application_id).call)
        # Review A: (1.0*2 + 1.0*1)/3 = 100; review B: (0.5*2 + 0.5*1)/3 = 50.
        assert row.totals == [100.0, 50.0] or sorted(row.totals) == [50.0, 100.0]
        assert row.mean == 75.0 and row.spread == 50.0 and row.flagged and row.rank == 1

    ranking = staff.get(f"/staff/calls/{world['call_id']}/ranking").get_data(as_text=True)
    assert "75.0" in ranking and "reviewers disagree" in ranking

    # Accept from the ranked list, with a note that goes into the email.
    response = post_form(
        staff,
        f"/staff/calls/{world['call_id']}/ranking",
        {"application_ids": [str(application_id)], "action": "accepted", "note": "Orientation on 3 March."},
    )
    assert response.status_code == 302
    with app.app_context():
        application = db.session.get(Application, application_id)
        assert application.status == "accepted" and application.decided_at is not None
        decision = db.session.scalar(db.select(Decision))
        assert (decision.outcome, decision.note, decision.decided_by_id) == (
            "accepted",
            "Orientation on 3 March.",
            ids["staff"],
        )
        actions = set(
            db.session.scalars(db.select(AuditEntry.action).where(AuditEntry.target_type == "applications"))
        )
        assert {
            "application.started",
            "application.draft_saved",
            "application.file_added",
            "application.submitted",
            "review.assigned",
            "application.status_changed",
            "review.conflict_declared",
            "review.replaced",
            "review.saved",
            "application.decided",
        } <= actions

    run_jobs()
    messages = [m for m in outbox_messages(app) if m["X-WCL-Template"] != "applications/review_assigned"]
    assert len(messages) == 2
    decision_mail = messages[1]
    assert decision_mail["To"] == "applicant@example.org"
    assert decision_mail["Subject"] == "You are accepted: Osh Lab 2026"
    body = message_text(decision_mail)
    assert "Dear Aigerim A." in body and "Orientation on 3 March." in body
    assert re.search(rf"http://localhost/applications/{application_id}\b", body)
    # The dashboard shows the outcome.
    assert "Accepted" in applicant.get("/applications/mine").get_data(as_text=True)


def test_step_one_keeps_earlier_demographics_without_asking_consent_again(app, world):
    from tests.factories.accounts import DemographicsFactory
    from wcl.accounts.models import Demographics, User

    with app.app_context():
        DemographicsFactory(
            user=db.session.get(User, world["ids"]["applicant"]), gender="woman", region="KG-B"
        )
    client = _client(app, "applicant@example.org")
    post_form(client, "/calls/osh-2026/apply", {}, get_path="/calls/osh-2026")
    with app.app_context():
        base = f"/applications/{db.session.scalar(db.select(Application.id))}"
    html = client.get(f"{base}/step/1").get_data(as_text=True)
    assert '<option selected value="KG-B">' in html  # her earlier answers, pre-filled
    unchanged = {"contact_name": "Aigerim", "demo-gender": "woman", "demo-region": "KG-B"}
    assert post_form(client, f"{base}/step/1", unchanged).status_code == 302
    # Changing an answer needs the consent box; without it nothing is saved.
    response = post_form(client, f"{base}/step/1", {**unchanged, "demo-region": "KG-O"})
    assert response.status_code == 422 and "tick the box" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(Demographics.region)) == "KG-B"
    response = post_form(client, f"{base}/step/1", {**unchanged, "demo-region": "KG-O", "demo-consent": "y"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(Demographics.region)) == "KG-O"


def test_choice_answers_are_shown_in_the_readers_language(app, world):
    from tests.applications.conftest import draft
    from wcl.accounts.models import User
    from wcl.applications import services

    with app.app_context():
        application = draft(world["ids"]["applicant"], world["call_id"])
        user = db.session.get(User, world["ids"]["applicant"])
        q = application.call.questions
        services.save_answers(user, application, {q[0].id: "x", q[1].id: "y", q[2].id: "Experienced"})
        user.locale = "ru"
        db.session.commit()
        base = f"/applications/{application.id}"
    client = _client(app, "applicant@example.org")
    assert "Опытная" in client.get(f"{base}/step/4").get_data(as_text=True)
