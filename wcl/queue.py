"""Background jobs on RQ, enqueued only after the database commit.

Rules (../shared/DESIGN.md): jobs are enqueued after commit, take ids not
objects, are idempotent and carry an explicit timeout. Every job runs through
``run_job``, which imports the job by its dotted name (so callers never import
job modules, keeping the import graph acyclic) and gives it a fresh
application context and database session.

With no ``REDIS_URL`` the jobs run inline, right after the commit, in their
own application context — the same isolation a worker process gives.
"""

import logging
from dataclasses import dataclass, field

from flask import current_app, has_app_context
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.utils import import_string

log = logging.getLogger(__name__)

WEBHOOKS, RECEIPTS, EMAILS, DEFAULT = "webhooks", "receipts", "emails", "default"
QUEUES = (WEBHOOKS, RECEIPTS, EMAILS, DEFAULT)
DEFAULT_TIMEOUT = 60
DEFAULT_RETRY = (3, [10, 60, 300])

_PENDING_KEY = "wcl_pending_jobs"
_worker_app = None


@dataclass
class PendingJob:
    func_path: str
    args: tuple
    kwargs: dict
    queue: str = DEFAULT
    job_timeout: int = DEFAULT_TIMEOUT
    retry: tuple | None = DEFAULT_RETRY
    job_id: str | None = None
    meta: dict = field(default_factory=dict)


def init_app(app):
    """Connect to Redis when configured; otherwise jobs run inline."""
    url = app.config.get("REDIS_URL")
    app.extensions["wcl_redis"] = Redis.from_url(url) if url else None
    app.config.setdefault("JOBS_INLINE", url is None)


def redis_connection(app=None):
    """The app's Redis client, or ``None`` in inline mode."""
    app = app or current_app
    return app.extensions.get("wcl_redis")


def is_inline(app=None):
    """True when jobs run in-process (no Redis configured)."""
    app = app or current_app
    return bool(app.config.get("JOBS_INLINE")) or redis_connection(app) is None


def get_queue(name=DEFAULT, app=None):
    """The RQ queue called ``name`` on the app's Redis."""
    if name not in QUEUES:
        raise ValueError(f"unknown queue {name!r}")
    return Queue(name, connection=redis_connection(app))


def enqueue_after_commit(
    func_path,
    *args,
    queue=DEFAULT,
    job_timeout=DEFAULT_TIMEOUT,
    retry=DEFAULT_RETRY,
    job_id=None,
    session=None,
    **kwargs,
):
    """Queue ``func_path(*args, **kwargs)`` to run once the session commits.

    Nothing is enqueued if the transaction rolls back. ``func_path`` is the
    dotted name of the job function; arguments must be plain data (ids).
    """
    from wcl.extensions import db

    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue!r}")
    session = session or db.session()
    session.info.setdefault(_PENDING_KEY, []).append(
        PendingJob(func_path, args, kwargs, queue, job_timeout, retry, job_id)
    )


def enqueue_now(
    func_path, *args, queue=DEFAULT, job_timeout=DEFAULT_TIMEOUT, retry=DEFAULT_RETRY, job_id=None, **kwargs
):
    """Enqueue a job immediately (for callers with nothing to commit, e.g. sweepers)."""
    _dispatch(
        current_app._get_current_object(),
        PendingJob(func_path, args, kwargs, queue, job_timeout, retry, job_id),
    )


def _dispatch(app, job):
    if is_inline(app):
        _run_inline(app, job)
        return
    retry = Retry(max=job.retry[0], interval=job.retry[1]) if job.retry else None
    try:
        get_queue(job.queue, app).enqueue_call(
            run_job,
            args=(job.func_path, *job.args),
            kwargs=job.kwargs,
            timeout=job.job_timeout,
            retry=retry,
            job_id=job.job_id,
            description=job.func_path,
        )
    except RedisError:
        # The data is committed; sweepers re-enqueue what matters (webhook inbox,
        # receipts). Log the job name only: arguments may identify a person.
        log.exception("could not enqueue %s on %s", job.func_path, job.queue)


def _run_inline(app, job):
    try:
        with app.app_context():  # run_job picks this app; it pushes its own context
            run_job(job.func_path, *job.args, **job.kwargs)
    except Exception:
        log.exception("inline job %s failed", job.func_path)
        if app.config.get("TESTING"):
            raise


@event.listens_for(Session, "after_commit")
def _after_commit(session):
    pending = session.info.pop(_PENDING_KEY, None)
    if not pending:
        return
    if not has_app_context():
        log.error("jobs committed outside an app context were dropped: %s", [j.func_path for j in pending])
        return
    app = current_app._get_current_object()
    for job in pending:
        _dispatch(app, job)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session, previous_transaction):
    if previous_transaction.parent is None:
        session.info.pop(_PENDING_KEY, None)


def set_worker_app(app):
    """Tell ``run_job`` which app to use in a worker process."""
    global _worker_app
    _worker_app = app


def _job_app():
    global _worker_app
    if has_app_context():
        return current_app._get_current_object()
    if _worker_app is None:
        from wcl import create_app

        _worker_app = create_app()
    return _worker_app


def run_job(func_path, *args, **kwargs):
    """Run the job ``func_path`` in a fresh app context (its own DB session)."""
    func = import_string(func_path)
    with _job_app().app_context():
        return func(*args, **kwargs)
