"""Pages for teams and organisations applying, and for a call's co-reviewers (issue 20).

The lead starts a team's draft from the call's page and invites members on the
team's page; an invited person opens her emailed link, consents and joins (her own
demographics optional). Staff choose who may apply to a call and name partner
organisations co-reviewers of it.
"""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from wcl.accounts.permissions import require, require_login
from wcl.applications import forms, services
from wcl.applications.models import ApplicationStatus as S
from wcl.applications.views import bp
from wcl.applications.views._common import get_application, get_call
from wcl.extensions import db
from wcl.forms import act_then_redirect, attempt
from wcl.i18n import current_locale
from wcl.orgs.models import Organisation
from wcl.orgs.services import my_organisations


def _call_or_404(slug):
    call = services.get_call_by_slug(slug)
    if call is None:
        abort(404)
    return call


@bp.route("/calls/<slug>/apply-team", methods=["GET", "POST"])
@require("applications.apply")
def apply_team(slug):
    call = _call_or_404(slug)
    form = forms.TeamStartForm()
    if form.validate_on_submit():
        outcome = attempt(
            lambda: services.start_team_application(
                current_user, call, form.team_name.data, consent=form.consent.data
            ),
            form,
        )
        if outcome.ok:
            flash(_("Your team's application is started. Now invite your team."), "success")
            return redirect(url_for("applications.team", application_id=outcome.value.id))
    return render_template("applications/team_start.html", call=call, form=form), 422 if form.errors else 200


def _representing(user):
    return [org for membership, org in my_organisations(user) if membership.role == "representative"]


@bp.route("/calls/<slug>/apply-organisation", methods=["GET", "POST"])
@require("applications.apply")
def apply_organisation(slug):
    call = _call_or_404(slug)
    form = forms.OrganisationApplyForm()
    form.organisation_id.choices = [(o.id, o.name(current_locale())) for o in _representing(current_user)]
    if form.validate_on_submit():
        organisation = db.session.get(Organisation, form.organisation_id.data)
        outcome = attempt(
            lambda: services.start_organisation_application(current_user, call, organisation), form
        )
        if outcome.ok:
            return redirect(url_for("applications.resume", application_id=outcome.value.id))
    return render_template(
        "applications/organisation_apply.html", call=call, form=form
    ), 422 if form.errors else 200


def _team_application(application_id):
    """A team application the current user leads or is in, else 403/404."""
    application = get_application(application_id)
    if not application.is_team:
        abort(404)
    people = {m.user_id for m in services.team_of(application)}
    if current_user.id not in people:
        abort(403)
    return application


@bp.route("/applications/<int:application_id>/team", methods=["GET", "POST"])
@require_login
def team(application_id):
    application = _team_application(application_id)
    lead = application.applicant_id == current_user.id
    form = forms.InviteForm()
    if lead and form.validate_on_submit():
        outcome = attempt(
            lambda: services.invite_member(current_user, application, form.email.data, form.locale.data),
            form,
            success=_("The invitation is sent."),
        )
        if outcome.ok:
            return redirect(url_for("applications.team", application_id=application.id))
    return render_template(
        "applications/team.html",
        application=application,
        call=application.call,
        members=services.team_of(application),
        lead=lead,
        editable=lead and application.status == S.DRAFT,
        form=form,
        action=forms.ActionForm(),
    ), 422 if form.errors else 200


@bp.route("/applications/<int:application_id>/team/<int:member_id>/remove", methods=["POST"])
@require_login
def team_remove(application_id, member_id):
    application = _team_application(application_id)
    return act_then_redirect(
        forms.ActionForm(),
        lambda: services.remove_member(current_user, application, member_id),
        _("The person is no longer in the team."),
        url_for("applications.team", application_id=application.id),
    )


@bp.route("/team-invite/<token>", methods=["GET", "POST"])
@require_login
def team_invite(token):
    try:
        member = services.invitation_for(token)
    except services.ApplicationError as exc:
        return render_template("applications/team_invite_invalid.html", message=str(exc.message)), 410
    form = forms.AcceptInviteForm()
    saved = current_user.demographics
    demo = forms.OptionalDemographicsForm(prefix="demo", obj=saved)
    if form.validate_on_submit():
        touched = demo.touched(saved)
        if not touched or demo.validate():
            outcome = attempt(
                lambda: services.accept_invitation(
                    current_user,
                    token,
                    consent=form.consent.data,
                    demographics=demo.answers() if touched else None,
                ),
                form,
                success=_("Welcome to the team!"),
            )
            if outcome.ok:
                return redirect(url_for("applications.team", application_id=member.application_id))
    return render_template(
        "applications/team_invite.html",
        member=member,
        application=member.application,
        call=member.application.call,
        form=form,
        demo=demo,
        has_demographics=saved is not None,
        action=forms.ActionForm(),
    ), 422 if (form.errors or demo.errors) else 200


@bp.route("/team-invite/<token>/decline", methods=["POST"])
@require_login
def team_invite_decline(token):
    if forms.ActionForm().validate_on_submit():
        attempt(
            lambda: services.decline_invitation(current_user, token),
            success=_("You declined the invitation."),
        )
    return redirect(url_for("applications.mine"))


# --- staff ---------------------------------------------------------------------


@bp.route("/staff/calls/<int:call_id>/applicants", methods=["GET", "POST"])
@require("calls.manage")
def call_applicant_kinds(call_id):
    call = get_call(call_id)
    form = forms.ApplicantKindsForm(obj=call)
    if form.validate_on_submit():
        outcome = attempt(
            lambda: services.set_applicant_kinds(
                current_user,
                call,
                form.accepts_individuals.data,
                form.accepts_teams.data,
                form.accepts_organisations.data,
                form.team_min_size.data,
                form.team_max_size.data,
            ),
            form,
            success=_("Saved."),
        )
        if outcome.ok:
            return redirect(url_for("applications.call_applicant_kinds", call_id=call.id))
    return render_template(
        "applications/call_applicants.html",
        call=call,
        form=form,
        co_reviewers=services.co_reviewers_of(call),
        co_form=_co_reviewer_form(call),
        action=forms.ActionForm(),
    ), 422 if form.errors else 200


def _co_reviewer_form(call):
    form = forms.CoReviewerForm(prefix="co")
    named = {row.organisation_id for row in services.co_reviewers_of(call)}
    organisations = db.session.scalars(
        db.select(Organisation).order_by(Organisation.name_en, Organisation.id)
    )
    form.organisation_id.choices = [
        (o.id, o.name(current_locale())) for o in organisations if o.id not in named
    ]
    return form


@bp.route("/staff/calls/<int:call_id>/co-reviewers", methods=["POST"])
@require("calls.manage")
def add_co_reviewer(call_id):
    call = get_call(call_id)
    form = _co_reviewer_form(call)
    if form.validate_on_submit():
        organisation = db.session.get(Organisation, form.organisation_id.data)
        attempt(
            lambda: services.name_co_reviewer(current_user, call, organisation),
            success=_("The organisation is now a co-reviewer of this call."),
        )
    else:
        flash(_("Choose an organisation."), "error")
    return redirect(url_for("applications.call_applicant_kinds", call_id=call.id))


@bp.route("/staff/calls/<int:call_id>/co-reviewers/<int:organisation_id>/remove", methods=["POST"])
@require("calls.manage")
def remove_co_reviewer(call_id, organisation_id):
    call = get_call(call_id)
    if forms.ActionForm().validate_on_submit():
        attempt(
            lambda: services.remove_co_reviewer(current_user, call, organisation_id),
            success=_("The organisation is no longer a co-reviewer of this call."),
        )
    return redirect(url_for("applications.call_applicant_kinds", call_id=call.id))
