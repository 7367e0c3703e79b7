"""One normalisation step for every text field, and every id parsed with bounds.

NUL bytes and huge ids used to reach PostgreSQL and answer 500; invisible and
direction-reversing characters were stored and reached receipts and CSV files.
"""

import unicodedata

import pytest

from tests.factories.accounts import PASSWORD, UserFactory
from tests.helpers import login, post_form
from wcl.accounts.models import User
from wcl.accounts.passwords import hash_password
from wcl.extensions import db
from wcl.text import clean_text


def _user(app):
    with app.app_context():
        return db.session.scalar(db.select(User))


@pytest.fixture
def signed_in(app, client):
    with app.app_context():
        UserFactory(email="a@example.org", full_name="Aigul", roles=["admin"])
    login(client, "a@example.org", PASSWORD)
    return client


@pytest.mark.parametrize("bad", ["Aigul\x00", "Ai\x1bgul", "Aigul\x85"])
def test_control_characters_in_a_form_are_refused_with_4xx(app, signed_in, bad):
    response = post_form(signed_in, "/account/", {"full_name": bad})
    assert 400 <= response.status_code < 500
    assert _user(app).full_name == "Aigul"


def test_invisible_and_bidi_characters_are_removed_and_text_is_nfc(app, signed_in):
    decomposed = unicodedata.normalize("NFD", "Айгүль")
    assert decomposed != "Айгүль"
    response = post_form(
        signed_in,
        "/account/",
        {"full_name": f"\u202e{decomposed}\u200b", "display_name": "A\u2066ika\u2069\ufeff"},
    )
    assert response.status_code == 302
    user = _user(app)
    assert (user.full_name, user.display_name) == ("Айгүль", "Aika")


def test_length_is_counted_after_normalising(app, signed_in):
    name = "a" * 118 + "\u200b" * 20  # 118 visible characters
    assert post_form(signed_in, "/account/", {"full_name": name}).status_code == 302
    assert _user(app).full_name == "a" * 118
    assert post_form(signed_in, "/account/", {"full_name": "a" * 121}).status_code == 200  # refused


def test_nul_in_a_query_string_is_4xx(signed_in):
    response = signed_in.get("/admin/users?q=a%00b")
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize(
    "path",
    [
        "/admin/users/99999999999999999999999",
        "/admin/users/2147483648",
        "/admin/users?page=99999999999999999999999",
        "/admin/users?page=%00",
    ],
)
def test_huge_and_malformed_ids_are_never_500(signed_in, path):
    assert signed_in.get(path).status_code < 500


def test_passwords_are_kept_exactly_as_typed(app, client):
    """NFC or removing invisible characters would lock out whoever chose such a password."""
    with app.app_context():
        UserFactory(email="b@example.org", password_hash=hash_password("pass\u200bphrase with e\u0301"))
    login(client, "b@example.org", "pass\u200bphrase with e\u0301")


def test_clean_text_is_the_one_step():
    assert clean_text("x\u202egpj.exe.pdf") == "xgpj.exe.pdf"
    assert clean_text("line one\r\nline two\ttab") == "line one\r\nline two\ttab"
    with pytest.raises(ValueError):
        clean_text("a\x00b")
