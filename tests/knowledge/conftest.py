"""A small world for the knowledge bank tests."""

from types import SimpleNamespace

import pytest

from tests.factories.accounts import UserFactory
from tests.factories.programme import LabFactory


@pytest.fixture
def world(app):
    with app.app_context():
        lab = LabFactory()
        UserFactory(email="staff@example.org", roles=["staff"], lab_id=lab.id)
        UserFactory(email="mentor@example.org", roles=["mentor"])
        UserFactory(email="backer@example.org")  # an account with no role, not in the community
        UserFactory(email="p@example.org", roles=["participant"])
        return SimpleNamespace(lab_id=lab.id)
