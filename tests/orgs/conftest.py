"""A small world for the organisation tests: two labs, staff of each, an unscoped admin, a person."""

from types import SimpleNamespace

import pytest

from tests.factories.accounts import UserFactory
from tests.factories.programme import LabFactory


@pytest.fixture
def world(app):
    with app.app_context():
        lab, other_lab = LabFactory(), LabFactory()
        UserFactory(email="staff@example.org", roles=["staff"], lab_id=lab.id)
        UserFactory(email="staff2@example.org", roles=["staff"], lab_id=other_lab.id)
        UserFactory(email="hq@example.org", roles=["staff"])
        person = UserFactory(email="aigul@example.org", full_name="Aigul Toktobaeva", roles=["participant"])
        return SimpleNamespace(lab_id=lab.id, other_lab_id=other_lab.id, person_id=person.id)
