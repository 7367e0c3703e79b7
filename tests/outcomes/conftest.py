"""A small world for the outcomes tests: one lab, one cohort, three participants.

Two graduated on ``GRADUATED`` (one speaks Kyrgyz and has a phone), one is still active.
"""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from tests.factories.accounts import UserFactory
from tests.factories.programme import CohortFactory, EnrolmentFactory, LabFactory

GRADUATED = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
ENROLLED = datetime(2025, 12, 1, 9, 0, tzinfo=UTC)


def build_world():
    lab = LabFactory()
    staff = UserFactory(email="staff@example.org", roles=["staff"], lab_id=lab.id)
    cohort = CohortFactory(lab=lab, name="Osh cohort")
    aigul = UserFactory(
        email="aigul@example.org",
        full_name="Aigul",
        locale="ky",
        phone="+996555000111",
        roles=["participant"],
    )
    dina = UserFactory(email="dina@example.org", full_name="Dina", locale="ru", roles=["participant"])
    saltanat = UserFactory(email="saltanat@example.org", full_name="Saltanat", roles=["participant"])
    graduates = [
        EnrolmentFactory(
            cohort=cohort, participant=p, status="graduated", graduated_at=GRADUATED, enrolled_at=ENROLLED
        )
        for p in (aigul, dina)
    ]
    active = EnrolmentFactory(cohort=cohort, participant=saltanat, enrolled_at=ENROLLED)
    return SimpleNamespace(
        lab_id=lab.id,
        staff_id=staff.id,
        cohort_id=cohort.id,
        aigul_id=aigul.id,
        dina_id=dina.id,
        saltanat_id=saltanat.id,
        graduate_enrolment_ids=[e.id for e in graduates],
        active_enrolment_id=active.id,
    )


@pytest.fixture
def world(app):
    with app.app_context():
        return build_world()
