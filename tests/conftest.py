"""Test fixtures: the app on PostgreSQL and Redis, as in production.

The database is ``$WCL_TEST_DATABASE_URL`` (default: the local ``test``
database); under pytest-xdist each worker gets its own database. Redis is
``$WCL_TEST_REDIS_URL`` when set (one number per xdist worker), else a
redis-server each test process starts for itself, so that nothing else on the
machine (another checkout's tests or workers) can take or flush its jobs.
Tables are created once per session and truncated after each test.
"""

import os
import re
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from redis import Redis
from sqlalchemy import event
from sqlalchemy.engine import make_url

from tests.redis_server import RedisServer
from wcl import create_app
from wcl.extensions import db, limiter
from wcl.i18n import compile_catalogues

BASE_DB_URL = os.environ.get("WCL_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BASE_REDIS_URL = os.environ.get("WCL_TEST_REDIS_URL")


def _worker_index():
    match = re.match(r"gw(\d+)", os.environ.get("PYTEST_XDIST_WORKER", ""))
    return int(match.group(1)) if match else None


def _database_url():
    url = make_url(BASE_DB_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    index = _worker_index()
    if index is None:
        return url
    url = url.set(database=f"{url.database}_gw{index}")
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database})
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()
    return url


def _redis_url():
    index = _worker_index()
    if index is None:
        return BASE_REDIS_URL
    base, _, number = BASE_REDIS_URL.rpartition("/")
    return f"{base}/{int(number) - index}"


@pytest.fixture(scope="session")
def database_url():
    return _database_url()


@pytest.fixture(scope="session")
def redis_url():
    if BASE_REDIS_URL:
        yield _redis_url()
        return
    with RedisServer() as server:
        yield server.url


@pytest.fixture(scope="session")
def app(database_url, redis_url, tmp_path_factory):
    compile_catalogues()
    files = tmp_path_factory.mktemp("files")
    app = create_app(
        "testing",
        overrides={
            "SQLALCHEMY_DATABASE_URI": database_url.render_as_string(hide_password=False),
            "REDIS_URL": redis_url,
            "OUTBOX_DIR": str(files / "outbox"),
            "STORAGE_DIR": str(files / "storage"),
        },
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app


@pytest.fixture(autouse=True)
def _clean_state(request, app):
    """Each test starts with empty tables, empty queues and an empty outbox, and
    with the session app's settings and rate limiting as they were: the limiter is
    shared by every app in the process, so a test that builds a rate-limited app
    would otherwise leave it on for every later test."""
    limiter_enabled = limiter.enabled
    settings = dict(app.config)
    yield
    limiter.enabled = limiter_enabled
    if app.config != settings:  # a test changed the shared app's settings: undo it
        app.config.clear()
        app.config.update(settings)
    with app.app_context():
        db.session.remove()
        tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        with db.engine.begin() as conn:
            conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    Redis.from_url(app.config["REDIS_URL"]).flushdb()
    outbox = app.config["OUTBOX_DIR"]
    if os.path.isdir(outbox):
        for name in os.listdir(outbox):
            os.remove(os.path.join(outbox, name))


@pytest.fixture
def make_app(app):
    """Build another app on the same test database and Redis, with overrides."""

    def build(**overrides):
        settings = {
            key: app.config[key]
            for key in ("SQLALCHEMY_DATABASE_URI", "REDIS_URL", "OUTBOX_DIR", "STORAGE_DIR")
        }
        settings.update(overrides)
        return create_app("testing", overrides=settings)

    return build


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def redis(app):
    return Redis.from_url(app.config["REDIS_URL"])


@pytest.fixture
def run_jobs(app):
    """Drain every queue with a real RQ worker in this process (burst mode)."""
    from tests.helpers import drain_queues

    return lambda: drain_queues(app)


@contextmanager
def _count_queries(engine):
    statements = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


@pytest.fixture
def count_queries(app):
    """``with count_queries() as q: ...; len(q)`` — SQL statements issued."""
    with app.app_context():
        engine = db.engine
    return lambda: _count_queries(engine)
