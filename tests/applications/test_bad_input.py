"""Every bad input from the issue is refused with a clear message, and nothing stored changes."""

import io
from datetime import timedelta

import pytest
from PIL import Image

from tests.applications.conftest import PDF_BYTES, db_state, draft, jpeg_bytes
from tests.factories.accounts import PASSWORD
from tests.factories.applications import AssignmentFactory
from tests.helpers import csrf_token, login, post_form, queued_jobs
from wcl.accounts.models import User
from wcl.applications import services
from wcl.applications.models import Application, Call
from wcl.extensions import db
from wcl.time import utcnow


def _login(app, email):
    client = app.test_client()
    login(client, email, PASSWORD)
    return client


def _flashes(client, path):
    return client.get(path).get_data(as_text=True)


def test_submit_after_deadline_is_refused(app, world):
    with app.app_context():
        application_id = draft(world["ids"]["applicant"], world["call_id"]).id
        call = db.session.get(Call, world["call_id"])
        call.opens_at, call.closes_at = utcnow() - timedelta(days=30), utcnow() - timedelta(seconds=1)
        db.session.commit()
        before = db_state()
    client = _login(app, "applicant@example.org")
    base = f"/applications/{application_id}"
    token = csrf_token(client, f"{base}/step/4")
    response = client.post(f"{base}/submit", data={"csrf_token": token}, follow_redirects=True)
    assert "The deadline for this call has passed" in response.get_data(as_text=True)
    with app.app_context():
        assert db_state() == before
        assert db.session.get(Application, application_id).status == "draft"
    assert queued_jobs(app) == []


def test_submitting_twice_is_refused(app, world, run_jobs):
    with app.app_context():
        application_id = draft(world["ids"]["applicant"], world["call_id"]).id
    client = _login(app, "applicant@example.org")
    base = f"/applications/{application_id}"
    token = csrf_token(client, f"{base}/step/4")
    assert client.post(f"{base}/submit", data={"csrf_token": token}).status_code == 302
    run_jobs()
    with app.app_context():
        before = db_state()
    response = client.post(f"{base}/submit", data={"csrf_token": token}, follow_redirects=True)
    assert "This application was already submitted" in response.get_data(as_text=True)
    with app.app_context():
        assert db_state() == before
    assert queued_jobs(app) == []  # no second confirmation email


def test_missing_required_answer_is_refused(app, world):
    with app.app_context():
        application = draft(world["ids"]["applicant"], world["call_id"])
        user = db.session.get(User, world["ids"]["applicant"])
        required_short = application.call.questions[0]
        services.save_answers(
            user, application, {required_short.id: "", application.call.questions[1].id: "x"}
        )
        application_id = application.id
        before = db_state()
    client = _login(app, "applicant@example.org")
    base = f"/applications/{application_id}"
    page = client.get(f"{base}/step/4").get_data(as_text=True)
    assert "Before you can submit, please answer:" in page and "Your craft" in page
    token = csrf_token(client, f"{base}/step/4")
    response = client.post(f"{base}/submit", data={"csrf_token": token}, follow_redirects=True)
    assert "Some required questions are not answered yet." in response.get_data(as_text=True)
    with app.app_context():
        assert db_state() == before


def _upload(client, application_id, data, name):
    base = f"/applications/{application_id}"
    return post_form(
        client,
        f"{base}/files",
        {"file": (io.BytesIO(data), name), "question_id": "0"},
        get_path=f"{base}/step/3",
        content_type="multipart/form-data",
    )


def test_fifty_megabyte_upload_gets_a_clear_413_and_changes_nothing(app, world):
    with app.app_context():
        application_id = draft(world["ids"]["applicant"], world["call_id"], complete=False).id
        before = db_state()
    client = _login(app, "applicant@example.org")
    response = _upload(client, application_id, b"\xff\xd8\xff" + b"0" * (50 * 1024 * 1024), "huge.jpg")
    assert response.status_code == 413
    assert "The file is too large" in response.get_data(as_text=True)
    with app.app_context():
        assert db_state() == before


def test_file_over_the_ten_megabyte_limit_is_refused(app, world):
    with app.app_context():
        application_id = draft(world["ids"]["applicant"], world["call_id"], complete=False).id
        before = db_state()
    client = _login(app, "applicant@example.org")
    response = _upload(client, application_id, PDF_BYTES + b"0" * (11 * 1024 * 1024), "big.pdf")
    assert response.status_code == 422
    assert "The file is too large. The limit is 10 MB." in response.get_data(as_text=True)
    with app.app_context():
        assert db_state() == before


def test_exe_renamed_jpg_is_refused(app, world):
    with app.app_context():
        application_id = draft(world["ids"]["applicant"], world["call_id"], complete=False).id
        before = db_state()
    client = _login(app, "applicant@example.org")
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 500
    response = _upload(client, application_id, exe, "photo.jpg")
    assert response.status_code == 422
    assert "This type of file is not accepted" in response.get_data(as_text=True)
    with app.app_context():
        assert db_state() == before


def test_decompression_bomb_is_refused(app, world):
    out = io.BytesIO()
    Image.new("1", (12000, 12000)).save(out, "PNG")
    with app.app_context():
        application_id = draft(world["ids"]["applicant"], world["call_id"], complete=False).id
        before = db_state()
    client = _login(app, "applicant@example.org")
    response = _upload(client, application_id, out.getvalue(), "bomb.png")
    assert response.status_code == 422
    assert "too large in pixels" in response.get_data(as_text=True)
    with app.app_context():
        assert db_state() == before


def test_html_and_script_in_answers_are_stored_as_text_and_escaped(app, world):
    payload = '<img src=x onerror="alert(1)"><script>alert("x")</script>'
    with app.app_context():
        application = draft(world["ids"]["applicant"], world["call_id"])
        user = db.session.get(User, world["ids"]["applicant"])
        q = application.call.questions
        services.save_answers(user, application, {q[0].id: "Felt", q[1].id: payload})
        services.save_about(user, application, "<b>Aigerim</b>", "", "", None)
        services.submit_application(user, application)
        application_id = application.id
        assert application.answer_map()[q[1].id] == payload  # stored literally, as text
    for email in ("applicant@example.org", "staff@example.org"):
        html = _login(app, email).get(f"/applications/{application_id}").get_data(as_text=True)
        assert "&lt;script&gt;alert(" in html and "<script>alert" not in html
        assert "&lt;img src=x onerror=" in html and "<img src=x" not in html
        assert "&lt;b&gt;Aigerim&lt;/b&gt;" in html


def test_conflicted_reviewer_cannot_score(app, world):
    with app.app_context():
        application = draft(world["ids"]["applicant"], world["call_id"])
        services.submit_application(db.session.get(User, world["ids"]["applicant"]), application)
        AssignmentFactory(
            application=application,
            reviewer=db.session.get(User, world["ids"]["reviewer"]),
            status="conflict",
        )
        application_id = application.id
        criteria = world["criteria"]
        before = db_state()
        with pytest.raises(services.ApplicationError, match="conflict of interest"):
            services.save_review(
                db.session.get(User, world["ids"]["reviewer"]),
                db.session.get(Application, application_id),
                {criteria[0]: 3, criteria[1]: 5},
                "",
            )
        db.session.rollback()
        assert db_state() == before
    client = _login(app, "reviewer@example.org")
    assert client.get(f"/applications/{application_id}/review").status_code == 403
    token = csrf_token(client, "/review/")
    response = client.post(
        f"/applications/{application_id}/review",
        data={"csrf_token": token, f"score-{criteria[0]}": "3", f"score-{criteria[1]}": "5"},
    )
    assert response.status_code == 403
    with app.app_context():
        assert db_state() == before


@pytest.mark.parametrize("who", ["reviewer2", "admin"])
def test_unassigned_reviewer_cannot_score(app, world, who):
    with app.app_context():
        application = draft(world["ids"]["applicant"], world["call_id"])
        services.submit_application(db.session.get(User, world["ids"]["applicant"]), application)
        AssignmentFactory(application=application, reviewer=db.session.get(User, world["ids"]["reviewer"]))
        application_id = application.id
        criteria = world["criteria"]
        before = db_state()
        with pytest.raises(services.ApplicationError, match="not assigned"):
            services.save_review(
                db.session.get(User, world["ids"][who]),
                db.session.get(Application, application_id),
                {criteria[0]: 3, criteria[1]: 5},
                "",
            )
        db.session.rollback()
        assert db_state() == before
    if who == "reviewer2":
        client = _login(app, "reviewer2@example.org")
        assert client.get(f"/applications/{application_id}").status_code == 403
        assert client.get(f"/applications/{application_id}/review").status_code == 403
        with app.app_context():
            assert db_state() == before


@pytest.mark.parametrize(
    "orig, feas", [("6", "5"), ("0", "5"), ("3", "11"), ("3", "-1"), ("3.5", "5"), ("", "5"), ("three", "5")]
)
def test_score_out_of_range_or_not_whole_is_refused(app, world, orig, feas):
    with app.app_context():
        application = draft(world["ids"]["applicant"], world["call_id"])
        services.submit_application(db.session.get(User, world["ids"]["applicant"]), application)
        AssignmentFactory(application=application, reviewer=db.session.get(User, world["ids"]["reviewer"]))
        application_id = application.id
        before = db_state()
    c_orig, c_feas = world["criteria"]
    client = _login(app, "reviewer@example.org")
    path = f"/applications/{application_id}/review"
    response = post_form(client, path, {f"score-{c_orig}": orig, f"score-{c_feas}": feas, "comment": "ok"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Enter a score from" in html or "Enter a whole number." in html
    with app.app_context():
        assert db_state() == before


def test_another_applicants_application_by_id_is_forbidden(app, world):
    with app.app_context():
        application = draft(world["ids"]["applicant"], world["call_id"])
        application_id = application.id
        attachment_id = application.attachments[0].id
        before = db_state()
    client = _login(app, "other@example.org")
    base = f"/applications/{application_id}"
    for path in (
        base,
        f"{base}/continue",
        f"{base}/step/1",
        f"{base}/step/2",
        f"{base}/step/3",
        f"{base}/step/4",
        f"{base}/files/{attachment_id}",
    ):
        assert client.get(path).status_code == 403, path
    token = csrf_token(client, "/applications/mine")
    for path, data in (
        (f"{base}/step/1", {"contact_name": "Hacker"}),
        (f"{base}/step/2", {}),
        (f"{base}/submit", {}),
        (f"{base}/withdraw", {}),
        (f"{base}/files/{attachment_id}/delete", {}),
        (f"{base}/files", {"file": (io.BytesIO(jpeg_bytes()), "x.jpg")}),
    ):
        response = client.post(path, data={"csrf_token": token, **data}, content_type="multipart/form-data")
        assert response.status_code == 403, path
    assert client.get("/applications/999999").status_code == 404
    with app.app_context():
        assert db_state() == before
