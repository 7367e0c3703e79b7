"""Decision letters are one text for every lab's applicants, so only unscoped
staff (and admins) edit them; staff scoped to a lab read them but cannot save,
and her words never reach another lab's applicants."""

import pytest

from tests.factories.accounts import UserFactory
from tests.factories.programme import LabFactory
from tests.helpers import post_form, signed_in
from wcl.accounts.models import User
from wcl.accounts.permissions import PermissionDenied
from wcl.applications import services
from wcl.applications.models import DecisionTemplate
from wcl.extensions import db

EDIT = "/staff/decision-templates/rejected/en"
TEXT = {"subject": "About your application", "body": "Thank you, {name}."}


@pytest.fixture
def staff(app):
    with app.app_context():
        UserFactory(email="staff-a@example.org", roles=["staff"], lab=LabFactory())
        UserFactory(email="staff-all@example.org", roles=["staff"])


def _saved(app):
    with app.app_context():
        return db.session.scalars(db.select(DecisionTemplate.subject)).all()


def test_lab_staff_read_but_cannot_edit_the_letters(app, staff):
    client = signed_in(app, "staff-a")
    page = client.get("/staff/decision-templates")
    assert page.status_code == 200 and EDIT not in page.get_data(as_text=True)
    assert client.get(EDIT).status_code == 403
    assert post_form(client, EDIT, TEXT, get_path="/staff/decision-templates").status_code == 403
    assert _saved(app) == []
    with app.app_context():
        actor = db.session.scalar(db.select(User).filter_by(email="staff-a@example.org"))
        with pytest.raises(PermissionDenied):
            services.save_decision_template(actor, "rejected", "en", TEXT["subject"], TEXT["body"])
        db.session.rollback()
    assert _saved(app) == []


def test_unscoped_staff_edit_the_letters(app, staff):
    client = signed_in(app, "staff-all")
    assert EDIT in client.get("/staff/decision-templates").get_data(as_text=True)
    assert post_form(client, EDIT, TEXT).status_code == 302
    assert _saved(app) == ["About your application"]
