"""Backups restore whole: scripts/backup.sh → scripts/restore-check.sh into a fresh database,
and the ledger checks it runs catch a broken ledger or a damaged file."""

import os
import subprocess
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.factories.receipts import paid_pledge
from wcl.extensions import db
from wcl.receipts import services as receipts

ROOT = Path(__file__).resolve().parents[2]


def _run(args, **env):
    return subprocess.run(
        args,
        cwd=ROOT,
        env={**os.environ, "FLASK_APP": "wcl", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def restored_url(app):
    url = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).set(
        database=f"restore_{uuid.uuid4().hex[:8]}"
    )
    yield url.render_as_string(hide_password=False)
    engine = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    engine.dispose()


def test_a_backup_restores_into_a_fresh_database_and_passes_the_ledger_checks(app, tmp_path, restored_url):
    with app.app_context():
        for amount in (100_000, 250_000):
            receipt = receipts.issue_receipt(paid_pledge(amount=amount).id)
            receipts.render_receipt(receipt.id)
    source = {
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "WCL_STORAGE_DIR": app.config["STORAGE_DIR"],
    }
    backup = _run(["scripts/backup.sh", str(tmp_path / "backup")], **source)
    assert backup.returncode == 0, backup.stderr
    restored_files = tmp_path / "restored-files"
    check = _run(["scripts/restore-check.sh", str(tmp_path / "backup"), restored_url, str(restored_files)])
    assert check.returncode == 0, check.stdout + check.stderr
    for name in ("receipt numbers", "refunds", "matching pools", "reward stock", "stored files"):
        assert f"{name}: ok" in check.stdout

    # The checks fail on what a bad restore looks like: a receipt lost, a file damaged.
    engine = sa.create_engine(restored_url)
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM receipts WHERE number = 1"))
        key = conn.scalar(sa.text("SELECT key FROM stored_files ORDER BY id LIMIT 1"))
    engine.dispose()
    (restored_files / key).write_bytes(b"%PDF-damaged")
    broken = _run(
        [".venv/bin/flask", "check-ledger"], DATABASE_URL=restored_url, WCL_STORAGE_DIR=str(restored_files)
    )
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
            "scripts/restore-check.sh",
            str(tmp_path / "backup"),
            app.config["SQLALCHEMY_DATABASE_URI"],
            str(tmp_path / "f"),
        ]
    )
    assert result.returncode != 0 and "already exists" in result.stderr
    with app.app_context():
        assert db.session.scalar(sa.text("SELECT count(*) FROM users")) == before
