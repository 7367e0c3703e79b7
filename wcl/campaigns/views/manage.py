"""Campaign management: the creator's drafts, budget, rewards and updates; staff review, moderation, matching pools."""

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import FileStorage

from wcl.accounts.permissions import abort_unless, require, require_login
from wcl.campaigns import forms, services
from wcl.campaigns.errors import CampaignError
from wcl.campaigns.models import CampaignStatus
from wcl.campaigns.views import bp
from wcl.forms import apply_error, attempt, page_arg, safe_next
from wcl.i18n import current_locale
from wcl.labs.services import all_labs
from wcl.time import to_local


def _campaign_or_404(slug):
    campaign = services.pages.campaign_for_manage(slug, current_user)
    if campaign is None:
        abort(404)
    return campaign


@bp.route("/mine")
@require_login
def mine():
    campaigns, totals = services.pages.my_campaigns(current_user)
    return render_template(
        "campaigns/mine.html",
        campaigns=campaigns,
        totals=totals,
        may_create=services.drafts.may_create_campaign(current_user),
    )


@bp.route("/new", methods=["GET", "POST"])
@require("campaigns.create")
def new():
    if not services.drafts.may_create_campaign(current_user):
        return render_template("campaigns/not_ready.html"), 403
    form = forms.CampaignForm()
    if request.method == "GET":
        form.creator_name.data = current_user.public_name
    if form.validate_on_submit() and (
        done := attempt(
            lambda: services.drafts.create_campaign(current_user, form.values(), cover=_uploaded(form.cover)),
            form,
            _("Your draft is saved. Add rewards and a budget, then send it for review."),
        )
    ):
        return redirect(url_for("campaigns.manage", slug=done.value.slug))
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
        form.fill_campaign_translations(campaign)
    if form.validate_on_submit() and attempt(
        lambda: services.drafts.update_campaign(
            current_user, campaign.id, form.values(), cover=_uploaded(form.cover)
        ),
        form,
        _("Your changes are saved."),
    ):
        return redirect(url_for("campaigns.manage", slug=campaign.slug))
    return render_template("campaigns/edit.html", form=form, campaign=campaign), 422 if form.errors else 200


def _uploaded(field):
    # With obj=campaign the field starts out holding the stored cover, not an upload.
    return field.data if isinstance(field.data, FileStorage) and field.data.filename else None


def _local_date(moment, last_day=False):
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
        "cancel_form": forms.CancelForm(prefix="cancel"),
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
    return _add_part(
        slug,
        "budget",
        "budget_form",
        lambda campaign: forms.BudgetLineForm(prefix="budget"),
        lambda campaign, form: services.drafts.add_budget_line(
            current_user, campaign.id, form.description.data, form.amount.data
        ),
    )


@bp.route("/<slug>/budget/<int:line_id>/delete", methods=["POST"])
@require_login
def remove_budget_line(slug, line_id):
    return _remove_part(slug, "budget", lambda: services.drafts.remove_budget_line(current_user, line_id))


@bp.route("/<slug>/tiers", methods=["POST"])
@require_login
def add_tier(slug):
    return _add_part(
        slug,
        "rewards",
        "tier_form",
        lambda campaign: _manage_forms(campaign)["tier_form"],
        lambda campaign, form: services.drafts.add_tier(current_user, campaign.id, form.values()),
    )


@bp.route("/<slug>/tiers/<int:tier_id>/delete", methods=["POST"])
@require_login
def remove_tier(slug, tier_id):
    return _remove_part(slug, "rewards", lambda: services.drafts.remove_tier(current_user, tier_id))


def _add_part(slug, anchor, form_name, make_form, add):
    """POST: add a budget line or reward through ``add``; on a refusal the manage page
    again with this form showing its errors."""
    campaign = _campaign_or_404(slug)
    form = make_form(campaign)
    if form.validate_on_submit() and attempt(lambda: add(campaign, form), form):
        return redirect(url_for("campaigns.manage", slug=slug, _anchor=anchor))
    return _render_manage(campaign, 422, **{form_name: form})


def _remove_part(slug, anchor, remove):
    """POST (confirmed): remove a budget line or reward, back to its section."""
    _campaign_or_404(slug)
    if forms.ConfirmForm().validate_on_submit():
        attempt(remove)
    return redirect(url_for("campaigns.manage", slug=slug, _anchor=anchor))


@bp.route("/<slug>/submit", methods=["POST"])
@require_login
def submit(slug):
    campaign = _campaign_or_404(slug)
    if forms.ConfirmForm().validate_on_submit():
        attempt(
            lambda: services.lifecycle.submit_campaign(current_user, campaign.id),
            success=_("Thank you! Staff will review your campaign and write to you."),
        )
    return redirect(url_for("campaigns.manage", slug=slug))


@bp.route("/<slug>/updates", methods=["POST"])
@require_login
def post_update(slug):
    campaign = _campaign_or_404(slug)
    form = forms.UpdateForm(prefix="update")
    if form.validate_on_submit() and attempt(
        lambda: services.updates.post_update(
            current_user,
            campaign.id,
            form.title.data,
            form.body.data,
            form.visibility.data,
            form.translation_values(),
        ),
        form,
        _("Your update is posted. Backers will get it by email."),
    ):
        return redirect(url_for("campaigns.show", slug=slug))
    return _render_manage(campaign, 422, update_form=form)


@bp.route("/<slug>/updates/<int:update_id>/edit", methods=["GET", "POST"])
@require_login
def edit_update(slug, update_id):
    """The creator corrects a posted update: its title, text and translations."""
    campaign = _campaign_or_404(slug)
    abort_unless("campaigns.post_update", campaign)
    update = services.updates.update_of(campaign.id, update_id)
    if update is None or update.hidden_at is not None:
        abort(404)
    form = forms.UpdateEditForm(prefix="update")
    if request.method == "GET":
        form.fill_update(update)
    if form.validate_on_submit() and attempt(
        lambda: services.updates.edit_update(
            current_user, update.id, form.title.data, form.body.data, form.translation_values()
        ),
        form,
        _("The update is saved. Backers who got it by email keep the copy they were sent."),
    ):
        return redirect(url_for("campaigns.updates", slug=slug, _anchor=f"update-{update.id}"))
    return render_template(
        "campaigns/update_edit.html", form=form, campaign=campaign, update=update
    ), 422 if form.errors else 200


@bp.route("/review")
@require("campaigns.moderate")
def review_queue():
    waiting, others = services.pages.review_queue(current_user, page=page_arg())
    return render_template("campaigns/review_queue.html", waiting=waiting, others=others)


@bp.route("/<slug>/review", methods=["POST"])
@require("campaigns.moderate")
def review(slug):
    campaign = _campaign_or_404(slug)
    form = forms.ReviewForm(prefix="review")
    if form.validate_on_submit():
        try:
            if form.approve.data:
                services.lifecycle.approve_campaign(current_user, campaign.id)
                flash(_("The campaign is approved."), "success")
            else:
                services.lifecycle.return_campaign(current_user, campaign.id, form.comment.data)
                flash(_("The campaign is returned to its creator."), "success")
        except CampaignError as exc:
            apply_error(form, exc)
            return _render_manage(campaign, 422, review_form=form)
    return redirect(url_for("campaigns.manage", slug=slug))


@bp.route("/<slug>/cancel", methods=["POST"])
@require("campaigns.moderate")
def cancel(slug):
    campaign = _campaign_or_404(slug)
    form = forms.CancelForm(prefix="cancel")
    if form.validate_on_submit():
        try:
            services.lifecycle.cancel_campaign(current_user, campaign.id, form.reason.data)
        except CampaignError as exc:
            apply_error(form, exc)
            return _render_manage(campaign, 422, cancel_form=form)
        flash(_("The campaign is cancelled. Paid pledges will be refunded."), "success")
    return redirect(url_for("campaigns.manage", slug=slug))


@bp.route("/<slug>/updates/<int:update_id>/hide", methods=["POST"])
@require("campaigns.moderate")
def hide_update(slug, update_id):
    _hide(
        lambda reason: services.updates.hide_update(current_user, update_id, reason, slug=slug),
        _("The update is hidden."),
        _("Say why the update is hidden (at most 300 characters)."),
    )
    return redirect(url_for("campaigns.show", slug=slug, _anchor="updates"))


@bp.route("/<slug>/comments/<int:comment_id>/hide", methods=["POST"])
@require("campaigns.moderate")
def hide_comment(slug, comment_id):
    _hide(
        lambda reason: services.comments.hide_comment(current_user, comment_id, reason, slug=slug),
        _("The comment is hidden."),
        _("Say why the comment is hidden (at most 300 characters)."),
    )
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
    pools = services.pools.list_pools(current_user)
    pool = next((p for p in pools if p.id == pool_id), None)
    if pool_id is not None and pool is None:
        abort(404)
    form = forms.PoolForm(obj=pool)
    form.campaigns.choices = [(cid, title) for cid, title in services.pools.pool_choices(current_user)]
    if pool is not None and request.method == "GET":
        form.campaigns.data = [c.id for c in pool.campaigns]
        form.starts_on.data = _local_date(pool.starts_at)
        form.ends_on.data = _local_date(pool.ends_at, last_day=True)
    if form.validate_on_submit() and attempt(
        lambda: services.pools.save_pool(current_user, form.values(), pool_id),
        form,
        _("The matching pool is saved."),
    ):
        return redirect(url_for("campaigns.pools"))
    return render_template(
        "campaigns/pools.html", form=form, pools=pools, pool=pool, statuses=CampaignStatus
    ), 422 if form.errors else 200


def _hide(hide, done, missing_reason):
    """POST: staff hide an update or comment with the reason typed in the form."""
    form = forms.ReasonForm()
    if form.validate_on_submit():
        attempt(lambda: hide(form.reason.data), success=done)
    else:
        flash(missing_reason, "error")


@bp.route("/rates", methods=["GET", "POST"])
@require("rates.manage")
def rates():
    """Staff enter exchange rates; campaign pages show approximate amounts from the latest."""
    form = forms.ExchangeRateForm()
    if form.validate_on_submit() and attempt(
        lambda: services.rates.save_rate(current_user, form.currency.data, form.rate.data, form.as_of.data),
        form,
        _("The rate is saved."),
    ):
        return redirect(url_for("campaigns.rates"))
    return render_template("campaigns/rates.html", form=form, rates=services.rates.recent())


@bp.route("/lab/", methods=["GET", "POST"])
@require("campaigns.lab_campaign")
def lab_campaigns():
    """Staff: the lab's own campaigns (create, launch) and the refunds held back from their pools and funds."""
    form = forms.LabCampaignForm()
    form.lab.choices, form.destination.choices = services.lab_campaigns.form_choices(
        current_user, current_locale()
    )
    if form.validate_on_submit() and attempt(
        lambda: services.create_lab_campaign(current_user, form.values()),
        form,
        _("The draft is saved."),
    ):
        return redirect(url_for("campaigns.lab_campaigns"))
    return render_template(
        "campaigns/lab_campaigns.html",
        form=form,
        campaigns=services.lab_campaigns_for(current_user),
        held=services.held_refunds(current_user),
        launch_form=forms.ConfirmForm(),
        locale=current_locale(),
    ), 422 if form.errors else 200


@bp.route("/lab/<int:campaign_id>/launch", methods=["POST"])
@require("campaigns.lab_campaign")
def launch_lab_campaign(campaign_id):
    if forms.ConfirmForm().validate_on_submit():
        attempt(
            lambda: services.launch_lab_campaign(current_user, campaign_id),
            success=_("The campaign is launched."),
        )
    return redirect(url_for("campaigns.lab_campaigns"))
