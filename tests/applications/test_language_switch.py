"""Switching language in the middle of a step keeps what was typed (no JavaScript needed)."""

import re

from tests.applications.conftest import draft
from tests.factories.accounts import PASSWORD
from tests.helpers import csrf_token, login
from wcl.applications.models import Application
from wcl.extensions import db
from wcl.i18n import LANGUAGE_COOKIE


def test_switching_language_on_step_two_saves_the_typed_answers(app, world):
    q_short, q_long = world["questions"][:2]
    with app.app_context():
        application_id = draft(world["ids"]["applicant"], world["call_id"], complete=False).id
    client = app.test_client()
    login(client, world["emails"]["applicant"], PASSWORD)
    base = f"/applications/{application_id}"
    page = client.get(f"{base}/step/2").get_data(as_text=True)
    # The language choice submits the step's form (a button tied to it by form=""), not a bare link.
    form_id = re.search(r'<form[^>]*id="([^"]+)"[^>]*action="[^"]*/step/2"', page).group(1)
    assert re.search(rf'<button[^>]*form="{form_id}"[^>]*name="switch_language"[^>]*value="ru"', page)
    # Enter in a field presses the form's first submit button in the page: a plain save, not a language.
    form_end = page.index("</form>", page.index(f'id="{form_id}"'))
    buttons = [
        b
        for b in re.findall(r"<button[^>]*>", page[:form_end])
        if f'form="{form_id}"' in b or page.index(b) > page.index(f'id="{form_id}"')
    ]
    assert 'type="submit"' in buttons[0] and "switch_language" not in buttons[0] and "name=" not in buttons[0]

    response = client.post(
        f"{base}/step/2",
        data={
            "csrf_token": csrf_token(client, f"{base}/step/2"),
            f"q-{q_short}": "Felt making",
            f"q-{q_long}": "I will sell shyrdaks.",
            "switch_language": "ru",
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{base}/step/2")
    assert f"{LANGUAGE_COOKIE}=ru" in response.headers.get("Set-Cookie", "")
    page = client.get(f"{base}/step/2").get_data(as_text=True)
    assert '<html lang="ru">' in page
    assert "Felt making" in page and "I will sell shyrdaks." in page
    with app.app_context():
        assert db.session.get(Application, application_id).answer_map()[q_short] == "Felt making"


def test_switching_language_with_a_bad_answer_keeps_the_typed_text(app, world):
    q_short, q_number = world["questions"][0], world["questions"][3]
    with app.app_context():
        application_id = draft(world["ids"]["applicant"], world["call_id"], complete=False).id
    client = app.test_client()
    login(client, world["emails"]["applicant"], PASSWORD)
    base = f"/applications/{application_id}"
    response = client.post(
        f"{base}/step/2",
        data={
            "csrf_token": csrf_token(client, f"{base}/step/2"),
            f"q-{q_short}": "Felt making",
            f"q-{q_number}": "many years",
            "switch_language": "ky",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Felt making" in page and "many years" in page


def test_switching_language_on_step_one_keeps_the_contact_details(app, world):
    with app.app_context():
        application_id = draft(world["ids"]["applicant"], world["call_id"], complete=False).id
    client = app.test_client()
    login(client, world["emails"]["applicant"], PASSWORD)
    base = f"/applications/{application_id}"
    response = client.post(
        f"{base}/step/1",
        data={
            "csrf_token": csrf_token(client, f"{base}/step/1"),
            "contact_name": "Aigerim A.",
            "contact_phone": "+996 555 000 111",
            "contact_locality": "Nookat",
            "switch_language": "ky",
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{base}/step/1")
    assert f"{LANGUAGE_COOKIE}=ky" in response.headers.get("Set-Cookie", "")
    page = client.get(f"{base}/step/1").get_data(as_text=True)
    assert '<html lang="ky">' in page and "Nookat" in page
