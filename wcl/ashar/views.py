"""The Ashar pages: propose a project, staff review, municipal matches, in-kind pledges,
a group campaign's shares, and the progress figures included in the campaign page."""

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.datastructures import FileStorage

from wcl.accounts.permissions import abort_unless, get_or_abort, require, require_login
from wcl.ashar import forms, queries, services
from wcl.ashar.models import Beneficiary, CommunityProject, InKindPledge, MatchCommitment
from wcl.campaigns import page_extras
from wcl.campaigns.forms import end_of_day, start_of_day
from wcl.campaigns.models import Campaign
from wcl.extensions import db
from wcl.files.services import send_stored
from wcl.forms import attempt
from wcl.i18n import current_locale
from wcl.labs.services import all_labs
from wcl.reference import REGION_CODES, region_name

bp = Blueprint("ashar", __name__, url_prefix="/ashar")


STATUS_LABELS = {
    "proposed": _l("Waiting for review"),
    "admitted": _l("Admitted"),
    "rejected": _l("Not admitted"),
    "pledged": _l("Pledged"),
    "confirmed": _l("Confirmed"),
    "declined": _l("Not given"),
}


# The campaign page includes ashar/_progress.html, which shows ``extras.ashar``: read with
# the campaign's own query (no query of its own for a campaign that is no community project).
page_extras.register(
    "ashar",
    queries.page_columns,
    queries.page_figures,
    watch=(CommunityProject, InKindPledge, Beneficiary),
)


@bp.app_context_processor
def _template_helpers():
    return {"ashar_status": lambda status: STATUS_LABELS.get(status, status)}


def _regions():
    return [(code, region_name(code, current_locale())) for code in REGION_CODES]


@bp.route("/propose", methods=["GET", "POST"])
@require_login
def propose():
    form = forms.ProposeForm()
    form.region.choices = _regions()
    form.lab_id.choices = [(0, "—")] + [(lab.id, lab.name(current_locale())) for lab in all_labs()]
    if form.validate_on_submit() and (
        done := attempt(
            lambda: services.propose_project(current_user, form.data_for_service()),
            form,
            _("Your project is sent to staff for review."),
        )
    ):
        return redirect(url_for("ashar.project", project_id=done.value.id))
    return render_template("ashar/propose.html", form=form), 422 if form.errors else 200


@bp.route("/mine")
@require_login
def mine():
    return render_template("ashar/mine.html", projects=services.my_projects(current_user))


@bp.route("/")
@require("ashar.review")
def index():
    return render_template("ashar/index.html", projects=services.projects_for(current_user))


@bp.route("/projects/<int:project_id>")
@require_login
def project(project_id):
    project = get_or_abort(CommunityProject, project_id, "ashar.lead")
    return render_template(
        "ashar/project.html",
        project=project,
        pledges=services.pledges_of_project(project.id),
        progress=queries.progress(project.campaign_id),
        form=forms.DecisionForm(),
    )


def _decide_project(project_id, decide, success):
    """Staff admit or reject a proposed project with a note; back to its page either way."""
    get_or_abort(CommunityProject, project_id, "ashar.review")
    form = forms.DecisionForm()
    attempt(lambda: decide(current_user, project_id, form.note.data), success=success)
    return redirect(url_for("ashar.project", project_id=project_id))


@bp.post("/projects/<int:project_id>/admit")
@require("ashar.review")
def admit(project_id):
    return _decide_project(
        project_id, services.admit_project, _("The project is admitted; its lead is told by email.")
    )


@bp.post("/projects/<int:project_id>/reject")
@require("ashar.review")
def reject(project_id):
    return _decide_project(
        project_id, services.reject_project, _("The project is not admitted; its lead is told by email.")
    )


@bp.route("/matches", methods=["GET", "POST"])
@require("ashar.match")
def matches():
    form = forms.MatchForm()
    form.region.choices = _regions()
    form.organisation_id.choices = [(org.id, org.name(current_locale())) for org in services.municipalities()]
    letter = (
        form.letter.data if isinstance(form.letter.data, FileStorage) and form.letter.data.filename else None
    )
    if form.validate_on_submit() and attempt(
        lambda: services.commit_match(
            current_user,
            {
                "organisation_id": form.organisation_id.data,
                "region": form.region.data,
                "district": form.district.data,
                "ratio_num": form.ratio_num.data,
                "ratio_den": form.ratio_den.data,
                "cap_per_project": form.cap_per_project.data,
                "total": form.total.data,
                "currency": "KGS",
                "starts_at": start_of_day(form.starts_on.data),
                "ends_at": end_of_day(form.ends_on.data),
            },
            letter,
        ),
        form,
        _("The municipality's commitment is saved."),
    ):
        return redirect(url_for("ashar.matches"))
    return render_template("ashar/matches.html", form=form, commitments=services.commitments()), (
        422 if form.errors else 200
    )


@bp.route("/matches/<int:commitment_id>/letter")
@require("ashar.match")
def match_letter(commitment_id):
    commitment = get_or_abort(MatchCommitment, commitment_id, "ashar.match")
    return send_stored(commitment.letter)


@bp.route("/give/<slug>", methods=["GET", "POST"])
def give(slug):
    """Anyone pledges labour or materials to a community project's live campaign."""
    campaign = db.session.scalar(db.select(Campaign).where(Campaign.slug == slug))
    project = queries.project_for_campaign(campaign.id) if campaign else None
    if project is None or not campaign.is_public:
        abort(404)
    form = forms.InKindForm()
    if form.validate_on_submit() and (
        done := attempt(
            lambda: services.pledge_inkind(
                current_user,
                project.id,
                {
                    "kind": form.kind.data,
                    "hours": form.hours.data,
                    "description": form.description.data,
                    "value": form.value.data,
                    "currency": "KGS",
                    "name": form.name.data,
                    "email": form.email.data,
                },
                locale=current_locale(),
            ),
            form,
        )
    ):
        return redirect(url_for("ashar.inkind_thanks", token=done.value.token))
    return render_template("ashar/give.html", form=form, project=project, campaign=campaign), (
        422 if form.errors else 200
    )


def _by_token(token):
    pledge = services.pledge_by_token(token)
    if pledge is None:
        abort(404)
    return pledge


@bp.route("/contribution/<token>")
def inkind_thanks(token):
    return render_template("ashar/thanks.html", pledge=_by_token(token))


@bp.route("/contribution/<token>/certificate.pdf")
def inkind_certificate(token):
    pledge = _by_token(token)
    if pledge.certificate is None:
        abort(404)
    return send_stored(pledge.certificate)


@bp.post("/contributions/<int:pledge_id>/confirm")
@require("ashar.confirm")
def confirm(pledge_id):
    pledge = get_or_abort(InKindPledge, pledge_id, "ashar.confirm")
    attempt(
        lambda: services.confirm_inkind(current_user, pledge_id),
        success=_("The contribution is confirmed; its certificate is sent."),
    )
    return redirect(url_for("ashar.project", project_id=pledge.project_id))


@bp.post("/contributions/<int:pledge_id>/decline")
@require("ashar.confirm")
def decline(pledge_id):
    pledge = get_or_abort(InKindPledge, pledge_id, "ashar.confirm")
    attempt(
        lambda: services.decline_inkind(current_user, pledge_id), success=_("The contribution is declined.")
    )
    return redirect(url_for("ashar.project", project_id=pledge.project_id))


@bp.route("/campaigns/<slug>/beneficiaries", methods=["GET", "POST"])
@require_login
def beneficiaries(slug):
    campaign = db.session.scalar(db.select(Campaign).where(Campaign.slug == slug))
    if campaign is None:
        abort(404)
    abort_unless("ashar.beneficiaries", campaign)
    form = forms.BeneficiariesForm()
    if not form.is_submitted():
        for row, saved in zip(form.rows, services.beneficiaries_of(campaign.id), strict=False):
            row.form.name.data, row.form.share_percent.data = saved.name, saved.share_percent
    if form.validate_on_submit() and attempt(
        lambda: services.set_beneficiaries(
            current_user,
            campaign.id,
            [{"name": r.data["name"], "share_percent": r.data["share_percent"]} for r in form.rows],
        ),
        form,
        _("The shares are saved."),
    ):
        return redirect(url_for("ashar.beneficiaries", slug=slug))
    return render_template(
        "ashar/beneficiaries.html", form=form, campaign=campaign
    ), 422 if form.errors else 200
