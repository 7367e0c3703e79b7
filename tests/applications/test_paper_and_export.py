"""Paper applications entered by staff, and the CSV/XLSX export."""

import csv
import io

from openpyxl import load_workbook

from tests.applications.conftest import PDF_BYTES, db_state, jpeg_bytes
from tests.factories.accounts import PASSWORD, DemographicsFactory, UserFactory
from tests.factories.applications import CriterionFactory, ReviewFactory, ScoreFactory
from tests.factories.programme import ApplicationFactory, CallFactory
from tests.helpers import login, post_form, queued_jobs
from wcl.accounts.models import User
from wcl.applications.models import Application
from wcl.audit.models import AuditEntry
from wcl.extensions import db


def _staff(app, email="staff@example.org"):
    client = app.test_client()
    login(client, email, PASSWORD)
    return client


def _paper_form(world, **overrides):
    q_short, q_long, _choice, q_number, _file = world["questions"]
    data = {
        "full_name": "Gulzat Asanova",
        "email": "",
        "phone": "+996 700 111 222",
        "locality": "Kyzyl-Kiya",
        "consent": "y",
        f"q-{q_short}": "Weaving",
        f"q-{q_long}": "Written on paper <b>by hand</b>",
        f"q-{q_number}": "12",
        "scan": (io.BytesIO(PDF_BYTES), "form.pdf"),
    }
    data.update(overrides)
    return data


def test_staff_enter_a_paper_application_for_a_woman_without_email(app, world):
    client = _staff(app)
    path = f"/staff/calls/{world['call_id']}/paper"
    response = post_form(client, path, _paper_form(world), content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        application = db.session.scalar(db.select(Application).where(Application.entered_by_id.is_not(None)))
        assert application.status == "submitted" and application.paper_consent
        assert application.entered_by_id == world["ids"]["staff"] and application.entered_at is not None
        assert application.applicant.full_name == "Gulzat Asanova"
        assert application.applicant.email.endswith("@paper.wcl.invalid")
        assert [a.kind for a in application.attachments] == ["paper_scan"]
        assert application.answer_map()[world["questions"][1]] == "Written on paper <b>by hand</b>"
        assert "application.paper_entered" in set(db.session.scalars(db.select(AuditEntry.action)))
        application_id = application.id
    assert queued_jobs(app) == []  # nobody to email
    html = client.get(f"/applications/{application_id}").get_data(as_text=True)
    assert "Paper application entered by Staff Member" in html
    assert "&lt;b&gt;by hand&lt;/b&gt;" in html


def test_paper_application_for_an_existing_account_emails_her(app, world):
    client = _staff(app)
    path = f"/staff/calls/{world['call_id']}/paper"
    form = _paper_form(world, email="Other@Example.org", scan=(io.BytesIO(jpeg_bytes()), "scan.jpg"))
    assert post_form(client, path, form, content_type="multipart/form-data").status_code == 302
    with app.app_context():
        application = db.session.scalar(db.select(Application))
        assert application.applicant_id == world["ids"]["other"]
    assert queued_jobs(app) == ["wcl.mail.deliver"]
    # The same person twice on the same call is refused.
    with app.app_context():
        before = db_state()
    form = _paper_form(world, email="other@example.org")
    response = post_form(client, path, form, content_type="multipart/form-data")
    assert response.status_code == 422 and "already applied" in response.get_data(as_text=True)
    with app.app_context():
        assert db_state() == before


def test_paper_application_without_consent_or_scan_is_refused(app, world):
    client = _staff(app)
    path = f"/staff/calls/{world['call_id']}/paper"
    with app.app_context():
        before = db_state()
    no_consent = _paper_form(world)
    del no_consent["consent"]
    response = post_form(client, path, no_consent, content_type="multipart/form-data")
    assert response.status_code == 422 and "signed the consent" in response.get_data(as_text=True)
    no_scan = _paper_form(world)
    del no_scan["scan"]
    response = post_form(client, path, no_scan, content_type="multipart/form-data")
    assert response.status_code == 422 and "Choose a file to upload." in response.get_data(as_text=True)
    bad_scan = _paper_form(world, scan=(io.BytesIO(b"MZ" + b"\0" * 100), "scan.jpg"))
    response = post_form(client, path, bad_scan, content_type="multipart/form-data")
    assert response.status_code == 422 and "not accepted" in response.get_data(as_text=True)
    with app.app_context():
        assert db_state() == before


def _exported(app, email, call_id, fmt="csv"):
    client = _staff(app, email)
    response = client.get(f"/staff/calls/{call_id}/export.{fmt}")
    assert response.status_code == 200
    if fmt == "csv":
        return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


def _export_world(app):
    with app.app_context():
        UserFactory(email="staff@example.org", roles=["staff"])
        UserFactory(email="admin@example.org", roles=["admin"])
        call = CallFactory()
        criterion = CriterionFactory(call=call, min_score=0, max_score=10)
        applicant = UserFactory(full_name='=HYPERLINK("http://evil")')
        DemographicsFactory(user=applicant, gender="woman")
        application = ApplicationFactory(
            call=call,
            applicant=applicant,
            status="under_review",
            snapshot_gender="woman",
            snapshot_region="KG-O",
        )
        for score in (8, 6):
            ScoreFactory(review=ReviewFactory(application=application), criterion=criterion, score=score)
        ApplicationFactory(call=call, status="draft", submitted_at=None)
        return call.id


def test_export_for_staff_has_scores_but_no_demographics(app):
    call_id = _export_world(app)
    for fmt in ("csv", "xlsx"):
        header, *rows = _exported(app, "staff@example.org", call_id, fmt)
        assert "mean_score" in header and "gender" not in header and "region" not in header
        assert len(rows) == 1  # drafts are not exported
        row = dict(zip(header, rows[0], strict=True))
        assert float(row["mean_score"]) == 70.0 and float(row["spread"]) == 20.0
        # A name that looks like a formula stays text.
        assert row["name"].startswith("'=HYPERLINK")


def test_export_for_admins_includes_the_demographic_snapshot(app):
    call_id = _export_world(app)
    header, row = _exported(app, "admin@example.org", call_id)
    data = dict(zip(header, row, strict=True))
    assert data["gender"] == "woman" and data["region"] == "KG-O"
    with app.app_context():
        entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "call.exported"))
        assert entry.data == {"rows": 1, "demographics": True}
        assert entry.actor_id == db.session.scalar(
            db.select(User.id).where(User.email == "admin@example.org")
        )
