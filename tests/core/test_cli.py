"""Command line: ``create-user`` and the accounts part of ``demo``."""

import pytest

from tests.factories.accounts import UserFactory
from tests.helpers import login
from wcl.accounts.demo import DEMO_PASSWORD, DEMO_USERS
from wcl.accounts.models import User
from wcl.accounts.passwords import verify_password
from wcl.accounts.permissions import Role
from wcl.audit.models import AuditEntry
from wcl.extensions import db

NEW_PASSWORD = "a long felt phrase"


def _create_user(app, *args):
    return app.test_cli_runner().invoke(app.cli, ["create-user", *args])


def _users(app):
    with app.app_context():
        return db.session.scalars(db.select(User).order_by(User.id)).all()


def test_create_user_makes_a_verified_account_with_the_roles(app, client):
    result = _create_user(
        app,
        "Nurgul@Example.org",
        "--role",
        "staff",
        "--role",
        "mentor",
        "--name",
        "Nurgul Staff",
        "--password",
        NEW_PASSWORD,
    )
    assert result.exit_code == 0, result.output
    [user] = _users(app)
    assert f"created user {user.id} <nurgul@example.org> with roles mentor, staff" in result.output
    assert (user.email, user.full_name) == ("nurgul@example.org", "Nurgul Staff")
    assert user.role_names == {"staff", "mentor"}
    assert user.email_verified_at is not None
    assert verify_password(user.password_hash, NEW_PASSWORD)
    with app.app_context():
        entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "user.created"))
        assert entry.target_id == user.id and entry.data["roles"] == ["mentor", "staff"]
    login(client, "nurgul@example.org", NEW_PASSWORD)


def test_create_user_defaults_to_applicant_named_after_the_email(app):
    result = _create_user(app, "aigul@example.org", "--password", NEW_PASSWORD)
    assert result.exit_code == 0, result.output
    [user] = _users(app)
    assert user.role_names == {"applicant"} and user.full_name == "aigul"


def test_create_user_refuses_a_duplicate_email(app):
    with app.app_context():
        UserFactory(email="aigul@example.org", roles=["applicant"])
    result = _create_user(app, "AIGUL@example.org", "--role", "admin", "--password", NEW_PASSWORD)
    assert result.exit_code != 0
    assert "already exists" in result.output
    [user] = _users(app)
    assert user.role_names == {"applicant"}


@pytest.mark.parametrize("role", ["superuser", "Admin", ""])
def test_create_user_refuses_an_unknown_role(app, role):
    result = _create_user(
        app, "aigul@example.org", "--role", "staff", "--role", role, "--password", NEW_PASSWORD
    )
    assert result.exit_code != 0
    assert "roles must be among" in result.output
    assert _users(app) == []
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(AuditEntry.id))) == 0


def test_create_user_refuses_a_weak_password(app):
    result = _create_user(app, "aigul@example.org", "--password", "password123")
    assert result.exit_code != 0
    assert _users(app) == []


def test_demo_creates_every_role_and_each_demo_user_can_sign_in(app):
    runner = app.test_cli_runner()
    result = runner.invoke(app.cli, ["demo"])
    assert result.exit_code == 0, result.output
    assert f"password for all: {DEMO_PASSWORD}" in result.output
    users = {u.email: u for u in _users(app)}
    demo_emails = [email for email, _, _ in DEMO_USERS]
    assert set(demo_emails) <= set(users)
    held = set().union(*(users[email].role_names for email in demo_emails))
    assert held == {r.value for r in Role}  # every role has a demo login
    for email, _, roles in DEMO_USERS:
        assert users[email].role_names == {r.value for r in roles}, email
        assert email in result.output
        login(app.test_client(), email, DEMO_PASSWORD)
    # Idempotent: a second run adds no users.
    again = runner.invoke(app.cli, ["demo"])
    assert again.exit_code == 0, again.output
    assert len(_users(app)) == len(users)
