"""Background jobs on RQ, enqueued only after the database commit.

Rules (../shared/DESIGN.md): jobs are enqueued after commit, take ids not
objects, are idempotent and carry an explicit timeout. Every job runs through
``run_job``, which imports the job by its dotted name (so callers never import
job modules, keeping the import graph acyclic) and gives it a fresh
application context and database session.

Every job enqueued after commit is first a row of the transactional outbox
(``wcl.jobs.models.OutboxJob``), written in the same transaction as the
change that causes it: after the commit it is pushed to RQ and marked
queued; if Redis refuses it, it stays pending and the sweeper
(``wcl.jobs.services.sweep_outbox``) pushes it later. A Redis outage delays
work and never loses it. ``run_job`` marks the row done (or failed, after
RQ's retries) and skips a row already done, so a job pushed twice runs once.

With no ``REDIS_URL`` the jobs run inline, right after the commit, in their
own application context — the same isolation a worker process gives.
"""

import json
import logging
from dataclasses import dataclass, field
from functools import lru_cache

import sqlalchemy as sa
from flask import current_app, has_app_context
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry, get_current_job
from rq.job import Job
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.utils import import_string

from wcl.extensions import db
from wcl.jobs.models import PENDING, QUEUED, OutboxJob, rq_id_for
from wcl.time import utcnow

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
    # The outbox row behind the job (None for jobs pushed directly: sweepers, cron).
    outbox_id: int | None = None
    # A failed RQ job of the same id is replaced (a retry of a failed row).
    replace: bool = False


def init_app(app):
    """Connect to Redis when configured; otherwise jobs run inline."""
    url = app.config.get("REDIS_URL")
    # A connect timeout, so an unreachable Redis delays a request by seconds at
    # most (no read timeout: workers block on the queues).
    app.extensions["wcl_redis"] = Redis.from_url(url, socket_connect_timeout=3) if url else None
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

    The job is written now as an outbox row of this transaction: nothing is
    enqueued if it rolls back, and once it commits the job cannot be lost.
    ``func_path`` is the dotted name of the job function; arguments must be
    plain JSON data (ids).
    """
    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue!r}")
    session = session or db.session()
    row = OutboxJob(
        name=func_path,
        args={"args": list(args), "kwargs": kwargs},
        queue=queue,
        timeout=job_timeout,
        retry=list(retry) if retry else None,
        rq_job_id=job_id,
        **_written_as(),
    )
    session.add(row)
    schedule_push(session, row, PendingJob(func_path, args, kwargs, queue, job_timeout, retry, job_id))


def enqueue_for_inserted(
    inserted, func_path, queue=DEFAULT, job_timeout=DEFAULT_TIMEOUT, retry=DEFAULT_RETRY, params=None
):
    """Run ``inserted`` (a PostgreSQL ``INSERT … RETURNING id``, e.g. ``ON CONFLICT DO NOTHING``) and write
    the outbox row of ``func_path(<the new id>)`` in the same statement; push it once the session commits.

    Returns the new id, or ``None`` when nothing was inserted (then no job either). The row is the one
    ``enqueue_after_commit`` writes, in one round trip instead of the INSERT and the flush of the row.
    ``params`` are the values of ``inserted``'s bound parameters: a caller that builds ``inserted`` once
    with ``bindparam`` (``payments.services.inbox``) gets the combined statement built once too.
    """
    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue!r}")
    statement = _with_outbox_row(
        inserted, func_path, queue, job_timeout, json.dumps(retry) if retry else None
    )
    written = {f"outbox_{name}": value for name, value in _written_as().items()}
    session = db.session()
    found = session.execute(statement, {**(params or {}), **written}).first()
    if found is None:
        return None
    new_id, outbox_id = found
    pending = PendingJob(func_path, (new_id,), {}, queue, job_timeout, retry, outbox_id=outbox_id)
    schedule_push(session, None, pending)
    return new_id


@lru_cache(maxsize=64)
def _with_outbox_row(inserted, func_path, queue, job_timeout, retry_json):
    """``inserted`` and its job's outbox row as one statement (its status and times bound per call).

    Kept per ``inserted`` object: building it costs about as much CPU as the rest of a webhook's
    accept path; a statement is immutable, so requests share it.
    """
    new = inserted.cte("new_row")
    column = OutboxJob.__table__.c
    job = (
        sa.insert(OutboxJob)
        .from_select(
            ["name", "args", "queue", "timeout", "retry", "status", "created_at", "enqueued_at"],
            sa.select(
                sa.literal(func_path, sa.String),
                sa.func.json_build_object(
                    "args", sa.func.json_build_array(new.c.id), "kwargs", sa.func.json_build_object()
                ),
                sa.literal(queue, sa.String),
                sa.literal(job_timeout, sa.Integer),
                sa.literal(json.loads(retry_json) if retry_json else None, OutboxJob.retry.type),
                sa.bindparam("outbox_status", type_=column.status.type),
                sa.bindparam("outbox_created_at", type_=column.created_at.type),
                sa.bindparam("outbox_enqueued_at", type_=column.enqueued_at.type),
            ),
        )
        .returning(OutboxJob.id)
        .cte("outbox_row")
    )
    return sa.select(new.c.id, job.c.id).join_from(new, job, sa.true())


def _written_as():
    """The status an outbox row is written with: ``queued`` when Redis will take it at commit.

    The push after the commit then needs no second write: only a push Redis refuses sets
    its rows back to ``pending`` (``_mark_unpushed``). A process that stops
    between the commit and the push leaves a ``queued`` row RQ never got, which the
    sweeper pushes as it pushes a job Redis lost. Inline (no Redis), rows are ``pending``
    until they ran.
    """
    now = utcnow()
    if is_inline():
        return {"status": PENDING, "created_at": now, "enqueued_at": None}
    return {"status": QUEUED, "created_at": now, "enqueued_at": now}


def schedule_push(session, row, job):
    """Push the outbox ``row`` (as ``job``) once ``session`` commits."""
    session.info.setdefault(_PENDING_KEY, []).append((row, job))


def enqueue_now(
    func_path, *args, queue=DEFAULT, job_timeout=DEFAULT_TIMEOUT, retry=DEFAULT_RETRY, job_id=None, **kwargs
):
    """Enqueue a job immediately (for callers with nothing to commit, e.g. sweepers)."""
    _dispatch(
        current_app._get_current_object(),
        PendingJob(func_path, args, kwargs, queue, job_timeout, retry, job_id),
    )


def _dispatch(app, job):
    """Run ``job`` inline, or push it to RQ; returns True once RQ has it (or it ran)."""
    if is_inline(app):
        _run_inline(app, job)
        return True
    try:
        push_to_rq(app, job)
    except RedisError:
        # Outbox jobs wait for the sweeper; a direct push (a sweeper's own) is
        # redone by the next sweep. The name only: arguments may identify a person.
        log.warning("could not enqueue %s on %s; it waits for the sweeper", job.func_path, job.queue)
        return False
    return True


def push_to_rq(app, job):
    """Put ``job`` on its RQ queue (raises ``RedisError`` if Redis refuses)."""
    queue = get_queue(job.queue, app)
    job_id = job.job_id or (rq_id_for(job.outbox_id) if job.outbox_id is not None else None)
    if job.replace and job_id:
        # A failed RQ job of this id sits in the failed registry: take it out first.
        old = Job.fetch_many([job_id], connection=queue.connection)[0]
        if old is not None:
            old.delete()
    retry = Retry(max=job.retry[0], interval=job.retry[1]) if job.retry else None
    meta = dict(job.meta)
    if job.outbox_id is not None:
        meta["outbox_id"] = job.outbox_id
    # One pipeline: RQ alone sends the queue's registration and the job as two round trips.
    with queue.connection.pipeline() as pipe:
        rq_job = queue.enqueue_call(
            run_job,
            args=(job.func_path, *job.args),
            kwargs=job.kwargs,
            timeout=job.job_timeout,
            retry=retry,
            job_id=job_id,
            description=job.func_path,
            meta=meta or None,
            pipeline=pipe,
        )
        pipe.execute()
    return rq_job


def _run_inline(app, job):
    try:
        with app.app_context():  # run_job picks this app; it pushes its own context
            _run(import_string(job.func_path), job.args, job.kwargs, job.outbox_id, last_try=True)
    except Exception:
        log.exception("inline job %s failed", job.func_path)
        if app.config.get("TESTING"):
            raise


@event.listens_for(Session, "before_commit")
def _before_commit(session):
    pending = session.info.get(_PENDING_KEY)
    if pending and any(job.outbox_id is None for _row, job in pending):
        session.flush()  # the rows get their ids, which the push after commit needs
        for row, job in pending:
            if job.outbox_id is None:  # rows written by enqueue_for_inserted have theirs
                job.outbox_id = row.id


@event.listens_for(Session, "after_commit")
def _after_commit(session):
    pending = session.info.pop(_PENDING_KEY, None)
    if not pending:
        return
    jobs = [job for _row, job in pending]
    if not has_app_context():
        # Committed rows wait in the outbox for the sweeper.
        log.error(
            "jobs committed outside an app context wait for the sweeper: %s", [j.func_path for j in jobs]
        )
        return
    app = current_app._get_current_object()
    if is_inline(app):
        for job in jobs:
            _run_inline(app, job)
        return
    refused = [job.outbox_id for job in jobs if not _dispatch(app, job)]
    if refused:
        _mark_unpushed(app, refused)


def _mark_unpushed(app, outbox_ids):
    """Rows Redis refused right after their commit: back to ``pending`` (they were written
    ``queued``, ``_written_as``), so the staff see them waiting and the sweeper pushes them.

    Runs after the commit, when the session may not emit SQL: its own connection, in
    autocommit (one UPDATE is atomic alone). Only on the refusal path: a push that works
    writes nothing more.
    """
    try:
        with app.app_context(), db.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT")
            conn.execute(
                sa.update(OutboxJob)
                .where(OutboxJob.id.in_(outbox_ids), OutboxJob.status == QUEUED)
                .values(status=PENDING, enqueued_at=None)
            )
    except sa.exc.SQLAlchemyError:
        # They stay "queued": the sweeper finds RQ without them and pushes them all the same.
        log.exception("could not mark %d refused jobs as pending", len(outbox_ids))


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
        # The queue sits below every domain and the app factory above them all:
        # it cannot build the app itself. workers/worker.py hands it over.
        raise RuntimeError("no app for this job: start workers with workers.worker (it calls set_worker_app)")
    return _worker_app


def run_job(func_path, *args, **kwargs):
    """Run the job ``func_path`` in a fresh app context (its own DB session).

    A job from the outbox (its id in the RQ job's meta) is recorded there: done,
    or failed once RQ has no retry left; one already done is not run again.
    """
    func = import_string(func_path)
    rq_job = get_current_job()
    outbox_id = rq_job.meta.get("outbox_id") if rq_job is not None else None
    with _job_app().app_context():
        if outbox_id is None:
            return func(*args, **kwargs)
        return _run(func, args, kwargs, outbox_id, last_try=not rq_job.retries_left)


def _run(func, args, kwargs, outbox_id, last_try):
    if outbox_id is None:
        return func(*args, **kwargs)
    from wcl.jobs import services as outbox  # cycle: jobs.services imports this module

    if outbox.is_done(outbox_id):
        log.info("job %s already ran; skipped", outbox_id)
        return None
    try:
        result = func(*args, **kwargs)
    except Exception as exc:
        outbox.mark_failed(outbox_id, exc, final=last_try)
        raise
    outbox.mark_done(outbox_id)
    return result
