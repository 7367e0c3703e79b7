"""Factories for cohort sessions, attendance, milestones, progress and check-ins.

Labs, calls, applications, cohorts and enrolments are in ``programme.py``.
"""

from datetime import date, timedelta

import factory

from tests.factories.accounts import BaseFactory, UserFactory
from tests.factories.programme import ApplicationFactory, CohortFactory, EnrolmentFactory
from wcl.applications.models import ApplicationStatus
from wcl.cohorts.models import (
    Attendance,
    CheckIn,
    CohortSession,
    Milestone,
    MilestoneProgress,
    MilestoneStatus,
)
from wcl.time import utcnow


class CohortSessionFactory(BaseFactory):
    class Meta:
        model = CohortSession

    cohort = factory.SubFactory(CohortFactory)
    title = factory.Sequence(lambda n: f"Session {n}")
    starts_at = factory.LazyFunction(lambda: utcnow() - timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=3))
    place = "Osh lab"


class AttendanceFactory(BaseFactory):
    class Meta:
        model = Attendance

    session_id = None
    enrolment_id = None
    status = "present"


class MilestoneFactory(BaseFactory):
    class Meta:
        model = Milestone

    cohort = factory.SubFactory(CohortFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    due_on = factory.LazyFunction(lambda: date.today() + timedelta(days=14))
    required = True
    position = factory.Sequence(lambda n: n)


class MilestoneProgressFactory(BaseFactory):
    class Meta:
        model = MilestoneProgress

    milestone = factory.SubFactory(MilestoneFactory)
    enrolment = factory.SubFactory(EnrolmentFactory)
    status = MilestoneStatus.SUBMITTED
    evidence_text = "My work"
    submitted_at = factory.LazyFunction(utcnow)


class CheckInFactory(BaseFactory):
    class Meta:
        model = CheckIn

    enrolment_id = None
    mentor_id = None
    met_on = factory.LazyFunction(date.today)
    status = "on_track"
    notes = "Met at the lab."


class AcceptedApplicationFactory(ApplicationFactory):
    status = ApplicationStatus.ACCEPTED
    decided_at = factory.LazyFunction(utcnow)


def mentor(**kwargs):
    """A user holding the mentor role."""
    return UserFactory(roles=["mentor"], **kwargs)


def accepted_application(call_id, **kwargs):
    """An accepted application to the call with id ``call_id``."""
    from wcl.applications.models import Call
    from wcl.extensions import db

    return AcceptedApplicationFactory(call=db.session.get(Call, call_id), **kwargs)
