"""Configuration classes, read from the environment.

The names of the environment variables are fixed by ../shared/DESIGN.md
("Environment contract"). ``create_app`` picks a class by the ``WCL_ENV``
variable (development, testing, production) unless it is handed one.
"""

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("WCL_INSTANCE_DIR", BASE_DIR / "instance"))

DEV_SECRET_KEY = "dev-only-secret-key-change-me"
DEV_WEBHOOK_SECRET = "whsec_dev_sandbox_secret"
TESTING_SECRET_KEY = "testing-secret-key"
# The key the fake local provider of tests and the demo signs with.
DEV_LOCAL_PAY_SECRET = "local_pay_dev_secret"
# Published in this repository, so known to anyone: never accepted in production.
DEV_SECRETS = frozenset({DEV_SECRET_KEY, DEV_WEBHOOK_SECRET, TESTING_SECRET_KEY, DEV_LOCAL_PAY_SECRET})
SECRET_SETTINGS = (
    "SECRET_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "STRIPE_SECRET_KEY",
    "MAIL_PASSWORD",
    "LOCAL_PAY_SECRET",
)


def _env(name, default=None):
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _normalise_db_url(url):
    """Make plain ``postgres://``/``postgresql://`` URLs use psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "base"
    SECRET_KEY = _env("SECRET_KEY", DEV_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = _normalise_db_url(
        _env("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'wcl.sqlite3'}")
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = _env("REDIS_URL")
    BASE_URL = _env("WCL_BASE_URL", "http://localhost:5000")

    # Sessions and cookies (OWASP ASVS 5.0 level 2).
    SESSION_COOKIE_NAME = "wcl_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 14
    # Server-side sessions (wcl/accounts/sessions.py): "keep me signed in" lasts
    # 30 days, other sessions a day; staff and admins are signed out after 30
    # minutes without a request.
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    SESSION_LIFETIME = int(_env("WCL_SESSION_LIFETIME", str(60 * 60 * 24)))
    STAFF_IDLE_TIMEOUT = int(_env("WCL_STAFF_IDLE_TIMEOUT", str(30 * 60)))
    WTF_CSRF_TIME_LIMIT = 60 * 60 * 8
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024

    # Languages and time.
    LANGUAGES = ("en", "ru", "ky")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "Asia/Bishkek"
    DEFAULT_CURRENCY = "KGS"

    # Tokens.
    EMAIL_TOKEN_MAX_AGE = 60 * 60 * 24 * 3
    RESET_TOKEN_MAX_AGE = 60 * 60

    # Rate limits (Flask-Limiter). Storage is Redis when REDIS_URL is set; when
    # Redis is down the limits are counted in memory (logged once, when it
    # happens) instead of failing sign-in and pledging, and Redis is tried again.
    RATELIMIT_ENABLED = True
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 2}
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute;50 per hour"  # per IP
    LOGIN_ACCOUNT_RATE_LIMIT = "5 per minute;20 per hour"  # failed attempts on one account, any IP
    REGISTER_RATE_LIMIT = "5 per hour;20 per day"  # per IP
    REGISTER_ADDRESS_RATE_LIMIT = "3 per hour;5 per day"  # per email address, any IP
    RESET_RATE_LIMIT = "5 per minute;20 per hour"

    # Mail.
    MAIL_SERVER = _env("MAIL_SERVER")
    MAIL_PORT = int(_env("MAIL_PORT", "587"))
    MAIL_USERNAME = _env("MAIL_USERNAME")
    MAIL_PASSWORD = _env("MAIL_PASSWORD")
    MAIL_USE_TLS = _env("MAIL_USE_TLS", "1") == "1"
    MAIL_DEFAULT_SENDER = _env("MAIL_DEFAULT_SENDER", "Women's Creative Lab <no-reply@wcl.local>")
    # Where "report a problem" and the contact page send people: a staff mailbox that is read.
    CONTACT_EMAIL = _env("WCL_CONTACT_EMAIL", "hello@wcl.local")
    OUTBOX_DIR = _env("WCL_OUTBOX_DIR", str(INSTANCE_DIR / "outbox"))
    MAIL_TO_CONSOLE = True

    # Uploaded and generated files live outside the web root.
    STORAGE_DIR = _env("WCL_STORAGE_DIR", str(INSTANCE_DIR / "files"))

    # Payments.
    STRIPE_SECRET_KEY = _env("STRIPE_SECRET_KEY")
    STRIPE_WEBHOOK_SECRET = _env("STRIPE_WEBHOOK_SECRET", DEV_WEBHOOK_SECRET)
    STRIPE_API_BASE = _env("STRIPE_API_BASE")
    # The local hosted-page provider (wcl/payments/providers/local.py): available when all three are set.
    LOCAL_PAY_API_BASE = _env("LOCAL_PAY_API_BASE")
    LOCAL_PAY_MERCHANT_ID = _env("LOCAL_PAY_MERCHANT_ID")
    LOCAL_PAY_SECRET = _env("LOCAL_PAY_SECRET")
    # Without those three, outside production: a demo mode whose hosted page the app serves itself
    # (clearly marked; no money moves), so the embedded default shows the whole flow. 0 turns it off.
    LOCAL_PAY_DEMO = _env("LOCAL_PAY_DEMO", "1") == "1"
    # Its name as backers know it (on the pledge form, receipts and the register).
    LOCAL_PAY_NAME = _env("LOCAL_PAY_NAME", "")
    # Minutes a local pledge waits for its callback before the poll asks the provider.
    LOCAL_PAY_POLL_AFTER = int(_env("LOCAL_PAY_POLL_AFTER", "10"))
    # How long a bank-transfer pledge holds its reward while the money travels.
    BANK_TRANSFER_HOLD_HOURS = int(_env("BANK_TRANSFER_HOLD_HOURS", "72"))
    # Largest bank statement staff may upload (bytes).
    STATEMENT_MAX_BYTES = int(_env("WCL_STATEMENT_MAX_BYTES", str(8 * 1024 * 1024)))

    # Seed grants: a tranche above this amount (minor units of the fund's currency;
    # default 50 000 som) is released only when a second, different staff member approves.
    GRANT_SECOND_APPROVAL_ABOVE = int(_env("WCL_GRANT_SECOND_APPROVAL_ABOVE", "5000000"))

    # The organisation named on receipts, per language (defaults: wcl/data/organisation.json;
    # a language left unset falls back to the English setting when that is set).
    ORG_NAME = _env("WCL_ORG_NAME")
    ORG_NAME_RU = _env("WCL_ORG_NAME_RU")
    ORG_NAME_KY = _env("WCL_ORG_NAME_KY")
    ORG_ADDRESS = _env("WCL_ORG_ADDRESS")
    ORG_ADDRESS_RU = _env("WCL_ORG_ADDRESS_RU")
    ORG_ADDRESS_KY = _env("WCL_ORG_ADDRESS_KY")
    ORG_REGISTRATION = _env("WCL_ORG_REGISTRATION", "")
    # The IATI activity file (outcomes): the organisation identifier and the yearly budget
    # in tyiyn (no budget element when unset); SMS gateway class (default: the outbox).
    IATI_ORG_REF = _env("WCL_IATI_ORG_REF", "KG-WCL")
    IATI_ANNUAL_BUDGET = int(_env("WCL_IATI_ANNUAL_BUDGET", "0")) or None
    OUTCOMES_SMS_CHANNEL = _env("WCL_OUTCOMES_SMS_CHANNEL")

    # Jobs run inline exactly when no REDIS_URL is configured: decided in
    # ``wcl.queue.init_app`` from the final settings, so an override counts too.

    # Reverse proxies in front of gunicorn (nginx, a load balancer) whose
    # X-Forwarded-For/-Proto/-Host are trusted. 0: none, the socket's address is
    # the client's. Behind one proxy set 1, or every visitor shares one rate limit.
    TRUSTED_PROXIES = int(_env("WCL_TRUSTED_PROXIES", "0"))

    # Guests' campaign pages are kept in Redis this long at most (0: off); any
    # change to what they show makes them stale at once (campaigns/page_cache.py).
    PAGE_CACHE_SECONDS = int(_env("WCL_PAGE_CACHE_SECONDS", "60"))


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    DEBUG = False


class TestingConfig(Config):
    """Tests run against PostgreSQL and Redis, as production does."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = TESTING_SECRET_KEY
    SQLALCHEMY_DATABASE_URI = _normalise_db_url(
        _env("WCL_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    )
    REDIS_URL = _env("WCL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    JOBS_INLINE = False
    LOCAL_PAY_DEMO = False
    MAIL_SERVER = None
    MAIL_TO_CONSOLE = False
    WTF_CSRF_ENABLED = True
    RATELIMIT_ENABLED = False
    BASE_URL = "http://localhost"
    SERVER_NAME = None


class ProductionConfig(Config):
    """Refuses to start without real secrets or with a development one (see ``validate``)."""

    ENV_NAME = "production"
    # No development default: without a real secret every webhook is refused.
    STRIPE_WEBHOOK_SECRET = _env("STRIPE_WEBHOOK_SECRET")
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-wcl_session"
    REMEMBER_COOKIE_SECURE = True
    MAIL_TO_CONSOLE = False

    @classmethod
    def validate(cls, settings):
        problems = [
            f"{name} is a development value" for name in SECRET_SETTINGS if settings.get(name) in DEV_SECRETS
        ]
        if settings.get("SECRET_KEY") in (None, "", DEV_SECRET_KEY) or len(settings["SECRET_KEY"]) < 32:
            problems.append("SECRET_KEY must be set to a random value of at least 32 characters")
        if not _env("DATABASE_URL") and str(settings.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite"):
            problems.append("DATABASE_URL must point at the production database")
        if settings.get("STRIPE_SECRET_KEY") and not settings.get("STRIPE_WEBHOOK_SECRET"):
            problems.append("STRIPE_WEBHOOK_SECRET must be set when STRIPE_SECRET_KEY is")
        local = ("LOCAL_PAY_API_BASE", "LOCAL_PAY_MERCHANT_ID", "LOCAL_PAY_SECRET")
        if any(settings.get(k) for k in local) and not all(settings.get(k) for k in local):
            problems.append("LOCAL_PAY_API_BASE, LOCAL_PAY_MERCHANT_ID and LOCAL_PAY_SECRET go together")
        if settings.get("LOCAL_PAY_SECRET") and len(settings["LOCAL_PAY_SECRET"]) < 16:
            problems.append("LOCAL_PAY_SECRET is too short")
        if problems:
            raise RuntimeError("Refusing to start: " + "; ".join(problems))


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def get_config(name=None):
    """Return the config class for ``name`` (default: ``$WCL_ENV`` or development)."""
    name = name or _env("WCL_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"Unknown WCL_ENV {name!r}; use one of {', '.join(CONFIGS)}") from None
