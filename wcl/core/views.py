"""Home page, health check and the language switcher."""

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import text

from wcl.accounts.permissions import require
from wcl.campaigns import page_cache
from wcl.core import home, info_pages
from wcl.core.forms import InfoPageForm
from wcl.extensions import db
from wcl.forms import attempt, safe_next
from wcl.i18n import current_locale, remember_language
from wcl.queue import redis_connection

bp = Blueprint("core", __name__)


@bp.route("/")
@page_cache.for_guests
def index():
    return render_template("core/index.html", **home.home_page(locale=current_locale()))


@bp.route("/about/<slug>")
def info_page(slug):
    page = info_pages.get_page(slug)
    if page is None:
        abort(404)
    return render_template("core/info_page.html", page=page)


@bp.route("/about/<slug>/edit", methods=["GET", "POST"])
@require("pages.edit")
def edit_info_page(slug):
    page = info_pages.get_page(slug)
    if page is None:
        abort(404)
    form = InfoPageForm()
    if request.method == "GET":
        for lang in ("en", "ru", "ky"):
            getattr(form, f"title_{lang}").data = (
                page.title(lang) if lang == "en" else getattr(page, f"title_{lang}")
            )
            getattr(form, f"body_{lang}").data = getattr(page, f"body_md_{lang}")
    if form.validate_on_submit() and attempt(
        lambda: info_pages.save_page(current_user, slug, form.titles(), form.bodies()),
        form,
        _("The page is saved."),
    ):
        return redirect(url_for("core.info_page", slug=slug))
    return render_template(
        "core/info_page_edit.html", page=page, form=form
    ), 422 if request.method == "POST" else 200


@bp.route("/healthz")
def healthz():
    """JSON status of the database and Redis.

    503 if the database is down. Without Redis the site still serves pages,
    sign-in and pledging (limits in memory, jobs waiting in the outbox), so it
    answers 200 with ``"status": "degraded"`` and stays in the load balancer.
    """
    status = {"database": "ok", "redis": "not configured"}
    healthy = True
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        # Only a failed statement needs the rollback: after a good one the request's
        # teardown ends the transaction, and a rollback here would expire a signed-in
        # visitor's row, which the no-store header would then read again.
        db.session.rollback()
        status["database"] = "error"
        healthy = False
    redis = redis_connection()
    if redis is not None:
        try:
            redis.ping()
            status["redis"] = "ok"
        except Exception:
            status["redis"] = "error"
    if not healthy:
        status["status"] = "error"
    else:
        status["status"] = "degraded" if status["redis"] == "error" else "ok"
    return jsonify(status), 200 if healthy else 503


@bp.route("/language/<code>")
def set_language(code):
    """Show this browser the chosen language (a cookie only).

    A GET changes nothing stored: any site could link here, so the saved
    language of a signed-in person (her emails and PDFs) changes only through
    her profile form. The cookie wins over that setting (``wcl.i18n.select_locale``),
    so the switch works at once in this browser.
    """
    response = redirect(safe_next(url_for("core.index")))
    if code in current_app.config["LANGUAGES"]:
        remember_language(response, code)
    return response
