"""Campaign pages: listing, the public page, pledging, the creator's and staff's pages."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user
from werkzeug.datastructures import FileStorage

from wcl.accounts.permissions import abort_unless, can, require, require_login
from wcl.campaigns import forms, page_cache, services
from wcl.campaigns.models import CampaignStatus
from wcl.campaigns.pledging import PledgeError
from wcl.extensions import limiter
from wcl.files.services import send_stored
from wcl.forms import apply_error, safe_next
from wcl.i18n import current_locale
from wcl.labs.services import all_labs
from wcl.reference import CREATIVE_DOMAIN_CODES, REGION_CODES, creative_domain_label, region_name
from wcl.time import utcnow

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")

# Pending pledges hold reward units: limit how fast one address can take them.
PLEDGE_RATE_LIMIT = "10 per minute;60 per hour"
# Comments: limited per person (many phones share one carrier address), by address for guests.
COMMENT_RATE_LIMIT = "5 per minute;30 per hour"


def _person_or_address():
    return f"user:{current_user.id}" if current_user.is_authenticated else get_remote_address()


@bp.app_context_processor
def _campaign_helpers():
    return {"region_name": region_name, "creative_domain_label": creative_domain_label}


def _campaign_or_404(slug):
    campaign = services.campaign_for_manage(slug, current_user)
    if campaign is None:
        abort(404)
    return campaign


# --- public ------------------------------------------------------------------------


@bp.route("/")
@page_cache.for_guests
def index():
    region = request.args.get("region", "")
    domain = request.args.get("domain", "")
    region = region if region in REGION_CODES else ""
    domain = domain if domain in CREATIVE_DOMAIN_CODES else ""
    page = request.args.get("page", 1, type=int)
    pagination, totals = services.list_live(region or None, domain or None, page=page)
    return render_template(
        "campaigns/index.html",
        pagination=pagination,
        totals=totals,
        region=region,
        domain=domain,
        regions=REGION_CODES,
        domains=CREATIVE_DOMAIN_CODES,
        locale=current_locale(),
        now=utcnow(),
    )


@bp.route("/<slug>")
@page_cache.for_guests
def show(slug):
    page = services.campaign_page(slug, current_user)
    if page is None:
        abort(404)
    # Only people who may comment get the form: building it issues a CSRF token, and
    # a guest's visit must not start a session (no cookie on the public page).
    form = forms.CommentForm() if can("campaigns.comment", page["campaign"]) else None
    return render_template("campaigns/show.html", locale=current_locale(), comment_form=form, **page)


@bp.route("/<slug>/backers")
def backers(slug):
    campaign = services.get_campaign(slug, current_user)
    if campaign is None:
        abort(404)
    pagination = services.list_backers(campaign, page=request.args.get("page", 1, type=int))
    return render_template("campaigns/backers.html", campaign=campaign, pagination=pagination)


@bp.route("/<slug>/updates")
def updates(slug):
    campaign = services.get_campaign(slug, current_user)
    if campaign is None:
        abort(404)
    pagination = services.list_updates(campaign, page=request.args.get("page", 1, type=int))
    return render_template(
        "campaigns/updates.html",
        campaign=campaign,
        pagination=pagination,
        sees_backer_updates=services.sees_backer_updates(campaign, current_user),
    )


@bp.route("/<slug>/comments")
def comments(slug):
    campaign = services.get_campaign(slug, current_user)
    if campaign is None:
        abort(404)
    pagination = services.list_comments(campaign, page=request.args.get("page", 1, type=int))
    return render_template("campaigns/comments.html", campaign=campaign, pagination=pagination)


@bp.route("/<slug>/comments", methods=["POST"])
@limiter.limit(COMMENT_RATE_LIMIT, key_func=_person_or_address)
@require_login
def post_comment(slug):
    campaign = services.get_campaign(slug, current_user)
    if campaign is None:
        abort(404)
    form = forms.CommentForm()
    if form.validate_on_submit():
        try:
            services.post_comment(current_user, campaign.id, form.body.data)
        except services.CampaignError as exc:
            apply_error(form, exc)
        else:
            flash(_("Your comment is posted."), "success")
            return redirect(url_for("campaigns.show", slug=slug, _anchor="comments"))
    page = services.campaign_page(slug, current_user)
    return render_template("campaigns/show.html", locale=current_locale(), comment_form=form, **page), 422


@bp.route("/<slug>/comments/<int:comment_id>/delete", methods=["POST"])
@require_login
def delete_comment(slug, comment_id):
    if forms.ConfirmForm().validate_on_submit():
        try:
            services.delete_comment(current_user, comment_id, slug=slug)
        except services.CampaignError as exc:
            flash(str(exc.message), "error")
        else:
            flash(_("Your comment is deleted."), "success")
    return redirect(safe_next(url_for("campaigns.show", slug=slug, _anchor="comments")))


@bp.route("/<slug>/image/<int:file_id>")
def image(slug, file_id):
    campaign, stored = services.campaign_image(slug, file_id, current_user)
    if stored is None:
        abort(404)
    response = send_stored(stored, as_attachment=False)
    if campaign.is_public:
        # Public covers are the heaviest part of the page: let phones cache them.
        response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.route("/<slug>/pledge", methods=["GET", "POST"])
@limiter.limit(PLEDGE_RATE_LIMIT, methods=["POST"])
def pledge(slug):
    page = services.campaign_page(slug, current_user)
    if page is None:
        abort(404)
    campaign = page["campaign"]
    form = forms.PledgeForm()
    form.tier.choices = [("", _("No reward, I just want to support"))] + [
        (str(t.id), t.title) for t in page["tiers"]
    ]
    form.tier.validate_choice = False  # the service refuses unknown tiers with a clear message
    if request.method == "GET":
        form.currency.data = campaign.currency
        form.tier.data = request.args.get("tier", "")
    if page["open"] and form.validate_on_submit():
        try:
            _pledge, url = services.create_pledge(
                campaign.id,
                amount=form.amount.data,
                currency=form.currency.data,
                backer=current_user,
                tier_id=form.tier_id(),
                name=form.name.data,
                email=form.email.data,
                anonymous=form.anonymous.data,
                gender=form.gender.data,
                locale=current_locale(),
            )
        except PledgeError as exc:
            apply_error(form, exc)
        else:
            return redirect(url)
    elif request.method == "POST" and not page["open"]:
        flash(_("This campaign is not taking pledges."), "error")
    status = 422 if request.method == "POST" else 200
    return render_template("campaigns/pledge.html", form=form, **page), status


# --- backers ---------------------------------------------------------------------------


@bp.route("/my-pledges")
@require_login
def my_pledges():
    pagination = services.pledges_for_user(current_user, page=request.args.get("page", 1, type=int))
    return render_template("campaigns/my_pledges.html", pagination=pagination)


# --- creators --------------------------------------------------------------------------


@bp.route("/mine")
@require_login
def mine():
    campaigns, totals = services.my_campaigns(current_user)
    return render_template(
        "campaigns/mine.html",
        campaigns=campaigns,
        totals=totals,
        may_create=services.may_create_campaign(current_user),
    )


@bp.route("/new", methods=["GET", "POST"])
@require("campaigns.create")
def new():
    if not services.may_create_campaign(current_user):
        return render_template("campaigns/not_ready.html"), 403
    form = forms.CampaignForm()
    if request.method == "GET":
        form.creator_name.data = current_user.public_name
    if form.validate_on_submit():
        try:
            campaign = services.create_campaign(current_user, form.values(), cover=_uploaded(form.cover))
        except services.CampaignError as exc:
            apply_error(form, exc)
        else:
            flash(_("Your draft is saved. Add rewards and a budget, then send it for review."), "success")
            return redirect(url_for("campaigns.manage", slug=campaign.slug))
    return render_template("campaigns/edit.html", form=form, campaign=None), 422 if form.errors else 200


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@require_login
def edit(slug):
    campaign = _campaign_or_404(slug)
    abort_unless("campaigns.edit", campaign)
    form = forms.CampaignForm(obj=campaign)
    if request.method == "GET":
        form.story.data = campaign.story_md
        form.goal.data = campaign.goal_amount
        form.starts_on.data = _local_date(campaign.starts_at)
        form.ends_on.data = _local_date(campaign.ends_at, last_day=True)
    if form.validate_on_submit():
        try:
            services.update_campaign(current_user, campaign.id, form.values(), cover=_uploaded(form.cover))
        except services.CampaignError as exc:
            apply_error(form, exc)
        else:
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("campaigns.manage", slug=campaign.slug))
    return render_template("campaigns/edit.html", form=form, campaign=campaign), 422 if form.errors else 200


def _uploaded(field):
    # With obj=campaign the field starts out holding the stored cover, not an upload.
    return field.data if isinstance(field.data, FileStorage) and field.data.filename else None


def _local_date(moment, last_day=False):
    from datetime import timedelta

    from wcl.time import to_local

    local = to_local(moment)
    return (local - timedelta(days=1)).date() if last_day else local.date()


def _manage_forms(campaign):
    tier_form = forms.TierForm(prefix="tier")
    tier_form.pickup_lab_id.choices = [("", _("Any lab"))] + [
        (lab.id, lab.name(current_locale())) for lab in all_labs()
    ]
    return {
        "tier_form": tier_form,
        "budget_form": forms.BudgetLineForm(prefix="budget"),
        "update_form": forms.UpdateForm(prefix="update"),
        "review_form": forms.ReviewForm(prefix="review"),
        "cancel_form": forms.ReasonForm(prefix="cancel"),
        "confirm": forms.ConfirmForm(),
    }


def _render_manage(campaign, status=200, **overrides):
    context = _manage_forms(campaign)
    context.update(overrides)
    return render_template("campaigns/manage.html", campaign=campaign, **context), status


@bp.route("/<slug>/manage")
@require_login
def manage(slug):
    return _render_manage(_campaign_or_404(slug))


@bp.route("/<slug>/budget", methods=["POST"])
@require_login
def add_budget_line(slug):
    campaign = _campaign_or_404(slug)
    form = forms.BudgetLineForm(prefix="budget")
    if form.validate_on_submit():
        try:
            services.add_budget_line(current_user, campaign.id, form.description.data, form.amount.data)
        except services.CampaignError as exc:
            apply_error(form, exc)
        else:
            return redirect(url_for("campaigns.manage", slug=slug, _anchor="budget"))
    return _render_manage(campaign, 422, budget_form=form)


@bp.route("/<slug>/budget/<int:line_id>/delete", methods=["POST"])
@require_login
def remove_budget_line(slug, line_id):
    _campaign_or_404(slug)
    if forms.ConfirmForm().validate_on_submit():
        try:
            services.remove_budget_line(current_user, line_id)
        except services.CampaignError as exc:
            flash(str(exc.message), "error")
    return redirect(url_for("campaigns.manage", slug=slug, _anchor="budget"))


@bp.route("/<slug>/tiers", methods=["POST"])
@require_login
def add_tier(slug):
    campaign = _campaign_or_404(slug)
    context = _manage_forms(campaign)
    form = context["tier_form"]
    if form.validate_on_submit():
        try:
            services.add_tier(current_user, campaign.id, form.values())
        except services.CampaignError as exc:
            apply_error(form, exc)
        else:
            return redirect(url_for("campaigns.manage", slug=slug, _anchor="rewards"))
    return _render_manage(campaign, 422, tier_form=form)


@bp.route("/<slug>/tiers/<int:tier_id>/delete", methods=["POST"])
@require_login
def remove_tier(slug, tier_id):
    _campaign_or_404(slug)
    if forms.ConfirmForm().validate_on_submit():
        try:
            services.remove_tier(current_user, tier_id)
        except services.CampaignError as exc:
            flash(str(exc.message), "error")
    return redirect(url_for("campaigns.manage", slug=slug, _anchor="rewards"))


@bp.route("/<slug>/submit", methods=["POST"])
@require_login
def submit(slug):
    campaign = _campaign_or_404(slug)
    if forms.ConfirmForm().validate_on_submit():
        try:
            services.submit_campaign(current_user, campaign.id)
        except services.CampaignError as exc:
            flash(str(exc.message), "error")
        else:
            flash(_("Thank you! Staff will review your campaign and write to you."), "success")
    return redirect(url_for("campaigns.manage", slug=slug))


@bp.route("/<slug>/updates", methods=["POST"])
@require_login
def post_update(slug):
    campaign = _campaign_or_404(slug)
    form = forms.UpdateForm(prefix="update")
    if form.validate_on_submit():
        try:
            services.post_update(
                current_user, campaign.id, form.title.data, form.body.data, form.visibility.data
            )
        except services.CampaignError as exc:
            apply_error(form, exc)
        else:
            flash(_("Your update is posted. Backers will get it by email."), "success")
            return redirect(url_for("campaigns.show", slug=slug))
    return _render_manage(campaign, 422, update_form=form)


# --- staff -----------------------------------------------------------------------------


@bp.route("/review")
@require("campaigns.moderate")
def review_queue():
    waiting, others = services.review_queue(current_user, page=request.args.get("page", 1, type=int))
    return render_template("campaigns/review_queue.html", waiting=waiting, others=others)


@bp.route("/<slug>/review", methods=["POST"])
@require("campaigns.moderate")
def review(slug):
    campaign = _campaign_or_404(slug)
    form = forms.ReviewForm(prefix="review")
    if form.validate_on_submit():
        try:
            if form.approve.data:
                services.approve_campaign(current_user, campaign.id)
                flash(_("The campaign is approved."), "success")
            else:
                services.return_campaign(current_user, campaign.id, form.comment.data)
                flash(_("The campaign is returned to its creator."), "success")
        except services.CampaignError as exc:
            apply_error(form, exc)
            return _render_manage(campaign, 422, review_form=form)
    return redirect(url_for("campaigns.manage", slug=slug))


@bp.route("/<slug>/cancel", methods=["POST"])
@require("campaigns.moderate")
def cancel(slug):
    campaign = _campaign_or_404(slug)
    form = forms.ReasonForm(prefix="cancel")
    if form.validate_on_submit():
        try:
            services.cancel_campaign(current_user, campaign.id, form.reason.data)
        except services.CampaignError as exc:
            apply_error(form, exc)
            return _render_manage(campaign, 422, cancel_form=form)
        flash(_("The campaign is cancelled. Paid pledges will be refunded."), "success")
    return redirect(url_for("campaigns.manage", slug=slug))


@bp.route("/<slug>/updates/<int:update_id>/hide", methods=["POST"])
@require("campaigns.moderate")
def hide_update(slug, update_id):
    form = forms.ReasonForm()
    if form.validate_on_submit():
        try:
            services.hide_update(current_user, update_id, form.reason.data, slug=slug)
        except services.CampaignError as exc:
            flash(str(exc.message), "error")
        else:
            flash(_("The update is hidden."), "success")
    else:
        flash(_("Say why the update is hidden (at most 300 characters)."), "error")
    return redirect(url_for("campaigns.show", slug=slug, _anchor="updates"))


@bp.route("/<slug>/comments/<int:comment_id>/hide", methods=["POST"])
@require("campaigns.moderate")
def hide_comment(slug, comment_id):
    form = forms.ReasonForm()
    if form.validate_on_submit():
        try:
            services.hide_comment(current_user, comment_id, form.reason.data, slug=slug)
        except services.CampaignError as exc:
            flash(str(exc.message), "error")
        else:
            flash(_("The comment is hidden."), "success")
    else:
        flash(_("Say why the comment is hidden (at most 300 characters)."), "error")
    return redirect(safe_next(url_for("campaigns.show", slug=slug, _anchor="comments")))


@bp.route("/matching/", methods=["GET", "POST"])
@require("matching.manage")
def pools():
    return _pool_form(None)


@bp.route("/matching/<int:pool_id>", methods=["GET", "POST"])
@require("matching.manage")
def edit_pool(pool_id):
    return _pool_form(pool_id)


def _pool_form(pool_id):
    pools = services.list_pools(current_user)
    pool = next((p for p in pools if p.id == pool_id), None)
    if pool_id is not None and pool is None:
        abort(404)
    form = forms.PoolForm(obj=pool)
    form.campaigns.choices = [(cid, title) for cid, title in services.pool_choices()]
    if pool is not None and request.method == "GET":
        form.campaigns.data = [c.id for c in pool.campaigns]
        form.starts_on.data = _local_date(pool.starts_at)
        form.ends_on.data = _local_date(pool.ends_at, last_day=True)
    if form.validate_on_submit():
        try:
            services.save_pool(current_user, form.values(), pool_id)
        except services.CampaignError as exc:
            apply_error(form, exc)
        else:
            flash(_("The matching pool is saved."), "success")
            return redirect(url_for("campaigns.pools"))
    return render_template(
        "campaigns/pools.html", form=form, pools=pools, pool=pool, statuses=CampaignStatus
    ), 422 if form.errors else 200
