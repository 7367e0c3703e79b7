"""Cohort pages: staff manage cohorts, mentors follow their participants,
participants see their schedule and progress. Views are thin: every change
goes through one service function; permissions are checked here (403) and
again in the services."""

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from wcl.accounts.permissions import Role, abort_unless, can, has_role, require_login
from wcl.cohorts import forms, services
from wcl.cohorts.calendar import cohort_calendar
from wcl.cohorts.models import (
    AttendanceStatus,
    Cohort,
    CohortSession,
    Enrolment,
    EnrolmentStatus,
    Milestone,
    MilestoneProgress,
    SessionMaterial,
)
from wcl.files.services import send_stored
from wcl.forms import apply_error, safe_next
from wcl.i18n import current_locale
from wcl.labs.services import all_labs

bp = Blueprint("cohorts", __name__, url_prefix="/cohorts")


def _page():
    return request.args.get("page", 1, type=int)


def _mentor_choices(empty_label):
    return [("", empty_label)] + [(str(i), name) for i, name in services.mentor_choices()]


def _context_labels():
    return {
        "checkin_labels": forms.CHECKIN_LABELS,
        "enrolment_labels": forms.ENROLMENT_LABELS,
        "milestone_labels": forms.MILESTONE_LABELS,
        "attendance_labels": forms.ATTENDANCE_LABELS,
    }


@bp.context_processor
def _inject_labels():
    return _context_labels()


@bp.app_template_global("cohort_enrolment_options")
def _cohort_enrolment_options(call, application_ids):
    """Lets the applications' decision list offer one-click enrolment without
    the applications package importing this one."""
    return services.enrolment_options(current_user, call, application_ids)


# --- lists and cohorts ---------------------------------------------------------


@bp.route("/")
@require_login
def index():
    """Cohorts the person may open; participants also see their own progress."""
    abort_unless("cohorts.view")
    return render_template(
        "cohorts/index.html",
        cohorts=services.cohorts_for(current_user, _page()),
        enrolments=services.my_enrolments(current_user) if has_role(current_user, Role.PARTICIPANT) else [],
    )


def _cohort_form(obj=None):
    form = forms.CohortForm(obj=obj)
    labs = [lab for lab in all_labs() if can("cohorts.manage", Cohort(lab_id=lab.id))]
    form.lab_id.choices = [(lab.id, lab.name(current_locale())) for lab in labs]
    return form


@bp.route("/new", methods=["GET", "POST"])
@require_login
def create():
    abort_unless("cohorts.manage")
    form = _cohort_form()
    if form.validate_on_submit():
        try:
            cohort = services.create_cohort(current_user, form.data_for_service())
        except services.CohortError as exc:
            apply_error(form, exc)
        else:
            flash(_("The cohort is created."), "success")
            return redirect(url_for("cohorts.dashboard", cohort_id=cohort.id))
    return render_template("cohorts/form.html", form=form, cohort=None), 422 if form.errors else 200


@bp.route("/<int:cohort_id>/edit", methods=["GET", "POST"])
@require_login
def edit(cohort_id):
    cohort = services.get_or_404(Cohort, cohort_id)
    abort_unless("cohorts.manage", cohort)
    form = _cohort_form(cohort)
    if form.validate_on_submit():
        try:
            services.update_cohort(current_user, cohort, form.data_for_service())
        except services.CohortError as exc:
            apply_error(form, exc)
        else:
            flash(_("The cohort is saved."), "success")
            return redirect(url_for("cohorts.dashboard", cohort_id=cohort.id))
    return render_template("cohorts/form.html", form=form, cohort=cohort), 422 if form.errors else 200


@bp.route("/<int:cohort_id>")
@require_login
def dashboard(cohort_id):
    """The progress grid: staff see everyone (with filters), a mentor her own participants."""
    cohort = services.get_or_404(Cohort, cohort_id)
    if not (can("cohorts.manage", cohort) or can("cohorts.mentor", cohort)):
        if can("cohorts.participate", cohort):
            return redirect(url_for("cohorts.my_progress", cohort_id=cohort.id))
        abort_unless("cohorts.manage", cohort)
    staff = can("cohorts.manage", cohort)
    filters = forms.GridFilterForm(request.args)
    filters.mentor.choices = _mentor_choices(_("All mentors"))
    filters.validate()
    grid = services.progress_grid(
        current_user,
        cohort,
        mentor_id=filters.mentor.data if staff else None,
        status=filters.status.data or None,
        at_risk=filters.at_risk.data,
        page=_page(),
    )
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template(
        "cohorts/dashboard.html",
        cohort=cohort,
        grid=grid,
        staff=staff,
        filters=filters,
        filter_args=args,
        seats=services.seats_taken(cohort) if staff else None,
    )


# --- enrolment -------------------------------------------------------------------


@bp.route("/<int:cohort_id>/enrol", methods=["GET", "POST"])
@require_login
def enrol(cohort_id):
    """Accepted applicants not yet enrolled: one click each, or all at once."""
    cohort = services.get_or_404(Cohort, cohort_id)
    abort_unless("cohorts.manage", cohort)
    form = forms.EnrolForm()
    form.mentor_id.choices = _mentor_choices(_("No mentor yet"))
    if form.validate_on_submit():
        try:
            enrolment = services.enrol(
                current_user, cohort, int(form.application_id.data), form.mentor_id.data
            )
        except (services.CohortError, ValueError) as exc:
            flash(str(getattr(exc, "message", _("Choose an applicant from the list."))), "error")
        else:
            flash(_("%(name)s is enrolled.", name=enrolment.participant.full_name), "success")
            return redirect(safe_next(url_for("cohorts.enrol", cohort_id=cohort.id)))
        if request.form.get("next"):
            # Enrolling from the call's decision list: say why, back on that page.
            return redirect(safe_next(url_for("cohorts.enrol", cohort_id=cohort.id)))
    all_form = forms.EnrolAllForm()
    all_form.mentor_id.choices = form.mentor_id.choices
    return render_template(
        "cohorts/enrol.html",
        cohort=cohort,
        candidates=services.enrolment_candidates(cohort, _page()),
        form=form,
        all_form=all_form,
        seats=services.seats_taken(cohort),
    )


@bp.route("/<int:cohort_id>/enrol-all", methods=["POST"])
@require_login
def enrol_all(cohort_id):
    cohort = services.get_or_404(Cohort, cohort_id)
    abort_unless("cohorts.manage", cohort)
    form = forms.EnrolAllForm()
    form.mentor_id.choices = _mentor_choices(_("No mentor yet"))
    if form.validate_on_submit():
        try:
            enrolments = services.enrol_all(current_user, cohort, form.mentor_id.data)
        except services.CohortError as exc:
            flash(str(exc.message), "error")
        else:
            flash(_("%(count)d participants are enrolled.", count=len(enrolments)), "success")
    return redirect(url_for("cohorts.enrol", cohort_id=cohort.id))


# --- one participant ---------------------------------------------------------------


def _enrolment(enrolment_id, permission="cohorts.view"):
    enrolment = services.get_or_404(Enrolment, enrolment_id)
    abort_unless(permission, enrolment)
    return enrolment


def _enrolment_page(enrolment, **form_overrides):
    staff = can("cohorts.manage", enrolment)
    mentor_form = forms.MentorForm(mentor_id=enrolment.mentor_id)
    mentor_form.mentor_id.choices = _mentor_choices(_("Choose a mentor"))
    context = {
        "enrolment": enrolment,
        "cohort": enrolment.cohort,
        "staff": staff,
        "is_mentor": can("cohorts.checkin", enrolment),
        "is_self": enrolment.participant_id == current_user.id,
        "progress": services.progress_of(enrolment),
        "attendance": services.attendance_of(enrolment),
        "checkins": services.checkins_of(enrolment) if (staff or can("cohorts.mentor", enrolment)) else [],
        "problems": services.graduation_problems(enrolment)
        if enrolment.status == EnrolmentStatus.ACTIVE
        else [],
        "mentor_form": mentor_form,
        "checkin_form": forms.CheckInForm(met_on=date.today()),
        "withdraw_form": forms.WithdrawForm(),
        "evidence_form": forms.EvidenceForm(),
        "review_form": forms.ReviewForm(),
        "confirm": forms.ConfirmForm(),
        "certificate_number": services.certificate_number(enrolment),
    }
    context.update(form_overrides)
    return render_template("cohorts/enrolment.html", **context)


@bp.route("/enrolments/<int:enrolment_id>")
@require_login
def enrolment(enrolment_id):
    """One participant's progress: for staff, her mentor, and herself."""
    return _enrolment_page(_enrolment(enrolment_id))


@bp.route("/<int:cohort_id>/me")
@require_login
def my_progress(cohort_id):
    """The participant's own progress in a cohort."""
    enrolment = services.own_enrolment(cohort_id, current_user.id)
    if enrolment is None:
        abort(404)
    return redirect(url_for("cohorts.enrolment", enrolment_id=enrolment.id))


@bp.route("/enrolments/<int:enrolment_id>/mentor", methods=["POST"])
@require_login
def assign_mentor(enrolment_id):
    enrolment = _enrolment(enrolment_id, "cohorts.manage")
    form = forms.MentorForm()
    form.mentor_id.choices = _mentor_choices(_("Choose a mentor"))
    if form.validate_on_submit():
        try:
            services.assign_mentor(current_user, enrolment, form.mentor_id.data)
        except services.CohortError as exc:
            flash(str(exc.message), "error")
        else:
            flash(_("The mentor is saved."), "success")
    else:
        flash(_("Choose a mentor from the list."), "error")
    return redirect(url_for("cohorts.enrolment", enrolment_id=enrolment.id))


@bp.route("/enrolments/<int:enrolment_id>/checkins", methods=["POST"])
@require_login
def add_checkin(enrolment_id):
    enrolment = _enrolment(enrolment_id, "cohorts.checkin")
    form = forms.CheckInForm()
    if form.validate_on_submit():
        try:
            services.record_checkin(
                current_user, enrolment, form.met_on.data, form.status.data, form.notes.data
            )
        except services.CohortError as exc:
            apply_error(form, exc)
        else:
            flash(_("The check-in is saved."), "success")
            return redirect(url_for("cohorts.enrolment", enrolment_id=enrolment.id))
    return _enrolment_page(enrolment, checkin_form=form), 422


@bp.route("/enrolments/<int:enrolment_id>/evidence", methods=["POST"])
@require_login
def submit_evidence(enrolment_id):
    enrolment = _enrolment(enrolment_id, "cohorts.participate")
    form = forms.EvidenceForm()
    if form.validate_on_submit():
        try:
            services.submit_evidence(
                current_user, enrolment, int(form.milestone_id.data), form.text.data, form.upload.data
            )
        except services.CohortError as exc:
            flash(str(exc.message), "error")
            return _enrolment_page(enrolment), 422
        except ValueError:
            flash(_("This milestone is not part of your cohort."), "error")
            return _enrolment_page(enrolment), 422
        flash(_("Your work is sent to your mentor."), "success")
        return redirect(url_for("cohorts.enrolment", enrolment_id=enrolment.id))
    flash(_("Please try again."), "error")
    return _enrolment_page(enrolment), 422


@bp.route("/progress/<int:progress_id>/review", methods=["POST"])
@require_login
def review(progress_id):
    progress = services.get_or_404(MilestoneProgress, progress_id)
    abort_unless("cohorts.review", progress)
    form = forms.ReviewForm()
    if form.validate_on_submit():
        try:
            services.review_evidence(current_user, progress, form.decision.data, form.note.data)
        except services.CohortError as exc:
            flash(str(exc.message), "error")
        else:
            flash(_("The review is saved."), "success")
    else:
        flash(_("Choose approve or ask for changes."), "error")
    return redirect(url_for("cohorts.enrolment", enrolment_id=progress.enrolment_id))


@bp.route("/progress/<int:progress_id>/evidence")
@require_login
def evidence_file(progress_id):
    progress = services.get_or_404(MilestoneProgress, progress_id)
    abort_unless("cohorts.view", progress)
    if progress.evidence_file is None:
        abort(404)
    return send_stored(progress.evidence_file)


@bp.route("/enrolments/<int:enrolment_id>/graduate", methods=["POST"])
@require_login
def graduate(enrolment_id):
    enrolment = _enrolment(enrolment_id, "cohorts.manage")
    if forms.ConfirmForm().validate_on_submit():
        try:
            services.graduate(current_user, enrolment)
        except services.CohortError as exc:
            flash(_("She cannot graduate yet: %(reasons)s", reasons=exc.message), "error")
        else:
            flash(_("She has graduated. Her certificate is being prepared."), "success")
    return redirect(url_for("cohorts.enrolment", enrolment_id=enrolment_id))


@bp.route("/enrolments/<int:enrolment_id>/withdraw", methods=["POST"])
@require_login
def withdraw(enrolment_id):
    enrolment = _enrolment(enrolment_id, "cohorts.manage")
    form = forms.WithdrawForm()
    if form.validate_on_submit():
        try:
            services.withdraw(current_user, enrolment, form.reason.data)
        except services.CohortError as exc:
            apply_error(form, exc)
        else:
            flash(_("The participant is withdrawn."), "success")
            return redirect(url_for("cohorts.enrolment", enrolment_id=enrolment_id))
    return _enrolment_page(enrolment, withdraw_form=form), 422


@bp.route("/enrolments/<int:enrolment_id>/campaign-ready", methods=["POST"])
@require_login
def sign_off(enrolment_id):
    enrolment = _enrolment(enrolment_id, "cohorts.signoff")
    if forms.ConfirmForm().validate_on_submit():
        try:
            services.sign_off_campaign_ready(current_user, enrolment)
        except services.CohortError as exc:
            flash(str(exc.message), "error")
        else:
            flash(_("She is signed off as ready to start a campaign."), "success")
    return redirect(url_for("cohorts.enrolment", enrolment_id=enrolment_id))


@bp.route("/enrolments/<int:enrolment_id>/certificate", methods=["GET", "POST"])
@require_login
def certificate(enrolment_id):
    """Download the certificate (the graduate and staff); POST asks for a new rendering (staff)."""
    enrolment = _enrolment(enrolment_id, "cohorts.certificate")
    if request.method == "POST":
        abort_unless("cohorts.manage", enrolment)
        if forms.ConfirmForm().validate_on_submit():
            try:
                services.request_certificate(current_user, enrolment)
            except services.CohortError as exc:
                flash(str(exc.message), "error")
            else:
                flash(_("A new certificate is being prepared."), "success")
        return redirect(url_for("cohorts.enrolment", enrolment_id=enrolment_id))
    if enrolment.certificate_file is None or enrolment.certificate_issued_at is None:
        flash(_("The certificate is not ready yet. Please try again in a minute."), "warning")
        return redirect(url_for("cohorts.enrolment", enrolment_id=enrolment_id))
    return send_stored(enrolment.certificate_file, as_attachment=True)


# --- sessions, schedule, attendance --------------------------------------------------


@bp.route("/<int:cohort_id>/schedule")
@require_login
def schedule(cohort_id):
    """The cohort's sessions with materials, for everyone in it."""
    cohort = services.get_or_404(Cohort, cohort_id)
    abort_unless("cohorts.view", cohort)
    return render_template(
        "cohorts/schedule.html",
        cohort=cohort,
        sessions=services.sessions_page(cohort, _page()),
        rates=services.session_rates(cohort) if can("cohorts.attendance", cohort) else {},
        staff=can("cohorts.manage", cohort),
        can_mark=can("cohorts.attendance", cohort),
        material_form=forms.MaterialForm(),
        confirm=forms.ConfirmForm(),
    )


@bp.route("/<int:cohort_id>/calendar.ics")
@require_login
def calendar(cohort_id):
    cohort = services.get_or_404(Cohort, cohort_id)
    abort_unless("cohorts.view", cohort)
    return Response(
        cohort_calendar(cohort),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="cohort-{cohort.id}.ics"'},
    )


@bp.route("/<int:cohort_id>/sessions/new", methods=["GET", "POST"])
@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"], endpoint="edit_session")
@require_login
def new_session(cohort_id=None, session_id=None):
    session = services.get_or_404(CohortSession, session_id) if session_id else None
    cohort = session.cohort if session else services.get_or_404(Cohort, cohort_id)
    abort_unless("cohorts.manage", cohort)
    form = forms.SessionForm(obj=None if request.method == "POST" else _session_form_data(session))
    if form.validate_on_submit():
        try:
            services.save_session(current_user, cohort, form.data_for_service(), session)
        except services.CohortError as exc:
            apply_error(form, exc)
        else:
            flash(_("The session is saved."), "success")
            return redirect(url_for("cohorts.schedule", cohort_id=cohort.id))
    return render_template(
        "cohorts/session_form.html", form=form, cohort=cohort, session=session
    ), 422 if form.errors else 200


def _session_form_data(session):
    if session is None:
        return None
    from types import SimpleNamespace

    from wcl.time import to_local

    return SimpleNamespace(
        title=session.title,
        description=session.description,
        starts_at=to_local(session.starts_at).replace(tzinfo=None),
        ends_at=to_local(session.ends_at).replace(tzinfo=None),
        place=session.place,
        link=session.link,
    )


@bp.route("/sessions/<int:session_id>/materials", methods=["POST"])
@require_login
def add_material(session_id):
    session = services.get_or_404(CohortSession, session_id)
    abort_unless("cohorts.manage", session)
    form = forms.MaterialForm()
    if form.validate_on_submit():
        try:
            services.add_material(current_user, session, form.title.data, form.url.data, form.upload.data)
        except services.CohortError as exc:
            flash(str(exc.message), "error")
        else:
            flash(_("The material is added."), "success")
    return redirect(url_for("cohorts.schedule", cohort_id=session.cohort_id))


@bp.route("/materials/<int:material_id>")
@require_login
def material(material_id):
    material = services.get_or_404(SessionMaterial, material_id)
    abort_unless("cohorts.view", material)
    if material.file is None:
        return redirect(material.url)
    return send_stored(material.file)


@bp.route("/materials/<int:material_id>/delete", methods=["POST"])
@require_login
def delete_material(material_id):
    material = services.get_or_404(SessionMaterial, material_id)
    abort_unless("cohorts.manage", material)
    cohort_id = material.session.cohort_id
    if forms.ConfirmForm().validate_on_submit():
        services.remove_material(current_user, material)
        flash(_("The material is removed."), "success")
    return redirect(url_for("cohorts.schedule", cohort_id=cohort_id))


@bp.route("/sessions/<int:session_id>/attendance", methods=["GET", "POST"])
@require_login
def attendance(session_id):
    """One screen per session: a radio row per participant, saved in one POST."""
    session = services.get_or_404(CohortSession, session_id)
    abort_unless("cohorts.attendance", session)
    form = forms.ConfirmForm()
    status = 200
    if form.validate_on_submit():
        marks, bad = _parse_marks(request.form)
        try:
            if bad:
                raise services.CohortError(_("Choose present, absent or excused."))
            count = services.record_attendance(current_user, session, marks)
        except services.CohortError as exc:
            flash(str(exc.message), "error")
            status = 422
        else:
            flash(_("Attendance saved for %(count)d participants.", count=count), "success")
            return redirect(url_for("cohorts.attendance", session_id=session.id))
    return render_template(
        "cohorts/attendance.html",
        session=session,
        cohort=session.cohort,
        roster=services.roster(current_user, session),
        statuses=AttendanceStatus.ALL,
        form=form,
        rate=services.session_rates(session.cohort).get(session.id),
    ), status


def _parse_marks(formdata):
    """``a-<enrolment id>`` → status; returns (marks, malformed?)."""
    marks, bad = {}, False
    for key, value in formdata.items():
        if not key.startswith("a-"):
            continue
        try:
            marks[int(key[2:])] = value
        except ValueError:
            bad = True
    return marks, bad


# --- milestones ----------------------------------------------------------------------


@bp.route("/<int:cohort_id>/milestones", methods=["GET", "POST"])
@require_login
def milestones(cohort_id):
    cohort = services.get_or_404(Cohort, cohort_id)
    abort_unless("cohorts.view", cohort)
    form = forms.MilestoneForm()
    if request.method == "POST":
        abort_unless("cohorts.manage", cohort)
        if form.validate_on_submit():
            services.save_milestone(current_user, cohort, form.data)
            flash(_("The milestone is saved."), "success")
            return redirect(url_for("cohorts.milestones", cohort_id=cohort.id))
    return render_template(
        "cohorts/milestones.html",
        cohort=cohort,
        milestones=services.milestones_of(cohort),
        form=form,
        staff=can("cohorts.manage", cohort),
    ), 422 if form.errors else 200


@bp.route("/milestones/<int:milestone_id>/edit", methods=["GET", "POST"])
@require_login
def edit_milestone(milestone_id):
    milestone = services.get_or_404(Milestone, milestone_id)
    abort_unless("cohorts.manage", milestone)
    form = forms.MilestoneForm(obj=milestone)
    if form.validate_on_submit():
        services.save_milestone(current_user, milestone.cohort, form.data, milestone)
        flash(_("The milestone is saved."), "success")
        return redirect(url_for("cohorts.milestones", cohort_id=milestone.cohort_id))
    return render_template(
        "cohorts/milestone_form.html", form=form, milestone=milestone, cohort=milestone.cohort
    ), 422 if form.errors else 200
