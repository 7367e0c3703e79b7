"""Home page, health check and the language switcher."""

from flask import Blueprint, current_app, jsonify, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import text

from wcl.extensions import db
from wcl.forms import safe_next
from wcl.i18n import LANGUAGE_COOKIE
from wcl.queue import redis_connection

bp = Blueprint("core", __name__)


@bp.route("/")
def index():
    return render_template("core/index.html")


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
        status["database"] = "error"
        healthy = False
    finally:
        db.session.rollback()
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
    """Remember the chosen language (cookie, and the profile when signed in)."""
    languages = current_app.config["LANGUAGES"]
    response = redirect(safe_next(url_for("core.index")))
    if code in languages:
        response.set_cookie(
            LANGUAGE_COOKIE,
            code,
            max_age=60 * 60 * 24 * 365,
            samesite="Lax",
            httponly=True,
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        )
        if current_user.is_authenticated and current_user.locale != code:
            from wcl.accounts.services import set_locale

            set_locale(current_user, code)
    return response
