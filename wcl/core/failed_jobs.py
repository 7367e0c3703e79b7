"""The staff page of failed background jobs: the error, and a retry button.

The job system itself (``wcl.queue`` and ``wcl.jobs``) sits below every domain
and knows no permissions; this page is the operator's shell around it, like
``/healthz``, so it lives in ``core``.
"""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from wcl.accounts.permissions import ensure, require
from wcl.audit.services import record
from wcl.extensions import db
from wcl.forms import apply_error, page_arg
from wcl.jobs.errors import JobError
from wcl.jobs.models import FAILED, PENDING, OutboxJob
from wcl.jobs.services import pending_job
from wcl.queue import schedule_push

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


@bp.route("/failed")
@require("jobs.manage")
def failed():
    pagination, waiting = failed_jobs(current_user, page=page_arg())
    return render_template("jobs/failed.html", pagination=pagination, waiting=waiting)


@bp.route("/<int:job_id>/retry", methods=["POST"])
@require("jobs.manage")
def retry(job_id):
    try:
        retry_job(current_user, job_id)
    except JobError as exc:
        apply_error(None, exc)
    else:
        flash(_("The job will run again."), "success")
    return redirect(url_for("jobs.failed"))


def failed_jobs(actor, page=1, per_page=50):
    """Jobs that failed after their retries (newest first), and how many wait to be pushed."""
    ensure("jobs.manage", user=actor)
    pagination = db.paginate(
        db.select(OutboxJob).where(OutboxJob.status == FAILED).order_by(OutboxJob.id.desc()),
        page=page,
        per_page=per_page,
        error_out=False,
    )
    waiting = db.session.scalar(db.select(sa.func.count(OutboxJob.id)).where(OutboxJob.status == PENDING))
    return pagination, waiting


def retry_job(actor, outbox_id):
    """Staff run a failed job again: it is pushed (or run inline) after this commit."""
    ensure("jobs.manage", user=actor)
    row = db.session.get(OutboxJob, outbox_id, with_for_update=True)
    if row is None or row.status != FAILED:
        db.session.rollback()
        raise JobError(_l("Only a failed job can be retried."))
    row.status, row.finished_at, row.enqueued_at = PENDING, None, None
    record("job.retried", row, actor=actor, name=row.name, attempts=row.attempts)
    schedule_push(db.session, row, pending_job(row, replace=True))
    db.session.commit()
    return row
