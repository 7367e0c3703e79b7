"""Staff pages: funds and their ledgers, awards, a grant with its tranches, grants by status."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import FileStorage

from wcl.accounts.permissions import get_or_abort, is_unscoped, require, require_login
from wcl.core.ledger import check_grant_ledger
from wcl.files.services import send_stored
from wcl.forms import attempt, confirmed, page_arg
from wcl.grants import forms, services
from wcl.grants.models import Grant, GrantFund, GrantStatus, SpendingItem, Tranche
from wcl.grants.views import bp
from wcl.i18n import current_locale
from wcl.labs.services import all_labs


def _upload(field):
    return field.data if isinstance(field.data, FileStorage) and field.data.filename else None


@bp.route("/funds", methods=["GET", "POST"])
@require("grants.manage")
def funds():
    form = forms.FundForm()
    labs = [lab for lab in all_labs() if is_unscoped(current_user) or lab.id == current_user.lab_id]
    form.lab_id.choices = [(lab.id, lab.name(current_locale())) for lab in labs]
    if form.validate_on_submit() and (
        done := attempt(
            lambda: services.create_fund(current_user, form.lab_id.data, form.name.data, form.currency.data),
            form,
            _("The fund is open. Add its first money."),
        )
    ):
        return redirect(url_for("grants.fund", fund_id=done.value.id))
    problems = [line for found in check_grant_ledger().values() for line in found]
    return render_template(
        "grants/funds.html", funds=services.funds_for(current_user), form=form, problems=problems
    ), (422 if form.errors else 200)


@bp.route("/funds/<int:fund_id>", methods=["GET", "POST"])
@require("grants.manage")
def fund(fund_id):
    fund = get_or_abort(GrantFund, fund_id, "grants.manage")
    form = forms.FundingForm(currency=fund.currency)
    if form.validate_on_submit() and attempt(
        lambda: services.fund_fund(
            current_user, fund.id, form.amount.data, form.currency.data, form.source.data, form.note.data
        ),
        form,
        _("The money is added to the fund."),
    ):
        return redirect(url_for("grants.fund", fund_id=fund.id))
    return render_template(
        "grants/fund.html",
        fund=fund,
        form=form,
        movements=services.ledger(fund, page_arg()),
        totals=services.movement_totals(fund.id),
    ), (422 if form.errors else 200)


@bp.route("/funds/<int:fund_id>/award", methods=["GET", "POST"])
@require("grants.manage")
def award(fund_id):
    fund = get_or_abort(GrantFund, fund_id, "grants.manage")
    form = forms.AwardForm(currency=fund.currency)
    form.recipient_id.choices = services.recipient_choices(fund)
    milestones = [(0, "—")] + services.milestone_choices(fund)
    for tranche in form.tranches:
        tranche.milestone_id.choices = milestones
    if form.validate_on_submit() and (
        done := attempt(
            lambda: services.award_grant(current_user, fund.id, form.values()),
            form,
            _("The grant is awarded; the agreement waits for her acceptance."),
        )
    ):
        return redirect(url_for("grants.grant", grant_id=done.value.id))
    return render_template("grants/award.html", fund=fund, form=form), 422 if form.errors else 200


@bp.route("/")
@require("grants.manage")
def index():
    status = request.args.get("status")
    overdue = request.args.get("overdue") == "1"
    rows = services.grant_rows(current_user, status=status, overdue=overdue, page=page_arg())
    return render_template(
        "grants/index.html",
        rows=rows,
        status=status,
        overdue=overdue,
        counts=services.status_counts(current_user),
        statuses=GrantStatus.ALL,
    )


@bp.route("/<int:grant_id>")
@require("grants.manage")
def grant(grant_id):
    grant = get_or_abort(Grant, grant_id, "grants.manage")
    items, per_line = services.spending_of(grant)
    return render_template(
        "grants/grant.html",
        grant=grant,
        items=items,
        per_line=per_line,
        release_form=forms.ReleaseForm(),
        close_form=forms.CloseForm(),
        review_form=forms.ReviewForm(),
        condition_holds=services.condition_holds,
        needs_second_approval=services.needs_second_approval,
    )


@bp.post("/<int:grant_id>/countersign")
@require("grants.manage")
def countersign(grant_id):
    get_or_abort(Grant, grant_id, "grants.manage")
    if confirmed():
        attempt(
            lambda: services.countersign(current_user, grant_id), success=_("The agreement is countersigned.")
        )
    return redirect(url_for("grants.grant", grant_id=grant_id))


@bp.post("/tranches/<int:tranche_id>/confirm")
@require("grants.manage")
def confirm_condition(tranche_id):
    tranche = get_or_abort(Tranche, tranche_id, "grants.manage")
    if confirmed():
        attempt(
            lambda: services.confirm_condition(current_user, tranche_id),
            success=_("The condition is confirmed."),
        )
    return redirect(url_for("grants.grant", grant_id=tranche.grant_id) + f"#tranche-{tranche_id}")


@bp.post("/tranches/<int:tranche_id>/release")
@require("grants.manage")
def release(tranche_id):
    tranche = get_or_abort(Tranche, tranche_id, "grants.manage")
    grant_id = tranche.grant_id
    form = forms.ReleaseForm()
    if form.validate_on_submit() and confirmed():
        attempt(
            lambda: services.release_tranche(
                current_user, tranche_id, form.method.data, form.reference.data, _upload(form.proof)
            ),
            success=_("The payment is recorded."),
        )
    else:
        # The form sits on the grant's page: its field errors come back as messages there.
        for name, errors in form.errors.items():
            for message in errors:
                flash(f"{form[name].label.text}: {message}", "error")
    return redirect(url_for("grants.grant", grant_id=grant_id) + f"#tranche-{tranche_id}")


@bp.post("/tranches/<int:tranche_id>/approve")
@require("grants.manage")
def approve(tranche_id):
    tranche = get_or_abort(Tranche, tranche_id, "grants.manage")
    if confirmed():
        attempt(
            lambda: services.approve_release(current_user, tranche_id), success=_("The tranche is released.")
        )
    return redirect(url_for("grants.grant", grant_id=tranche.grant_id) + f"#tranche-{tranche_id}")


@bp.post("/spending/<int:item_id>/<any(approve, query):decision>")
@require("grants.manage")
def review(item_id, decision):
    item = get_or_abort(SpendingItem, item_id, "grants.manage")
    form = forms.ReviewForm()
    if form.validate_on_submit():
        attempt(
            lambda: services.review_spending(current_user, item_id, decision == "approve", form.note.data),
            success=_("The spending item is reviewed."),
        )
    return redirect(url_for("grants.grant", grant_id=item.grant_id) + "#spending")


@bp.post("/<int:grant_id>/close")
@require("grants.manage")
def close(grant_id):
    get_or_abort(Grant, grant_id, "grants.manage")
    form = forms.CloseForm()
    if form.validate_on_submit() and confirmed():
        attempt(
            lambda: services.close_grant(
                current_user, grant_id, form.unspent_returned.data or 0, form.note.data
            ),
            success=_("The grant is closed; the unused money is back in the fund."),
        )
    return redirect(url_for("grants.grant", grant_id=grant_id))


@bp.route("/<int:grant_id>/files/<int:file_id>")
@require_login
def grant_file(grant_id, file_id):
    """The agreement, evidence, proof of payment or a receipt photo (staff of the lab, or her)."""
    grant = get_or_abort(Grant, grant_id, "grants.view")
    stored = services.grant_file(grant, file_id)
    if stored is None:
        abort(404)
    return send_stored(stored)
