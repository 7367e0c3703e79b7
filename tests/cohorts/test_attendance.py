"""Attendance: one screen per session, one POST; mentors mark only their own participants."""

import pytest

from tests.factories.accounts import PASSWORD
from tests.factories.cohorts import AttendanceFactory, CohortSessionFactory
from tests.helpers import login, post_form
from wcl.accounts.models import User
from wcl.cohorts import services
from wcl.cohorts.models import Attendance, Cohort, CohortSession, Enrolment
from wcl.extensions import db


def _marks(session_id):
    rows = db.session.scalars(db.select(Attendance).where(Attendance.session_id == session_id))
    return {r.enrolment_id: r.status for r in rows}


def test_staff_marks_everyone_in_one_post(app, client, world):
    login(client, "staff@example.org", PASSWORD)
    path = f"/cohorts/sessions/{world.session_id}/attendance"
    html = client.get(path).get_data(as_text=True)
    for i in (1, 2, 3):
        assert f"Participant {i}" in html
    e1, e2, e3 = world.enrolment_ids
    response = post_form(client, path, {f"a-{e1}": "present", f"a-{e2}": "absent", f"a-{e3}": "excused"})
    assert response.status_code == 302
    with app.app_context():
        assert _marks(world.session_id) == {e1: "present", e2: "absent", e3: "excused"}
    # The session's rate leaves the excused out: 1 present of 2 counted.
    assert "Attendance: 50%" in client.get(path).get_data(as_text=True)
    assert "Attendance: 50%" in client.get(f"/cohorts/{world.cohort_id}/schedule").get_data(as_text=True)
    # Changing one mark updates the row instead of adding another.
    post_form(client, path, {f"a-{e2}": "present"})
    with app.app_context():
        assert _marks(world.session_id) == {e1: "present", e2: "present", e3: "excused"}
        assert db.session.scalar(db.select(db.func.count(Attendance.id))) == 3
    html = client.get(path).get_data(as_text=True)
    assert 'value="present" checked' in html and "Attendance: 100%" in html


def test_mentor_sees_and_marks_only_her_participants(app, client, world):
    login(client, "mentor.a@example.org", PASSWORD)
    path = f"/cohorts/sessions/{world.session_id}/attendance"
    html = client.get(path).get_data(as_text=True)
    assert "Participant 1" in html and "Participant 2" in html and "Participant 3" not in html
    e1, e2, e3 = world.enrolment_ids
    response = post_form(client, path, {f"a-{e1}": "present", f"a-{e3}": "absent"})
    assert response.status_code == 422
    with app.app_context():
        assert _marks(world.session_id) == {}


def test_attendance_for_a_session_of_another_cohort_is_refused(app, client, world):
    """Mentor A also mentors someone in another cohort: posting that enrolment to this session fails."""
    login(client, "mentor.a@example.org", PASSWORD)
    path = f"/cohorts/sessions/{world.session_id}/attendance"
    e1 = world.enrolment_ids[0]
    response = post_form(client, path, {f"a-{e1}": "present", f"a-{world.other_enrolment_id}": "present"})
    assert response.status_code == 422
    assert "not in this session&#39;s group. Nothing was saved." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Attendance.id))) == 0


@pytest.mark.parametrize("bad", [{"a-{e}": "late"}, {"a-x": "present"}, {}])
def test_bad_marks_change_nothing(app, client, world, bad):
    login(client, "staff@example.org", PASSWORD)
    e1 = world.enrolment_ids[0]
    data = {k.format(e=e1): v for k, v in bad.items()}
    response = post_form(client, f"/cohorts/sessions/{world.session_id}/attendance", data)
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Attendance.id))) == 0


def test_mentor_without_participants_in_the_cohort_is_refused(app, client, world):
    login(client, "mentor.b@example.org", PASSWORD)
    assert client.get(f"/cohorts/sessions/{world.other_session_id}/attendance").status_code == 403


def test_participant_cannot_mark(app, client, world):
    login(client, "p1@example.org", PASSWORD)
    path = f"/cohorts/sessions/{world.session_id}/attendance"
    assert client.get(path).status_code == 403
    assert client.post(path, data={f"a-{world.enrolment_ids[0]}": "present"}).status_code in (400, 403)


def test_withdrawn_participants_are_not_on_the_roster(app_ctx, world):
    staff = db.session.get(User, world.staff_id)
    services.withdraw(staff, db.session.get(Enrolment, world.enrolment_ids[2]), "Family reasons")
    session = db.session.get(CohortSession, world.session_id)
    assert [row[0].id for row in services.roster(staff, session)] == world.enrolment_ids[:2]
    with pytest.raises(services.CohortError):
        services.record_attendance(staff, session, {world.enrolment_ids[2]: "present"})


def test_rates_leave_excused_out_of_the_denominator(app_ctx, world):
    cohort = db.session.get(Cohort, world.cohort_id)
    e1, e2, e3 = world.enrolment_ids
    sessions = [world.session_id] + [CohortSessionFactory(cohort=cohort).id for _ in range(3)]
    # e1: present, present, absent, excused → 2 / 3 = 67 %
    for sid, status in zip(sessions, ["present", "present", "absent", "excused"], strict=True):
        AttendanceFactory(session_id=sid, enrolment_id=e1, status=status)
    # e2: only excused → no rate; e3: not marked → no rate
    AttendanceFactory(session_id=sessions[0], enrolment_id=e2, status="excused")
    progress = services.progress_of(db.session.get(Enrolment, e1))
    assert (progress["present"], progress["absent"], progress["excused"], progress["rate"]) == (2, 1, 1, 67)
    assert services.progress_of(db.session.get(Enrolment, e2))["rate"] is None
    assert services.progress_of(db.session.get(Enrolment, e3))["rate"] is None
    rates = services.session_rates(cohort)
    assert rates[sessions[0]] == (1, 0, 1, 100)  # e1 present, e2 excused
    assert rates[sessions[2]] == (0, 1, 0, 0)
    assert sessions[1] in rates and rates[sessions[3]][3] is None


def test_attendance_rate_rounding():
    assert services.attendance_rate(0, 0) is None
    assert services.attendance_rate(1, 2) == 33
    assert services.attendance_rate(2, 1) == 67
    assert services.attendance_rate(3, 0) == 100


def test_attendance_for_a_future_session_is_refused(app, client, world):
    from datetime import timedelta

    from wcl.time import utcnow

    with app.app_context():
        cohort = db.session.get(Cohort, world.cohort_id)
        future_id = CohortSessionFactory(cohort=cohort, starts_at=utcnow() + timedelta(days=3)).id
    login(client, "staff@example.org", PASSWORD)
    path = f"/cohorts/sessions/{future_id}/attendance"
    html = client.get(path).get_data(as_text=True)
    assert "has not started yet" in html and 'type="radio"' not in html
    e1 = world.enrolment_ids[0]
    response = post_form(
        client, path, {f"a-{e1}": "present"}, get_path=f"/cohorts/sessions/{world.session_id}/attendance"
    )
    assert response.status_code == 422
    with app.app_context():
        assert _marks(future_id) == {}
        staff = db.session.get(User, world.staff_id)
        with pytest.raises(services.CohortError, match="has not started yet"):
            services.record_attendance(staff, db.session.get(CohortSession, future_id), {e1: "present"})


def test_marks_on_future_sessions_stay_out_of_the_rates(app_ctx, world):
    """A mark left on a session that is (again) in the future, e.g. moved to a later date,
    counts for nobody until the session has started."""
    from datetime import timedelta

    from wcl.time import utcnow

    cohort = db.session.get(Cohort, world.cohort_id)
    e1 = world.enrolment_ids[0]
    future = CohortSessionFactory(cohort=cohort, starts_at=utcnow() + timedelta(days=3))
    AttendanceFactory(session_id=future.id, enrolment_id=e1, status="present")
    progress = services.progress_of(db.session.get(Enrolment, e1))
    assert (progress["present"], progress["rate"]) == (0, None)  # not 100 % for attending nothing
    assert future.id not in services.session_rates(cohort)
    [row] = [
        r
        for r in services.progress_grid(db.session.get(User, world.staff_id), cohort).page.items
        if r.enrolment.id == e1
    ]
    assert row.present == 0 and row.attendance is None
