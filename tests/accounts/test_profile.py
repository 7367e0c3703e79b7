"""The signed-in person's own account: profile, deletion request, a new verification link."""

from tests.factories.accounts import PASSWORD, UserFactory
from tests.helpers import link_in, login, outbox_messages, post_form, queued_jobs
from wcl.accounts.models import User
from wcl.audit.models import AuditEntry
from wcl.extensions import db


def _user(app):
    with app.app_context():
        return db.session.scalar(db.select(User))


def _actions(app):
    with app.app_context():
        return db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)).all()


def test_profile_save_updates_the_fields_with_an_audit_entry(app, client):
    with app.app_context():
        UserFactory(email="a@example.org", full_name="Aigul", phone="+996 555 000 000")
    login(client, "a@example.org", PASSWORD)
    response = post_form(
        client,
        "/account/",
        {"full_name": "  Aigul Tashieva ", "display_name": "Aika", "phone": "  ", "locale": "ky"},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/account/"
    user = _user(app)
    assert (user.full_name, user.display_name, user.phone, user.locale) == (
        "Aigul Tashieva",
        "Aika",
        None,
        "ky",
    )
    assert _actions(app)[-1] == "user.profile_updated"
    with app.app_context():
        entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "user.profile_updated"))
        assert entry.actor_id == entry.target_id == user.id
    # The chosen language wins over the browser's from now on.
    html = client.get("/account/", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert 'lang="ky"' in html


def test_profile_without_a_name_is_refused_and_changes_nothing(app, client):
    with app.app_context():
        UserFactory(email="a@example.org", full_name="Aigul")
    login(client, "a@example.org", PASSWORD)
    response = post_form(client, "/account/", {"full_name": " ", "display_name": "Aika"})
    assert response.status_code == 200
    assert 'id="full_name-error"' in response.get_data(as_text=True)
    user = _user(app)
    assert (user.full_name, user.display_name) == ("Aigul", None)
    assert "user.profile_updated" not in _actions(app)


def test_deletion_request_is_recorded_audited_and_confirmed_by_email(app, client, run_jobs):
    with app.app_context():
        UserFactory(email="a@example.org", full_name="Aigul", locale="en")
    login(client, "a@example.org", PASSWORD)
    assert client.get("/account/delete").status_code == 200
    response = post_form(client, "/account/delete", {})
    assert response.status_code == 302 and response.headers["Location"] == "/account/"
    user = _user(app)
    assert user.deletion_requested_at is not None
    assert _actions(app)[-1] == "user.deletion_requested"
    assert queued_jobs(app) == ["wcl.mail.deliver"] and outbox_messages(app) == []  # sent by a job
    run_jobs()
    [message] = outbox_messages(app)
    assert message["To"] == "a@example.org"
    assert message["X-WCL-Template"] == "accounts/deletion_requested"
    assert message["Subject"] == "We received your request to delete your account"
    # Asking again changes nothing and sends nothing more.
    post_form(client, "/account/delete", {})
    run_jobs()
    assert _user(app).deletion_requested_at == user.deletion_requested_at
    assert _actions(app).count("user.deletion_requested") == 1
    assert len(outbox_messages(app)) == 1
    assert "You asked for deletion on" in client.get("/account/delete").get_data(as_text=True)


def test_deletion_request_email_is_in_the_users_language(app, client, run_jobs):
    with app.app_context():
        UserFactory(email="a@example.org", locale="ru")
    login(client, "a@example.org", PASSWORD)
    post_form(client, "/account/delete", {})
    run_jobs()
    [message] = outbox_messages(app)
    assert "We received" not in message["Subject"] and message["Subject"].strip()


def test_deletion_request_needs_login_and_csrf(app, client):
    with app.app_context():
        UserFactory(email="a@example.org")
    response = post_form(client, "/account/delete", {}, get_path="/account/login")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    assert queued_jobs(app) == []
    login(client, "a@example.org", PASSWORD)
    assert client.post("/account/delete").status_code == 400  # no CSRF token
    assert _user(app).deletion_requested_at is None
    assert "user.deletion_requested" not in _actions(app)
    assert queued_jobs(app) == []


def test_resend_verification_sends_a_new_link_that_verifies(app, client, run_jobs):
    with app.app_context():
        UserFactory(email="a@example.org", email_verified_at=None)
    login(client, "a@example.org", PASSWORD)
    response = post_form(client, "/account/verify/resend", {}, get_path="/account/")
    assert response.status_code == 302 and response.headers["Location"] == "/account/"
    assert queued_jobs(app) == ["wcl.mail.deliver"]
    run_jobs()
    [message] = outbox_messages(app)
    assert message["To"] == "a@example.org"
    link = link_in(message, r"https?://\S+/account/verify/\S+")
    assert _user(app).email_verified_at is None
    assert client.get(link.replace("http://localhost", "")).status_code == 302
    assert _user(app).email_verified_at is not None


def test_resend_verification_when_already_verified_sends_nothing(app, client, run_jobs):
    with app.app_context():
        UserFactory(email="a@example.org")
    login(client, "a@example.org", PASSWORD)
    response = post_form(client, "/account/verify/resend", {}, get_path="/account/")
    assert response.status_code == 302
    run_jobs()
    assert outbox_messages(app) == []


def test_resend_verification_needs_login(app, client, run_jobs):
    response = post_form(client, "/account/verify/resend", {}, get_path="/account/login")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    run_jobs()
    assert outbox_messages(app) == []
