"""Optional, self-identified demographics with consent; withdrawal deletes them."""

from tests.factories.accounts import PASSWORD, UserFactory
from tests.helpers import login, post_form
from wcl.accounts.models import Demographics
from wcl.extensions import db

ANSWERS = {
    "gender": "woman",
    "birth_year": "1998",
    "region": "KG-O",
    "settlement": "rural",
    "creative_domain": "V_ARTS",
    "wg_seeing": "none",
    "wg_walking": "a_lot",
}


def _rows(app):
    with app.app_context():
        return db.session.scalars(db.select(Demographics)).all()


def test_saving_needs_consent_and_changes_nothing_without_it(app, client):
    with app.app_context():
        UserFactory(email="a@example.org")
    login(client, "a@example.org", PASSWORD)
    response = post_form(client, "/account/about-me", ANSWERS)
    assert response.status_code == 200
    assert "tick the box" in response.get_data(as_text=True)
    assert _rows(app) == []


def test_answers_saved_with_consent_and_blank_means_not_answered(app, client):
    with app.app_context():
        UserFactory(email="a@example.org")
    login(client, "a@example.org", PASSWORD)
    response = post_form(client, "/account/about-me", dict(ANSWERS, consent="y"))
    assert response.status_code == 302
    [row] = _rows(app)
    assert (row.gender, row.birth_year, row.region, row.settlement) == ("woman", 1998, "KG-O", "rural")
    assert row.wg_hearing is None  # not answered stays NULL
    assert row.has_disability is True
    assert row.consent_version and row.consent_at is not None


def test_prefer_not_to_say_is_kept_apart_from_not_answered(app, client):
    with app.app_context():
        UserFactory(email="a@example.org")
    login(client, "a@example.org", PASSWORD)
    post_form(client, "/account/about-me", {"gender": "prefer_not", "consent": "y"})
    [row] = _rows(app)
    assert row.gender == "prefer_not" and row.birth_year is None and row.has_disability is None


def test_unknown_values_are_refused(app, client):
    with app.app_context():
        UserFactory(email="a@example.org")
    login(client, "a@example.org", PASSWORD)
    for bad in ({"gender": "robot"}, {"region": "KG-XX"}, {"birth_year": "1850"}, {"wg_seeing": "maybe"}):
        response = post_form(client, "/account/about-me", dict(bad, consent="y"))
        assert response.status_code == 200, bad
    assert _rows(app) == []


def test_withdrawing_consent_deletes_the_answers(app, client):
    with app.app_context():
        UserFactory(email="a@example.org")
    login(client, "a@example.org", PASSWORD)
    post_form(client, "/account/about-me", dict(ANSWERS, consent="y"))
    assert len(_rows(app)) == 1
    # Deleting needs the "I understand" box (the profile page shows it as required).
    page = client.get("/account/about-me").get_data(as_text=True)
    assert 'name="confirm" value="yes" required' in page
    post_form(client, "/account/about-me/delete", {}, get_path="/account/about-me")
    assert len(_rows(app)) == 1
    post_form(client, "/account/about-me/delete", {"confirm": "yes"}, get_path="/account/about-me")
    assert _rows(app) == []
