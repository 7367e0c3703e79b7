"""App-wide behaviour: health, headers, error pages, config, money and time."""

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from flask_babel import force_locale

import config
from wcl import create_app
from wcl.money import MoneyError, format_money, parse_amount, to_major


def test_healthz_reports_database_and_redis(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"database": "ok", "redis": "ok", "status": "ok"}


def test_healthz_is_degraded_when_redis_is_down(make_app):
    """Pages, sign-in and pledging still work without Redis (jobs wait in the outbox):
    the web process stays in service and says it is degraded."""
    app = make_app(REDIS_URL="redis://127.0.0.1:1/0")
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.json == {"database": "ok", "redis": "error", "status": "degraded"}


def test_healthz_fails_when_the_database_is_down(make_app):
    app = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://postgres@127.0.0.1:1/none")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "error" and response.json["status"] == "error"


def test_security_headers(client):
    headers = client.get("/").headers
    csp = headers["Content-Security-Policy"]
    assert "base-uri 'none'" in csp and "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    # No inline or eval'd script: an injected <script> or onclick= does not run.
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"


def test_404_page_is_translated_and_leaks_nothing(client):
    response = client.get("/no/such/page", headers={"Accept-Language": "ru"})
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "Страница не найдена" in body
    assert "Traceback" not in body and "werkzeug" not in body.lower()


def test_500_page_leaks_nothing(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.route("/_boom")
    def boom():
        raise RuntimeError("secret detail")

    response = app.test_client().get("/_boom")
    assert response.status_code == 500
    assert "secret detail" not in response.get_data(as_text=True)


def test_production_refuses_to_start_without_secrets(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(config.ProductionConfig, overrides={"SECRET_KEY": config.DEV_SECRET_KEY})
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        create_app(
            config.ProductionConfig,
            overrides={"SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite:///x.db"},
        )


def test_production_cookie_settings():
    assert config.ProductionConfig.SESSION_COOKIE_SECURE is True
    assert config.ProductionConfig.SESSION_COOKIE_NAME.startswith("__Host-")
    assert config.Config.SESSION_COOKIE_SAMESITE == "Lax"


@pytest.mark.parametrize(
    ("text", "minor"),
    [("500", 50000), ("1 500,50", 150050), ("1\u00a0500.5", 150050), ("0.01", 1)],
)
def test_parse_amount(text, minor):
    assert parse_amount(text, "KGS") == minor


@pytest.mark.parametrize("text", ["", "abc", "-5", "0", "1.234", "NaN", "Infinity", "1e30"])
def test_parse_amount_refuses_bad_input(app_ctx, text):
    with pytest.raises(MoneyError):
        parse_amount(text, "KGS")


def test_parse_amount_refuses_unknown_currency(app_ctx):
    with pytest.raises(MoneyError):
        parse_amount("5", "XYZ")


def test_money_is_formatted_per_locale(app_ctx):
    assert to_major(50000) == Decimal("500.00")
    with app_ctx.test_request_context():
        with force_locale("ky"):
            assert format_money(150000, "KGS") == "1\u00a0500\u00a0сом"
        with force_locale("ru"):
            assert format_money(150050, "KGS") == "1\u00a0500,50\u00a0KGS"
        with force_locale("en"):
            assert format_money(150000, "USD") == "$1,500"
            # A word-like currency symbol is kept apart from the digits.
            assert format_money(150000, "KGS") == "KGS\u00a01,500"
            assert format_money(150050, "KGS") == "KGS\u00a01,500.50"


def test_utc_datetime_roundtrip_and_local_display(app_ctx):
    from wcl.accounts.models import User
    from wcl.extensions import db
    from wcl.time import datetime_filter

    moment = datetime(2026, 3, 8, 4, 30, tzinfo=timezone(timedelta(hours=6)))
    user = User(email="t@example.org", password_hash="x", full_name="T", created_at=moment)
    db.session.add(user)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(User, user.id).created_at
    assert stored == moment and stored.tzinfo is not None
    assert stored.utcoffset() == timedelta(0)
    with app_ctx.test_request_context(headers={"Accept-Language": "en"}):
        assert "4:30" in datetime_filter(stored.astimezone(UTC))  # shown in Asia/Bishkek


def test_naive_datetimes_are_refused(app_ctx):
    from sqlalchemy.exc import StatementError

    from wcl.accounts.models import User
    from wcl.extensions import db

    db.session.add(
        User(email="n@example.org", password_hash="x", full_name="N", created_at=datetime(2026, 1, 1))
    )
    with pytest.raises(StatementError):
        db.session.commit()
    db.session.rollback()


def test_form_times_are_read_as_bishkek_time(app):
    from wcl.time import local_to_utc

    with app.test_request_context():
        assert local_to_utc(datetime(2026, 5, 1, 10, 0)) == datetime(2026, 5, 1, 4, 0, tzinfo=UTC)


def test_dates_are_formatted_per_locale_in_bishkek_time(app_ctx):
    """22:30 UTC on 7 March is already 8 March in Kyrgyzstan (UTC+6)."""
    from wcl.time import date_filter, datetime_filter

    moment = datetime(2026, 3, 7, 22, 30, tzinfo=UTC)
    expected = {
        "en": ("8 March 2026", "04:30"),
        "ru": ("8 марта 2026 г.", "04:30"),
        "ky": ("2026-ж., 8-март", "04:30"),
    }
    with app_ctx.test_request_context():
        for locale, (day, clock) in expected.items():
            with force_locale(locale):
                assert date_filter(moment) == day, locale
                assert datetime_filter(moment).startswith(day) and clock in datetime_filter(moment), locale


def test_production_session_cookie_is_secure_host_only_and_not_scriptable(app):
    """The real Set-Cookie header a production app sends, not just its settings."""
    settings = {
        key: app.config[key] for key in ("SQLALCHEMY_DATABASE_URI", "REDIS_URL", "OUTBOX_DIR", "STORAGE_DIR")
    }
    production = create_app(
        "production", overrides={**settings, "SECRET_KEY": "s" * 48, "RATELIMIT_ENABLED": False}
    )
    client = production.test_client()
    response = client.get(
        "/account/login", base_url="https://wcl.example"
    )  # the form's CSRF token starts a session
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("__Host-wcl_session="))
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"secure", "httponly", "path"} <= attributes and "domain" not in attributes
    assert "SameSite=Lax" in cookie and "Path=/" in cookie


def test_mail_goes_through_smtp_with_tls_and_login_when_configured(app_ctx, monkeypatch):
    """With MAIL_SERVER set the job speaks SMTP (STARTTLS, login) instead of writing the outbox."""
    from wcl import mail

    sessions = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            self.calls = [("connect", host, port, timeout)]
            sessions.append(self)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.calls.append(("quit",))

        def starttls(self):
            self.calls.append(("starttls",))

        def login(self, user, password):
            self.calls.append(("login", user, password))

        def send_message(self, message):
            self.calls.append(("send", message["To"], message["Subject"], message.get_content().strip()))

    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSMTP)
    # The session's app is shared by every test: change its settings only for this one.
    for key, value in {
        "MAIL_SERVER": "smtp.example.org",
        "MAIL_PORT": 587,
        "MAIL_USE_TLS": True,
        "MAIL_USERNAME": "wcl",
        "MAIL_PASSWORD": "pw",
    }.items():
        monkeypatch.setitem(app_ctx.config, key, value)
    assert mail.send({"to": "aida@example.org", "subject": "Салам", "text": "Текст"}) is None
    [smtp] = sessions
    assert smtp.calls == [
        ("connect", "smtp.example.org", 587, 30),
        ("starttls",),
        ("login", "wcl", "pw"),
        ("send", "aida@example.org", "Салам", "Текст"),
        ("quit",),
    ]
    assert not any(Path(app_ctx.config["OUTBOX_DIR"]).glob("*.eml"))
