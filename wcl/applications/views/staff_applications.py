"""Staff pages for a call's applications: the list, reviewers, ranking, decisions, paper forms, export."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from wcl.accounts.models import User
from wcl.accounts.permissions import abort_unless, require
from wcl.applications import forms, services
from wcl.applications.models import ApplicationStatus as S
from wcl.applications.models import QuestionKind
from wcl.applications.views import bp
from wcl.applications.views._common import get_application, get_call
from wcl.extensions import db
from wcl.forms import act_then_redirect, apply_error, attempt, page_arg
from wcl.i18n import current_locale


@bp.route("/staff/calls/<int:call_id>/applications")
@require("applications.view_all")
def staff_applications(call_id):
    call = get_call(call_id, "applications.view_all")
    page = page_arg()
    status = request.args.get("status", "")
    status = status if status in S.ALL else ""
    return render_template(
        "applications/staff_applications.html",
        call=call,
        pages=services.call_applications(current_user, call, status or None, page),
        status=status,
        statuses=S.ALL,
        form=forms.ActionForm(),
    )


@bp.route("/staff/calls/<int:call_id>/ranking", methods=["GET", "POST"])
@require("applications.decide")
def ranking(call_id):
    call = get_call(call_id, "applications.decide")
    form = forms.BulkForm()
    if form.validate_on_submit():
        ids = request.form.getlist("application_ids", type=int)
        try:
            if form.action.data == S.SHORTLISTED:
                done = services.shortlist(current_user, ids, call_id=call.id)
            else:
                done = services.decide(
                    current_user, ids, form.action.data, form.note.data or "", call_id=call.id
                )
        except services.ApplicationError as exc:
            flash(str(exc.message), "error")
        else:
            flash(_("Saved for %(n)d application(s).", n=len(done)), "success")
            return redirect(url_for("applications.ranking", call_id=call.id))
    return render_template(
        "applications/ranking.html",
        call=call,
        rows=services.ranked_applications(call),
        form=form,
        assign_form=forms.ActionForm(),
        spread_flag=services.SPREAD_FLAG,
    )


@bp.route("/staff/calls/<int:call_id>/auto-assign", methods=["POST"])
@require("applications.assign_reviewers")
def auto_assign(call_id):
    call = get_call(call_id, "applications.assign_reviewers")
    if forms.ActionForm().validate_on_submit():
        try:
            result = services.auto_assign(current_user, call)
        except services.ApplicationError as exc:
            flash(str(exc.message), "error")
        else:
            flash(_("%(n)d assignment(s) made.", n=result.created), "success")
            if result.short:
                flash(
                    _(
                        "%(n)d application(s) still need reviewers: add more reviewers for this lab.",
                        n=len(result.short),
                    ),
                    "warning",
                )
    return redirect(url_for("applications.ranking", call_id=call.id))


@bp.route("/applications/<int:application_id>/assign", methods=["POST"])
@require("applications.assign_reviewers")
def assign(application_id):
    application = get_application(application_id)
    abort_unless("applications.assign_reviewers", application)
    form = forms.AssignForm()
    form.reviewer_id.choices = [(u.id, u.full_name) for u in services.eligible_reviewers(application.call)]
    if form.validate_on_submit():
        attempt(
            lambda: services.assign_reviewer(
                current_user, application, db.session.get(User, form.reviewer_id.data)
            ),
            success=_("The reviewer is assigned."),
        )
    else:
        flash(_("Choose a reviewer."), "error")
    return redirect(url_for("applications.detail", application_id=application.id))


@bp.route("/applications/<int:application_id>/decide", methods=["POST"])
@require("applications.decide")
def decide(application_id):
    application = get_application(application_id)
    abort_unless("applications.decide", application)
    form = forms.DecisionForm()
    return act_then_redirect(
        form,
        lambda: services.decide(current_user, [application.id], form.outcome.data, form.note.data or ""),
        _("The decision is saved and the applicant will get an email."),
        url_for("applications.detail", application_id=application.id),
    )


@bp.route("/applications/<int:application_id>/shortlist", methods=["POST"])
@require("applications.decide")
def shortlist(application_id):
    application = get_application(application_id)
    abort_unless("applications.decide", application)
    return act_then_redirect(
        forms.ActionForm(),
        lambda: services.shortlist(current_user, [application.id]),
        _("The application is shortlisted."),
        url_for("applications.detail", application_id=application.id),
    )


@bp.route("/staff/calls/<int:call_id>/paper", methods=["GET", "POST"])
@require("applications.enter_paper")
def paper(call_id):
    call = get_call(call_id, "applications.enter_paper")
    form = forms.PaperForm()
    if not form.is_submitted():
        form.locale.data = current_locale()  # the staff member's language, until she picks the applicant's
    questions = [q for q in call.questions if q.kind != QuestionKind.FILE]
    values, errors = {}, {}
    if form.validate_on_submit():
        raw = forms.question_values(request.form, questions)
        data = {
            name: getattr(form, name).data
            for name in ("full_name", "email", "phone", "locale", "locality", "consent")
        }
        try:
            application = services.enter_paper_application(current_user, call, data, form.scan.data, raw)
        except services.ApplicationError as exc:
            apply_error(form, exc)
            values, errors = raw, exc.errors
        else:
            flash(_("The paper application is saved."), "success")
            return redirect(url_for("applications.detail", application_id=application.id))
    elif request.method == "POST":
        values = forms.question_values(request.form, questions)
    failed = request.method == "POST"
    return render_template(
        "applications/paper.html", call=call, form=form, questions=questions, values=values, errors=errors
    ), 422 if failed else 200


@bp.route("/staff/calls/<int:call_id>/export.<fmt>")
@require("applications.export")
def export(call_id, fmt):
    call = get_call(call_id, "applications.export")
    if fmt == "csv":
        body, mimetype = services.export_csv(current_user, call), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body = services.export_xlsx(current_user, call)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        abort(404)
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="applications-{call.slug}.{fmt}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/staff/decision-templates")
@require("applications.decide")
def decision_templates():
    return render_template("applications/templates.html", rows=services.all_decision_templates())


@bp.route("/staff/decision-templates/<outcome>/<lang>", methods=["GET", "POST"])
@require("applications.edit_templates")
def edit_decision_template(outcome, lang):
    if outcome not in services.OUTCOMES or lang not in ("en", "ru", "ky"):
        abort(404)
    subject, body = services.decision_template(outcome, lang)
    form = forms.TemplateForm(data={"subject": subject, "body": body})
    if form.validate_on_submit() and attempt(
        lambda: services.save_decision_template(
            current_user, outcome, lang, form.subject.data, form.body.data
        ),
        form,
        _("The template is saved."),
    ):
        return redirect(url_for("applications.decision_templates"))
    return render_template(
        "applications/template_form.html", form=form, outcome=outcome, lang=lang
    ), 422 if form.errors else 200
