"""Migrations upgrade a fresh SQLite file and a fresh PostgreSQL database, and match the models."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from wcl import create_app
from wcl.extensions import db


def _upgrade_and_compare(url):
    app = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": None})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata
            )
            tables = set(sa.inspect(conn).get_table_names())
        db.engine.dispose()
    return diff, tables


def test_migrations_upgrade_fresh_sqlite(tmp_path):
    diff, tables = _upgrade_and_compare(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    assert diff == [], diff
    assert {"users", "user_roles", "demographics", "labs", "audit_entries"} <= tables


def test_migrations_upgrade_fresh_postgresql(database_url):
    name = f"{database_url.database}_migrations"
    admin = sa.create_engine(database_url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        diff, tables = _upgrade_and_compare(
            database_url.set(database=name).render_as_string(hide_password=False)
        )
        assert diff == [], diff
        assert "alembic_version" in tables
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
