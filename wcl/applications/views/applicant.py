"""The applicant's pages: the public calls, her draft in four steps, and one application's page.

The application's page and its files are shown to whoever may view it (the
applicant, staff of its lab, an assigned reviewer); what it shows depends on
``services.viewer_role``.
"""

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from wcl.accounts.permissions import abort_unless, require, require_login
from wcl.applications import forms, services
from wcl.applications.models import ApplicationStatus as S
from wcl.applications.models import QuestionKind
from wcl.applications.views import bp
from wcl.applications.views._common import get_application
from wcl.audit.services import entries_for
from wcl.files.services import UploadError, send_pdf_without_metadata, send_stored
from wcl.forms import act_then_redirect, apply_error, attempt, confirmed, page_arg
from wcl.i18n import current_locale, remember_language


def _own_application(application_id):
    """The current user's own application, else 403 (another's) or 404."""
    application = get_application(application_id)
    abort_unless("applications.view", application)
    if application.applicant_id != current_user.id:
        abort(403)
    return application


# --- public -----------------------------------------------------------------


@bp.route("/calls/")
def calls_index():
    page = page_arg()
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
    page = page_arg()
    return render_template(
        "applications/mine.html",
        pages=services.my_applications(current_user, page),
        form=forms.ActionForm(),
        my_teams=services.my_teams(current_user),
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


# The id of a step's form: base.html then turns the language links into buttons
# that submit it (``form=``), so switching language saves the draft first.
DRAFT_FORM_ID = "draft-form"


def _language_switch():
    """The language asked for by the header's buttons on a draft form, if any."""
    code = request.form.get("switch_language")
    return code if code in current_app.config["LANGUAGES"] else None


def _switched(code, endpoint, application):
    """After the draft is saved: the same step again, in the language ``code``."""
    return remember_language(redirect(url_for(endpoint, application_id=application.id)), code)


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
            apply_error(form, exc)
        else:
            if switch := _language_switch():
                return _switched(switch, "applications.step_about", application)
            flash(_("Saved."), "success")
            return redirect(url_for("applications.step_questions", application_id=application.id))
    status = 422 if (form.errors or demo.errors) else 200
    return render_template(
        "applications/step_about.html",
        form=form,
        demo=demo,
        has_demographics=saved is not None,
        draft_form=DRAFT_FORM_ID,
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
            if switch := _language_switch():
                return _switched(switch, "applications.step_questions", application)
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
        draft_form=DRAFT_FORM_ID,
        **_step_context(application, 2),
    ), 422 if errors else 200


def _upload_form(application):
    """The upload form; what the file is for defaults to the question it was opened
    from (``?question=<id>``), else the first file question still unanswered
    (required ones first), and only then to the portfolio."""
    form = forms.UploadForm()
    file_questions = [q for q in application.call.questions if q.kind == QuestionKind.FILE]
    form.question_id.choices = [(q.id, q.label(current_locale())) for q in file_questions] + [
        (0, _("Portfolio (photos of your work)"))
    ]
    if not form.is_submitted():
        answered = {a.question_id for a in application.attachments}
        asked = request.args.get("question", type=int)
        unanswered = sorted(
            (q for q in file_questions if q.id not in answered), key=lambda q: (not q.required, q.position)
        )
        if asked in {q.id for q in file_questions}:
            form.question_id.data = asked
        elif unanswered:
            form.question_id.data = unanswered[0].id
        else:
            form.question_id.data = 0
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
    return act_then_redirect(
        forms.ActionForm(),
        lambda: services.remove_attachment(current_user, application, attachment_id),
        _("The file is removed."),
        url_for("applications.step_files", application_id=application.id),
    )


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
    if not forms.ActionForm().validate_on_submit():
        return redirect(url_for("applications.mine"))
    if not confirmed():
        return redirect(url_for("applications.detail", application_id=application.id))
    outcome = attempt(
        lambda: services.withdraw_application(current_user, application),
        success=_("Your application is withdrawn."),
    )
    if not outcome.ok:
        return redirect(url_for("applications.detail", application_id=application.id))
    return redirect(url_for("applications.mine"))


@bp.route("/applications/<int:application_id>")
@require_login
def detail(application_id):
    application = get_application(application_id)
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
    application = get_application(application_id)
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
