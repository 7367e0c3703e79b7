"""Every page in Russian and Kyrgyz carries no English UI text; the switcher works."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import render_template_string
from flask_babel import force_locale
from wtforms.i18n import messages_path

from tests.factories.accounts import PASSWORD, UserFactory
from tests.helpers import login, post_form
from wcl.accounts.models import Demographics, User
from wcl.audit.models import AuditEntry
from wcl.extensions import db
from wcl.forms import WTFORMS_CATALOGUES
from wcl.i18n import PACKAGE_DIR, translations

# Words allowed to stay Latin on a ru/ky page: language names in the switcher.
ALLOWED = {"English", "KGS"}  # the currency code Russian formatting prints (the home page shows som raised)


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.chunks, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("placeholder", "aria-label", "title", "alt") and value:
                self.chunks.append(value)
        if tag == "input" and dict(attrs).get("type") in ("submit", "button"):
            self.chunks.append(dict(attrs).get("value") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.chunks.append(data)


def english_words(html, exclude=()):
    parser = _Text()
    parser.feed(html)
    text = " ".join(parser.chunks)
    for value in exclude:
        text = text.replace(value, " ")
    return sorted({w for w in re.findall(r"[A-Za-z]{3,}", text) if w not in ALLOWED})


PUBLIC_PAGES = ["/", "/account/login", "/account/register", "/account/forgot", "/no-such-page"]
PRIVATE_PAGES = ["/account/", "/account/about-me", "/account/password", "/account/delete", "/admin/users"]


@pytest.mark.parametrize("locale", ["ru", "ky"])
def test_public_pages_have_no_english(client, locale):
    for path in PUBLIC_PAGES:
        html = client.get(path, headers={"Accept-Language": locale}).get_data(as_text=True)
        assert f'lang="{locale}"' in html
        assert english_words(html) == [], path


@pytest.mark.parametrize("locale", ["ru", "ky"])
def test_a_form_without_its_csrf_token_is_explained_in_her_language(client, locale):
    """Flask-WTF's own CSRF messages are English; the page shown instead is ours."""
    response = client.post(
        "/account/login",
        data={"email": "a@example.org", "password": "x"},
        headers={"Accept-Language": locale},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and f'lang="{locale}"' in html
    assert english_words(html) == []
    assert "CSRF" not in html


@pytest.mark.parametrize("locale", ["ru", "ky"])
def test_signed_in_pages_have_no_english(app, client, locale):
    with app.app_context():
        UserFactory(email="a@example.org", full_name="Айгуль", roles=["admin"], locale=locale)
    login(client, "a@example.org", PASSWORD)
    for path in PRIVATE_PAGES:
        html = client.get(path).get_data(as_text=True)
        assert english_words(html, exclude=["a@example.org"]) == [], path


def test_switcher_sets_the_language_and_returns_to_the_page(client):
    response = client.get("/language/ky?next=/account/login")
    assert response.status_code == 302 and response.headers["Location"] == "/account/login"
    html = client.get("/account/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'lang="ky"' in html


def test_switcher_ignores_unknown_language_and_foreign_next(client):
    response = client.get("/language/de?next=https://evil.example/")
    assert response.headers["Location"] == "/"
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'lang="en"' in html


def test_user_setting_wins_over_browser(app, client):
    with app.app_context():
        UserFactory(email="a@example.org", locale="ru")
    login(client, "a@example.org", PASSWORD)
    html = client.get("/account/", headers={"Accept-Language": "ky"}).get_data(as_text=True)
    assert 'lang="ru"' in html


def test_catalogues_are_complete():
    for po in PACKAGE_DIR.glob("**/translations/*/LC_MESSAGES/*.po"):
        with po.open("rb") as handle:
            catalog = read_po(handle)
        missing = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
        assert missing == [], f"{po}: {missing[:5]}"


# --- WTForms' own messages (Length, IntegerField, SelectField…) -------------------


def _read_po(path):
    with open(path, "rb") as handle:
        return read_po(handle)


def test_kyrgyz_wtforms_catalogue_translates_every_wtforms_message():
    pot = _read_po(Path(messages_path()) / "wtforms.pot")
    ours = _read_po(Path(WTFORMS_CATALOGUES) / "ky" / "LC_MESSAGES" / "wtforms.po")
    assert ours.num_plurals == 1 and ours.plural_expr == "0"  # Kyrgyz: one form after numbers
    for message in pot:
        if not message.id:
            continue
        translated = ours.get(message.id)
        assert translated is not None and not translated.fuzzy, message.id
        strings = translated.string if isinstance(translated.string, tuple) else (translated.string,)
        assert len(strings) == 1 and strings[0], message.id
        words = english_words(re.sub(r"%(\(\w+\))?[sd]", " ", strings[0]))
        assert set(words) <= {"MAC", "UUID"}, strings  # acronyms stay Latin, as in Russian
    assert list(ours.check()) == []  # placeholders match the msgids


def _errors(html):
    """Field errors as rendered by ``_macros.field``: {field id: text}."""
    return dict(re.findall(r'<p class="error" id="([\w-]+)-error">(.*?)</p>', html, re.S))


EXAMPLES = ["name@example.com"]  # the sample address in the app's own email message


def _assert_translated_errors(response, fields, exclude=()):
    html = response.get_data(as_text=True)
    errors = _errors(html)
    assert set(fields) <= set(errors), (fields, errors)
    for name in fields:
        assert english_words(errors[name], exclude=EXAMPLES) == [], (name, errors[name])
    assert english_words(html, exclude=[*EXAMPLES, *exclude]) == []


REGISTER = {
    "full_name": "Айгуль Ташиева",
    "email": "aigul@example.org",
    "password": "felt shyrdak pattern",
    "confirm": "felt shyrdak pattern",
}
BAD_REGISTRATIONS = [
    (dict(REGISTER, full_name="ы" * 500), ["full_name"]),
    (dict(REGISTER, email="a" * 250 + "@example.org"), ["email"]),
    (dict(REGISTER, email="not-an-email"), ["email"]),
    (dict(REGISTER, password="p" * 200, confirm="p" * 200), ["password"]),
]


@pytest.mark.parametrize("locale", ["ru", "ky"])
def test_registration_errors_have_no_english(app, client, locale):
    client.get(f"/language/{locale}")
    for data, fields in BAD_REGISTRATIONS:
        response = post_form(client, "/account/register", data)
        assert response.status_code == 422
        _assert_translated_errors(response, fields)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id))) == 0


BAD_ABOUT_ME = [
    ({"birth_year": "abc"}, ["birth_year"]),
    ({"birth_year": "19.5"}, ["birth_year"]),
    ({"birth_year": "1" * 30}, ["birth_year"]),
    ({"gender": "bogus"}, ["gender"]),
    ({"region": "ы" * 500}, ["region"]),
]


@pytest.mark.parametrize("locale", ["ru", "ky"])
def test_about_me_errors_have_no_english(app, client, locale):
    with app.app_context():
        UserFactory(email="a@example.org", full_name="Айгуль", locale=locale)
    login(client, "a@example.org", PASSWORD)
    for data, fields in BAD_ABOUT_ME:
        response = post_form(client, "/account/about-me", dict(data, consent="y"))
        assert response.status_code == 200
        _assert_translated_errors(response, fields, exclude=["a@example.org"])
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Demographics.id))) == 0
        assert db.session.scalar(db.select(db.func.count(AuditEntry.id))) == 0


BAD_PROFILES = [
    ({"full_name": "ы" * 500}, ["full_name"]),
    ({"display_name": "ы" * 200}, ["display_name"]),
    ({"phone": "9" * 100}, ["phone"]),
    ({"locale": "xx"}, ["locale"]),
]


@pytest.mark.parametrize("locale", ["ru", "ky"])
def test_profile_errors_have_no_english(app, client, locale):
    with app.app_context():
        UserFactory(email="a@example.org", full_name="Айгуль", locale=locale)
    login(client, "a@example.org", PASSWORD)
    for data, fields in BAD_PROFILES:
        response = post_form(client, "/account/", dict({"full_name": "Айгуль", "locale": locale}, **data))
        assert response.status_code == 200
        _assert_translated_errors(response, fields, exclude=["a@example.org"])
    with app.app_context():
        user = db.session.scalar(db.select(User))
        assert (user.full_name, user.display_name, user.phone, user.locale) == ("Айгуль", None, None, locale)
        assert db.session.scalar(db.select(db.func.count(AuditEntry.id))) == 0


def test_switcher_link_changes_only_this_browser_not_the_saved_language(app, client):
    """A link from any site (GET /language/ky) must not rewrite the profile: only the
    cookie changes, and the switch still shows the pages in the chosen language."""
    with app.app_context():
        UserFactory(email="a@example.org", locale="ru")
    login(client, "a@example.org", PASSWORD)
    response = client.get("/language/ky?next=/account/")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(User.locale)) == "ru"
    assert 'lang="ky"' in client.get("/account/").get_data(as_text=True)
    # Saving the profile's language is the way to change it, and it shows at once.
    post_form(client, "/account/", {"full_name": "Aigul", "locale": "en"})
    with app.app_context():
        assert db.session.scalar(db.select(User.locale)) == "en"
    assert 'lang="en"' in client.get("/account/").get_data(as_text=True)


def test_templates_read_the_catalogue_once_per_request_and_a_forced_language_its_own(app):
    """Templates' ``_`` keeps the request's catalogue (wcl.i18n.translations); an email rendered
    under ``force_locale`` in the middle of a Russian page is still Kyrgyz, and the page after it Russian."""
    with app.test_request_context(headers={"Accept-Language": "ru"}):
        russian = render_template_string('{{ _("Campaigns") }}')
        assert translations() is translations()
        with force_locale("ky"):
            kyrgyz = render_template_string('{{ _("Campaigns") }}')
        assert render_template_string('{{ _("Campaigns") }}') == russian
    assert russian != "Campaigns" and kyrgyz not in (russian, "Campaigns")
