"""A small cohort world shared by the cohort tests.

``world`` builds, inside its own app context, a lab with a cohort, two
mentors, three participants (two with mentor A, one with mentor B), a staff
member of that lab and one of another lab, a past session and two
milestones; it returns plain ids and emails so client tests can log in.
"""

from datetime import timedelta
from types import SimpleNamespace

import pytest

from tests.factories.accounts import UserFactory
from tests.factories.cohorts import CohortSessionFactory, MilestoneFactory
from tests.factories.programme import CallFactory, CohortFactory, EnrolmentFactory, LabFactory
from wcl.time import utcnow


def build_world():
    lab, other_lab = LabFactory(), LabFactory()
    staff = UserFactory(email="staff@example.org", roles=["staff"], lab_id=lab.id)
    other_staff = UserFactory(email="staff2@example.org", roles=["staff"], lab_id=other_lab.id)
    admin = UserFactory(email="admin@example.org", roles=["admin"])
    mentor_a = UserFactory(email="mentor.a@example.org", full_name="Mentor A", roles=["mentor"])
    mentor_b = UserFactory(email="mentor.b@example.org", full_name="Mentor B", roles=["mentor"])
    cohort = CohortFactory(lab=lab, name="Osh cohort", capacity=5, location="Osh")
    call = CallFactory(lab=lab)
    people = [
        UserFactory(email=f"p{i}@example.org", full_name=f"Participant {i}", roles=["participant"])
        for i in (1, 2, 3)
    ]
    enrolments = [
        EnrolmentFactory(cohort=cohort, participant=people[0], mentor=mentor_a),
        EnrolmentFactory(cohort=cohort, participant=people[1], mentor=mentor_a),
        EnrolmentFactory(cohort=cohort, participant=people[2], mentor=mentor_b),
    ]
    session = CohortSessionFactory(cohort=cohort, starts_at=utcnow() - timedelta(days=2))
    milestones = [
        MilestoneFactory(cohort=cohort, required=True),
        MilestoneFactory(cohort=cohort, required=False),
    ]
    other_cohort = CohortFactory(lab=other_lab, name="Batken cohort")
    other_enrolment = EnrolmentFactory(cohort=other_cohort, mentor=mentor_a)
    other_session = CohortSessionFactory(cohort=other_cohort)
    return SimpleNamespace(
        lab_id=lab.id,
        other_lab_id=other_lab.id,
        call_id=call.id,
        staff_id=staff.id,
        other_staff_id=other_staff.id,
        admin_id=admin.id,
        mentor_a_id=mentor_a.id,
        mentor_b_id=mentor_b.id,
        cohort_id=cohort.id,
        people_ids=[p.id for p in people],
        enrolment_ids=[e.id for e in enrolments],
        session_id=session.id,
        milestone_ids=[m.id for m in milestones],
        other_cohort_id=other_cohort.id,
        other_enrolment_id=other_enrolment.id,
        other_session_id=other_session.id,
    )


@pytest.fixture
def world(app):
    with app.app_context():
        return build_world()
