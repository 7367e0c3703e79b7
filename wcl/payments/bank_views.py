"""Staff pages for bank transfers: each lab's account settings, statement imports and their open lines."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from wcl.accounts.permissions import require
from wcl.forms import attempt, confirmed, page_arg
from wcl.payments import forms, services
from wcl.payments.views import bp


def _lab_id(key):
    if key == "org":
        return None
    try:
        return int(key)
    except ValueError:
        abort(404)


@bp.route("/payments/bank-accounts")
@require("payments.bank_accounts")
def bank_accounts():
    rows = services.bank_transfer.bank_accounts(current_user)
    return render_template("payments/bank_accounts.html", rows=rows)


@bp.route("/payments/bank-accounts/<key>", methods=["GET", "POST"])
@require("payments.bank_accounts")
def bank_account(key):
    lab_id = _lab_id(key)
    account = services.bank_transfer.account_for_edit(current_user, lab_id)
    if account is None:
        abort(404)
    form = forms.BankAccountForm()
    if request.method == "GET":
        form.fill(account, services.bank_transfer.mapping_of(account))
    if form.validate_on_submit() and attempt(
        lambda: services.bank_transfer.save_bank_account(
            current_user,
            lab_id,
            recipient_name=form.recipient_name.data,
            bank_name=form.bank_name.data,
            account_number=form.account_number.data,
            bic=form.bic.data,
            currency=form.currency.data,
            qr_format=form.qr_format.data,
            mapping=form.mapping(),
        ),
        form,
        _("The bank account is saved."),
    ):
        return redirect(url_for("payments.bank_accounts"))
    status = 422 if request.method == "POST" else 200
    return render_template("payments/bank_account.html", form=form, account=account), status


def _account_id(key):
    account = services.bank_transfer.account_for_edit(current_user, _lab_id(key))
    if account is None or account.id is None:
        abort(404)
    return account.id


@bp.route("/payments/bank-accounts/<key>/statements", methods=["GET", "POST"])
@require("payments.statements")
def statements(key):
    account_id = _account_id(key)
    form = forms.StatementUploadForm()
    if form.validate_on_submit():
        upload = form.statement.data
        outcome = attempt(
            lambda: services.statements.upload_statement(
                current_user, account_id, upload.filename, upload.read()
            ),
            form,
        )
        if outcome:
            return redirect(url_for("payments.statement", statement_id=outcome.value.id))
    pagination, open_lines = services.statements.statements_for(current_user, account_id, page=page_arg())
    status = 422 if request.method == "POST" else 200
    return render_template(
        "payments/statements.html", form=form, pagination=pagination, open_lines=open_lines, key=key
    ), status


@bp.route("/payments/statements/<int:statement_id>")
@require("payments.statements")
def statement(statement_id):
    found, lines = services.statements.statement_view(current_user, statement_id, page=page_arg())
    if found is None:
        abort(404)
    assign_forms = {
        line.id: forms.AssignLineForm(prefix=f"l{line.id}", formdata=None)
        for line in lines.items
        if line.status == "open"
    }
    for line in lines.items:
        if line.id in assign_forms and line.suggested_pledge:
            assign_forms[line.id].reference.data = line.suggested_pledge.provider_ref
    return render_template("payments/statement.html", statement=found, lines=lines, assign_forms=assign_forms)


@bp.route("/payments/statements/<int:statement_id>/lines/<int:line_id>/assign", methods=["POST"])
@require("payments.statements")
def assign_line(statement_id, line_id):
    form = forms.AssignLineForm(prefix=f"l{line_id}")
    if form.validate_on_submit():
        attempt(
            lambda: services.statements.assign_line(current_user, line_id, form.reference.data),
            success=_("The payment is assigned to the pledge."),
        )
    else:
        flash(
            " ".join(map(str, form.reference.errors)) or _("The form has expired. Please try again."), "error"
        )
    return redirect(url_for("payments.statement", statement_id=statement_id))


@bp.route("/payments/statements/<int:statement_id>/lines/<int:line_id>/refund", methods=["POST"])
@require("payments.statements")
def refund_line(statement_id, line_id):
    if forms.ConfirmForm().validate_on_submit() and confirmed():
        attempt(
            lambda: services.statements.refund_line(current_user, line_id),
            success=_("The line is marked as refunded."),
        )
    return redirect(url_for("payments.statement", statement_id=statement_id))


@bp.route("/payments/statements/<int:statement_id>/lines/<int:line_id>/accept", methods=["POST"])
@require("payments.statements")
def accept_line(statement_id, line_id):
    """Staff accept an over-payment for its pledge's amount, or an under-payment as partial."""
    if forms.ConfirmForm().validate_on_submit() and confirmed():
        attempt(
            lambda: services.statements.accept_line(current_user, line_id),
            success=_("The payment is accepted for the pledge."),
        )
    return redirect(url_for("payments.statement", statement_id=statement_id))
