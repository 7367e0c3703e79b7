"""Rate limits, safe redirects, password reset and sessions."""

from tests.factories.accounts import PASSWORD, UserFactory
from tests.helpers import link_in, login, outbox_messages, post_form
from wcl.accounts.models import User
from wcl.accounts.passwords import verify_password
from wcl.accounts.tokens import VERIFY_EMAIL, make_token
from wcl.audit.models import AuditEntry
from wcl.extensions import db


def test_login_is_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    codes = [
        post_form(
            client, "/account/login", {"email": "a@example.org", "password": "wrong password"}
        ).status_code
        for _ in range(4)
    ]
    assert codes == [422, 422, 422, 429]


def _failed_logins(client, forwarded_for, times, email="a@example.org"):
    headers = {"X-Forwarded-For": forwarded_for}
    return [
        post_form(
            client,
            "/account/login",
            {"email": email, "password": "wrong password"},
            headers=headers,
            environ_base={"REMOTE_ADDR": "10.0.0.2"},  # the proxy
        ).status_code
        for _ in range(times)
    ]


def test_behind_a_trusted_proxy_each_visitor_has_her_own_login_limit(make_app):
    """With WCL_TRUSTED_PROXIES=1 the limit is keyed on the visitor's address
    from X-Forwarded-For, not on the proxy's, which everyone would share."""
    client = make_app(
        RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute", TRUSTED_PROXIES=1
    ).test_client()
    assert _failed_logins(client, "203.0.113.7", 4) == [422, 422, 422, 429]
    assert _failed_logins(client, "198.51.100.9", 1) == [422]  # another visitor, same proxy


def test_without_trusted_proxies_forwarded_for_is_ignored(make_app):
    """Otherwise anyone could dodge the limit by sending a new X-Forwarded-For each time."""
    client = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute").test_client()
    codes = [_failed_logins(client, f"203.0.113.{n}", 1)[0] for n in range(4)]
    assert codes == [422, 422, 422, 429]


def test_next_redirect_is_followed_only_when_local(app, client):
    with app.app_context():
        UserFactory(email="a@example.org")
    for target, expected in (
        ("/account/password", "/account/password"),
        ("//evil.example", "/"),
        ("https://evil.example/x", "/"),
        ("/\\evil.example", "/"),
    ):
        client.get("/")
        response = post_form(
            client,
            f"/account/login?next={target}",
            {"email": "a@example.org", "password": PASSWORD},
            get_path="/account/login",
        )
        assert response.status_code == 302
        assert response.headers["Location"] == expected, target
        post_form(client, "/account/logout", {}, get_path="/account/")


def test_password_reset_flow_single_use(app, client, run_jobs):
    with app.app_context():
        UserFactory(email="a@example.org")
    post_form(client, "/account/forgot", {"email": "A@example.org"})
    run_jobs()
    link = link_in(outbox_messages(app)[0]).replace("http://localhost", "")
    response = post_form(client, link, {"password": "new felt pattern", "confirm": "new felt pattern"})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(db.select(User))
        assert verify_password(user.password_hash, "new felt pattern")
    # The same link cannot be used twice.
    client2 = app.test_client()
    response = client2.get(link)
    assert response.status_code == 302 and "/account/forgot" in response.headers["Location"]


def test_reset_for_unknown_email_says_the_same_and_sends_nothing(app, client, run_jobs):
    response = post_form(client, "/account/forgot", {"email": "nobody@example.org"})
    assert response.status_code == 302
    run_jobs()
    assert outbox_messages(app) == []


def test_expired_reset_link_is_refused(app, client, run_jobs, monkeypatch):
    with app.app_context():
        UserFactory(email="a@example.org")
    post_form(client, "/account/forgot", {"email": "a@example.org"})
    run_jobs()
    link = link_in(outbox_messages(app)[0]).replace("http://localhost", "")
    monkeypatch.setitem(app.config, "RESET_TOKEN_MAX_AGE", -1)  # any age is too old
    response = client.get(link)
    assert response.status_code == 302 and "/account/forgot" in response.headers["Location"]
    with app.app_context():
        assert verify_password(db.session.scalar(db.select(User)).password_hash, PASSWORD)


def test_changing_password_signs_out_other_sessions(app):
    with app.app_context():
        UserFactory(email="a@example.org")
    phone, laptop = app.test_client(), app.test_client()
    login(phone, "a@example.org", PASSWORD)
    login(laptop, "a@example.org", PASSWORD)
    response = post_form(
        laptop,
        "/account/password",
        {"current_password": PASSWORD, "password": "a brand new phrase", "confirm": "a brand new phrase"},
    )
    assert response.status_code == 302
    assert laptop.get("/account/").status_code == 200
    assert phone.get("/account/").status_code == 302


def test_wrong_current_password_changes_nothing(app, client):
    with app.app_context():
        UserFactory(email="a@example.org")
    login(client, "a@example.org", PASSWORD)
    response = post_form(
        client,
        "/account/password",
        {
            "current_password": "not my password",
            "password": "a brand new phrase",
            "confirm": "a brand new phrase",
        },
    )
    assert response.status_code == 200
    with app.app_context():
        assert verify_password(db.session.scalar(db.select(User)).password_hash, PASSWORD)


def test_password_reset_is_rate_limited(make_app, run_jobs):
    app = make_app(RATELIMIT_ENABLED=True, RESET_RATE_LIMIT="2 per minute")
    client = app.test_client()
    codes = [post_form(client, "/account/forgot", {"email": "a@example.org"}).status_code for _ in range(3)]
    assert codes == [302, 302, 429]


def _tampered(token):
    """The token with one payload character changed (the signature no longer matches)."""
    payload, rest = token.split(".", 1)
    i = len(payload) // 2
    return payload[:i] + ("A" if payload[i] != "A" else "B") + payload[i + 1 :] + "." + rest


def test_tampered_reset_link_is_refused_and_changes_nothing(app, client, run_jobs):
    with app.app_context():
        user = UserFactory(email="a@example.org")
        # The right key and payload, signed for another purpose (email verification).
        other_purpose = make_token(
            VERIFY_EMAIL, {"uid": user.id, "pc": int(user.password_changed_at.timestamp())}
        )
    post_form(client, "/account/forgot", {"email": "a@example.org"})
    run_jobs()
    link = link_in(outbox_messages(app)[0]).replace("http://localhost", "")
    prefix, token = link.rsplit("/", 1)
    for bad in (_tampered(token), token[:-4], other_purpose):
        assert client.get(f"{prefix}/{bad}").status_code == 302
        response = post_form(
            client,
            f"{prefix}/{bad}",
            {"password": "new felt pattern", "confirm": "new felt pattern"},
            get_path="/account/forgot",
            follow_redirects=True,
        )
        assert response.request.path == "/account/forgot"
        html = response.get_data(as_text=True)
        assert "This link is not valid." in html and "expired" not in html, bad
    with app.app_context():
        assert verify_password(db.session.scalar(db.select(User)).password_hash, PASSWORD)
        assert (
            db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "user.password_reset")) is None
        )
    assert client.get("/account/").status_code == 302  # not signed in
    # The genuine link still works: the refusals were about the tampering only.
    assert client.get(link).status_code == 200


def test_login_is_throttled_per_account_across_addresses(make_app):
    """Guessing one person's password from many addresses is throttled too."""
    client = make_app(
        RATELIMIT_ENABLED=True,
        LOGIN_RATE_LIMIT="100 per minute",
        LOGIN_ACCOUNT_RATE_LIMIT="3 per minute",
        TRUSTED_PROXIES=1,
    ).test_client()
    codes = [_failed_logins(client, f"203.0.113.{n}", 1, email="A@example.org")[0] for n in range(4)]
    assert codes == [422, 422, 422, 429]
    assert _failed_logins(client, "203.0.113.50", 1, email="b@example.org") == [422]


def test_a_successful_sign_in_does_not_use_up_the_accounts_allowance(app, make_app):
    with app.app_context():
        UserFactory(email="a@example.org")
    other = make_app(
        RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="100 per minute", LOGIN_ACCOUNT_RATE_LIMIT="2 per minute"
    )
    for _ in range(3):
        client = other.test_client()
        login(client, "a@example.org", PASSWORD)


def _register(client, email, forwarded_for="203.0.113.1"):
    return post_form(
        client,
        "/account/register",
        {
            "full_name": "Aigul",
            "email": email,
            "password": "felt shyrdak pattern",
            "confirm": "felt shyrdak pattern",
        },
        headers={"X-Forwarded-For": forwarded_for},
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    ).status_code


def test_registration_is_rate_limited_per_ip(make_app):
    client = make_app(
        RATELIMIT_ENABLED=True, REGISTER_RATE_LIMIT="3 per hour", TRUSTED_PROXIES=1
    ).test_client()
    assert [_register(client, f"user{n}@example.org") for n in range(4)] == [302, 302, 302, 429]
    assert _register(client, "user9@example.org", forwarded_for="198.51.100.9") == 302


def test_registration_is_rate_limited_per_address(make_app):
    client = make_app(
        RATELIMIT_ENABLED=True,
        REGISTER_RATE_LIMIT="100 per hour",
        REGISTER_ADDRESS_RATE_LIMIT="2 per hour",
        TRUSTED_PROXIES=1,
    ).test_client()
    codes = [_register(client, "Target@example.org", forwarded_for=f"203.0.113.{n}") for n in range(3)]
    assert codes == [302, 302, 429]
    assert _register(client, "someone.else@example.org", forwarded_for="203.0.113.77") == 302
