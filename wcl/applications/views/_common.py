"""Helpers the audience modules share: loading what a URL names."""

from wcl.accounts.permissions import abort_unless
from wcl.applications.models import Application, Call
from wcl.extensions import db


def get_application(application_id):
    """The application, or 404 (each view checks who may see it)."""
    return db.get_or_404(Application, application_id)


def get_call(call_id, permission="calls.manage"):
    """The call, or 404; 403 unless the current user holds ``permission`` on it."""
    call = db.get_or_404(Call, call_id)
    abort_unless(permission, call)
    return call
