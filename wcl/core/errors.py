"""Error pages that explain, in the user's language, and leak nothing."""

import logging

from flask import jsonify, render_template, request
from flask_wtf.csrf import CSRFError

from wcl.accounts.permissions import PermissionDenied
from wcl.extensions import db

log = logging.getLogger(__name__)

HANDLED = (400, 403, 404, 405, 413, 429, 500)


def _render(code):
    if request.accept_mimetypes.best == "application/json" or request.path.startswith("/webhooks/"):
        return jsonify({"error": code}), code
    return render_template(f"core/errors/{code}.html", code=code), code


def register(app):
    """Install handlers for the common HTTP errors and CSRF failures."""
    for code in HANDLED:
        app.register_error_handler(code, lambda exc, code=code: _render(code))

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return render_template("core/errors/csrf.html", code=400), 400

    @app.errorhandler(PermissionDenied)
    def permission_denied(exc):
        return _render(403)

    @app.errorhandler(500)
    def server_error(exc):
        db.session.rollback()
        return _render(500)
