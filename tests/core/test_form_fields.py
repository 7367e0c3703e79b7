"""The field() macro: required fields are marked for eyes and screen readers, and a text
too long is refused with a message instead of being cut by the browser."""

import re

import pytest

from tests.helpers import post_form
from wcl.accounts.models import User
from wcl.extensions import db

LONG_NAME = ("Айгүл " * 37 + "Ташиева")[:224]  # 224 characters


def _input(html, field_id):
    match = re.search(rf'<input[^>]*\bid="{field_id}"[^>]*>', html)
    assert match, field_id
    return match.group(0)


def _label(html, field_id):
    match = re.search(rf'<label for="{field_id}">(.*?)</label>', html, re.S)
    assert match, field_id
    return match.group(1)


def test_required_fields_carry_a_visible_marker_and_aria_required(client):
    html = client.get("/account/register").get_data(as_text=True)
    for field_id in ("full_name", "email", "password", "confirm"):
        assert 'aria-required="true"' in _input(html, field_id), field_id
        assert 'class="req"' in _label(html, field_id), field_id  # the marker sits in the label
    assert "Fields marked * are required." in html  # and is explained once per form


def test_optional_fields_are_not_marked(client):
    html = client.get("/account/login").get_data(as_text=True)
    assert "aria-required" not in _input(html, "remember")


@pytest.mark.parametrize("path, field_id", [("/account/register", "full_name"), ("/account/login", "email")])
def test_the_browser_does_not_cut_long_text_silently(client, path, field_id):
    """A maxlength attribute makes the browser drop what is typed or pasted beyond it, unseen."""
    assert "maxlength" not in _input(client.get(path).get_data(as_text=True), field_id)


def test_a_name_too_long_is_refused_with_a_message(app, client):
    assert len(LONG_NAME) == 224
    response = post_form(
        client,
        "/account/register",
        {
            "full_name": LONG_NAME,
            "email": "a@example.org",
            "password": "felt shyrdak pattern",
            "confirm": "felt shyrdak pattern",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = re.search(r'<p class="error" id="full_name-error">(.*?)</p>', html, re.S)
    assert error and "120" in error.group(1) and "224" in error.group(1), html[:3000]
    assert LONG_NAME in html  # what she typed is kept, to shorten
    with app.app_context():
        assert db.session.scalars(db.select(User)).all() == []


def test_the_message_is_translated(client):
    response = post_form(
        client,
        "/account/register",
        {
            "full_name": LONG_NAME,
            "email": "a@example.org",
            "password": "felt shyrdak pattern",
            "confirm": "felt shyrdak pattern",
        },
        headers={"Accept-Language": "ky"},
    )
    error = re.search(r'id="full_name-error">(.*?)</p>', response.get_data(as_text=True), re.S).group(1)
    assert "120" in error and "224" in error and "characters" not in error
