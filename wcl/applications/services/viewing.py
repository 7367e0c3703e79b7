"""Who sees what of an application: the applicant, staff, or a reviewer (blind in the first pass)."""

from wcl.accounts.permissions import can
from wcl.applications.services._common import S


def viewer_role(user, application):
    """How ``user`` sees the application: "owner", "staff", "reviewer" or ``None``."""
    if application.applicant_id == getattr(user, "id", None):
        return "owner"
    if can("applications.view_all", application.call, user):
        return "staff"
    if can("applications.review", application, user=user):
        return "reviewer"
    return None


def is_blind_for(user, application):
    """Blind first pass: a reviewer sees no identity until the shortlist."""
    return (
        application.call.blind_review
        and viewer_role(user, application) == "reviewer"
        and application.status in (S.SUBMITTED, S.UNDER_REVIEW)
    )


def get_attachment(application, attachment_id):
    """The application's attachment ``attachment_id``, or ``None``."""
    return next((a for a in application.attachments if a.id == attachment_id), None)
