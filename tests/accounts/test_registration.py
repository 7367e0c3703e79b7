"""Registration, email verification and the refusals that change nothing."""

import re

from tests.factories.accounts import PASSWORD, UserFactory
from tests.helpers import link_in, outbox_messages, post_form
from wcl.accounts.models import User
from wcl.audit.models import AuditEntry
from wcl.extensions import db

GOOD = {
    "full_name": "Aigul Tashieva",
    "email": "Aigul@Example.org",
    "password": "felt shyrdak pattern",
    "confirm": "felt shyrdak pattern",
}


def _users(app):
    with app.app_context():
        return db.session.scalars(db.select(User)).all()


def test_register_sends_verification_after_commit_and_link_verifies(app, client, run_jobs):
    response = post_form(client, "/account/register", GOOD)
    assert response.status_code == 302
    [user] = _users(app)
    assert user.email == "aigul@example.org"  # stored lower-cased
    assert user.password_hash.startswith("$argon2id$")
    assert user.role_names == {"applicant"}
    assert user.email_verified_at is None
    assert outbox_messages(app) == []  # the email is a job
    run_jobs()
    [message] = outbox_messages(app)
    assert message["To"] == "aigul@example.org"
    link = link_in(message)
    assert "/account/verify/" in link
    response = client.get(link.replace("http://localhost", ""))
    assert response.status_code == 302
    [user] = _users(app)
    assert user.email_verified_at is not None
    with app.app_context():
        actions = db.session.scalars(db.select(AuditEntry.action)).all()
    assert "user.registered" in actions and "user.email_verified" in actions


def test_verification_email_is_in_the_users_language(app, client, run_jobs):
    client.get("/language/ky")
    post_form(client, "/account/register", GOOD)
    run_jobs()
    [message] = outbox_messages(app)
    assert "Аялдардын" in message["Subject"] or "лаборатория" in message["Subject"]


def _answer(client, data):
    response = post_form(client, "/account/register", data)
    page = client.get(response.headers.get("Location", "/")).get_data(as_text=True)
    main = page.split('<main id="main"', 1)[-1]
    return response.status_code, response.headers.get("Location"), re.sub(r'value="[^"]*"', "", main)


def test_registration_answers_the_same_for_new_and_existing_addresses(app, run_jobs):
    """Nobody learns from the form whether an address has an account: the
    owner of an existing one gets an email in her language instead."""
    with app.app_context():
        UserFactory(email="aigul@example.org", full_name="Айгүл", locale="ky")
    existing = _answer(app.test_client(), GOOD)  # Aigul@Example.org: any case
    new = _answer(app.test_client(), dict(GOOD, email="Zhyldyz@Example.org"))
    assert existing == new
    assert existing[0] == 302
    assert len(_users(app)) == 2
    with app.app_context():
        owner = db.session.scalar(db.select(User).where(User.email == "aigul@example.org"))
        assert owner.full_name == "Айгүл" and owner.password_hash != ""  # nothing changed
    run_jobs()
    by_address = {m["To"]: m for m in outbox_messages(app)}
    assert set(by_address) == {"aigul@example.org", "zhyldyz@example.org"}
    notice = by_address["aigul@example.org"]
    assert "/account/verify/" not in link_in(notice)
    assert "/account/forgot" in notice.get_body(("plain",)).get_content()
    assert "аккаунт" in notice["Subject"].lower() or "каттал" in notice["Subject"].lower()


def test_registration_does_not_sign_in_until_the_address_is_confirmed(app, client, run_jobs):
    """Signing in at once would tell a new address from a taken one; the
    verification link signs her in instead, once."""
    post_form(client, "/account/register", GOOD)
    assert client.get("/account/").status_code == 302
    run_jobs()
    link = link_in(outbox_messages(app)[0]).replace("http://localhost", "")
    assert client.get(link).status_code == 302
    assert client.get("/account/").status_code == 200
    other = app.test_client()
    other.get(link)  # a second use of the link confirms nothing new and signs nobody in
    assert other.get("/account/").status_code == 302


def test_weak_password_is_refused(app, client):
    for weak in ("short", "password123", "qwertyuiop", "aaaaaaaaaaaa", "abcdefghijk", "aigul-rocks-1"):
        data = dict(GOOD, password=weak, confirm=weak)
        response = post_form(client, "/account/register", data)
        assert response.status_code == 422, weak
    assert _users(app) == []


def test_oversize_and_malformed_fields_are_refused(app, client):
    for data in (
        dict(GOOD, full_name="x" * 500),
        dict(GOOD, email="not-an-email"),
        dict(GOOD, confirm="something else"),
    ):
        response = post_form(client, "/account/register", data)
        assert response.status_code == 422
    assert _users(app) == []


def test_tampered_verification_token_is_refused(app, client, run_jobs):
    post_form(client, "/account/register", GOOD)
    run_jobs()
    link = link_in(outbox_messages(app)[0])
    response = client.get(link.replace("http://localhost", "")[:-3] + "abc")
    assert response.status_code == 400
    assert _users(app)[0].email_verified_at is None


def test_expired_verification_token_is_refused(app, client, run_jobs, monkeypatch):
    post_form(client, "/account/register", GOOD)
    run_jobs()
    link = link_in(outbox_messages(app)[0]).replace("http://localhost", "")
    monkeypatch.setitem(app.config, "EMAIL_TOKEN_MAX_AGE", -1)  # any age is too old
    response = client.get(link)
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)
    assert _users(app)[0].email_verified_at is None


def test_missing_csrf_token_is_refused(app, client):
    response = client.post("/account/register", data=GOOD)
    assert response.status_code == 400
    assert _users(app) == []


def test_login_and_logout(app, client):
    with app.app_context():
        UserFactory(email="mentor@example.org")
    response = post_form(client, "/account/login", {"email": "MENTOR@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/account/").status_code == 200
    post_form(client, "/account/logout", {}, get_path="/account/")
    assert client.get("/account/").status_code == 302


def test_wrong_password_is_refused(app, client):
    with app.app_context():
        UserFactory(email="mentor@example.org")
    response = post_form(
        client, "/account/login", {"email": "mentor@example.org", "password": "nope nope nope"}
    )
    assert response.status_code == 422
    assert client.get("/account/").status_code == 302


def test_two_registrations_of_one_address_at_once_answer_alike(app, run_jobs, monkeypatch):
    """Both requests see no account, both insert: the loser must not answer 500
    (or "already exists"); she is treated as a registration for an existing address."""
    import threading

    from wcl.accounts import services

    barrier = threading.Barrier(2, timeout=10)
    real_lookup = services.get_user_by_email
    first_look = threading.local()

    def racing_lookup(email):
        found = real_lookup(email)
        if not getattr(first_look, "done", False):
            first_look.done = True
            barrier.wait()  # both threads have looked before either inserts
        return found

    monkeypatch.setattr(services, "get_user_by_email", racing_lookup)
    monkeypatch.setattr(services, "_email_taken", lambda email: False)
    errors = []

    def register():
        with app.app_context():
            try:
                services.register_user(GOOD["email"], GOOD["password"], GOOD["full_name"])
            except Exception as exc:  # noqa: BLE001 - the test reports any failure
                errors.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=register) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(_users(app)) == 1
    run_jobs()
    subjects = sorted(m["X-WCL-Template"] for m in outbox_messages(app))
    assert subjects == ["accounts/already_registered", "accounts/verify_email"]
