"""Shared pieces for benchmarks: a fresh database, a gunicorn server, RQ workers, wrk.

Every benchmark measures its baseline in the same run (e.g. ``/healthz`` on the
same server) and prints ratios, so figures from different machines compare.
"""

import json
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager, suppress
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
PG_BASE = os.environ.get("WCL_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/wcl_bench")
REDIS_URL = os.environ.get("WCL_BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")


def machine():
    """A one-line description of this machine for the printed figures."""
    mem = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, AttributeError):
        pass
    return f"{os.cpu_count()} cores{mem}, {platform.python_implementation()} {platform.python_version()}"


def fresh_database(name=None):
    """Drop and create the bench database; returns its URL (migrated with Alembic)."""
    url = sa.engine.make_url(PG_BASE)
    if name:
        url = url.set(database=name)
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()
    rendered = url.render_as_string(hide_password=False)
    env = bench_env(rendered)
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wcl", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return rendered


def bench_env(database_url, **extra):
    """Environment for the app processes of a benchmark."""
    env = dict(
        os.environ,
        WCL_ENV="development",
        DATABASE_URL=database_url,
        REDIS_URL=REDIS_URL,
        SECRET_KEY="bench-secret-key-0123456789abcdef0123",
        WCL_OUTBOX_DIR="/tmp/wcl-bench-outbox",
        WCL_STORAGE_DIR="/tmp/wcl-bench-files",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def bench_app(database_url, redis_url=None):
    """An app in this process on the bench database (its Redis: ``redis_url`` or the bench one),
    with mail written nowhere but the bench outbox."""
    from wcl import create_app

    env = bench_env(database_url)
    return create_app(
        "development",
        overrides={
            "SQLALCHEMY_DATABASE_URI": database_url,
            "REDIS_URL": redis_url or env["REDIS_URL"],
            "OUTBOX_DIR": env["WCL_OUTBOX_DIR"],
            "STORAGE_DIR": env["WCL_STORAGE_DIR"],
            "MAIL_TO_CONSOLE": False,
        },
    )


def bench_campaign(title, owner_prefix="creator"):
    """A live som campaign of a new participant (flushed, inside the caller's app context)."""
    import secrets
    from datetime import timedelta

    from wcl.accounts.services import create_user
    from wcl.campaigns.models import Campaign
    from wcl.extensions import db
    from wcl.time import utcnow

    owner = create_user(
        f"{owner_prefix}-{secrets.token_hex(4)}@bench.example",
        "bench-password-123",
        "Гүлнара",
        ["participant"],
    )
    now = utcnow()
    campaign = Campaign(
        slug=f"bench-{secrets.token_hex(4)}",
        owner_id=owner.id,
        status="live",
        title=title,
        summary="Bench",
        goal_amount=10_000_000,
        currency="KGS",
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=20),
        funding_model="keep_it_all",
        region="KG-N",
        creative_domain="V_ARTS",
        creator_name="Гүлнара",
    )
    db.session.add(campaign)
    db.session.flush()
    return campaign


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def processes(commands, env, log_dir="/tmp/wcl-bench-logs"):
    """Start commands in their own process groups; stop them all on exit."""
    Path(log_dir).mkdir(parents=True, exist_ok=True)
    started = []
    try:
        for index, command in enumerate(commands):
            log = open(Path(log_dir) / f"proc-{index}.log", "w")  # noqa: SIM115
            started.append(
                subprocess.Popen(
                    command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
                )
            )
        yield started
    finally:
        for proc in started:
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in started:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def gunicorn_command(port, workers=2, threads=1):
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "-w",
        str(workers),
        "--threads",
        str(threads),
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "wcl:create_app()",
    ]


def worker_command(*queues, fork=True):
    return [sys.executable, "-m", "workers.worker", "--fork" if fork else "--no-fork", *queues]


def wait_healthy(base_url, timeout=30):
    deadline = time.time() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as response:
                if json.load(response)["status"] == "ok":
                    return
        except OSError:
            if time.time() > deadline:
                raise
        time.sleep(0.3)


def wrk(url, connections, duration=10, threads=2, headers=()):
    """Run wrk against ``url`` (with ``headers``, e.g. a session cookie); returns requests/s,
    p50 and p99 latency in ms and error count."""
    extra = [arg for header in headers for arg in ("-H", header)]
    out = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--latency", *extra, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def latency(pct):
        match = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {
        "rps": rps,
        "p50_ms": latency(50),
        "p99_ms": latency(99),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }
