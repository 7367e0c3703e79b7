"""Read-only lookups about applications that the permission rules and other domains need.

Imports only models: ``wcl.accounts.permissions`` imports this module at its
top, so nothing here may import permissions or services.
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


def assignment_of(reviewer_id, application_id):
    """The reviewer's assignment to the application (whatever its status), or ``None``."""
    return db.session.scalar(
        db.select(ReviewAssignment).where(
            ReviewAssignment.application_id == application_id, ReviewAssignment.reviewer_id == reviewer_id
        )
    )
