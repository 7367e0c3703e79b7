"""Teams: the members of a team application, its lead and the people she invites by email.

Re-exported by ``wcl.applications.models``; the application itself lives there.
"""

import sqlalchemy as sa

from wcl.extensions import db
from wcl.time import UTCDateTime, utcnow


class TeamRole:
    LEAD = "lead"
    MEMBER = "member"
    ALL = (LEAD, MEMBER)


class TeamMemberStatus:
    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    REMOVED = "removed"
    ALL = (INVITED, ACCEPTED, DECLINED, REMOVED)
    ACTIVE = (INVITED, ACCEPTED)  # holds a place in the team


class TeamMember(db.Model):
    """A person in a team application: its lead, or a member invited by email.

    ``call_id`` repeats the application's call so that the database itself keeps a
    person in one team per call (an email invited or accepted once; an account
    accepted once), however two requests race.
    """

    __tablename__ = "team_members"

    id = sa.Column(sa.Integer, primary_key=True)
    application_id = sa.Column(
        sa.Integer, sa.ForeignKey("applications.id", ondelete="CASCADE"), nullable=False, index=True
    )
    call_id = sa.Column(sa.Integer, sa.ForeignKey("calls.id", ondelete="CASCADE"), nullable=False, index=True)
    email = sa.Column(sa.String(254), nullable=False)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role = sa.Column(sa.String(8), nullable=False, default=TeamRole.MEMBER)
    status = sa.Column(sa.String(10), nullable=False, default=TeamMemberStatus.INVITED)
    locale = sa.Column(sa.String(5))  # the language of her invitation
    invited_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    invited_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    accepted_at = sa.Column(UTCDateTime)
    consent_version = sa.Column(sa.String(10))
    consent_at = sa.Column(UTCDateTime)

    application = db.relationship("Application", back_populates="team_members")
    user = db.relationship("User", foreign_keys=[user_id])

    __table_args__ = (
        sa.CheckConstraint("role IN ('lead','member')", name="role"),
        sa.CheckConstraint("status IN ('invited','accepted','declined','removed')", name="status"),
        sa.CheckConstraint(
            "status <> 'accepted' OR (user_id IS NOT NULL AND consent_at IS NOT NULL)",
            name="accepted_consented",
        ),
        sa.Index(
            "uq_team_members_call_email",
            "call_id",
            "email",
            unique=True,
            postgresql_where=sa.text("status IN ('invited','accepted')"),
            sqlite_where=sa.text("status IN ('invited','accepted')"),
        ),
        sa.Index(
            "uq_team_members_call_user",
            "call_id",
            "user_id",
            unique=True,
            postgresql_where=sa.text("status = 'accepted'"),
            sqlite_where=sa.text("status = 'accepted'"),
        ),
    )
