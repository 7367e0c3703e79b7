"""A file uploaded from a question answers that question, for the applicant and for reviewers."""

import io
import re

from tests.applications.conftest import draft, jpeg_bytes
from tests.factories.accounts import PASSWORD
from tests.helpers import login, post_form
from wcl.accounts.models import User
from wcl.applications import services
from wcl.applications.models import Application, ApplicationAttachment
from wcl.extensions import db


def _answer_of(html, label):
    """The text of the <dd> that answers the question ``label``."""
    match = re.search(rf"<dt>{re.escape(label)}</dt>\s*<dd[^>]*>(.*?)</dd>", html, re.S)
    assert match, f"no answer block for {label!r}"
    return match.group(1)


def _selected_purpose(html):
    """What a browser submits for the purpose list: the selected option, else the first."""
    select = re.search(r'<select[^>]*name="question_id".*?</select>', html, re.S).group(0)
    options = re.findall(r"<option([^>]*)>", select)
    chosen = next((o for o in options if re.search(r"\bselected\b", o)), options[0])
    return int(re.search(r'value="(\d+)"', chosen).group(1))


def test_the_upload_form_defaults_to_the_unanswered_file_question(app, world):
    q_file = world["questions"][4]
    with app.app_context():
        application = draft(world["ids"]["applicant"], world["call_id"], complete=False)
        application_id = application.id
    client = app.test_client()
    login(client, world["emails"]["applicant"], PASSWORD)
    base = f"/applications/{application_id}"
    page = client.get(f"{base}/step/3").get_data(as_text=True)
    assert _selected_purpose(page) == q_file  # not "Portfolio"
    assert f"{base}/step/3?question={q_file}" in page  # each question offers its own upload
    assert _selected_purpose(client.get(f"{base}/step/3?question={q_file}").get_data(as_text=True)) == q_file


def test_a_photo_uploaded_from_the_question_is_its_answer_for_applicant_and_reviewer(app, world):
    q_file = world["questions"][4]
    with app.app_context():
        application = draft(world["ids"]["applicant"], world["call_id"], complete=False)
        user = db.session.get(User, world["ids"]["applicant"])
        q = application.call.questions
        services.save_about(user, application, user.full_name, "+996 555 123 456", "Osh", None)
        services.save_answers(user, application, {q[0].id: "Embroidery", q[1].id: "A plan"})
        application_id = application.id
    client = app.test_client()
    login(client, world["emails"]["applicant"], PASSWORD)
    base = f"/applications/{application_id}"
    # She picks her file and presses Upload, leaving the purpose as the page offers it.
    page = client.get(f"{base}/step/3").get_data(as_text=True)
    response = post_form(
        client,
        f"{base}/files",
        {"file": (io.BytesIO(jpeg_bytes()), "my-felt.jpg"), "question_id": str(_selected_purpose(page))},
        get_path=f"{base}/step/3",
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    with app.app_context():
        attachment = db.session.scalar(db.select(ApplicationAttachment))
        assert attachment.question_id == q_file and attachment.kind == "answer"
    assert "my-felt.jpg" in _answer_of(
        client.get(f"{base}/step/4").get_data(as_text=True), "Photo of your work"
    )
    post_form(client, f"{base}/step/3", {})
    assert post_form(client, f"{base}/submit", {}, get_path=f"{base}/step/4").status_code == 302
    detail = client.get(base).get_data(as_text=True)
    assert "my-felt.jpg" in _answer_of(detail, "Photo of your work")

    with app.app_context():
        application = db.session.get(Application, application_id)
        assert application.status == "submitted"
        staff = db.session.get(User, world["ids"]["staff"])
        services.assign_reviewer(staff, application, db.session.get(User, world["ids"]["reviewer"]))
    reviewer = app.test_client()
    login(reviewer, world["emails"]["reviewer"], PASSWORD)
    answer = _answer_of(reviewer.get(f"{base}/review").get_data(as_text=True), "Photo of your work")
    assert "No answer" not in answer and f"{base}/files/{attachment.id}" in answer
