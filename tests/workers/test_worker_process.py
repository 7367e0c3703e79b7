"""The real worker process: runs jobs inside the app context, forking or not."""

import os
import subprocess
import sys
from pathlib import Path

from wcl.extensions import db
from wcl.queue import QUEUES, enqueue_after_commit

ROOT = Path(__file__).resolve().parents[2]


def _worker_env(app):
    return dict(
        os.environ,
        WCL_ENV="testing",
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        REDIS_URL=app.config["REDIS_URL"],
        WCL_TEST_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        WCL_TEST_REDIS_URL=app.config["REDIS_URL"],
    )


def test_worker_process_runs_queued_jobs(app, redis):
    with app.app_context():
        enqueue_after_commit("tests.core.sample_jobs.remember", "from-a-worker-process")
        db.session.commit()
    result = subprocess.run(
        [sys.executable, "-m", "workers.worker", "--burst", "default"],
        cwd=ROOT,
        env=_worker_env(app),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert redis.lrange("test:remembered", 0, -1) == [b"from-a-worker-process"]


def test_forking_worker_runs_each_job_in_a_work_horse_and_no_fork_in_itself(app, redis):
    pids = {}
    for fork in (True, False):
        redis.delete("test:pids")
        with app.app_context():
            for _ in range(3):
                enqueue_after_commit("tests.core.sample_jobs.remember_pid")
            db.session.commit()
        worker = subprocess.Popen(
            [sys.executable, "-m", "workers.worker", "--burst", *([] if fork else ["--no-fork"]), "default"],
            cwd=ROOT,
            env=_worker_env(app),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        _out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err[-2000:]
        pids[fork] = (worker.pid, [int(p) for p in redis.lrange("test:pids", 0, -1)])
    worker_pid, job_pids = pids[True]
    assert len(job_pids) == 3 and worker_pid not in job_pids and len(set(job_pids)) == 3
    worker_pid, job_pids = pids[False]
    assert job_pids == [worker_pid] * 3


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


def test_warm_up_loads_what_every_forked_job_would_reload(app):
    from flask_babel import force_locale, get_translations

    from workers.worker import warm_up

    with app.app_context():
        domain = app.extensions["babel"].instance.domain_instance
    domain.cache.clear()
    app.jinja_env.cache.clear()
    warm_up(app, pdf=True)
    assert {locale for locale, _ in domain.cache} >= {"en", "ru", "ky"}
    cached = {name for _, name in app.jinja_env.cache}
    assert {"base.html", "receipts/pdf/receipt.html", "cohorts/pdf/certificate.html"} <= cached
    assert "weasyprint" in sys.modules
    with app.test_request_context(), force_locale("ky"):
        # The warm catalogue is the one a job uses: real Kyrgyz, not English.
        assert get_translations().gettext("Amount donated by you") == "Сиз берген сумма"


def test_the_default_layout_forks_only_for_the_isolated_queue():
    from workers.worker import forks

    assert not forks(["webhooks"]) and not forks(["receipts", "emails"])  # short jobs: in-process
    assert forks(["default"]) and forks(list(QUEUES))  # long renders: a work horse each
    assert forks(["webhooks"], fork=True) and not forks(["default"], fork=False)  # as asked
