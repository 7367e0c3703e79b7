"""The staff page of failed background jobs: the error, and a retry button."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from wcl.accounts.permissions import require
from wcl.forms import apply_error
from wcl.jobs import services
from wcl.jobs.errors import JobError

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


@bp.route("/failed")
@require("jobs.manage")
def failed():
    pagination, waiting = services.failed_jobs(current_user, page=request.args.get("page", 1, type=int))
    return render_template("jobs/failed.html", pagination=pagination, waiting=waiting)


@bp.route("/<int:job_id>/retry", methods=["POST"])
@require("jobs.manage")
def retry(job_id):
    try:
        services.retry_job(current_user, job_id)
    except JobError as exc:
        apply_error(None, exc)
    else:
        flash(_("The job will run again."), "success")
    return redirect(url_for("jobs.failed"))
