"""Helpers the audience modules share: loading what a URL names, showing a refusal."""

from flask import flash

from wcl.accounts.permissions import abort_unless
from wcl.applications.models import Application, Call
from wcl.extensions import db


def flash_error(exc, form=None):
    """Show a refused service call under its form field, else as a flash message."""
    field = getattr(form, exc.field, None) if (form is not None and exc.field) else None
    if field is not None:
        field.errors = list(field.errors) + [str(exc.message)]
    else:
        flash(str(exc.message), "error")


def get_application(application_id):
    """The application, or 404 (each view checks who may see it)."""
    return db.get_or_404(Application, application_id)


def get_call(call_id, permission="calls.manage"):
    """The call, or 404; 403 unless the current user holds ``permission`` on it."""
    call = db.get_or_404(Call, call_id)
    abort_unless(permission, call)
    return call
