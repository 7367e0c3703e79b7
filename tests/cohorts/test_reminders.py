"""Reminder jobs: scheduled, and each email goes out once however often they run."""

from datetime import date, timedelta

from tests.factories.cohorts import CheckInFactory, CohortSessionFactory
from tests.helpers import outbox_messages, queued_jobs
from wcl.cohorts import jobs
from wcl.cohorts.models import Cohort, CohortSession, Enrolment
from wcl.extensions import db
from wcl.schedule import PERIODIC_JOBS
from wcl.time import utcnow


def test_reminder_jobs_are_scheduled():
    scheduled = {job.func_path: job for job in PERIODIC_JOBS}
    for name in ("wcl.cohorts.jobs.send_session_reminders", "wcl.cohorts.jobs.send_checkin_reminders"):
        assert name in scheduled
        assert scheduled[name].interval <= 24 * 60 * 60 and scheduled[name].timeout > 0


def test_participants_are_reminded_once_before_a_session(app, world, run_jobs):
    with app.app_context():
        cohort = db.session.get(Cohort, world.cohort_id)
        soon = CohortSessionFactory(
            cohort=cohort, title="Pricing workshop", starts_at=utcnow() + timedelta(hours=20)
        )
        CohortSessionFactory(cohort=cohort, title="Later", starts_at=utcnow() + timedelta(days=3))
        # A withdrawn participant is not reminded; the other cohort's session is not due.
        db.session.get(Enrolment, world.enrolment_ids[2]).status = "withdrawn"
        db.session.get(Enrolment, world.enrolment_ids[0]).participant.locale = "ru"
        db.session.commit()
        soon_id = soon.id
        assert jobs.send_session_reminders() == 2
        assert queued_jobs(app).count("wcl.mail.deliver") == 2
        assert jobs.send_session_reminders() == 0  # a re-run sends nothing twice
        assert db.session.get(CohortSession, soon_id).reminder_sent_at is not None
    run_jobs()
    mail = outbox_messages(app)
    assert sorted(m["To"] for m in mail) == ["p1@example.org", "p2@example.org"]
    assert all("Pricing workshop" in m["Subject"] for m in mail)
    russian = next(m for m in mail if m["To"] == "p1@example.org")
    assert "Напоминание" in russian["Subject"]


def test_moving_a_session_reminds_again(app_ctx, world):
    from wcl.accounts.models import User
    from wcl.cohorts import services

    cohort = db.session.get(Cohort, world.cohort_id)
    session = CohortSessionFactory(cohort=cohort, starts_at=utcnow() + timedelta(hours=5))
    assert jobs.send_session_reminders() == 3
    new_start = utcnow() + timedelta(hours=10)
    services.save_session(
        db.session.get(User, world.staff_id),
        cohort,
        {"title": session.title, "starts_at": new_start, "ends_at": new_start + timedelta(hours=2)},
        session,
    )
    assert jobs.send_session_reminders() == 3


def test_mentors_are_reminded_of_overdue_check_ins_once(app, world, run_jobs):
    e1, e2, e3 = world.enrolment_ids
    with app.app_context():
        cohort = db.session.get(Cohort, world.cohort_id)
        cohort.starts_on = date.today() - timedelta(days=60)
        for eid in (e1, e2, e3):
            db.session.get(Enrolment, eid).enrolled_at = utcnow() - timedelta(days=50)
        db.session.commit()
        CheckInFactory(enrolment_id=e1, met_on=date.today() - timedelta(days=20))  # overdue (> 14 days)
        CheckInFactory(enrolment_id=e2, met_on=date.today() - timedelta(days=3))  # fine
        # e3 (mentor B): no check-in since enrolment 50 days ago → overdue
        assert jobs.send_checkin_reminders() == 2  # one email per mentor
        assert jobs.send_checkin_reminders() == 0  # a re-run within the interval sends nothing
        assert db.session.get(Enrolment, e1).checkin_reminded_at is not None
        assert db.session.get(Enrolment, e2).checkin_reminded_at is None
    run_jobs()
    mail = {m["To"]: m.get_body().get_content() for m in outbox_messages(app)}
    assert set(mail) == {"mentor.a@example.org", "mentor.b@example.org"}
    assert (
        "Participant 1" in mail["mentor.a@example.org"]
        and "Participant 2" not in mail["mentor.a@example.org"]
    )
    assert f"/cohorts/enrolments/{e1}" in mail["mentor.a@example.org"]
    assert "Participant 3" in mail["mentor.b@example.org"]


def test_check_in_interval_is_a_cohort_setting(app_ctx, world):
    cohort = db.session.get(Cohort, world.cohort_id)
    cohort.starts_on = date.today() - timedelta(days=60)
    cohort.checkin_interval_days = 30
    for eid in world.enrolment_ids:
        db.session.get(Enrolment, eid).enrolled_at = utcnow() - timedelta(days=50)
    db.session.commit()
    for eid in world.enrolment_ids:
        CheckInFactory(enrolment_id=eid, met_on=date.today() - timedelta(days=20))
    assert jobs.send_checkin_reminders() == 0
    cohort.checkin_interval_days = 14
    db.session.commit()
    assert jobs.send_checkin_reminders() == 2
