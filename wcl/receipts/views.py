"""Receipt pages: public verification, the donor's receipts and statements, the staff register."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from wcl.accounts.permissions import require, require_login
from wcl.extensions import limiter
from wcl.files.services import send_stored
from wcl.forms import attempt, page_arg
from wcl.receipts import services

bp = Blueprint("receipts", __name__, url_prefix="/receipts")

# Codes are unguessable; the limit only keeps scanners from hammering the database.
VERIFY_RATE_LIMIT = "30 per minute;300 per hour"


def _not_found():
    return render_template("receipts/not_found.html"), 404


@bp.route("/verify/<code>")
@limiter.limit(VERIFY_RATE_LIMIT)
def verify(code):
    receipt = services.receipt_by_code(code)
    if receipt is None:
        return _not_found()
    response = Response(render_template("receipts/verify.html", receipt=receipt, org=services.org_details()))
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.route("/")
@require_login
def mine():
    pagination = services.receipts_for_user(current_user, page=page_arg())
    years = services.years_for_user(current_user)
    return render_template("receipts/mine.html", pagination=pagination, years=years)


def _send_pdf(receipt):
    if receipt is None:
        return _not_found()
    if receipt.pdf is None:
        flash(_("Your receipt is being prepared. Please try again in a minute."), "info")
        return redirect(url_for("receipts.mine"))
    return send_stored(receipt.pdf, as_attachment=True)


@bp.route("/<int:receipt_id>/pdf")
@require_login
def download(receipt_id):
    return _send_pdf(services.receipt_for(current_user, receipt_id))


@bp.route("/pledge/<int:pledge_id>")
@require_login
def for_pledge(pledge_id):
    try:
        receipt = services.receipt_for_users_pledge(current_user, pledge_id)
    except services.ReceiptError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("receipts.mine"))
    return _send_pdf(receipt)


@bp.route("/guest/<token>")
def guest_download(token):
    receipt = services.receipt_from_guest_token(token)
    if receipt is None or receipt.pdf is None:
        return _not_found()
    return send_stored(receipt.pdf, as_attachment=True)


@bp.route("/statements", methods=["POST"])
@require_login
def request_statement():
    try:
        statement = services.request_statement(
            current_user, request.form.get("year", type=int), str(get_locale())
        )
    except services.ReceiptError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("receipts.mine"))
    return redirect(url_for("receipts.statement", statement_id=statement.id))


@bp.route("/statements/<int:statement_id>")
@require_login
def statement(statement_id):
    statement = services.statement_for(current_user, statement_id)
    if statement is None:
        abort(404)
    return render_template("receipts/statement.html", statement=statement)


@bp.route("/statements/<int:statement_id>/pdf")
@require_login
def statement_pdf(statement_id):
    statement = services.statement_for(current_user, statement_id)
    if statement is None or statement.file is None:
        abort(404)
    return send_stored(statement.file, as_attachment=True)


# --- staff ------------------------------------------------------------------------


def _filters():
    return request.args.get("campaign", type=int), request.args.get("year", type=int)


@bp.route("/register")
@require("receipts.manage")
def register():
    campaign_id, year = _filters()
    pagination = services.register(current_user, campaign_id, year, page=page_arg())
    campaigns, years = services.register_filters(current_user)
    return render_template(
        "receipts/register.html",
        pagination=pagination,
        campaigns=campaigns,
        years=years,
        campaign_id=campaign_id,
        year=year,
        failed_jobs=services.failed_render_jobs(current_user),
    )


@bp.route("/register.csv")
@require("receipts.manage")
def register_csv():
    campaign_id, year = _filters()
    text = services.register_csv(current_user, campaign_id, year)
    response = Response("\ufeff" + text, mimetype="text/csv; charset=utf-8")
    name = "receipts" + (f"-{year}" if year else "") + (f"-campaign-{campaign_id}" if campaign_id else "")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@bp.route("/<int:receipt_id>/resend", methods=["POST"])
@require("receipts.manage")
def resend(receipt_id):
    attempt(
        lambda: services.resend_receipt(current_user, receipt_id),
        success=_("The receipt will be emailed again in a moment."),
    )
    return redirect(url_for("receipts.register"))


@bp.route("/regenerate", methods=["POST"])
@require("receipts.manage")
def regenerate():
    campaign_id, year = _filters()
    count = services.regenerate_receipts(current_user, campaign_id, year)
    flash(_("%(count)s receipts will be rendered again.", count=count), "success")
    return redirect(url_for("receipts.register", campaign=campaign_id, year=year))


@bp.errorhandler(404)
def _404(_exc):
    return _not_found()
