"""Every page in Russian and Kyrgyz carries no English UI text; the switcher works."""

import re
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po

from tests.factories.accounts import PASSWORD, UserFactory
from tests.helpers import login
from wcl.i18n import PACKAGE_DIR

# Words allowed to stay Latin on a ru/ky page: language names in the switcher.
ALLOWED = {"English"}


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
    for po in PACKAGE_DIR.glob("**/translations/*/LC_MESSAGES/messages.po"):
        with po.open("rb") as handle:
            catalog = read_po(handle)
        missing = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
        assert missing == [], f"{po}: {missing[:5]}"
