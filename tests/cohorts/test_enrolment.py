"""Enrolling accepted applicants: one click, all at once, capacity, duplicates, mentors."""

import threading
from datetime import date, timedelta

import pytest

from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.cohorts import AcceptedApplicationFactory, accepted_application
from tests.factories.programme import ApplicationFactory, CallFactory, CohortFactory
from tests.helpers import login, post_form
from wcl.accounts.models import User
from wcl.applications.models import Call
from wcl.audit.models import AuditEntry
from wcl.cohorts import services
from wcl.cohorts.models import Cohort, Enrolment, EnrolmentStatus
from wcl.extensions import db


def _count(model=Enrolment):
    return db.session.scalar(db.select(db.func.count(model.id)))


def _snapshot():
    return (_count(), _count(AuditEntry), db.session.scalar(db.select(db.func.count()).select_from(User)))


def test_staff_enrols_an_accepted_applicant_with_one_click(app, client, world):
    with app.app_context():
        application = accepted_application(world.call_id, applicant=UserFactory(full_name="Aida"))
        app_id, applicant_id = application.id, application.applicant_id
    login(client, "staff@example.org", PASSWORD)
    page = client.get(f"/cohorts/{world.cohort_id}/enrol").get_data(as_text=True)
    assert "Aida" in page
    response = post_form(
        client,
        f"/cohorts/{world.cohort_id}/enrol",
        {"application_id": app_id, "mentor_id": world.mentor_b_id},
    )
    assert response.status_code == 302
    with app.app_context():
        enrolment = db.session.scalar(db.select(Enrolment).where(Enrolment.application_id == app_id))
        assert enrolment.cohort_id == world.cohort_id and enrolment.participant_id == applicant_id
        assert enrolment.mentor_id == world.mentor_b_id and enrolment.status == EnrolmentStatus.ACTIVE
        person = db.session.get(User, applicant_id)
        assert "participant" in person.role_names
        actions = set(db.session.scalars(db.select(AuditEntry.action)))
        assert {"enrolment.created", "role.granted"} <= actions
    page = client.get(f"/cohorts/{world.cohort_id}/enrol").get_data(as_text=True)
    assert "Aida is enrolled." in page and "<strong>Aida</strong>" not in page


def test_only_accepted_applications_of_the_lab_are_candidates(app_ctx, world):
    cohort = db.session.get(Cohort, world.cohort_id)
    accepted = accepted_application(world.call_id)
    ApplicationFactory(call=db.session.get(Call, world.call_id))  # submitted, not accepted
    AcceptedApplicationFactory(call=CallFactory(lab_id=world.other_lab_id))  # another lab
    assert [a.id for a in services.enrolment_candidates(cohort).items] == [accepted.id]


@pytest.mark.parametrize("case", ["not_accepted", "other_lab"])
def test_wrong_application_is_refused(app_ctx, world, case):
    cohort = db.session.get(Cohort, world.cohort_id)
    staff = db.session.get(User, world.staff_id)
    if case == "not_accepted":
        application = ApplicationFactory(call=db.session.get(Call, world.call_id))
    else:
        application = AcceptedApplicationFactory(call=CallFactory(lab_id=world.other_lab_id))
    before = _snapshot()
    with pytest.raises(services.CohortError):
        services.enrol(staff, cohort, application.id)
    assert _snapshot() == before


def test_same_person_twice_is_refused(app, client, world):
    with app.app_context():
        application = accepted_application(world.call_id, applicant=UserFactory(full_name="Aida"))
        app_id = application.id
        staff = db.session.get(User, world.staff_id)
        services.enrol(staff, db.session.get(Cohort, world.cohort_id), app_id)
        before = _snapshot()
    login(client, "staff@example.org", PASSWORD)
    response = post_form(
        client, f"/cohorts/{world.cohort_id}/enrol", {"application_id": app_id}, follow_redirects=True
    )
    assert "Aida is already enrolled." in response.get_data(as_text=True)
    with app.app_context():
        assert _snapshot() == before


def test_second_application_of_an_enrolled_person_is_refused(app_ctx, world):
    """Unique (cohort, participant): a second accepted application by her does not enrol her twice."""
    person = db.session.get(User, world.people_ids[0])
    application = accepted_application(world.call_id, applicant=person)
    before = _snapshot()
    with pytest.raises(services.CohortError, match="already enrolled"):
        services.enrol(
            db.session.get(User, world.staff_id), db.session.get(Cohort, world.cohort_id), application.id
        )
    assert _snapshot() == before


def test_unique_constraint_backs_the_check(app_ctx, world):
    """Even past the friendly check, the database refuses a duplicate enrolment."""
    from sqlalchemy.exc import IntegrityError

    db.session.add(Enrolment(cohort_id=world.cohort_id, participant_id=world.people_ids[0]))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_capacity_is_enforced(app, client, world):
    with app.app_context():
        cohort = db.session.get(Cohort, world.cohort_id)
        cohort.capacity = 3  # three already enrolled
        db.session.commit()
        app_id = accepted_application(world.call_id).id
        before = _snapshot()
    login(client, "staff@example.org", PASSWORD)
    response = post_form(
        client, f"/cohorts/{world.cohort_id}/enrol", {"application_id": app_id}, follow_redirects=True
    )
    assert "The cohort is full (3 places)." in response.get_data(as_text=True)
    with app.app_context():
        assert _snapshot() == before


def test_withdrawn_participants_free_their_place(app_ctx, world):
    cohort = db.session.get(Cohort, world.cohort_id)
    cohort.capacity = 3
    db.session.commit()
    staff = db.session.get(User, world.staff_id)
    services.withdraw(staff, db.session.get(Enrolment, world.enrolment_ids[2]), "Moved to Bishkek")
    enrolment = services.enrol(staff, cohort, accepted_application(world.call_id).id)
    assert enrolment.id is not None and services.seats_taken(cohort) == 3


def test_concurrent_enrolments_never_overbook(app, world):
    """Two staff enrol different applicants into the last place at once: the row lock lets one in."""
    with app.app_context():
        cohort = db.session.get(Cohort, world.cohort_id)
        cohort.capacity = 4
        db.session.commit()
        app_ids = [accepted_application(world.call_id).id for _ in range(2)]
    results, barrier = [], threading.Barrier(2)

    def attempt(application_id):
        with app.app_context():
            staff = db.session.get(User, world.staff_id)
            cohort = db.session.get(Cohort, world.cohort_id)
            barrier.wait()
            try:
                services.enrol(staff, cohort, application_id)
                results.append("ok")
            except services.CohortError:
                results.append("full")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in app_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["full", "ok"]
    with app.app_context():
        assert services.seats_taken(db.session.get(Cohort, world.cohort_id)) == 4


def test_enrol_all(app, client, world):
    with app.app_context():
        ids = [accepted_application(world.call_id).id for _ in range(2)]
    login(client, "staff@example.org", PASSWORD)
    response = post_form(
        client,
        f"/cohorts/{world.cohort_id}/enrol-all",
        {"mentor_id": world.mentor_a_id},
        get_path=f"/cohorts/{world.cohort_id}/enrol",
    )
    assert response.status_code == 302
    with app.app_context():
        rows = db.session.scalars(db.select(Enrolment).where(Enrolment.application_id.in_(ids))).all()
        assert len(rows) == 2 and {r.mentor_id for r in rows} == {world.mentor_a_id}


def test_enrol_all_beyond_capacity_enrols_nobody(app_ctx, world):
    for _ in range(3):  # 3 enrolled + 3 candidates > 5 places
        accepted_application(world.call_id)
    before = _snapshot()
    with pytest.raises(services.CohortError, match="Only 2 places are left for 3 applicants"):
        services.enrol_all(db.session.get(User, world.staff_id), db.session.get(Cohort, world.cohort_id))
    assert _snapshot() == before


def test_staff_changes_the_mentor(app, client, world):
    login(client, "staff@example.org", PASSWORD)
    eid = world.enrolment_ids[0]
    response = post_form(
        client,
        f"/cohorts/enrolments/{eid}/mentor",
        {"mentor_id": world.mentor_b_id},
        get_path=f"/cohorts/enrolments/{eid}",
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Enrolment, eid).mentor_id == world.mentor_b_id


def test_mentor_must_hold_the_mentor_role(app_ctx, world):
    enrolment = db.session.get(Enrolment, world.enrolment_ids[0])
    not_a_mentor = UserFactory(roles=["applicant"])
    with pytest.raises(services.CohortError):
        services.assign_mentor(db.session.get(User, world.staff_id), enrolment, not_a_mentor.id)
    db.session.expire_all()
    assert db.session.get(Enrolment, world.enrolment_ids[0]).mentor_id == world.mentor_a_id


def test_staff_of_another_lab_cannot_enrol(app, client, world):
    with app.app_context():
        app_id = accepted_application(world.call_id).id
    login(client, "staff2@example.org", PASSWORD)
    assert client.get(f"/cohorts/{world.cohort_id}/enrol").status_code == 403
    assert client.post(f"/cohorts/{world.cohort_id}/enrol", data={"application_id": app_id}).status_code in (
        400,
        403,
    )
    with app.app_context():
        assert _count() == 4


def test_cohort_form_creates_and_validates(app, client, world):
    login(client, "staff@example.org", PASSWORD)
    data = {
        "name": "Jalal-Abad autumn",
        "lab_id": world.lab_id,
        "starts_on": "2026-09-01",
        "ends_on": "2026-08-01",
        "capacity": "12",
        "location": "",
        "region": "KG-J",
        "min_attendance_pct": "80",
        "require_milestones": "y",
        "checkin_interval_days": "10",
    }
    response = post_form(client, "/cohorts/new", data)
    assert response.status_code == 422
    assert "The end date must be on or after the start date." in response.get_data(as_text=True)
    data.update(ends_on="2026-12-01")
    response = post_form(client, "/cohorts/new", data)
    assert "Give the place where the cohort meets" in response.get_data(as_text=True)
    data.update(is_online="y")
    response = post_form(client, "/cohorts/new", data)
    assert response.status_code == 302
    with app.app_context():
        cohort = db.session.scalar(db.select(Cohort).where(Cohort.name == "Jalal-Abad autumn"))
        assert cohort.is_online and cohort.capacity == 12 and cohort.min_attendance_pct == 80
        assert cohort.checkin_interval_days == 10 and cohort.region == "KG-J"


def test_scoped_staff_cannot_create_in_another_lab(app, client, world):
    login(client, "staff@example.org", PASSWORD)
    html = client.get("/cohorts/new").get_data(as_text=True)
    assert f'value="{world.other_lab_id}"' not in html
    with app.app_context():
        from wcl.accounts.permissions import PermissionDenied

        with pytest.raises(PermissionDenied):
            services.create_cohort(
                db.session.get(User, world.staff_id),
                {
                    "lab_id": world.other_lab_id,
                    "name": "x",
                    "starts_on": None,
                    "ends_on": None,
                    "capacity": 3,
                },
            )


def test_capacity_cannot_drop_below_enrolled(app_ctx, world):
    cohort = db.session.get(Cohort, world.cohort_id)
    data = {k: getattr(cohort, k) for k in services.COHORT_FIELDS}
    data["capacity"] = 2
    with pytest.raises(services.CohortError, match="already enrolled"):
        services.update_cohort(db.session.get(User, world.staff_id), cohort, data)
    db.session.expire_all()
    assert db.session.get(Cohort, world.cohort_id).capacity == 5


def test_participant_role_is_granted_once(app_ctx, world):
    """Someone who already holds the participant role (e.g. an earlier cohort) keeps one role row."""
    from wcl.accounts.models import UserRole

    person = UserFactory(roles=["applicant", "participant"])
    application = accepted_application(world.call_id, applicant=person)
    services.enrol(
        db.session.get(User, world.staff_id), db.session.get(Cohort, world.cohort_id), application.id
    )
    roles = db.session.scalars(db.select(UserRole.role).where(UserRole.user_id == person.id)).all()
    assert sorted(roles) == ["applicant", "participant"]
    assert (
        db.session.scalar(db.select(db.func.count(AuditEntry.id)).where(AuditEntry.action == "role.granted"))
        == 0
    )


def test_one_click_enrolment_from_the_calls_decision_list(app, client, world):
    """The ranking page (where staff decide) offers each accepted applicant an
    'Enrol in <cohort>' button for the lab's running cohorts; it enrols her and
    comes back to the ranking page, which then says she is enrolled."""
    with app.app_context():
        application = accepted_application(world.call_id, applicant=UserFactory(full_name="Aida"))
        app_id = application.id
        ended = CohortFactory(
            lab_id=world.lab_id,
            name="Spring cohort",
            starts_on=date.today() - timedelta(days=90),
            ends_on=date.today() - timedelta(days=1),
        )
        ended_id = ended.id
    ranking = f"/staff/calls/{world.call_id}/ranking"
    login(client, "staff@example.org", PASSWORD)
    page = client.get(ranking).get_data(as_text=True)
    assert f'form="enrol-{app_id}-{world.cohort_id}"' in page
    assert f'action="/cohorts/{world.cohort_id}/enrol"' in page
    assert "Enrol in Osh cohort" in page
    assert f"enrol-{app_id}-{ended_id}" not in page and "Spring cohort" not in page  # ended
    assert "Batken cohort" not in page  # another lab's cohort

    response = post_form(
        client, f"/cohorts/{world.cohort_id}/enrol", {"application_id": app_id, "next": ranking}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(ranking)
    with app.app_context():
        enrolment = db.session.scalar(db.select(Enrolment).where(Enrolment.application_id == app_id))
        assert enrolment.cohort_id == world.cohort_id
    page = client.get(ranking).get_data(as_text=True)
    assert "Aida is enrolled." in page
    assert f"enrol-{app_id}-" not in page and ">Enrolled<" in page

    # Enrolling her again from a stale page is refused, explained on the ranking page.
    response = post_form(
        client, f"/cohorts/{world.cohort_id}/enrol", {"application_id": app_id, "next": ranking}
    )
    assert response.headers["Location"].endswith(ranking)
    assert "Aida is already enrolled." in client.get(ranking).get_data(as_text=True)
    with app.app_context():
        assert _count() == 5  # the world's four (three + another lab's) and hers, once


def test_enrolment_next_must_stay_on_the_site(app, client, world):
    with app.app_context():
        app_id = accepted_application(world.call_id).id
    login(client, "staff@example.org", PASSWORD)
    response = post_form(
        client,
        f"/cohorts/{world.cohort_id}/enrol",
        {"application_id": app_id, "next": "https://evil.example/"},
    )
    assert response.headers["Location"].endswith(f"/cohorts/{world.cohort_id}/enrol")


def test_decision_list_offers_no_enrolment_to_staff_of_another_lab(app, client, world):
    """Other-lab staff cannot decide on this call at all; an admin sees the button."""
    with app.app_context():
        app_id = accepted_application(world.call_id).id
    login(client, "staff2@example.org", PASSWORD)
    assert client.get(f"/staff/calls/{world.call_id}/ranking").status_code in (403, 404)
    client = app.test_client()
    login(client, "admin@example.org", PASSWORD)
    page = client.get(f"/staff/calls/{world.call_id}/ranking").get_data(as_text=True)
    assert f'form="enrol-{app_id}-{world.cohort_id}"' in page
