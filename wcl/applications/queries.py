"""Read-only lookups about applications that the permission rules and other domains need.

Imports only models: ``wcl.accounts.permissions`` imports this module at its
top, so nothing here may import permissions or services.
"""

from wcl.accounts.models import User
from wcl.applications.models import (
    Application,
    AssignmentStatus,
    CallCoReviewer,
    ReviewAssignment,
    TeamMember,
    TeamMemberStatus,
)
from wcl.extensions import db
from wcl.orgs.models import OrgMembership


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


def co_reviews_call(user_id, call_id):
    """Does the user belong to an organisation named co-reviewer of the call?"""
    return (
        db.session.scalar(
            db.select(CallCoReviewer.id)
            .join(OrgMembership, OrgMembership.organisation_id == CallCoReviewer.organisation_id)
            .where(CallCoReviewer.call_id == call_id, OrgMembership.user_id == user_id)
            .limit(1)
        )
        is not None
    )


def co_reviewer_clause(user_id):
    """SQL: does the user (``user_id``: a value, or a column of the caller's query) belong
    to an organisation named co-reviewer of any call?"""
    return (
        db.select(CallCoReviewer.id)
        .join(OrgMembership, OrgMembership.organisation_id == CallCoReviewer.organisation_id)
        .where(OrgMembership.user_id == user_id)
        .exists()
    )


def news_recipients(application_id):
    """Who hears an application's news (results, announcements): its applicant, then
    her team's accepted members with an account, each once, in that order."""
    application = db.session.get(Application, application_id)
    if application is None:
        return []
    members = db.session.scalars(
        db.select(User)
        .join(TeamMember, TeamMember.user_id == User.id)
        .where(
            TeamMember.application_id == application_id,
            TeamMember.status == TeamMemberStatus.ACCEPTED,
            User.id != application.applicant_id,
        )
        .order_by(TeamMember.id)
    ).all()
    return [application.applicant, *members]


def team_people(application_id):
    """Ids of the people applying in an application: its applicant, her team's
    members (invited with an account or accepted) and the applying organisation's people."""
    application = db.session.get(Application, application_id)
    if application is None:
        return set()
    people = {application.applicant_id}
    people.update(
        db.session.scalars(
            db.select(TeamMember.user_id).where(
                TeamMember.application_id == application_id,
                TeamMember.status.in_(TeamMemberStatus.ACTIVE),
                TeamMember.user_id.isnot(None),
            )
        )
    )
    if application.organisation_id is not None:
        people.update(
            db.session.scalars(
                db.select(OrgMembership.user_id).where(
                    OrgMembership.organisation_id == application.organisation_id
                )
            )
        )
    return people
