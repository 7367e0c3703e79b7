"""Fixtures for the applications tests: people in every role and a ready call."""

import io

import pytest
import sqlalchemy as sa
from PIL import Image

from tests.factories.accounts import UserFactory
from tests.factories.applications import call_with_form
from tests.factories.programme import LabFactory
from wcl.extensions import db


def db_state():
    """Every row of every table, for "nothing changed" checks after a refusal.

    ``users.last_login_at`` and the ``user_sessions`` rows are left out: signing in
    to try something is not a change.
    """
    db.session.expire_all()
    state = {}
    for table in db.metadata.sorted_tables:
        if table.name == "user_sessions":
            continue
        columns = [c for c in table.columns if (table.name, c.name) != ("users", "last_login_at")]
        rows = db.session.execute(sa.select(*columns)).all()
        state[table.name] = sorted(tuple(map(repr, row)) for row in rows)
    db.session.rollback()
    return state


def jpeg_bytes(size=(40, 30)):
    out = io.BytesIO()
    Image.new("RGB", size, (120, 40, 90)).save(out, "JPEG")
    return out.getvalue()


PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def world(app):
    """A lab with an open call, and one user per role (ids and emails)."""
    with app.app_context():
        lab = LabFactory(slug="osh-test", name_en="Osh", name_ru="Ош", name_ky="Ош")
        call = call_with_form(
            lab=lab,
            slug="osh-2026",
            title_en="Osh Lab 2026",
            title_ru="Ош 2026",
            title_ky="Ош 2026 кабыл алуу",
        )
        people = {
            "applicant": UserFactory(
                email="applicant@example.org", full_name="Aigerim Applicant", roles=["applicant"]
            ),
            "other": UserFactory(email="other@example.org", full_name="Other Applicant", roles=["applicant"]),
            "reviewer": UserFactory(
                email="reviewer@example.org", full_name="Reviewer One", roles=["reviewer"]
            ),
            "reviewer2": UserFactory(
                email="reviewer2@example.org", full_name="Reviewer Two", roles=["reviewer"]
            ),
            "reviewer3": UserFactory(
                email="reviewer3@example.org", full_name="Reviewer Three", roles=["reviewer"]
            ),
            "staff": UserFactory(email="staff@example.org", full_name="Staff Member", roles=["staff"]),
            "admin": UserFactory(
                email="admin@example.org", full_name="Admin Person", roles=["admin", "staff"]
            ),
            "mentor": UserFactory(email="mentor@example.org", full_name="Mentor Person", roles=["mentor"]),
            "participant": UserFactory(
                email="participant@example.org", full_name="Participant Person", roles=["participant"]
            ),
        }
        data = {
            "lab_id": lab.id,
            "call_id": call.id,
            "slug": call.slug,
            "questions": [q.id for q in call.questions],
            "criteria": [c.id for c in call.criteria],
            "ids": {k: u.id for k, u in people.items()},
            "emails": {k: u.email for k, u in people.items()},
        }
    return data


def draft(user_id, call_id, *, complete=True):
    """A draft by ``user_id`` on ``call_id`` made through the services (app context).

    ``complete`` fills every step (required answers and the required file).
    """
    from werkzeug.datastructures import FileStorage

    from wcl.accounts.models import User
    from wcl.applications import services
    from wcl.applications.models import Call

    user = db.session.get(User, user_id)
    call = db.session.get(Call, call_id)
    application = services.start_application(user, call)
    if complete:
        services.save_about(user, application, user.full_name, "+996 555 123 456", "Osh", None)
        q = call.questions
        services.save_answers(user, application, {q[0].id: "Embroidery", q[1].id: "A plan", q[3].id: "3"})
        services.add_attachment(
            user, application, FileStorage(io.BytesIO(jpeg_bytes()), filename="work.jpg"), q[4].id
        )
        services.finish_files_step(user, application)
    return application
