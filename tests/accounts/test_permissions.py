"""Role checks on protected views, for every role, and the admin's audited grants."""

import pytest

from tests.factories.accounts import PASSWORD, DemographicsFactory, UserFactory
from tests.helpers import login, post_form
from wcl.accounts.models import User
from wcl.accounts.permissions import ROLE_PERMISSIONS, Role, can, has_permission
from wcl.audit.models import AuditEntry
from wcl.extensions import db

ALL_ROLES = [r.value for r in Role]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_admin_users_page_for_every_role(app, client, role):
    with app.app_context():
        UserFactory(email="who@example.org", roles=[role])
    login(client, "who@example.org", PASSWORD)
    expected = 200 if role == "admin" else 403
    assert client.get("/admin/users").status_code == expected


def test_admin_users_page_sends_anonymous_to_login(client):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert "/account/login?next=" in response.headers["Location"]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_profile_needs_login_but_no_role(app, client, role):
    with app.app_context():
        UserFactory(email="who@example.org", roles=[role])
    assert client.get("/account/").status_code == 302
    login(client, "who@example.org", PASSWORD)
    assert client.get("/account/").status_code == 200


def test_every_permission_is_held_by_admins_and_only_by_listed_roles(app_ctx):
    users = {role: UserFactory(roles=[role]) for role in ALL_ROLES}
    for permission, roles in ROLE_PERMISSIONS.items():
        for role, user in users.items():
            expected = role == "admin" or role in {str(r) for r in roles}
            assert has_permission(user, permission) is expected, (permission, role)


def test_raw_demographics_only_for_the_person_and_admins(app_ctx):
    owner = UserFactory()
    answers = DemographicsFactory(user=owner, gender="woman")
    assert can("demographics.read_raw", answers, user=owner)
    assert can("demographics.read_raw", answers, user=UserFactory(roles=["admin"]))
    for role in ("staff", "mentor", "reviewer", "participant", "applicant"):
        assert not can("demographics.read_raw", answers, user=UserFactory(roles=[role])), role


def test_admin_grants_a_role_with_an_audit_entry(app, client):
    with app.app_context():
        UserFactory(email="admin@example.org", roles=["admin"])
        target = UserFactory(email="t@example.org", roles=["applicant"])
        target_id = target.id
    login(client, "admin@example.org", PASSWORD)
    path = f"/admin/users/{target_id}"
    response = post_form(client, path, {"roles": ["applicant", "mentor"]})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, target_id).role_names == {"applicant", "mentor"}
        entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "role.granted"))
        assert entry.data == {"role": "mentor"} and entry.target_id == target_id
        assert entry.actor.email == "admin@example.org"


def test_non_admin_cannot_grant_roles(app, client):
    with app.app_context():
        UserFactory(email="staff@example.org", roles=["staff"])
        target_id = UserFactory(email="t@example.org").id
    login(client, "staff@example.org", PASSWORD)
    # A valid CSRF token (from a page staff may open), so only the permission check can refuse.
    response = post_form(client, f"/admin/users/{target_id}", {"roles": ["admin"]}, get_path="/account/")
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(User, target_id).role_names == set()
        assert db.session.scalar(db.select(db.func.count(AuditEntry.id))) == 0


def test_admin_cannot_remove_own_admin_role(app, client):
    with app.app_context():
        admin_id = UserFactory(email="admin@example.org", roles=["admin"]).id
    login(client, "admin@example.org", PASSWORD)
    post_form(client, f"/admin/users/{admin_id}", {"roles": ["staff"]})
    with app.app_context():
        assert "admin" in db.session.get(User, admin_id).role_names


def test_admin_user_list_shows_users_and_searches(app, client):
    with app.app_context():
        UserFactory(email="admin@example.org", roles=["admin"])
        UserFactory(email="aigul@example.org", full_name="Aigul Tashieva")
    login(client, "admin@example.org", PASSWORD)
    html = client.get("/admin/users").get_data(as_text=True)
    assert "aigul@example.org" in html and "admin@example.org" in html
    html = client.get("/admin/users?q=tashieva").get_data(as_text=True)
    assert "aigul@example.org" in html and "admin@example.org" not in html
