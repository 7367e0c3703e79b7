"""Cohort pages for the people in a cohort: the list, the progress grid, one
participant's page, the schedule and materials, attendance, milestones; and what
participants (evidence) and mentors (check-ins, reviews, attendance, sign-off) do there."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from wcl.accounts.permissions import abort_unless, can, has_permission, require_login
from wcl.cohorts import forms, services
from wcl.cohorts.calendar import cohort_calendar
from wcl.cohorts.models import AttendanceStatus, Cohort, CohortSession, MilestoneProgress, SessionMaterial
from wcl.cohorts.views import bp
from wcl.cohorts.views._helpers import load_cohort, load_enrolment, mentor_choices, render_enrolment
from wcl.files.services import send_stored
from wcl.forms import attempt, page_arg
from wcl.i18n import current_locale


@bp.route("/")
@require_login
def index():
    """Cohorts the person may open; participants also see their own progress."""
    abort_unless("cohorts.view")
    return render_template(
        "cohorts/index.html",
        cohorts=services.cohorts_for(current_user, page_arg(), current_locale()),
        enrolments=services.my_enrolments(current_user, current_locale())
        if has_permission(current_user, "cohorts.participate")
        else [],
    )


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
    filters.mentor.choices = mentor_choices(_("All mentors"))
    filters.validate()
    grid = services.progress_grid(
        current_user,
        cohort,
        mentor_id=filters.mentor.data if staff else None,
        status=filters.status.data or None,
        at_risk=filters.at_risk.data,
        page=page_arg(),
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


@bp.route("/enrolments/<int:enrolment_id>")
@require_login
def enrolment(enrolment_id):
    """One participant's progress: for staff, her mentor, and herself."""
    return render_enrolment(load_enrolment(enrolment_id))


@bp.route("/<int:cohort_id>/me")
@require_login
def my_progress(cohort_id):
    """The participant's own progress in a cohort."""
    enrolment = services.own_enrolment(cohort_id, current_user.id)
    if enrolment is None:
        abort(404)
    return redirect(url_for("cohorts.enrolment", enrolment_id=enrolment.id))


@bp.route("/enrolments/<int:enrolment_id>/checkins", methods=["POST"])
@require_login
def add_checkin(enrolment_id):
    enrolment = load_enrolment(enrolment_id, "cohorts.checkin")
    form = forms.CheckInForm()
    if form.validate_on_submit() and attempt(
        lambda: services.record_checkin(
            current_user, enrolment, form.met_on.data, form.status.data, form.notes.data
        ),
        form,
        _("The check-in is saved."),
    ):
        return redirect(url_for("cohorts.enrolment", enrolment_id=enrolment.id))
    return render_enrolment(enrolment, checkin_form=form), 422


@bp.route("/enrolments/<int:enrolment_id>/evidence", methods=["POST"])
@require_login
def submit_evidence(enrolment_id):
    enrolment = load_enrolment(enrolment_id, "cohorts.participate")
    form = forms.EvidenceForm()
    if form.validate_on_submit():
        try:
            services.submit_evidence(
                current_user, enrolment, int(form.milestone_id.data), form.text.data, form.upload.data
            )
        except services.CohortError as exc:
            flash(str(exc.message), "error")
            return render_enrolment(enrolment), 422
        except ValueError:
            flash(_("This milestone is not part of your cohort."), "error")
            return render_enrolment(enrolment), 422
        flash(_("Your work is sent to your mentor."), "success")
        return redirect(url_for("cohorts.enrolment", enrolment_id=enrolment.id))
    flash(_("Please try again."), "error")
    return render_enrolment(enrolment), 422


@bp.route("/progress/<int:progress_id>/review", methods=["POST"])
@require_login
def review(progress_id):
    progress = services.get_or_404(MilestoneProgress, progress_id)
    abort_unless("cohorts.review", progress)
    form = forms.ReviewForm()
    if form.validate_on_submit():
        attempt(
            lambda: services.review_evidence(current_user, progress, form.decision.data, form.note.data),
            success=_("The review is saved."),
        )
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


@bp.route("/enrolments/<int:enrolment_id>/campaign-ready", methods=["POST"])
@require_login
def sign_off(enrolment_id):
    enrolment = load_enrolment(enrolment_id, "cohorts.signoff")
    if forms.ConfirmForm().validate_on_submit():
        attempt(
            lambda: services.sign_off_campaign_ready(current_user, enrolment),
            success=_("She is signed off as ready to start a campaign."),
        )
    return redirect(url_for("cohorts.enrolment", enrolment_id=enrolment_id))


@bp.route("/enrolments/<int:enrolment_id>/certificate", methods=["GET", "POST"])
@require_login
def certificate(enrolment_id):
    """Download the certificate (the graduate and staff); POST asks for a new rendering (staff)."""
    enrolment = load_enrolment(enrolment_id, "cohorts.certificate")
    if request.method == "POST":
        abort_unless("cohorts.manage", enrolment)
        if forms.ConfirmForm().validate_on_submit():
            attempt(
                lambda: services.request_certificate(current_user, enrolment),
                success=_("A new certificate is being prepared."),
            )
        return redirect(url_for("cohorts.enrolment", enrolment_id=enrolment_id))
    if enrolment.certificate_file is None or enrolment.certificate_issued_at is None:
        flash(_("The certificate is not ready yet. Please try again in a minute."), "warning")
        return redirect(url_for("cohorts.enrolment", enrolment_id=enrolment_id))
    return send_stored(enrolment.certificate_file, as_attachment=True)


@bp.route("/<int:cohort_id>/schedule")
@require_login
def schedule(cohort_id):
    """The cohort's sessions with materials, for everyone in it."""
    cohort = load_cohort(cohort_id, "cohorts.view")
    return render_template(
        "cohorts/schedule.html",
        cohort=cohort,
        sessions=services.sessions_page(cohort, page_arg(), current_locale()),
        rates=services.session_rates(cohort) if can("cohorts.attendance", cohort) else {},
        staff=can("cohorts.manage", cohort),
        can_mark=can("cohorts.attendance", cohort),
        started=services.session_started,
        material_form=forms.MaterialForm(),
        confirm=forms.ConfirmForm(),
    )


@bp.route("/<int:cohort_id>/calendar.ics")
@require_login
def calendar(cohort_id):
    cohort = load_cohort(cohort_id, "cohorts.view")
    return Response(
        cohort_calendar(cohort, current_locale()),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="cohort-{cohort.id}.ics"'},
    )


@bp.route("/materials/<int:material_id>")
@require_login
def material(material_id):
    material = services.get_or_404(SessionMaterial, material_id)
    abort_unless("cohorts.view", material)
    if material.file is None:
        return redirect(material.url)
    return send_stored(material.file)


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
        started=services.session_started(session),
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


@bp.route("/<int:cohort_id>/milestones", methods=["GET", "POST"])
@require_login
def milestones(cohort_id):
    cohort = load_cohort(cohort_id, "cohorts.view")
    form = forms.MilestoneForm()
    if request.method == "POST":
        abort_unless("cohorts.manage", cohort)
        if form.validate_on_submit():
            services.save_milestone(current_user, cohort, form.data_for_service())
            flash(_("The milestone is saved."), "success")
            return redirect(url_for("cohorts.milestones", cohort_id=cohort.id))
    return render_template(
        "cohorts/milestones.html",
        cohort=cohort,
        milestones=services.milestones_of(cohort, current_locale()),
        form=form,
        staff=can("cohorts.manage", cohort),
    ), 422 if form.errors else 200
