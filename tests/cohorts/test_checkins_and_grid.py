"""Check-ins and the progress grid: mentors see their own, staff see all and filter;
the grid's query count does not grow with the cohort."""

from datetime import date, timedelta

import pytest

from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.cohorts import AttendanceFactory, CheckInFactory, CohortSessionFactory, MilestoneFactory
from tests.factories.programme import CohortFactory, EnrolmentFactory
from tests.helpers import login, post_form
from wcl.accounts.models import User
from wcl.cohorts import services
from wcl.cohorts.models import CheckIn, Cohort, Enrolment, MilestoneProgress
from wcl.extensions import db


def test_mentor_records_a_check_in(app, client, world):
    login(client, "mentor.a@example.org", PASSWORD)
    eid = world.enrolment_ids[0]
    response = post_form(
        client,
        f"/cohorts/enrolments/{eid}/checkins",
        {"met_on": date.today().isoformat(), "status": "needs_support", "notes": "Needs help with prices"},
        get_path=f"/cohorts/enrolments/{eid}",
    )
    assert response.status_code == 302
    with app.app_context():
        checkin = db.session.scalar(db.select(CheckIn))
        assert (checkin.enrolment_id, checkin.mentor_id, checkin.status) == (
            eid,
            world.mentor_a_id,
            "needs_support",
        )
    html = client.get(f"/cohorts/enrolments/{eid}").get_data(as_text=True)
    assert "Needs help with prices" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": "on_track"}, "Enter a date."),
        (
            {"met_on": (date.today() + timedelta(days=5)).isoformat(), "status": "on_track"},
            "cannot be in the future",
        ),
        ({"met_on": date.today().isoformat(), "status": "great"}, "Not a valid choice"),
    ],
)
def test_bad_check_ins_are_refused(app, client, world, data, message):
    login(client, "mentor.a@example.org", PASSWORD)
    eid = world.enrolment_ids[0]
    response = post_form(
        client, f"/cohorts/enrolments/{eid}/checkins", data, get_path=f"/cohorts/enrolments/{eid}"
    )
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(CheckIn.id))) == 0


def test_mentor_opening_another_mentors_participant_gets_403(app, client, world):
    login(client, "mentor.b@example.org", PASSWORD)
    eid = world.enrolment_ids[0]  # mentor A's participant
    assert client.get(f"/cohorts/enrolments/{eid}").status_code == 403
    response = client.post(f"/cohorts/enrolments/{eid}/checkins", data={"status": "at_risk"})
    assert response.status_code in (400, 403)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(CheckIn.id))) == 0


def test_participant_does_not_see_check_in_notes(app, client, world):
    with app.app_context():
        CheckInFactory(
            enrolment_id=world.enrolment_ids[0], mentor_id=world.mentor_a_id, notes="Private worry"
        )
    login(client, "p1@example.org", PASSWORD)
    html = client.get(f"/cohorts/enrolments/{world.enrolment_ids[0]}").get_data(as_text=True)
    assert "My progress" in html and "Private worry" not in html


def test_at_risk_stands_out_and_filters_for_staff(app, client, world):
    e1, e2, e3 = world.enrolment_ids
    with app.app_context():
        CheckInFactory(enrolment_id=e1, met_on=date.today() - timedelta(days=10), status="at_risk")
        CheckInFactory(
            enrolment_id=e1, met_on=date.today() - timedelta(days=1), status="on_track"
        )  # latest wins
        CheckInFactory(enrolment_id=e3, met_on=date.today() - timedelta(days=2), status="at_risk")
    login(client, "staff@example.org", PASSWORD)
    html = client.get(f"/cohorts/{world.cohort_id}").get_data(as_text=True)
    assert "1 participant is at risk." in html
    assert html.count('class="at-risk"') == 1
    filtered = client.get(f"/cohorts/{world.cohort_id}?at_risk=y").get_data(as_text=True)
    assert "Participant 3" in filtered and "Participant 1" not in filtered and "Participant 2" not in filtered
    by_mentor = client.get(f"/cohorts/{world.cohort_id}?mentor={world.mentor_b_id}").get_data(as_text=True)
    assert "Participant 3" in by_mentor and "Participant 1" not in by_mentor


def test_status_filter(app, client, world):
    with app.app_context():
        services.withdraw(
            db.session.get(User, world.staff_id), db.session.get(Enrolment, world.enrolment_ids[1]), "Moved"
        )
    login(client, "staff@example.org", PASSWORD)
    html = client.get(f"/cohorts/{world.cohort_id}?status=withdrawn").get_data(as_text=True)
    assert "Participant 2" in html and "Participant 1" not in html


def test_mentor_grid_shows_only_her_participants_even_with_filters(app, client, world):
    login(client, "mentor.b@example.org", PASSWORD)
    html = client.get(f"/cohorts/{world.cohort_id}?mentor={world.mentor_a_id}").get_data(as_text=True)
    assert "Participant 3" in html and "Participant 1" not in html and "Participant 2" not in html


def test_grid_figures(app_ctx, world):
    e1, e2, _e3 = world.enrolment_ids
    cohort = db.session.get(Cohort, world.cohort_id)
    s2 = CohortSessionFactory(cohort=cohort)
    AttendanceFactory(session_id=world.session_id, enrolment_id=e1, status="present")
    AttendanceFactory(session_id=s2.id, enrolment_id=e1, status="absent")
    AttendanceFactory(session_id=s2.id, enrolment_id=e2, status="excused")
    m1, m2 = world.milestone_ids
    db.session.add_all(
        [
            MilestoneProgress(milestone_id=m1, enrolment_id=e1, status="approved"),
            MilestoneProgress(milestone_id=m2, enrolment_id=e1, status="submitted"),
        ]
    )
    db.session.commit()
    CheckInFactory(enrolment_id=e2, met_on=date(2026, 1, 5), status="needs_support")
    grid = services.progress_grid(db.session.get(User, world.staff_id), cohort)
    rows = {row.enrolment.id: row for row in grid.page.items}
    assert grid.milestones_total == 2 and grid.milestones_required == 1 and grid.page.total == 3
    assert (rows[e1].attendance, rows[e1].approved, rows[e1].required_approved, rows[e1].submitted) == (
        50,
        1,
        1,
        1,
    )
    assert rows[e2].attendance is None and rows[e2].approved == 0
    assert (rows[e2].last_status, rows[e2].last_met_on) == ("needs_support", date(2026, 1, 5))
    assert rows[e1].mentor_name == "Mentor A"


def _big_cohort(participants, sessions, milestones):
    cohort = CohortFactory(capacity=max(participants, 1))
    staff = UserFactory(roles=["staff"])
    mentor = UserFactory(roles=["mentor"])
    enrolments = [EnrolmentFactory(cohort=cohort, mentor=mentor) for _ in range(participants)]
    session_rows = [CohortSessionFactory(cohort=cohort) for _ in range(sessions)]
    milestone_rows = [MilestoneFactory(cohort=cohort) for _ in range(milestones)]
    statuses = ["present", "absent", "excused"]
    for i, enrolment in enumerate(enrolments):
        for j, session in enumerate(session_rows):
            db.session.add(
                AttendanceFactory.build(
                    session_id=session.id, enrolment_id=enrolment.id, status=statuses[(i + j) % 3]
                )
            )
        for j, milestone in enumerate(milestone_rows):
            db.session.add(
                MilestoneProgress(
                    milestone_id=milestone.id,
                    enrolment_id=enrolment.id,
                    status=("approved", "submitted")[(i + j) % 2],
                )
            )
        for k in range(3):
            db.session.add(
                CheckIn(
                    enrolment_id=enrolment.id,
                    met_on=date(2026, 1, 1 + k),
                    status=("on_track", "at_risk")[k % 2],
                )
            )
    db.session.commit()
    return cohort.id, staff.id, mentor.id


def _grid_queries(app, client, count_queries, cohort_id, email):
    with count_queries() as queries:
        response = client.get(f"/cohorts/{cohort_id}")
    assert response.status_code == 200
    return len(queries), response.get_data(as_text=True)


@pytest.mark.parametrize("viewer", ["staff", "mentor"])
def test_progress_grid_query_count_is_fixed(app, client, count_queries, viewer):
    """2 participants × 1 session × 1 milestone vs 30 × 12 × 8: the same number of queries."""
    with app.app_context():
        small = _big_cohort(2, 1, 1)
        large = _big_cohort(30, 12, 8)
        for cohort_id, staff_id, mentor_id in (small, large):
            user = db.session.get(User, staff_id if viewer == "staff" else mentor_id)
            user.email = f"{viewer}{cohort_id}@example.org"
        db.session.commit()
    counts = []
    for cohort_id, _staff_id, _mentor_id in (small, large):
        c = app.test_client()
        login(c, f"{viewer}{cohort_id}@example.org", PASSWORD)
        c.get(f"/cohorts/{cohort_id}")  # warm-up: first request loads the user
        n, html = _grid_queries(app, c, count_queries, cohort_id, viewer)
        counts.append(n)
    assert counts[0] == counts[1], counts
    assert counts[1] <= 12, counts
    assert html.count("/cohorts/enrolments/") == 30
