"""The recipient's pages: "My grant" with her agreement, tranches, evidence and spending report."""

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import FileStorage

from wcl.accounts.permissions import abort_unless, require_login
from wcl.extensions import db
from wcl.forms import attempt
from wcl.grants import forms, services
from wcl.grants.models import Grant, Tranche
from wcl.grants.views import bp


def _upload(field):
    return field.data if isinstance(field.data, FileStorage) and field.data.filename else None


def _her_grant(grant_id):
    grant = db.session.get(Grant, grant_id)
    if grant is None:
        abort(404)
    abort_unless("grants.receive", grant)
    return grant


@bp.route("/mine")
@require_login
def mine():
    """Her grants: straight to the one she has, or a list when she has several."""
    grants = services.grants_of(current_user)
    if len(grants) == 1:
        return redirect(url_for("grants.my_grant", grant_id=grants[0].id))
    return render_template("grants/mine_list.html", grants=grants)


def _render(grant, accept_form=None, evidence_form=None, spending_form=None, status=200):
    items, per_line = services.spending_of(grant)
    spending_form = spending_form or forms.SpendingForm()
    spending_form.budget_line_id.choices = [(line.id, line.label) for line in grant.budget_lines]
    return render_template(
        "grants/mine.html",
        grant=grant,
        items=items,
        per_line=per_line,
        accept_form=accept_form or forms.AcceptForm(),
        evidence_form=evidence_form or forms.EvidenceForm(),
        spending_form=spending_form,
    ), status


@bp.route("/mine/<int:grant_id>")
@require_login
def my_grant(grant_id):
    return _render(_her_grant(grant_id))


@bp.post("/mine/<int:grant_id>/accept")
@require_login
def accept(grant_id):
    grant = _her_grant(grant_id)
    form = forms.AcceptForm()
    if form.validate_on_submit() and attempt(
        lambda: services.accept_agreement(current_user, grant.id, form.typed_name.data),
        form,
        _("Thank you: you accepted the agreement. The lab will countersign it."),
    ):
        return redirect(url_for("grants.my_grant", grant_id=grant.id))
    return _render(grant, accept_form=form, status=422)


@bp.post("/mine/tranches/<int:tranche_id>/evidence")
@require_login
def evidence(tranche_id):
    tranche = db.session.get(Tranche, tranche_id)
    if tranche is None:
        abort(404)
    grant = _her_grant(tranche.grant_id)
    form = forms.EvidenceForm()
    if form.validate_on_submit() and attempt(
        lambda: services.submit_evidence(current_user, tranche_id, form.text.data, _upload(form.upload)),
        form,
        _("Your evidence is sent. The lab will check it."),
    ):
        return redirect(url_for("grants.my_grant", grant_id=grant.id))
    return _render(grant, evidence_form=form, status=422)


@bp.post("/mine/<int:grant_id>/spending")
@require_login
def spending(grant_id):
    grant = _her_grant(grant_id)
    form = forms.SpendingForm()
    form.budget_line_id.choices = [(line.id, line.label) for line in grant.budget_lines]
    if form.validate_on_submit() and attempt(
        lambda: services.report_spending(
            current_user,
            grant.id,
            form.budget_line_id.data,
            form.amount.data,
            form.description.data,
            _upload(form.receipt),
        ),
        form,
        _("Your spending report is sent."),
    ):
        return redirect(url_for("grants.my_grant", grant_id=grant.id) + "#spending")
    return _render(grant, spending_form=form, status=422)
