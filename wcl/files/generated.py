"""Files a job makes on request (a report PDF, an annual statement): the status
the requester follows on a status page, and the one way such a job runs.

The requested row has ``status``, ``file_id`` and ``finished_at`` columns (and
may have ``started_at``).
"""

from wcl.extensions import db
from wcl.time import utcnow


class RenderStatus:
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    ALL = (QUEUED, RUNNING, DONE, FAILED)
    CHECK = "status IN ('queued','running','done','failed')"


def run_render(model, row_id, produce):
    """Make the file of the requested ``model`` row ``row_id`` with ``produce(row)``,
    which returns the ``StoredFile``; returns the row.

    Idempotent: a finished row is left alone. The row is marked running (and
    committed) first, so the requester sees progress; a failure marks it failed,
    commits that, and re-raises so RQ retries.
    """
    row = db.session.get(model, row_id)
    if row is None or row.status == RenderStatus.DONE:
        db.session.rollback()
        return row
    row.status = RenderStatus.RUNNING
    if hasattr(row, "started_at"):
        row.started_at = utcnow()
    db.session.commit()
    try:
        stored = produce(row)
        row.file_id, row.status, row.finished_at = stored.id, RenderStatus.DONE, utcnow()
    except Exception:
        db.session.rollback()
        row = db.session.get(model, row_id)
        row.status, row.finished_at = RenderStatus.FAILED, utcnow()
        db.session.commit()
        raise
    db.session.commit()
    return row
