"""Pages for calls, applying, reviewing and deciding.

Public: ``/calls/`` and ``/calls/<slug>`` (DESIGN.md fixes these). Applicants
work under ``/applications/``, reviewers under ``/review/``, staff under
``/staff/``. Every view parses a form, calls one service and renders or
redirects; permissions are checked here and again in the services.
"""

from babel.dates import format_datetime as babel_format_datetime
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from wcl.accounts.models import User
from wcl.accounts.permissions import abort_unless, is_admin, require, require_login
from wcl.applications import forms, services
from wcl.applications.models import (
    Application,
    ApplicationStatus,
    Call,
    CallQuestion,
    QuestionKind,
    RubricCriterion,
)
from wcl.audit.services import entries_for
from wcl.extensions import db
from wcl.files.services import UploadError, send_pdf_without_metadata, send_stored
from wcl.i18n import current_locale
from wcl.labs.services import all_labs
from wcl.time import BISHKEK, local_to_utc

bp = Blueprint("applications", __name__)
S = ApplicationStatus


@bp.app_template_filter("bishkek_time")
def bishkek_time(value):
    """A moment in Asia/Bishkek time, whatever the viewer's zone (deadlines)."""
    if value is None:
        return ""
    return babel_format_datetime(value, "d MMMM y, HH:mm", tzinfo=BISHKEK, locale=current_locale())


bp.add_app_template_global(services.status_label, "status_label")
bp.add_app_template_global(services.audit_label, "audit_label")


@bp.context_processor
def _helpers():
    return {
        "locale": current_locale(),
        "kind_labels": forms.QUESTION_KIND_LABELS,
        "S": S,
    }


def _flash_error(exc, form=None):
    field = getattr(form, exc.field, None) if (form is not None and exc.field) else None
    if field is not None:
        field.errors = list(field.errors) + [str(exc.message)]
    else:
        flash(str(exc.message), "error")


def _application(application_id):
    return db.get_or_404(Application, application_id)


def _own_application(application_id):
    """The current user's own application, else 403 (another's) or 404."""
    application = _application(application_id)
    abort_unless("applications.view", application)
    if application.applicant_id != current_user.id:
        abort(403)
    return application


def _to_utc(naive):
    return local_to_utc(naive, BISHKEK) if naive else None


def _to_local_naive(aware):
    return aware.astimezone(BISHKEK).replace(tzinfo=None) if aware else None


# --- public -----------------------------------------------------------------


@bp.route("/calls/")
def calls_index():
    page = request.args.get("page", 1, type=int)
    return render_template("applications/calls.html", pages=services.list_open_calls(page))


@bp.route("/calls/<slug>")
def call_page(slug):
    call = services.get_call_by_slug(slug)
    if call is None:
        abort(404)
    mine = services.find_application(current_user, call) if current_user.is_authenticated else None
    return render_template("applications/call.html", call=call, mine=mine, form=forms.ActionForm())


@bp.route("/calls/<slug>/apply", methods=["POST"])
@require("applications.apply")
def apply(slug):
    call = services.get_call_by_slug(slug)
    if call is None:
        abort(404)
    if not forms.ActionForm().validate_on_submit():
        abort(400)
    try:
        application = services.start_application(current_user, call)
    except services.ApplicationError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("applications.call_page", slug=slug))
    return redirect(url_for("applications.resume", application_id=application.id))


# --- the applicant -------------------------------------------------------------


@bp.route("/applications/mine")
@require_login
def mine():
    page = request.args.get("page", 1, type=int)
    return render_template(
        "applications/mine.html",
        pages=services.my_applications(current_user, page),
        form=forms.ActionForm(),
    )


@bp.route("/applications/<int:application_id>/continue")
@require_login
def resume(application_id):
    application = _own_application(application_id)
    if application.status != S.DRAFT:
        return redirect(url_for("applications.detail", application_id=application.id))
    step = services.first_incomplete_step(application)
    return redirect(url_for(STEP_ENDPOINTS[step], application_id=application.id))


def _draft_or_detail(application):
    """A submitted application is shown, not edited."""
    if application.status != S.DRAFT:
        flash(_("This application is already submitted and cannot be changed."), "error")
        return redirect(url_for("applications.detail", application_id=application.id))
    return None


def _step_context(application, step):
    return {
        "application": application,
        "call": application.call,
        "step": step,
        "done": services.step_completion(application),
    }


@bp.route("/applications/<int:application_id>/step/1", methods=["GET", "POST"])
@require_login
def step_about(application_id):
    application = _own_application(application_id)
    if (response := _draft_or_detail(application)) is not None:
        return response
    form = forms.AboutForm(obj=application)
    saved = current_user.demographics
    demo = forms.OptionalDemographicsForm(prefix="demo", obj=saved)
    touched = request.method == "POST" and demo.touched(saved)
    if form.validate_on_submit() and (not touched or demo.validate()):
        try:
            services.save_about(
                current_user,
                application,
                form.contact_name.data,
                form.contact_phone.data,
                form.contact_locality.data,
                demo.answers() if touched else None,
            )
        except services.ApplicationError as exc:
            _flash_error(exc, form)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("applications.step_questions", application_id=application.id))
    status = 422 if (form.errors or demo.errors) else 200
    return render_template(
        "applications/step_about.html",
        form=form,
        demo=demo,
        has_demographics=saved is not None,
        **_step_context(application, 1),
    ), status


@bp.route("/applications/<int:application_id>/step/2", methods=["GET", "POST"])
@require_login
def step_questions(application_id):
    application = _own_application(application_id)
    if (response := _draft_or_detail(application)) is not None:
        return response
    form = forms.ActionForm()
    questions = [q for q in application.call.questions if q.kind != QuestionKind.FILE]
    values, errors = application.answer_map(), {}
    if form.validate_on_submit():
        raw = forms.question_values(request.form, questions)
        try:
            services.save_answers(current_user, application, raw)
        except services.ApplicationError as exc:
            flash(str(exc.message), "error")
            values, errors = raw, exc.errors
        else:
            flash(_("Your answers are saved."), "success")
            if request.form.get("stay"):
                return redirect(url_for("applications.step_questions", application_id=application.id))
            return redirect(url_for("applications.step_files", application_id=application.id))
    return render_template(
        "applications/step_questions.html",
        form=form,
        questions=questions,
        values=values,
        errors=errors,
        **_step_context(application, 2),
    ), 422 if errors else 200


def _upload_form(application):
    form = forms.UploadForm()
    file_questions = [q for q in application.call.questions if q.kind == QuestionKind.FILE]
    form.question_id.choices = [(0, _("Portfolio (photos of your work)"))] + [
        (q.id, q.label(current_locale())) for q in file_questions
    ]
    return form


@bp.route("/applications/<int:application_id>/step/3", methods=["GET", "POST"])
@require_login
def step_files(application_id):
    application = _own_application(application_id)
    if (response := _draft_or_detail(application)) is not None:
        return response
    form = forms.ActionForm()
    if form.validate_on_submit():
        try:
            services.finish_files_step(current_user, application)
        except services.ApplicationError as exc:
            flash(str(exc.message), "error")
        else:
            return redirect(url_for("applications.step_review", application_id=application.id))
    return render_template(
        "applications/step_files.html",
        form=form,
        upload=_upload_form(application),
        file_questions=[q for q in application.call.questions if q.kind == QuestionKind.FILE],
        **_step_context(application, 3),
    )


@bp.route("/applications/<int:application_id>/files", methods=["POST"])
@require_login
def upload(application_id):
    application = _own_application(application_id)
    if (response := _draft_or_detail(application)) is not None:
        return response
    form = _upload_form(application)
    if form.validate_on_submit():
        try:
            services.add_attachment(current_user, application, form.file.data, form.question_id.data or None)
        except services.ApplicationError as exc:
            flash(str(exc.message), "error")
            return render_template(
                "applications/step_files.html",
                form=forms.ActionForm(),
                upload=form,
                file_questions=[q for q in application.call.questions if q.kind == QuestionKind.FILE],
                upload_error=str(exc.message),
                **_step_context(application, 3),
            ), 422
        flash(_("The file is uploaded."), "success")
    else:
        flash(_("Choose a file to upload."), "error")
    return redirect(url_for("applications.step_files", application_id=application.id))


@bp.route("/applications/<int:application_id>/files/<int:attachment_id>/delete", methods=["POST"])
@require_login
def remove_file(application_id, attachment_id):
    application = _own_application(application_id)
    if forms.ActionForm().validate_on_submit():
        try:
            services.remove_attachment(current_user, application, attachment_id)
        except services.ApplicationError as exc:
            flash(str(exc.message), "error")
        else:
            flash(_("The file is removed."), "success")
    return redirect(url_for("applications.step_files", application_id=application.id))


@bp.route("/applications/<int:application_id>/step/4")
@require_login
def step_review(application_id):
    application = _own_application(application_id)
    if (response := _draft_or_detail(application)) is not None:
        return response
    return render_template(
        "applications/step_review.html",
        form=forms.ActionForm(),
        missing=services.missing_required(application),
        answers=application.answer_map(),
        **_step_context(application, 4),
    )


STEP_ENDPOINTS = {
    1: "applications.step_about",
    2: "applications.step_questions",
    3: "applications.step_files",
    4: "applications.step_review",
}


@bp.route("/applications/<int:application_id>/submit", methods=["POST"])
@require_login
def submit(application_id):
    application = _own_application(application_id)
    if not forms.ActionForm().validate_on_submit():
        abort(400)
    try:
        services.submit_application(current_user, application)
    except services.ApplicationError as exc:
        flash(str(exc.message), "error")
        target = "applications.step_review" if application.status == S.DRAFT else "applications.detail"
        return redirect(url_for(target, application_id=application.id))
    flash(_("Thank you! Your application is submitted. We sent you a confirmation email."), "success")
    return redirect(url_for("applications.detail", application_id=application.id))


@bp.route("/applications/<int:application_id>/withdraw", methods=["POST"])
@require_login
def withdraw(application_id):
    application = _own_application(application_id)
    if forms.ActionForm().validate_on_submit():
        try:
            services.withdraw_application(current_user, application)
        except services.ApplicationError as exc:
            flash(str(exc.message), "error")
        else:
            flash(_("Your application is withdrawn."), "success")
    return redirect(url_for("applications.mine"))


@bp.route("/applications/<int:application_id>")
@require_login
def detail(application_id):
    application = _application(application_id)
    abort_unless("applications.view", application)
    role = services.viewer_role(current_user, application)
    context = {
        "application": application,
        "call": application.call,
        "role": role,
        "blind": services.is_blind_for(current_user, application),
        "answers": application.answer_map(),
        "decisions": services.decisions_for(application),
        "form": forms.ActionForm(),
    }
    if role == "staff":
        assign = forms.AssignForm()
        assign.reviewer_id.choices = [
            (u.id, u.full_name) for u in services.eligible_reviewers(application.call)
        ]
        context.update(
            assignments=services.assignments_for(application),
            reviews=services.application_reviews(application),
            assign=assign,
            decision=forms.DecisionForm(),
            audit=entries_for(application),
        )
    if role == "reviewer":
        context.update(my_review=services.review_by(current_user, application))
    return render_template("applications/detail.html", **context)


@bp.route("/applications/<int:application_id>/files/<int:attachment_id>")
@require_login
def file(application_id, attachment_id):
    application = _application(application_id)
    abort_unless("applications.view", application)
    attachment = services.get_attachment(application, attachment_id)
    if attachment is None:
        abort(404)
    stored = attachment.stored_file
    if not services.is_blind_for(current_user, application):
        return send_stored(stored)
    # The original name may carry hers ("aigerim_portfolio.pdf"), and so may a
    # PDF's author and title fields (images were stripped on upload).
    ext = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}.get(stored.mimetype, "bin")
    if stored.mimetype == "application/pdf":
        try:
            response = send_pdf_without_metadata(stored)
        except UploadError:
            abort(Response(render_template("applications/blind_file_unreadable.html"), status=422))
    else:
        response = send_stored(stored)
    disposition = "inline" if stored.is_image else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="file-{attachment.id}.{ext}"'
    return response


# --- reviewers ---------------------------------------------------------------


@bp.route("/review/")
@require("applications.review")
def my_reviews():
    page = request.args.get("page", 1, type=int)
    return render_template(
        "applications/my_reviews.html", pages=services.reviewer_assignments(current_user, page)
    )


@bp.route("/applications/<int:application_id>/review", methods=["GET", "POST"])
@require("applications.review")
def review(application_id):
    application = _application(application_id)
    if not services.is_active_reviewer(current_user.id, application.id):
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
    application = _application(application_id)
    if forms.ActionForm().validate_on_submit():
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


# --- staff: calls ------------------------------------------------------------------


def _call(call_id, permission="calls.manage"):
    call = db.get_or_404(Call, call_id)
    abort_unless(permission, call)
    return call


def _lab_choices():
    labs = all_labs()
    if not is_admin(current_user) and current_user.lab_id is not None:
        labs = [lab for lab in labs if lab.id == current_user.lab_id]
    return [(lab.id, lab.name(current_locale())) for lab in labs]


@bp.route("/staff/calls/")
@require("calls.manage")
def staff_calls():
    page = request.args.get("page", 1, type=int)
    pagination = services.calls_for_staff(current_user, page)
    counts = services.application_counts([c.id for c in pagination.items])
    return render_template("applications/staff_calls.html", pages=pagination, counts=counts)


@bp.route("/staff/calls/new", methods=["GET", "POST"])
@require("calls.manage")
def new_call():
    form = forms.CallForm()
    form.lab_id.choices = _lab_choices()
    if form.validate_on_submit():
        try:
            call = services.create_call(current_user, form.data_for_service(_to_utc))
        except services.ApplicationError as exc:
            _flash_error(exc, form)
        else:
            flash(_("The call is saved. Now add its questions and scoring criteria."), "success")
            return redirect(url_for("applications.call_setup", call_id=call.id))
    return render_template("applications/call_form.html", form=form, call=None), 422 if form.errors else 200


@bp.route("/staff/calls/<int:call_id>/edit", methods=["GET", "POST"])
@require("calls.manage")
def edit_call(call_id):
    call = _call(call_id)
    form = forms.CallForm(obj=call)
    form.lab_id.choices = _lab_choices()
    if request.method == "GET":
        form.opens_at.data = _to_local_naive(call.opens_at)
        form.closes_at.data = _to_local_naive(call.closes_at)
    if form.validate_on_submit():
        try:
            services.update_call(current_user, call, form.data_for_service(_to_utc))
        except services.ApplicationError as exc:
            _flash_error(exc, form)
        else:
            flash(_("The call is saved."), "success")
            return redirect(url_for("applications.call_setup", call_id=call.id))
    return render_template("applications/call_form.html", form=form, call=call), 422 if form.errors else 200


@bp.route("/staff/calls/<int:call_id>/form")
@require("calls.manage")
def call_setup(call_id):
    call = _call(call_id)
    return render_template(
        "applications/call_setup.html",
        call=call,
        question_form=forms.QuestionForm(),
        criterion_form=forms.CriterionForm(),
        form=forms.ActionForm(),
    )


@bp.route("/staff/calls/<int:call_id>/questions", methods=["POST"])
@require("calls.manage")
def add_question(call_id):
    call = _call(call_id)
    form = forms.QuestionForm()
    if form.validate_on_submit():
        try:
            services.add_question(current_user, call, form.data)
        except services.ApplicationError as exc:
            _flash_error(exc, form)
        else:
            flash(_("The question is added."), "success")
            return redirect(url_for("applications.call_setup", call_id=call.id))
    return render_template(
        "applications/call_setup.html",
        call=call,
        question_form=form,
        criterion_form=forms.CriterionForm(formdata=None),
        form=forms.ActionForm(),
    ), 422


@bp.route("/staff/questions/<int:question_id>/edit", methods=["GET", "POST"])
@require("calls.manage")
def edit_question(question_id):
    question = db.get_or_404(CallQuestion, question_id)
    abort_unless("calls.manage", question.call)
    form = forms.QuestionForm()
    if request.method == "GET":
        form.fill_from(question)
    if form.validate_on_submit():
        try:
            services.update_question(current_user, question, form.data)
        except services.ApplicationError as exc:
            _flash_error(exc, form)
        else:
            flash(_("The question is saved."), "success")
            return redirect(url_for("applications.call_setup", call_id=question.call_id))
    return render_template(
        "applications/item_form.html", form=form, call=question.call, heading=_("Edit the question")
    ), 422 if form.errors else 200


@bp.route("/staff/questions/<int:question_id>/delete", methods=["POST"])
@require("calls.manage")
def delete_question(question_id):
    question = db.get_or_404(CallQuestion, question_id)
    abort_unless("calls.manage", question.call)
    call_id = question.call_id
    if forms.ActionForm().validate_on_submit():
        try:
            services.delete_question(current_user, question)
        except services.ApplicationError as exc:
            flash(str(exc.message), "error")
        else:
            flash(_("The question is deleted."), "success")
    return redirect(url_for("applications.call_setup", call_id=call_id))


@bp.route("/staff/questions/<int:question_id>/move/<direction>", methods=["POST"])
@require("calls.manage")
def move_question(question_id, direction):
    question = db.get_or_404(CallQuestion, question_id)
    abort_unless("calls.manage", question.call)
    if direction not in ("up", "down"):
        abort(404)
    if forms.ActionForm().validate_on_submit():
        services.move_question(current_user, question, -1 if direction == "up" else 1)
    return redirect(url_for("applications.call_setup", call_id=question.call_id))


@bp.route("/staff/calls/<int:call_id>/criteria", methods=["POST"])
@require("calls.manage")
def add_criterion(call_id):
    call = _call(call_id)
    form = forms.CriterionForm()
    if form.validate_on_submit():
        try:
            services.add_criterion(current_user, call, form.data)
        except services.ApplicationError as exc:
            _flash_error(exc, form)
        else:
            flash(_("The criterion is added."), "success")
            return redirect(url_for("applications.call_setup", call_id=call.id))
    return render_template(
        "applications/call_setup.html",
        call=call,
        question_form=forms.QuestionForm(formdata=None),
        criterion_form=form,
        form=forms.ActionForm(),
    ), 422


@bp.route("/staff/criteria/<int:criterion_id>/edit", methods=["GET", "POST"])
@require("calls.manage")
def edit_criterion(criterion_id):
    criterion = db.get_or_404(RubricCriterion, criterion_id)
    abort_unless("calls.manage", criterion.call)
    form = forms.CriterionForm(obj=criterion)
    if form.validate_on_submit():
        try:
            services.update_criterion(current_user, criterion, form.data)
        except services.ApplicationError as exc:
            _flash_error(exc, form)
        else:
            flash(_("The criterion is saved."), "success")
            return redirect(url_for("applications.call_setup", call_id=criterion.call_id))
    return render_template(
        "applications/item_form.html", form=form, call=criterion.call, heading=_("Edit the criterion")
    ), 422 if form.errors else 200


@bp.route("/staff/criteria/<int:criterion_id>/delete", methods=["POST"])
@require("calls.manage")
def delete_criterion(criterion_id):
    criterion = db.get_or_404(RubricCriterion, criterion_id)
    abort_unless("calls.manage", criterion.call)
    call_id = criterion.call_id
    if forms.ActionForm().validate_on_submit():
        try:
            services.delete_criterion(current_user, criterion)
        except services.ApplicationError as exc:
            flash(str(exc.message), "error")
        else:
            flash(_("The criterion is deleted."), "success")
    return redirect(url_for("applications.call_setup", call_id=call_id))


# --- staff: applications, review, decisions -----------------------------------


@bp.route("/staff/calls/<int:call_id>/applications")
@require("applications.view_all")
def staff_applications(call_id):
    call = _call(call_id, "applications.view_all")
    page = request.args.get("page", 1, type=int)
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
    call = _call(call_id, "applications.decide")
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
    call = _call(call_id, "applications.assign_reviewers")
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
    application = _application(application_id)
    abort_unless("applications.assign_reviewers", application)
    form = forms.AssignForm()
    form.reviewer_id.choices = [(u.id, u.full_name) for u in services.eligible_reviewers(application.call)]
    if form.validate_on_submit():
        try:
            services.assign_reviewer(current_user, application, db.session.get(User, form.reviewer_id.data))
        except services.ApplicationError as exc:
            flash(str(exc.message), "error")
        else:
            flash(_("The reviewer is assigned."), "success")
    else:
        flash(_("Choose a reviewer."), "error")
    return redirect(url_for("applications.detail", application_id=application.id))


@bp.route("/applications/<int:application_id>/decide", methods=["POST"])
@require("applications.decide")
def decide(application_id):
    application = _application(application_id)
    abort_unless("applications.decide", application)
    form = forms.DecisionForm()
    if form.validate_on_submit():
        try:
            services.decide(current_user, [application.id], form.outcome.data, form.note.data or "")
        except services.ApplicationError as exc:
            flash(str(exc.message), "error")
        else:
            flash(_("The decision is saved and the applicant will get an email."), "success")
    return redirect(url_for("applications.detail", application_id=application.id))


@bp.route("/applications/<int:application_id>/shortlist", methods=["POST"])
@require("applications.decide")
def shortlist(application_id):
    application = _application(application_id)
    abort_unless("applications.decide", application)
    if forms.ActionForm().validate_on_submit():
        try:
            services.shortlist(current_user, [application.id])
        except services.ApplicationError as exc:
            flash(str(exc.message), "error")
        else:
            flash(_("The application is shortlisted."), "success")
    return redirect(url_for("applications.detail", application_id=application.id))


@bp.route("/staff/calls/<int:call_id>/paper", methods=["GET", "POST"])
@require("applications.enter_paper")
def paper(call_id):
    call = _call(call_id, "applications.enter_paper")
    form = forms.PaperForm()
    questions = [q for q in call.questions if q.kind != QuestionKind.FILE]
    values, errors = {}, {}
    if form.validate_on_submit():
        raw = forms.question_values(request.form, questions)
        data = {
            name: getattr(form, name).data for name in ("full_name", "email", "phone", "locality", "consent")
        }
        try:
            application = services.enter_paper_application(current_user, call, data, form.scan.data, raw)
        except services.ApplicationError as exc:
            _flash_error(exc, form)
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
    call = _call(call_id, "applications.export")
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
@require("applications.decide")
def edit_decision_template(outcome, lang):
    if outcome not in services.OUTCOMES or lang not in ("en", "ru", "ky"):
        abort(404)
    subject, body = services.decision_template(outcome, lang)
    form = forms.TemplateForm(data={"subject": subject, "body": body})
    if form.validate_on_submit():
        try:
            services.save_decision_template(current_user, outcome, lang, form.subject.data, form.body.data)
        except services.ApplicationError as exc:
            _flash_error(exc, form)
        else:
            flash(_("The template is saved."), "success")
            return redirect(url_for("applications.decision_templates"))
    return render_template(
        "applications/template_form.html", form=form, outcome=outcome, lang=lang
    ), 422 if form.errors else 200
