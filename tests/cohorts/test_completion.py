"""Graduation rules, withdrawal, the campaign-ready sign-off gate, and the certificate PDF."""

import io

import pytest
from pypdf import PdfReader

from tests.factories.accounts import PASSWORD
from tests.factories.cohorts import AttendanceFactory
from tests.helpers import login, outbox_messages, post_form, queued_jobs
from wcl.accounts.models import User
from wcl.audit.models import AuditEntry
from wcl.cohorts import jobs, services
from wcl.cohorts.models import Cohort, Enrolment, EnrolmentStatus, MilestoneProgress
from wcl.cohorts.services import is_campaign_ready
from wcl.extensions import db
from wcl.files.services import read_bytes


def _approve(enrolment_id, milestone_id):
    db.session.add(MilestoneProgress(milestone_id=milestone_id, enrolment_id=enrolment_id, status="approved"))
    db.session.commit()


def _attend(world, enrolment_id, statuses):
    from tests.factories.cohorts import CohortSessionFactory

    cohort = db.session.get(Cohort, world.cohort_id)
    sessions = [world.session_id] + [CohortSessionFactory(cohort=cohort).id for _ in statuses[1:]]
    for sid, status in zip(sessions, statuses, strict=True):
        AttendanceFactory(session_id=sid, enrolment_id=enrolment_id, status=status)


def _enrolment_state(eid):
    db.session.expire_all()
    e = db.session.get(Enrolment, eid)
    return (e.status, e.graduated_at, e.withdrawn_at, e.campaign_ready_at)


def test_graduation_refused_with_reasons_then_allowed(app, client, world):
    eid = world.enrolment_ids[0]
    with app.app_context():
        _attend(world, eid, ["present", "absent", "absent", "excused"])  # 1 / 3 = 33 %
        before = _enrolment_state(eid)
    login(client, "staff@example.org", PASSWORD)
    page = f"/cohorts/enrolments/{eid}"
    response = post_form(
        client, f"/cohorts/enrolments/{eid}/graduate", {}, get_path=page, follow_redirects=True
    )
    html = response.get_data(as_text=True)
    assert "She cannot graduate yet" in html
    assert "Attendance is 33%; this cohort requires at least 75%." in html
    assert "Required milestones not approved yet" in html
    with app.app_context():
        assert _enrolment_state(eid) == before
        assert (
            db.session.scalar(
                db.select(db.func.count(AuditEntry.id)).where(AuditEntry.action == "enrolment.graduated")
            )
            == 0
        )
        # Meet the rules: lower the bar to 30 % and approve the required milestone.
        cohort = db.session.get(Cohort, world.cohort_id)
        cohort.min_attendance_pct = 30
        db.session.commit()
        _approve(eid, world.milestone_ids[0])  # the optional one stays open
    response = post_form(client, f"/cohorts/enrolments/{eid}/graduate", {}, get_path=page)
    assert response.status_code == 302
    with app.app_context():
        status, graduated_at, *_ = _enrolment_state(eid)
        assert status == EnrolmentStatus.GRADUATED and graduated_at is not None
        assert is_campaign_ready(world.people_ids[0])


def test_no_attendance_recorded_blocks_graduation_unless_rule_is_off(app_ctx, world):
    eid = world.enrolment_ids[1]
    _approve(eid, world.milestone_ids[0])
    enrolment = db.session.get(Enrolment, eid)
    assert [str(p) for p in services.graduation_problems(enrolment)] == [
        "No attendance has been recorded for her yet."
    ]
    cohort = db.session.get(Cohort, world.cohort_id)
    cohort.min_attendance_pct = 0
    db.session.commit()
    assert services.graduation_problems(enrolment) == []


def test_milestone_rule_can_be_switched_off(app_ctx, world):
    eid = world.enrolment_ids[1]
    _attend(world, eid, ["present"])
    cohort = db.session.get(Cohort, world.cohort_id)
    enrolment = db.session.get(Enrolment, eid)
    assert len(services.graduation_problems(enrolment)) == 1
    cohort.require_milestones = False
    db.session.commit()
    assert services.graduation_problems(enrolment) == []


def test_withdraw_needs_a_reason(app, client, world):
    eid = world.enrolment_ids[1]
    login(client, "staff@example.org", PASSWORD)
    page = f"/cohorts/enrolments/{eid}"
    response = post_form(client, f"/cohorts/enrolments/{eid}/withdraw", {"reason": "  "}, get_path=page)
    assert response.status_code == 422 and "This field is required." in response.get_data(as_text=True)
    with app.app_context():
        assert _enrolment_state(eid)[0] == EnrolmentStatus.ACTIVE
    response = post_form(
        client, f"/cohorts/enrolments/{eid}/withdraw", {"reason": "Moved to Bishkek"}, get_path=page
    )
    assert response.status_code == 302
    with app.app_context():
        e = db.session.get(Enrolment, eid)
        assert e.status == EnrolmentStatus.WITHDRAWN and e.withdrawal_reason == "Moved to Bishkek"
        with pytest.raises(services.CohortError, match="Only active"):
            services.graduate(db.session.get(User, world.staff_id), e)


def test_mentor_sign_off_opens_the_campaign_gate(app, client, world):
    eid, pid = world.enrolment_ids[0], world.people_ids[0]
    with app.app_context():
        assert not is_campaign_ready(pid)
    login(client, "mentor.a@example.org", PASSWORD)
    page = f"/cohorts/enrolments/{eid}"
    assert "Sign off as campaign-ready" in client.get(page).get_data(as_text=True)
    assert (
        post_form(client, f"/cohorts/enrolments/{eid}/campaign-ready", {}, get_path=page).status_code == 302
    )
    with app.app_context():
        e = db.session.get(Enrolment, eid)
        assert e.campaign_ready_at is not None and e.campaign_ready_by_id == world.mentor_a_id
        assert is_campaign_ready(pid)
        with pytest.raises(services.CohortError, match="already signed off"):
            services.sign_off_campaign_ready(db.session.get(User, world.mentor_a_id), e)
        # Withdrawal closes the gate again.
        services.withdraw(db.session.get(User, world.staff_id), db.session.get(Enrolment, eid), "Stopped")
        assert not is_campaign_ready(pid)


def test_only_her_mentor_signs_off(app, client, world):
    eid = world.enrolment_ids[0]
    for email in ("mentor.b@example.org", "staff@example.org", "p1@example.org"):
        c = app.test_client()
        login(c, email, PASSWORD)
        assert c.post(f"/cohorts/enrolments/{eid}/campaign-ready").status_code in (400, 403), email
    with app.app_context():
        assert db.session.get(Enrolment, eid).campaign_ready_at is None


def _graduate(app, world, eid, locale="ky", name="Айгерим Үсөнова"):
    with app.app_context():
        person = db.session.get(Enrolment, eid).participant
        person.locale, person.full_name = locale, name
        cohort = db.session.get(Cohort, world.cohort_id)
        cohort.name = "Өнөр Көктөм 2026"
        cohort.min_attendance_pct = 0
        db.session.commit()
        _approve(eid, world.milestone_ids[0])
        services.graduate(db.session.get(User, world.staff_id), db.session.get(Enrolment, eid))


def test_certificate_is_rendered_by_a_job_in_her_language(app, client, world, run_jobs):
    eid = world.enrolment_ids[0]
    _graduate(app, world, eid)
    with app.app_context():
        assert db.session.get(Enrolment, eid).certificate_file_id is None  # not rendered in the request
    # The job carries the name of the service it runs.
    assert queued_jobs(app) == ["wcl.cohorts.jobs.issue_certificate"]
    run_jobs()
    with app.app_context():
        e = db.session.get(Enrolment, eid)
        assert e.certificate_issued_at is not None and e.certificate_file.mimetype == "application/pdf"
        text = "\n".join(
            page.extract_text() for page in PdfReader(io.BytesIO(read_bytes(e.certificate_file))).pages
        )
        first_file = e.certificate_file_id
    assert "Айгерим Үсөнова" in text and "Өнөр Көктөм 2026" in text
    assert "Ү" in text and "Ө" in text
    assert "Certificate" not in text  # Kyrgyz, not English
    mail = [m for m in outbox_messages(app) if m["To"] == "p1@example.org"]
    assert len(mail) == 1 and f"/cohorts/enrolments/{eid}/certificate" in mail[0].get_body().get_content()
    # Idempotent: running the job again renders nothing new.
    with app.app_context():
        assert jobs.issue_certificate(eid) is None
        assert jobs.render_certificate(eid) is None  # the old name of a job queued before the rename
        assert db.session.get(Enrolment, eid).certificate_file_id == first_file


def test_certificate_in_russian(app, world, run_jobs):
    eid = world.enrolment_ids[0]
    _graduate(app, world, eid, locale="ru", name="Нургуль Ашимова")
    run_jobs()
    with app.app_context():
        e = db.session.get(Enrolment, eid)
        text = PdfReader(io.BytesIO(read_bytes(e.certificate_file))).pages[0].extract_text()
    assert "Нургуль Ашимова" in text and "Сертификат" in text


def test_certificate_download_permissions(app, world, run_jobs):
    eid = world.enrolment_ids[0]
    _graduate(app, world, eid, locale="en", name="Aigerim")
    run_jobs()
    expected = {
        "p1@example.org": 200,
        "staff@example.org": 200,
        "admin@example.org": 200,
        "p2@example.org": 403,
        "mentor.a@example.org": 403,
        "staff2@example.org": 403,
    }
    for email, status in expected.items():
        c = app.test_client()
        login(c, email, PASSWORD)
        response = c.get(f"/cohorts/enrolments/{eid}/certificate")
        assert response.status_code == status, email
        if status == 200:
            assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF-")


def test_staff_can_have_the_certificate_rendered_again(app, client, world, run_jobs):
    eid = world.enrolment_ids[0]
    _graduate(app, world, eid, locale="en", name="Aigerim")
    run_jobs()
    with app.app_context():
        first = db.session.get(Enrolment, eid).certificate_file_id
        person = db.session.get(Enrolment, eid).participant
        person.full_name = "Aigerim Usenova"
        db.session.commit()
    login(client, "staff@example.org", PASSWORD)
    post_form(client, f"/cohorts/enrolments/{eid}/certificate", {}, get_path=f"/cohorts/enrolments/{eid}")
    run_jobs()
    with app.app_context():
        e = db.session.get(Enrolment, eid)
        assert e.certificate_file_id != first
        assert (
            "Aigerim Usenova" in PdfReader(io.BytesIO(read_bytes(e.certificate_file))).pages[0].extract_text()
        )


def test_certificate_not_ready_redirects(app, client, world):
    login(client, "p1@example.org", PASSWORD)
    response = client.get(f"/cohorts/enrolments/{world.enrolment_ids[0]}/certificate")
    assert response.status_code == 302
