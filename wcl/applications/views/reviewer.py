"""The reviewer's pages: her assignments, the scoring form, declaring a conflict of interest."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from wcl.accounts.permissions import require
from wcl.applications import forms, services
from wcl.applications.queries import is_active_reviewer
from wcl.applications.views import bp
from wcl.applications.views._common import get_application
from wcl.forms import confirmed, page_arg


@bp.route("/review/")
@require("applications.review")
def my_reviews():
    page = page_arg()
    return render_template(
        "applications/my_reviews.html", pages=services.reviewer_assignments(current_user, page)
    )


@bp.route("/applications/<int:application_id>/review", methods=["GET", "POST"])
@require("applications.review")
def review(application_id):
    application = get_application(application_id)
    if not is_active_reviewer(current_user.id, application.id):
        abort(403)
    form = forms.ActionForm()
    existing = services.review_by(current_user, application)
    values = {s.criterion_id: s.score for s in existing.scores} if existing else {}
    comment = existing.comment if existing else ""
    errors = {}
    if form.validate_on_submit():
        raw = forms.score_values(request.form, application.call.criteria)
        try:
            services.save_review(current_user, application, raw, request.form.get("comment", ""))
        except services.ApplicationError as exc:
            flash(str(exc.message), "error")
            values, errors, comment = raw, exc.errors, request.form.get("comment", "")
        else:
            flash(_("Your review is saved."), "success")
            return redirect(url_for("applications.my_reviews"))
    return render_template(
        "applications/review.html",
        application=application,
        call=application.call,
        form=form,
        values=values,
        errors=errors,
        comment=comment,
        answers=application.answer_map(),
        blind=services.is_blind_for(current_user, application),
    ), 422 if errors else 200


@bp.route("/applications/<int:application_id>/conflict", methods=["POST"])
@require("applications.review")
def conflict(application_id):
    application = get_application(application_id)
    if forms.ActionForm().validate_on_submit() and confirmed():
        try:
            services.declare_conflict(current_user, application)
        except services.ApplicationError as exc:
            flash(str(exc.message), "error")
        else:
            flash(
                _("Thank you. You are excused from this application and another reviewer takes it."),
                "success",
            )
    return redirect(url_for("applications.my_reviews"))
