"""Read-only application lookups that other domains and the permission rules need.

Imports only models (never permissions or services), so that
``wcl.accounts.permissions`` can import it at module level without a cycle.
"""

from wcl.applications.models import AssignmentStatus, ReviewAssignment
from wcl.extensions import db


def is_active_reviewer(user_id, application_id):
    """True if the user is assigned to the application and has no conflict."""
    return (
        db.session.scalar(
            db.select(ReviewAssignment.id).where(
                ReviewAssignment.application_id == application_id,
                ReviewAssignment.reviewer_id == user_id,
                ReviewAssignment.status.in_(AssignmentStatus.ACTIVE),
            )
        )
        is not None
    )
