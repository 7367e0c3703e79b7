"""Cohort management for staff: cohorts, enrolment, mentors, graduation and
withdrawal, sessions and materials, milestones."""

from types import SimpleNamespace

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from wcl.accounts.permissions import abort_unless, can, require_login
from wcl.cohorts import forms, services
from wcl.cohorts.models import Cohort, CohortSession, Milestone, SessionMaterial
from wcl.cohorts.views import bp
from wcl.cohorts.views._helpers import load_cohort, load_enrolment, mentor_choices, render_enrolment
from wcl.forms import attempt, confirmed, page_arg, safe_next
from wcl.i18n import current_locale
from wcl.labs.services import all_labs
from wcl.time import to_local


def _cohort_form(obj=None):
    form = forms.CohortForm(obj=obj)
    if obj is not None and request.method == "GET":
        form.fill_translations(obj.translations)
    labs = [lab for lab in all_labs() if can("cohorts.manage", Cohort(lab_id=lab.id))]
    form.lab_id.choices = [(lab.id, lab.name(current_locale())) for lab in labs]
    return form


@bp.route("/new", methods=["GET", "POST"])
@require_login
def create():
    abort_unless("cohorts.manage")
    form = _cohort_form()
    if form.validate_on_submit() and (
        done := attempt(
            lambda: services.create_cohort(current_user, form.data_for_service()),
            form,
            _("The cohort is created."),
        )
    ):
        return redirect(url_for("cohorts.dashboard", cohort_id=done.value.id))
    return render_template("cohorts/form.html", form=form, cohort=None), 422 if form.errors else 200


@bp.route("/<int:cohort_id>/edit", methods=["GET", "POST"])
@require_login
def edit(cohort_id):
    cohort = load_cohort(cohort_id, "cohorts.manage")
    form = _cohort_form(cohort)
    if form.validate_on_submit() and attempt(
        lambda: services.update_cohort(current_user, cohort, form.data_for_service()),
        form,
        _("The cohort is saved."),
    ):
        return redirect(url_for("cohorts.dashboard", cohort_id=cohort.id))
    return render_template("cohorts/form.html", form=form, cohort=cohort), 422 if form.errors else 200


@bp.route("/<int:cohort_id>/enrol", methods=["GET", "POST"])
@require_login
def enrol(cohort_id):
    """Accepted applicants not yet enrolled: one click each, or all at once."""
    cohort = load_cohort(cohort_id, "cohorts.manage")
    form = forms.EnrolForm()
    form.mentor_id.choices = mentor_choices(_("No mentor yet"))
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
        candidates=services.enrolment_candidates(cohort, page_arg()),
        form=form,
        all_form=all_form,
        seats=services.seats_taken(cohort),
    )


@bp.route("/<int:cohort_id>/enrol-all", methods=["POST"])
@require_login
def enrol_all(cohort_id):
    cohort = load_cohort(cohort_id, "cohorts.manage")
    form = forms.EnrolAllForm()
    form.mentor_id.choices = mentor_choices(_("No mentor yet"))
    if form.validate_on_submit():
        try:
            enrolments = services.enrol_all(current_user, cohort, form.mentor_id.data)
        except services.CohortError as exc:
            flash(str(exc.message), "error")
        else:
            flash(_("%(count)d participants are enrolled.", count=len(enrolments)), "success")
    return redirect(url_for("cohorts.enrol", cohort_id=cohort.id))


@bp.route("/enrolments/<int:enrolment_id>/mentor", methods=["POST"])
@require_login
def assign_mentor(enrolment_id):
    enrolment = load_enrolment(enrolment_id, "cohorts.manage")
    form = forms.MentorForm()
    form.mentor_id.choices = mentor_choices(_("Choose a mentor"))
    if form.validate_on_submit():
        attempt(
            lambda: services.assign_mentor(current_user, enrolment, form.mentor_id.data),
            success=_("The mentor is saved."),
        )
    else:
        flash(_("Choose a mentor from the list."), "error")
    return redirect(url_for("cohorts.enrolment", enrolment_id=enrolment.id))


@bp.route("/enrolments/<int:enrolment_id>/graduate", methods=["POST"])
@require_login
def graduate(enrolment_id):
    enrolment = load_enrolment(enrolment_id, "cohorts.manage")
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
    enrolment = load_enrolment(enrolment_id, "cohorts.manage")
    form = forms.WithdrawForm()
    if form.validate_on_submit() and attempt(
        lambda: services.withdraw(current_user, enrolment, form.reason.data),
        form,
        _("The participant is withdrawn."),
    ):
        return redirect(url_for("cohorts.enrolment", enrolment_id=enrolment_id))
    return render_enrolment(enrolment, withdraw_form=form), 422


@bp.route("/<int:cohort_id>/sessions/new", methods=["GET", "POST"])
@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"], endpoint="edit_session")
@require_login
def new_session(cohort_id=None, session_id=None):
    session = services.get_or_404(CohortSession, session_id) if session_id else None
    cohort = session.cohort if session else services.get_or_404(Cohort, cohort_id)
    abort_unless("cohorts.manage", cohort)
    form = forms.SessionForm(obj=None if request.method == "POST" else _session_form_data(session))
    if session is not None and request.method == "GET":
        form.fill_translations(session.translations)
    if form.validate_on_submit() and attempt(
        lambda: services.save_session(current_user, cohort, form.data_for_service(), session),
        form,
        _("The session is saved."),
    ):
        return redirect(url_for("cohorts.schedule", cohort_id=cohort.id))
    return render_template(
        "cohorts/session_form.html", form=form, cohort=cohort, session=session
    ), 422 if form.errors else 200


def _session_form_data(session):
    if session is None:
        return None
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
        attempt(
            lambda: services.add_material(
                current_user, session, form.title.data, form.url.data, form.upload.data
            ),
            success=_("The material is added."),
        )
    return redirect(url_for("cohorts.schedule", cohort_id=session.cohort_id))


@bp.route("/materials/<int:material_id>/delete", methods=["POST"])
@require_login
def delete_material(material_id):
    material = services.get_or_404(SessionMaterial, material_id)
    abort_unless("cohorts.manage", material)
    cohort_id = material.session.cohort_id
    if forms.ConfirmForm().validate_on_submit() and confirmed():
        services.remove_material(current_user, material)
        flash(_("The material is removed."), "success")
    return redirect(url_for("cohorts.schedule", cohort_id=cohort_id))


@bp.route("/milestones/<int:milestone_id>/edit", methods=["GET", "POST"])
@require_login
def edit_milestone(milestone_id):
    milestone = services.get_or_404(Milestone, milestone_id)
    abort_unless("cohorts.manage", milestone)
    form = forms.MilestoneForm(obj=milestone)
    if request.method == "GET":
        form.fill_translations(milestone.translations)
    if form.validate_on_submit():
        services.save_milestone(current_user, milestone.cohort, form.data_for_service(), milestone)
        flash(_("The milestone is saved."), "success")
        return redirect(url_for("cohorts.milestones", cohort_id=milestone.cohort_id))
    return render_template(
        "cohorts/milestone_form.html", form=form, milestone=milestone, cohort=milestone.cohort
    ), 422 if form.errors else 200
