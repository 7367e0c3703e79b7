"""Alumni profiles: the public directory and pages (no sign-in), her own profile, and
staff hiding one."""

from flask import abort, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from wcl.accounts.permissions import abort_unless, can, require, require_login
from wcl.extensions import db
from wcl.forms import attempt, confirmed, page_arg
from wcl.i18n import current_locale
from wcl.outcomes import queries
from wcl.outcomes.forms import AlumniProfileForm, domain_choices, region_choices
from wcl.outcomes.models import AlumniProfile
from wcl.outcomes.services import alumni
from wcl.outcomes.views import bp


@bp.get("/alumni/")
def alumni_index():
    domain = request.args.get("creative_domain") or None
    region = request.args.get("region") or None
    page = alumni.directory_page(page_arg(), creative_domain=domain, region=region)
    return render_template(
        "outcomes/alumni_index.html",
        profiles=page,
        domain=domain,
        region=region,
        domains=domain_choices(),
        regions=region_choices(),
        public=lambda p: alumni.public_data(p, current_locale()),
    )


def _public_profile(profile_id):
    profile = alumni.listed_profile(profile_id)
    if profile is None:
        abort(404)
    return profile


@bp.get("/alumni/<int:profile_id>")
def alumni_profile(profile_id):
    profile = _public_profile(profile_id)
    return render_template(
        "outcomes/alumni_profile.html",
        profile=profile,
        data=alumni.public_data(profile, current_locale()),
        may_hide=can("alumni.moderate", profile),
    )


@bp.get("/alumni/<int:profile_id>.json")
def alumni_profile_json(profile_id):
    return jsonify(alumni.public_data(_public_profile(profile_id), current_locale()))


@bp.route("/alumni/mine", methods=["GET", "POST"])
@require_login
def alumni_mine():
    enrolment = queries.graduated_enrolment(current_user.id)
    profile = queries.own_profile(current_user.id)
    form = AlumniProfileForm()
    if request.method == "GET" and profile is not None:
        form.fill(profile)
    if enrolment is not None and form.validate_on_submit():
        done = attempt(
            lambda: alumni.save_profile(current_user, form.data_for_service()),
            form,
            _("Your profile is saved."),
        )
        if done:
            return redirect(url_for("outcomes.alumni_mine"))
    return render_template(
        "outcomes/alumni_mine.html", form=form, profile=profile, graduate=enrolment is not None
    ), 422 if form.errors else 200


def _own_profile_or_404():
    profile = queries.own_profile(current_user.id)
    if profile is None:
        abort(404)
    return profile


@bp.post("/alumni/mine/visibility")
@require_login
def alumni_visibility():
    profile = _own_profile_or_404()
    show = request.form.get("show") == "1"
    message = _("Your profile is shown in the directory.") if show else _("Your profile is hidden.")
    attempt(lambda: alumni.set_visible(current_user, profile, show), success=message)
    return redirect(url_for("outcomes.alumni_mine"))


@bp.post("/alumni/mine/delete")
@require_login
def alumni_delete():
    profile = _own_profile_or_404()
    if confirmed():
        attempt(lambda: alumni.delete_profile(current_user, profile), success=_("Your profile is deleted."))
    return redirect(url_for("outcomes.alumni_mine"))


@bp.post("/alumni/<int:profile_id>/hide")
@require("alumni.moderate")
def alumni_staff_hide(profile_id):
    profile = db.get_or_404(AlumniProfile, profile_id)
    abort_unless("alumni.moderate", profile)
    hide = request.form.get("hide", "1") == "1"
    attempt(lambda: alumni.staff_hide(current_user, profile, hide), success=_("Saved."))
    return redirect(url_for("outcomes.alumni_index"))
