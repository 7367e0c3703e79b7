"""The outbox's units of work: record what a job did, sweep what was not pushed, retry what failed.

``wcl.queue`` writes the rows and pushes them after commit; this module keeps
them true afterwards. The sweeper is the safety net for every way a push can
be lost: Redis refused it (pending row), the process stopped between commit
and push, Redis lost its data, or a worker died mid-job (queued row whose RQ
job is missing or failed without the job saying so).
"""

import logging
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from redis.exceptions import RedisError
from rq.job import JobStatus

from wcl.extensions import db
from wcl.jobs.models import DONE, FAILED, PENDING, QUEUED, OutboxJob
from wcl.queue import PendingJob, _run_inline, is_inline, push_to_rq, redis_connection
from wcl.time import utcnow

log = logging.getLogger(__name__)

# A row younger than this may still be being pushed by its own commit.
SWEEP_AFTER = timedelta(minutes=1)
SWEEP_BATCH = 500
# A job whose worker died this many times (no error of its own) counts as failed.
MAX_LOST_RUNS = 4
# Done rows are kept this long (their arguments may name a person), then deleted.
KEEP_DONE = timedelta(days=7)
ERROR_LENGTH = 2000
# RQ states in which the job will still run (or is running): never push it again.
_LIVE = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED}


def pending_job(row, replace=False):
    return PendingJob(
        row.name,
        tuple(row.args.get("args", ())),
        dict(row.args.get("kwargs", {})),
        row.queue,
        row.timeout,
        tuple(row.retry) if row.retry else None,
        row.rq_job_id,
        outbox_id=row.id,
        replace=replace,
    )


# --- what a job did (called by wcl.queue.run_job) ----------------------------------


def is_done(outbox_id):
    """True if the outbox row already ran to the end (a second push is then a no-op)."""
    status = db.session.scalar(db.select(OutboxJob.status).where(OutboxJob.id == outbox_id))
    db.session.rollback()  # the job starts on a fresh transaction
    return status == DONE


def mark_done(outbox_id):
    """The job ran to the end; what it left uncommitted is dropped, as the worker would."""
    db.session.rollback()
    db.session.execute(
        sa.update(OutboxJob)
        .where(OutboxJob.id == outbox_id)
        .values(status=DONE, finished_at=utcnow(), attempts=OutboxJob.attempts + 1, last_error=None)
    )
    db.session.commit()


def mark_failed(outbox_id, exc, final):
    """The job raised ``exc``; ``final``: RQ has no retry left, so staff must see it.

    Never raises: the job's own error is what the worker must record.
    """
    try:
        db.session.rollback()
        values = {"attempts": OutboxJob.attempts + 1, "last_error": _describe(exc)}
        if final:
            values.update(status=FAILED, finished_at=utcnow())
        db.session.execute(sa.update(OutboxJob).where(OutboxJob.id == outbox_id).values(**values))
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("could not record the failure of outbox job %s", outbox_id)


def _describe(exc):
    return f"{type(exc).__name__}: {exc}"[:ERROR_LENGTH]


def push(row, replace=False):
    """Push one outbox row to RQ now (a sweeper's or a retry's push); flushes the mark."""
    app = current_app._get_current_object()
    push_to_rq(app, pending_job(row, replace=replace))
    row.status, row.enqueued_at, row.rq_job_id = QUEUED, utcnow(), row.rq_id
    db.session.flush()


# --- the sweeper ----------------------------------------------------------------------


def sweep_outbox(now=None):
    """Push outbox rows never pushed, and re-push those whose RQ job vanished.

    A row is looked at only a minute after it was written or pushed, so the
    push right after its commit is never doubled. A queued row whose RQ job
    is still waiting or running is left alone; one RQ finished is marked done;
    one RQ lost (Redis restarted empty) is pushed again; one that failed
    without recording its own error (its worker was killed) is pushed again,
    up to ``MAX_LOST_RUNS`` times, then listed as failed. Done rows older
    than a week are deleted. Returns the number of rows pushed.
    """
    now = now or utcnow()
    cutoff = now - SWEEP_AFTER
    pending = _rows_since(PENDING, OutboxJob.created_at, cutoff)
    queued = _rows_since(QUEUED, OutboxJob.enqueued_at, cutoff)
    db.session.execute(
        sa.delete(OutboxJob).where(OutboxJob.status == DONE, OutboxJob.finished_at < now - KEEP_DONE)
    )
    if is_inline():
        db.session.commit()
        app = current_app._get_current_object()
        for row in pending:  # the process stopped between a commit and its inline run
            _run_inline(app, pending_job(row))
        return len(pending)
    pushed = 0
    try:
        pushed = _sweep_rq(pending, queued)
    except RedisError:
        log.warning("Redis is unavailable: %d outbox jobs wait", len(pending))
    db.session.commit()
    return pushed


def _rows_since(status, column, cutoff):
    return db.session.scalars(
        db.select(OutboxJob)
        .where(OutboxJob.status == status, column < cutoff)
        .order_by(OutboxJob.id)
        .limit(SWEEP_BATCH)
    ).all()


def _sweep_rq(pending, queued):
    from rq.job import Job

    rows = pending + queued
    if not rows:
        return 0
    found = Job.fetch_many([row.rq_id for row in rows], connection=redis_connection())
    pushed = 0
    for row, job in zip(rows, found, strict=True):
        status = job.get_status(refresh=False) if job is not None else None
        if status in _LIVE:
            if row.status == PENDING:  # pushed, but its mark was lost
                row.status, row.enqueued_at, row.rq_job_id = QUEUED, utcnow(), row.rq_id
            continue
        if status == JobStatus.FINISHED:
            row.status, row.finished_at = DONE, row.finished_at or utcnow()
            continue
        if status is not None:  # failed, stopped or cancelled without recording it
            row.attempts += 1
            row.last_error = _lost_error(job)
            if row.attempts >= MAX_LOST_RUNS:
                row.status, row.finished_at = FAILED, utcnow()
                continue
        push(row, replace=status is not None)
        pushed += 1
    db.session.flush()
    return pushed


def _lost_error(job):
    info = (job.exc_info or "").strip().splitlines()
    return (info[-1] if info else "the worker stopped during the job")[:ERROR_LENGTH]
