"""The real worker process: forks a work horse per job inside the app context."""

import os
import subprocess
import sys
from pathlib import Path

from wcl.extensions import db
from wcl.queue import enqueue_after_commit

ROOT = Path(__file__).resolve().parents[2]


def test_worker_process_runs_queued_jobs(app, redis):
    with app.app_context():
        enqueue_after_commit("tests.core.sample_jobs.remember", "from-a-worker-process")
        db.session.commit()
    env = dict(
        os.environ,
        WCL_ENV="testing",
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        REDIS_URL=app.config["REDIS_URL"],
        WCL_TEST_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        WCL_TEST_REDIS_URL=app.config["REDIS_URL"],
    )
    result = subprocess.run(
        [sys.executable, "-m", "workers.worker", "--burst", "default"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert redis.lrange("test:remembered", 0, -1) == [b"from-a-worker-process"]


def test_worker_refuses_unknown_queue():
    result = subprocess.run(
        [sys.executable, "-m", "workers.worker", "--burst", "nope"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and "unknown queue" in result.stderr


def test_cron_scheduler_registers_every_periodic_job(app):
    from wcl.schedule import PERIODIC_JOBS
    from workers.cron import build_scheduler

    scheduler = build_scheduler(app)
    assert len(scheduler.get_jobs()) == len(PERIODIC_JOBS)
