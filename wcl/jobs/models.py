"""The outbox row: one per job enqueued with ``wcl.queue.enqueue_after_commit``."""

import sqlalchemy as sa

from wcl.extensions import db
from wcl.time import UTCDateTime, utcnow

PENDING, QUEUED, DONE, FAILED = "pending", "queued", "done", "failed"
STATUSES = (PENDING, QUEUED, DONE, FAILED)


class OutboxJob(db.Model):
    """A job, written in the same transaction as the change that causes it.

    ``pending``: committed, not in RQ (Redis refused it, or jobs run inline) →
    the sweeper pushes it. ``queued``: handed to RQ as ``rq_id`` when its
    transaction committed (written so, and set back to ``pending`` if Redis
    refuses the push) → the sweeper pushes it again only if RQ has no live job
    of that id (Redis lost it, or the process stopped before the push).
    ``done``: ran to the end. ``failed``: failed after its retries → listed for
    staff with ``last_error`` and a retry button. The arguments are kept for a
    re-push only; they may name a person, so no page shows them.
    """

    __tablename__ = "job_outbox"

    id = sa.Column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    name = sa.Column(sa.String(200), nullable=False)
    # {"args": [...], "kwargs": {...}}: plain data (ids), as the job takes them.
    args = sa.Column(sa.JSON, nullable=False)
    queue = sa.Column(sa.String(20), nullable=False)
    timeout = sa.Column(sa.Integer, nullable=False)
    # RQ's retries after a failure: [max, [intervals in seconds]], or null for none.
    retry = sa.Column(sa.JSON)
    status = sa.Column(sa.String(8), nullable=False, default=PENDING, server_default=PENDING)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    enqueued_at = sa.Column(UTCDateTime)
    finished_at = sa.Column(UTCDateTime)
    attempts = sa.Column(sa.Integer, nullable=False, default=0, server_default="0")
    rq_job_id = sa.Column(sa.String(100))
    last_error = sa.Column(sa.Text)

    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('pending','queued','done','failed')",
            name="status",
        ),
        sa.Index("ix_job_outbox_status_id", "status", "id"),
    )

    @property
    def rq_id(self):
        """The RQ job id: the caller's, or one derived from the row."""
        return self.rq_job_id or rq_id_for(self.id)


def rq_id_for(outbox_id):
    return f"outbox-{outbox_id}"
