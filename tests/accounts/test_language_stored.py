"""Everyone has a language for her letters: chosen before registering, set by staff for
paper applicants, given to accounts staff create."""

import io

from tests.applications.conftest import PDF_BYTES, world  # noqa: F401  (the fixture)
from tests.factories.accounts import PASSWORD
from tests.helpers import login, outbox_messages, post_form
from wcl.accounts.cli import create_user
from wcl.accounts.models import User
from wcl.applications.models import Application
from wcl.extensions import db


def test_language_chosen_before_registering_is_stored(app, client):
    client.get("/language/ru")  # chosen in the header, before having an account
    response = post_form(
        client,
        "/account/register",
        {
            "full_name": "Айгуль",
            "email": "aigul@example.org",
            "password": "felt shyrdak pattern",
            "confirm": "felt shyrdak pattern",
        },
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(User.locale).where(User.email == "aigul@example.org")) == "ru"


def _paper(w, **overrides):
    q_short, q_long, _choice, q_number, _file = w["questions"]
    data = {
        "full_name": "Gulzat Asanova",
        "email": "gulzat@example.org",
        "phone": "+996 700 111 222",
        "locality": "Kyzyl-Kiya",
        "consent": "y",
        f"q-{q_short}": "Weaving",
        f"q-{q_long}": "On paper",
        f"q-{q_number}": "12",
        "scan": (io.BytesIO(PDF_BYTES), "form.pdf"),
    }
    data.update(overrides)
    return data


def test_staff_choose_the_paper_applicants_language_and_her_letters_use_it(app, world, run_jobs):  # noqa: F811
    client = app.test_client()
    login(client, "staff@example.org", PASSWORD)  # staff working in English
    path = f"/staff/calls/{world['call_id']}/paper"
    page = client.get(path).get_data(as_text=True)
    assert 'name="locale"' in page and 'value="ky"' in page
    response = post_form(client, path, _paper(world, locale="ky"), content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        application = db.session.scalar(db.select(Application))
        assert application.applicant.locale == "ky"
    run_jobs()
    [confirmation] = outbox_messages(app)
    assert confirmation["To"] == "gulzat@example.org"
    assert not confirmation["Subject"].isascii()  # the Kyrgyz letter, not the English one


def test_paper_application_keeps_an_existing_accounts_own_language(app, world):  # noqa: F811
    from tests.factories.accounts import UserFactory

    with app.app_context():
        UserFactory(email="gulzat@example.org", locale="ru", roles=["applicant"])
    client = app.test_client()
    login(client, "staff@example.org", PASSWORD)
    path = f"/staff/calls/{world['call_id']}/paper"
    response = post_form(client, path, _paper(world, locale="ky"), content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(User.locale).where(User.email == "gulzat@example.org")) == "ru"


def test_accounts_created_by_staff_get_a_language(app):
    result = app.test_cli_runner().invoke(
        create_user,
        [
            "mentor@example.org",
            "--role",
            "mentor",
            "--locale",
            "ky",
            "--password",
            "a long enough passphrase",
        ],
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(db.select(User.locale).where(User.email == "mentor@example.org")) == "ky"
