"""Staff pages for bank transfers: each lab's account settings (statements: ``statement_views``)."""

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from wcl.accounts.permissions import require
from wcl.forms import attempt
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
