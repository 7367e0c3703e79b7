"""Sessions live on the server: signing out ends them, and they end on their own."""

from datetime import timedelta
from email.utils import parsedate_to_datetime
from http.cookies import SimpleCookie

from tests.factories.accounts import PASSWORD, UserFactory
from tests.helpers import login, post_form
from wcl.accounts.models import User, UserSession
from wcl.extensions import db
from wcl.time import utcnow

SESSION_COOKIE = "wcl_session"
REMEMBER_COOKIE = "remember_token"


def _cookie(client, name):
    cookie = client.get_cookie(name)
    assert cookie is not None, name
    return cookie.value


def _browser_with(app, name, value):
    browser = app.test_client()
    browser.set_cookie(name, value)
    return browser


def _signed_in(client):
    return client.get("/account/").status_code == 200


def _logout(client):
    response = post_form(client, "/account/logout", {}, get_path="/account/")
    assert response.status_code == 302


def test_a_saved_session_cookie_stops_working_at_logout(app, client):
    with app.app_context():
        UserFactory(email="a@example.org")
    login(client, "a@example.org", PASSWORD)
    saved = _cookie(client, SESSION_COOKIE)
    assert _signed_in(_browser_with(app, SESSION_COOKIE, saved))
    _logout(client)
    assert not _signed_in(client)
    assert not _signed_in(_browser_with(app, SESSION_COOKIE, saved))


def test_a_saved_remember_cookie_stops_working_at_logout(app, client):
    with app.app_context():
        UserFactory(email="a@example.org")
    post_form(client, "/account/login", {"email": "a@example.org", "password": PASSWORD, "remember": "y"})
    saved = _cookie(client, REMEMBER_COOKIE)
    assert _signed_in(_browser_with(app, REMEMBER_COOKIE, saved))
    _logout(client)
    assert not _signed_in(_browser_with(app, REMEMBER_COOKIE, saved))


def test_sign_out_everywhere_ends_every_session(app):
    with app.app_context():
        UserFactory(email="a@example.org")
        UserFactory(email="b@example.org")
    phone, laptop, someone_else = app.test_client(), app.test_client(), app.test_client()
    login(phone, "a@example.org", PASSWORD)
    login(laptop, "a@example.org", PASSWORD)
    login(someone_else, "b@example.org", PASSWORD)
    assert "/account/sessions/end-all" in laptop.get("/account/").get_data(as_text=True)
    response = post_form(laptop, "/account/sessions/end-all", {}, get_path="/account/")
    assert response.status_code == 302
    assert not _signed_in(phone) and not _signed_in(laptop)
    assert _signed_in(someone_else)


def test_logout_on_one_device_keeps_the_others(app):
    with app.app_context():
        UserFactory(email="a@example.org")
    phone, laptop = app.test_client(), app.test_client()
    login(phone, "a@example.org", PASSWORD)
    login(laptop, "a@example.org", PASSWORD)
    _logout(laptop)
    assert _signed_in(phone)


def test_each_sign_in_gets_a_new_session_id_and_a_fresh_session(app, client):
    with app.app_context():
        user = UserFactory(email="a@example.org")
        user_id = user.id
    ids = []
    for _ in range(2):
        with client.session_transaction() as session:
            session["planted"] = "by someone else"
        login(client, "a@example.org", PASSWORD)
        with client.session_transaction() as session:
            assert "planted" not in session
            ids.append(session["_user_id"])
        _logout(client)
    assert ids[0] != ids[1]
    assert not any(i.startswith(f"{user_id}:") or i == str(user_id) for i in ids)


def test_remember_me_lasts_at_most_30_days(app, client):
    with app.app_context():
        UserFactory(email="a@example.org")
    response = post_form(
        client, "/account/login", {"email": "a@example.org", "password": PASSWORD, "remember": "y"}
    )
    cookies = SimpleCookie()
    for header in response.headers.getlist("Set-Cookie"):
        cookies.load(header)
    expires = parsedate_to_datetime(cookies[REMEMBER_COOKIE]["expires"])
    assert expires <= utcnow() + timedelta(days=30, minutes=1)
    with app.app_context():
        row = db.session.scalar(db.select(UserSession))
        assert row.expires_at <= utcnow() + timedelta(days=30)
        row.expires_at = utcnow() - timedelta(seconds=1)  # 30 days later
        db.session.commit()
    saved = _cookie(client, REMEMBER_COOKIE)
    assert not _signed_in(_browser_with(app, REMEMBER_COOKIE, saved))


def _idle(app, seconds):
    with app.app_context():
        for row in db.session.scalars(db.select(UserSession)):
            row.last_seen_at = utcnow() - timedelta(seconds=seconds)
        db.session.commit()


def test_staff_and_admins_are_signed_out_when_idle(app):
    with app.app_context():
        UserFactory(email="staff@example.org", roles=["staff"])
        UserFactory(email="admin@example.org", roles=["admin"])
        UserFactory(email="applicant@example.org", roles=["applicant"])
    clients = {email: app.test_client() for email in ("staff@", "admin@", "applicant@")}
    for prefix, browser in clients.items():
        login(browser, f"{prefix}example.org", PASSWORD)
    _idle(app, app.config["STAFF_IDLE_TIMEOUT"] - 120)
    assert all(_signed_in(browser) for browser in clients.values())  # and that counts as activity
    _idle(app, app.config["STAFF_IDLE_TIMEOUT"] + 1)
    assert not _signed_in(clients["staff@"])
    assert not _signed_in(clients["admin@"])
    assert _signed_in(clients["applicant@"])


def test_a_password_reset_ends_every_session(app, client, run_jobs):
    from tests.helpers import link_in, outbox_messages

    with app.app_context():
        UserFactory(email="a@example.org")
    phone = app.test_client()
    login(phone, "a@example.org", PASSWORD)
    post_form(client, "/account/forgot", {"email": "a@example.org"})
    run_jobs()
    link = link_in(outbox_messages(app)[0]).replace("http://localhost", "")
    post_form(client, link, {"password": "new felt pattern", "confirm": "new felt pattern"})
    assert _signed_in(client)  # the reset signs in here
    assert not _signed_in(phone)


def test_a_deactivated_account_loses_its_sessions(app, client):
    with app.app_context():
        UserFactory(email="a@example.org")
    login(client, "a@example.org", PASSWORD)
    with app.app_context():
        db.session.scalar(db.select(User)).is_active_account = False
        db.session.commit()
    assert not _signed_in(client)


def test_the_hourly_job_purges_sessions_that_can_no_longer_sign_in(app):
    from wcl.accounts.jobs import purge_expired_sessions
    from wcl.schedule import PERIODIC_JOBS

    assert "wcl.accounts.jobs.purge_expired_sessions" in {job.func_path for job in PERIODIC_JOBS}
    with app.app_context():
        UserFactory(email="staff@example.org", roles=["staff"])
        UserFactory(email="applicant@example.org", roles=["applicant"])
        UserFactory(email="gone@example.org", roles=["applicant"])
    for email in ("staff@example.org", "applicant@example.org", "gone@example.org"):
        login(app.test_client(), email, PASSWORD)
    idle = timedelta(seconds=app.config["STAFF_IDLE_TIMEOUT"] + 60)
    with app.app_context():
        rows = {row.user.email: row for row in db.session.scalars(db.select(UserSession))}
        for row in rows.values():
            row.last_seen_at = utcnow() - idle  # idle: ends staff only
        rows["gone@example.org"].expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        assert purge_expired_sessions() == 2
        left = {row.user.email for row in db.session.scalars(db.select(UserSession))}
        assert left == {"applicant@example.org"}
        assert purge_expired_sessions() == 0


def test_a_signed_in_request_loads_her_session_user_and_roles_in_one_query(app, client, count_queries):
    # Every signed-in request pays for this first: the session row, her user row and
    # her roles come in one statement. It was six statements on /healthz, then three while
    # its rollback expired her row and the no-store header read it again.
    with app.app_context():
        UserFactory(email="a@example.org", roles=["staff"])
    login(client, "a@example.org", PASSWORD)
    client.get("/healthz")
    with count_queries() as queries:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    assert len(queries) == 2, queries  # her session (with user and roles), SELECT 1


def test_her_roles_read_with_her_session_give_way_to_a_change(app):
    # The session loader reads her roles' names with her row instead of loading the
    # collection; a role granted in the same request, or committed by anyone, must show.
    from wcl.accounts.models import UserRole
    from wcl.accounts.services import grant_role
    from wcl.accounts.sessions import open_session, user_for_token

    with app.app_context():
        admin = UserFactory(email="admin@example.org", roles=["admin"])
        token = open_session(admin)
        db.session.commit()
    with app.test_request_context("/"):
        her = user_for_token(token)
        assert "roles" not in her.__dict__  # read as names, not as a collection
        assert her.role_names == {"admin"}
        grant_role(her, her, "staff")
        assert her.role_names == {"admin", "staff"}
        db.session.commit()
        assert her.role_names == {"admin", "staff"}
        db.session.remove()

        her = user_for_token(token)
        assert her.role_names == {"admin", "staff"}
        db.session.add(UserRole(user_id=her.id, role="mentor"))  # not through her collection
        db.session.commit()
        assert her.role_names == {"admin", "staff", "mentor"}
