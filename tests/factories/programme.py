"""Factories for labs, calls, applications, cohorts and enrolments."""

from datetime import date, timedelta

import factory

from tests.factories.accounts import BaseFactory, UserFactory
from wcl.applications.models import Application, ApplicationStatus, Call
from wcl.cohorts.models import Cohort, Enrolment
from wcl.labs.models import Lab
from wcl.time import utcnow


class LabFactory(BaseFactory):
    class Meta:
        model = Lab

    slug = factory.Sequence(lambda n: f"lab-{n}")
    name_en = factory.Sequence(lambda n: f"Lab {n}")
    name_ru = factory.Sequence(lambda n: f"Лаборатория {n}")
    name_ky = factory.Sequence(lambda n: f"Лаборатория {n}")
    region = "KG-GO"


def two_labs_with_staff():
    """Labs A and B with staff scoped to A (``staff-a``) and unscoped staff (``staff-all``), all @example.org.

    The world of the lab-scope tests: what staff-a may touch in lab A, she is refused in lab B.
    """
    lab_a, lab_b = LabFactory(slug="lab-a"), LabFactory(slug="lab-b")
    UserFactory(email="staff-a@example.org", roles=["staff"], lab=lab_a)
    UserFactory(email="staff-all@example.org", roles=["staff"])
    return lab_a, lab_b


class CallFactory(BaseFactory):
    class Meta:
        model = Call

    lab = factory.SubFactory(LabFactory)
    slug = factory.Sequence(lambda n: f"call-{n}")
    title_en = factory.Sequence(lambda n: f"Call {n}")
    title_ru = factory.Sequence(lambda n: f"Набор {n}")
    title_ky = factory.Sequence(lambda n: f"Кабыл алуу {n}")
    opens_at = factory.LazyFunction(lambda: utcnow() - timedelta(days=7))
    closes_at = factory.LazyFunction(lambda: utcnow() + timedelta(days=21))


class ApplicationFactory(BaseFactory):
    class Meta:
        model = Application

    call = factory.SubFactory(CallFactory)
    applicant = factory.SubFactory(UserFactory, roles=["applicant"])
    status = ApplicationStatus.SUBMITTED
    submitted_at = factory.LazyFunction(utcnow)


class CohortFactory(BaseFactory):
    class Meta:
        model = Cohort

    lab = factory.SubFactory(LabFactory)
    name = factory.Sequence(lambda n: f"Cohort {n}")
    starts_on = factory.LazyFunction(lambda: date.today() - timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: date.today() + timedelta(days=60))
    capacity = 30


class EnrolmentFactory(BaseFactory):
    class Meta:
        model = Enrolment

    cohort = factory.SubFactory(CohortFactory)
    participant = factory.SubFactory(UserFactory, roles=["participant"])
    mentor = factory.SubFactory(UserFactory, roles=["mentor"])
