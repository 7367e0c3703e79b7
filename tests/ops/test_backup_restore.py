"""Backups restore whole: the demo programme in a fresh database, scripts/backup.sh, then
scripts/restore.sh into another fresh database; the restore passes `flask check-ledger`, every
table has the same rows and every stored file the same bytes, and the checks catch a broken copy."""

import hashlib
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from wcl.extensions import db

ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).with_name("flask"))
CHECKS = ("receipt numbers", "refunds", "matching pools", "reward stock", "stored files")


def _run(args, **env):
    environment = {**os.environ, "FLASK_APP": "wcl", **env}
    # The demo runs as `make run` does: jobs inline (no Redis), development settings.
    environment.pop("REDIS_URL", None)
    return subprocess.run(args, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300)


@pytest.fixture
def fresh_databases(app):
    """Names for two databases on the test server; both dropped afterwards.

    The drop runs detached: DROP DATABASE waits for a checkpoint, which on a busy shared
    machine takes longer than the whole test and proves nothing.
    """
    server = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    suffix = uuid.uuid4().hex[:8]
    names = [f"wcl_backup_{suffix}", f"wcl_restored_{suffix}"]
    yield server, names
    libpq = server.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    drops = [arg for name in names for arg in ("-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')]
    subprocess.Popen(
        ["psql", "-q", libpq, *drops],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _url(server, name):
    return server.set(database=name).render_as_string(hide_password=False)


def _row_counts(url):
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        tables = conn.scalars(
            sa.text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        ).all()
        counts = {table: conn.scalar(sa.text(f'SELECT count(*) FROM "{table}"')) for table in tables}
    engine.dispose()
    return counts


def _file_digests(folder):
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(Path(folder).rglob("*"))
        if path.is_file()
    }


def test_the_demo_programme_backs_up_and_restores_whole_into_a_fresh_database(fresh_databases, tmp_path):
    server, (source_name, restored_name) = fresh_databases
    source = _url(server, source_name)
    engine = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{source_name}"'))
    engine.dispose()
    live = {
        "WCL_ENV": "development",
        "DATABASE_URL": source,
        "WCL_STORAGE_DIR": str(tmp_path / "files"),
        "WCL_OUTBOX_DIR": str(tmp_path / "outbox"),
    }
    demo = _run(["sh", "-c", f"{FLASK} db upgrade && {FLASK} demo"], **live)
    assert demo.returncode == 0, demo.stdout + demo.stderr

    backup = _run(["scripts/backup.sh", str(tmp_path / "backup")], **live)
    assert backup.returncode == 0, backup.stderr
    restored_files = tmp_path / "restored-files"
    # The new database is named, not given as a URL: the server is DATABASE_URL's.
    restore = _run(
        ["scripts/restore.sh", str(tmp_path / "backup"), restored_name, str(restored_files)],
        **{**live, "WCL_STORAGE_DIR": str(restored_files), "FLASK": FLASK},
    )
    assert restore.returncode == 0, restore.stdout + restore.stderr
    for name in CHECKS:
        assert f"{name}: ok" in restore.stdout

    restored = _url(server, restored_name)
    counts = _row_counts(source)
    assert counts["receipts"] > 0 and counts["stored_files"] > 0 and counts["pledges"] > 0
    assert _row_counts(restored) == counts
    files = _file_digests(tmp_path / "files")
    assert len(files) == counts["stored_files"]
    assert _file_digests(restored_files) == files

    # The checks fail on what a bad restore looks like: a receipt lost, a file damaged.
    engine = sa.create_engine(restored)
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM receipts WHERE number = (SELECT min(number) FROM receipts)"))
        key = conn.scalar(sa.text("SELECT key FROM stored_files ORDER BY id LIMIT 1"))
    engine.dispose()
    (restored_files / key).write_bytes(b"%PDF-damaged")
    broken = _run([FLASK, "check-ledger"], DATABASE_URL=restored, WCL_STORAGE_DIR=str(restored_files))
    assert broken.returncode == 1
    assert "receipt numbers: 1 problem(s)" in broken.stdout and "stored files: 1 problem(s)" in broken.stdout


def test_a_restore_never_writes_over_an_existing_database(app, tmp_path):
    source = {
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "WCL_STORAGE_DIR": app.config["STORAGE_DIR"],
    }
    Path(app.config["STORAGE_DIR"]).mkdir(parents=True, exist_ok=True)
    assert _run(["scripts/backup.sh", str(tmp_path / "backup")], **source).returncode == 0
    with app.app_context():
        before = db.session.scalar(sa.text("SELECT count(*) FROM users"))
    result = _run(
        [
            "scripts/restore.sh",
            str(tmp_path / "backup"),
            app.config["SQLALCHEMY_DATABASE_URI"],
            str(tmp_path / "f"),
        ]
    )
    assert result.returncode != 0 and "already exists" in result.stderr
    with app.app_context():
        assert db.session.scalar(sa.text("SELECT count(*) FROM users")) == before
