"""Translated names of application statuses and audit actions (also template globals)."""

from flask_babel import lazy_gettext as _l

from wcl.applications.services._common import S

STATUS_LABELS = {
    S.DRAFT: _l("Draft"),
    S.SUBMITTED: _l("Submitted"),
    S.UNDER_REVIEW: _l("Under review"),
    S.SHORTLISTED: _l("Shortlisted"),
    S.ACCEPTED: _l("Accepted"),
    S.WAITLISTED: _l("Waiting list"),
    S.REJECTED: _l("Not selected"),
    S.WITHDRAWN: _l("Withdrawn"),
}


AUDIT_LABELS = {
    "application.started": _l("Draft started"),
    "application.draft_saved": _l("Draft saved"),
    "application.file_added": _l("File added"),
    "application.file_removed": _l("File removed"),
    "application.submitted": _l("Submitted"),
    "application.paper_entered": _l("Paper application entered"),
    "application.status_changed": _l("Status changed"),
    "application.decided": _l("Decision made"),
    "application.withdrawn": _l("Withdrawn"),
    "review.assigned": _l("Reviewer assigned"),
    "review.conflict_declared": _l("Conflict of interest declared"),
    "review.replaced": _l("Reviewer replaced"),
    "review.saved": _l("Review saved"),
}


def audit_label(action):
    """The translated name of an audit action on an application (its code if unknown)."""
    return str(AUDIT_LABELS.get(action, action))


def status_label(status):
    """The translated name of an application status."""
    return str(STATUS_LABELS.get(status, status))
