"""Payment pages: the pledge form, the webhook endpoint, the sandbox checkout, pledge status, offline records."""

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from wcl.accounts.permissions import abort_unless, require
from wcl.campaigns import services as campaigns
from wcl.campaigns.pledging import PledgeError
from wcl.extensions import csrf, limiter
from wcl.files.services import send_stored
from wcl.forms import apply_error, attempt, page_arg
from wcl.i18n import current_locale
from wcl.payments import forms, outcomes, services
from wcl.payments.providers import allowed
from wcl.payments.providers.local import mode

bp = Blueprint("payments", __name__)

# Pending pledges hold reward units: limit how fast one address can take them.
PLEDGE_RATE_LIMIT = "10 per minute;60 per hour"


@bp.route("/campaigns/<slug>/pledge", methods=["GET", "POST"])
@limiter.limit(PLEDGE_RATE_LIMIT, methods=["POST"])
def pledge(slug):
    """A backer pledges to a live campaign and is sent to the online checkout."""
    page = campaigns.pages.campaign_page(slug, current_user, locale=current_locale())
    if page is None:
        abort(404)
    campaign = page["campaign"]
    form = forms.CheckoutForm()
    form.offer(page["tiers"])
    form.offer_methods(services.checkout.payment_methods(campaign))
    if request.method == "GET":
        form.currency.data = campaign.currency
        form.tier.data = request.args.get("tier", "")
        # A reward chosen on the campaign page arrives with its minimum filled in (no JavaScript).
        chosen = next((t for t in page["tiers"] if str(t.id) == form.tier.data and not t.sold_out), None)
        if chosen is not None:
            form.amount.data = chosen.min_amount
    if page["open"] and form.validate_on_submit():
        try:
            _pledge, url = services.checkout.create_pledge(
                campaign.id,
                amount=form.amount.data,
                currency=form.currency.data,
                actor=current_user,
                tier_id=form.tier_id(),
                name=form.name.data,
                email=form.email.data,
                anonymous=form.anonymous.data,
                gender=form.gender.data,
                locale=current_locale(),
                method=form.method.data or services.checkout.ONLINE,
            )
        except PledgeError as exc:
            apply_error(form, exc)
        else:
            return redirect(url)
    elif request.method == "POST" and not page["open"]:
        flash(_("This campaign is not taking pledges."), "error")
    status = 422 if request.method == "POST" else 200
    return render_template("campaigns/pledge.html", form=form, **page), status


def _store_callback(receive, signature_header):
    """A provider's signed callback: verify → store in the inbox → commit → enqueue → 200
    (400 if the signature is bad; a duplicate is acknowledged and has no effect)."""
    try:
        _row, created = receive(request.get_data(cache=False), request.headers.get(signature_header))
    except services.webhooks.WebhookRejected:
        return jsonify({"error": "invalid"}), 400
    return jsonify({"received": True, "duplicate": not created}), 200


@bp.route("/webhooks/stripe", methods=["POST"])
@csrf.exempt
def stripe_webhook():
    """Verify → store in the inbox → commit → enqueue → 200 (400 if the signature is bad)."""
    return _store_callback(services.webhooks.receive_webhook, "Stripe-Signature")


@bp.route("/webhooks/local", methods=["POST"])
@csrf.exempt
def local_webhook():
    """The local provider's callback: verify → store in the inbox → commit → enqueue → 200."""
    return _store_callback(services.local_pay.receive_local_callback, "X-Signature")


@bp.route("/payments/sandbox/<token>", methods=["GET", "POST"])
def sandbox_checkout(token):
    pledge = services.checkout.pledge_by_token(token)
    if pledge is None or pledge.provider != "sandbox" or not allowed("sandbox"):
        abort(404)
    form = forms.SandboxForm()
    if form.validate_on_submit() and form.outcome():
        attempt(lambda: services.sandbox.sandbox_checkout(token, form.outcome()))
        return redirect(url_for("payments.pledge_status", token=token))
    return render_template("payments/sandbox.html", pledge=pledge, form=form)


@bp.route("/payments/local-demo/<token>", methods=["GET", "POST"])
def local_demo_page(token):
    """The local provider's hosted page in demo mode, served by the app itself (never in production)."""
    pledge = services.checkout.pledge_by_token(token)
    if pledge is None or pledge.provider != "local" or mode() != "demo":
        abort(404)
    form = forms.SandboxForm()
    if form.validate_on_submit() and form.outcome():
        attempt(lambda: services.local_pay.demo_checkout(token, form.outcome()))
        return redirect(url_for("payments.pledge_status", token=token))
    return render_template("payments/local_demo.html", pledge=pledge, form=form)


@bp.route("/payments/pledges/<token>")
def pledge_status(token):
    pledge = services.checkout.pledge_by_token(token)
    if pledge is None:
        abort(404)
    transfer = None
    if pledge.provider == "bank_transfer" and pledge.status == "pending":
        transfer = services.bank_transfer.transfer_details(pledge)
    following = bool(pledge.backer_email) and campaigns.following.is_following(
        pledge.campaign_id, pledge.backer_email
    )
    response = current_app.make_response(
        render_template(
            "payments/status.html",
            pledge=pledge,
            transfer=transfer,
            following=following,
            form=forms.FollowForm(),
        )
    )
    # The status changes when the payment is confirmed: never show a stored copy.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/payments/pledges/<token>/follow", methods=["POST"])
def follow(token):
    """The backer follows the campaign with her pledge's address (the token proves it is hers)."""
    pledge = services.checkout.pledge_by_token(token)
    if pledge is None or not pledge.backer_email:
        abort(404)
    if forms.FollowForm().validate_on_submit():
        attempt(
            lambda: campaigns.following.follow_campaign(
                pledge.campaign_id, pledge.backer_email, pledge.locale
            ),
            success=_("You will get this campaign's updates by email."),
        )
    return redirect(url_for("payments.pledge_status", token=token))


@bp.route("/payments/campaigns/<slug>/offline", methods=["GET", "POST"])
@require("payments.record_offline")
def record_offline(slug):
    page = campaigns.pages.campaign_page(slug, current_user, locale=current_locale())
    if page is None:
        abort(404)
    campaign = page["campaign"]
    abort_unless("payments.record_offline", campaign)
    form = forms.OfflinePaymentForm()
    form.tier.choices = [("", _("No reward"))] + [
        (str(t.id), t.shown("title", current_locale())) for t in page["tiers"]
    ]
    if request.method == "GET":
        form.currency.data = campaign.currency
    if form.validate_on_submit() and attempt(
        lambda: services.offline.record_offline_payment(
            current_user,
            campaign.id,
            amount=form.amount.data,
            currency=form.currency.data,
            method=form.method.data,
            received_on=form.received_on.data,
            reference=form.reference.data,
            proof=form.proof.data,
            backer_name=form.backer_name.data,
            backer_email=form.backer_email.data,
            tier_id=form.tier_id(),
            anonymous=form.anonymous.data,
            gender=form.gender.data,
            locale=current_locale(),
        ),
        form,
        _("The payment is recorded."),
    ):
        return redirect(url_for("payments.reconciliation", slug=slug))
    status = 422 if request.method == "POST" else 200
    return render_template("payments/offline.html", form=form, **page), status


def _managed_campaign(slug, permission):
    """The campaign a staff page works on: 404 when there is none, 403 unless ``permission``."""
    campaign = campaigns.pages.campaign_for_manage(slug, current_user)
    if campaign is None:
        abort(404)
    abort_unless(permission, campaign)
    return campaign


@bp.route("/payments/campaigns/<slug>/reconciliation")
@require("payments.record_offline")
def reconciliation(slug):
    campaign = _managed_campaign(slug, "payments.record_offline")
    pagination, totals = services.offline.offline_pledges(current_user, campaign.id, page=page_arg())
    by_method = services.offline.money_by_method(current_user, campaign.id)
    return render_template(
        "payments/reconciliation.html",
        campaign=campaign,
        pagination=pagination,
        totals=totals,
        by_method=by_method,
    )


@bp.route("/payments/pledges/<int:pledge_id>/proof")
@require("payments.record_offline")
def proof(pledge_id):
    stored = services.offline.proof_for(current_user, pledge_id)
    if stored is None:
        abort(404)
    return send_stored(stored)


@bp.route("/payments/campaigns/<slug>/refunds")
@require("payments.refund")
def refunds(slug):
    campaign = _managed_campaign(slug, "payments.refund")
    pagination = services.refunds.refundable_pledges(current_user, campaign.id, page=page_arg())
    forms_by_pledge = {p.id: forms.RefundForm(prefix=f"p{p.id}", formdata=None) for p in pagination.items}
    return render_template(
        "payments/refunds.html", campaign=campaign, pagination=pagination, forms_by_pledge=forms_by_pledge
    )


@bp.route("/payments/campaigns/<slug>/refunds/<int:pledge_id>", methods=["POST"])
@require("payments.refund")
def refund(slug, pledge_id):
    campaign = _managed_campaign(slug, "payments.refund")
    form = forms.RefundForm(prefix=f"p{pledge_id}")
    if not form.validate_on_submit():
        errors = [*form.amount.errors, *form.confirm.errors]
        flash(" ".join(map(str, errors)) or _("The form has expired. Please try again."), "error")
        return redirect(url_for("payments.refunds", slug=slug))
    attempt(
        lambda: services.refunds.staff_refund(current_user, campaign.id, pledge_id, form.amount.data),
        success=_("The refund is done."),
    )
    return redirect(url_for("payments.refunds", slug=slug))


@bp.route("/payments/inbox")
@require("payments.inbox")
def inbox():
    status = request.args.get("status", "all")
    if status not in services.webhooks.INBOX_FILTERS:
        status = "all"
    pagination, counts, failed_jobs = services.webhooks.inbox(current_user, status=status, page=page_arg())
    return render_template(
        "payments/inbox.html",
        pagination=pagination,
        counts=counts,
        failed_jobs=failed_jobs,
        status=status,
        describe_outcome=outcomes.describe_event,
    )


@bp.route("/payments/lab-refunds/<int:movement_id>/settle", methods=["POST"])
@require("campaigns.lab_campaign")
def settle_held_refund(movement_id):
    attempt(
        lambda: services.settle_held_refund(current_user, movement_id),
        success=_("The refund is taken out of the pool or fund."),
    )
    return redirect(url_for("campaigns.lab_campaigns"))


# Bank transfers and statements: their pages attach to this blueprint.
from wcl.payments import bank_views  # noqa: E402, F401
