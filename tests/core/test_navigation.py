"""The navigation and footer links are rendered once per language and kind of reader
(``wcl.core.navigation``): every reader still sees exactly her own links."""

import re

import pytest
from flask import template_rendered

from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.programme import LabFactory
from tests.helpers import login
from wcl.accounts.models import User, UserRole
from wcl.extensions import db

READERS = {
    # who: (roles, scoped to a lab)
    "backer": ([], False),
    "participant": (["participant"], False),
    "mentor": (["mentor"], False),
    "reviewer": (["reviewer"], False),
    "staff": (["staff"], False),
    "labstaff": (["staff"], True),
    "admin": (["admin"], False),
}


def _navigation(html):
    return re.search(r'<ul class="nav">(.*?)</ul>', html, re.S).group(1)


def _links(html):
    return re.findall(r'<a href="([^"]+)"', _navigation(html))


@pytest.fixture
def readers(app):
    with app.app_context():
        lab = LabFactory(slug="osh")
        for who, (roles, scoped) in READERS.items():
            UserFactory(email=f"{who}@example.org", roles=roles, lab_id=lab.id if scoped else None)
    clients = {}
    for who in READERS:
        clients[who] = app.test_client()
        login(clients[who], f"{who}@example.org", PASSWORD)
    return clients


@pytest.fixture
def renders(app):
    rendered = []

    def seen(sender, template, context, **extra):
        rendered.append(template.name)

    template_rendered.connect(seen, app)
    yield rendered
    template_rendered.disconnect(seen, app)


def test_each_reader_sees_her_own_links_whoever_came_before(app, readers):
    # Every reader twice, interleaved: what one kind of reader filled is never shown to another.
    pages = {}
    for _round in range(2):
        for who, client in readers.items():
            pages.setdefault(who, []).append(client.get("/account/").get_data(as_text=True))
    guest = app.test_client().get("/campaigns/?from=nav").get_data(as_text=True)
    links = {who: _links(html[0]) for who, html in pages.items()}
    for who, html in pages.items():
        assert _links(html[1]) == links[who], who
        # Her own sign-out form, outside the kept links, with her own CSRF token.
        assert 'action="/account/logout"' in html[1]
    assert "/review/" in links["reviewer"] and "/review/" not in links["backer"]
    assert "/admin/users" in links["admin"] and "/admin/users" not in links["staff"]
    assert "/jobs/failed" in links["staff"] and "/jobs/failed" not in links["labstaff"]  # every lab's jobs
    assert "/cohorts/" in links["mentor"] and "/cohorts/" not in links["backer"]
    assert "/account/" in links["backer"] and "/account/login" not in links["backer"]
    assert "/account/login" in _links(guest) and "/account/" not in _links(guest)
    assert 'action="/account/logout"' not in guest
    tokens = {re.search(r'name="csrf_token" value="([^"]+)"', html[1]).group(1) for html in pages.values()}
    assert len(tokens) == len(READERS)


def test_the_navigation_is_rendered_once_per_kind_of_reader_and_language(app, renders):
    with app.app_context():
        UserFactory(email="aida@example.org", roles=["staff"])
        UserFactory(email="bermet@example.org", roles=["staff"])
        UserFactory(email="cholpon@example.org", roles=["participant"])
    clients = {}
    for who in ("aida", "bermet", "cholpon"):
        clients[who] = app.test_client()
        login(clients[who], f"{who}@example.org", PASSWORD)
    renders.clear()
    app.extensions.pop("wcl_fragments", None)  # the app outlives a test: start from nothing kept
    for who in ("aida", "bermet", "aida", "bermet"):
        assert clients[who].get("/account/").status_code == 200
    assert renders.count("core/_navigation.html") == 1  # two staff members, one rendering
    assert renders.count("core/_footer_links.html") == 1
    clients["cholpon"].get("/account/")
    assert renders.count("core/_navigation.html") == 2
    russian = clients["aida"].get("/account/", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert renders.count("core/_navigation.html") == 3 and "Кампании" in _navigation(russian)


def test_a_role_granted_or_taken_shows_on_her_next_page(app, readers):
    backer = readers["backer"]
    assert "/cohorts/" not in _links(backer.get("/account/").get_data(as_text=True))
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "backer@example.org"))
        user.roles.append(UserRole(role="mentor"))
        db.session.commit()
    assert "/cohorts/" in _links(backer.get("/account/").get_data(as_text=True))
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "backer@example.org"))
        user.roles.clear()
        db.session.commit()
    assert "/cohorts/" not in _links(backer.get("/account/").get_data(as_text=True))
