"""Ashar: community projects, their initiative groups, municipal matches, in-kind
pledges and the beneficiaries of group campaigns.

A community project is linked one to one to a ``Campaign`` (its owner is the
group's lead). Money pledged to it is ordinary campaign money; a municipality's
match is an ordinary ``MatchingPool`` (``wcl.campaigns.matching`` reserves it
under the pool's row lock), described here by its ``MatchCommitment``. In-kind and
labour pledges carry a declared value in minor units but are never money: they
are counted apart and never enter campaign totals or receipts.
"""

import sqlalchemy as sa

from wcl.extensions import db
from wcl.time import UTCDateTime, utcnow

Money = sa.BigInteger

# A labour pledge above this many hours is refused (a sane bound for one person's pledge).
MAX_LABOUR_HOURS = 500


class ProjectStatus:
    """proposed → admitted | rejected (staff review replaces the cohort gate)."""

    PROPOSED = "proposed"
    ADMITTED = "admitted"
    REJECTED = "rejected"
    ALL = (PROPOSED, ADMITTED, REJECTED)


class CommunityProject(db.Model):
    """An initiative group's project (a road, a social space), with its campaign."""

    __tablename__ = "ashar_projects"

    id = sa.Column(sa.Integer, primary_key=True)
    campaign_id = sa.Column(
        sa.Integer, sa.ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    lab_id = sa.Column(sa.Integer, sa.ForeignKey("labs.id", ondelete="SET NULL"), index=True)
    lead_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True)
    title = sa.Column(sa.String(120), nullable=False)
    budget = sa.Column(Money, nullable=False)
    currency = sa.Column(sa.String(3), nullable=False, default="KGS")
    region = sa.Column(sa.String(8), nullable=False, index=True)  # ISO 3166-2:KG
    district = sa.Column(sa.String(80), nullable=False)  # shown on the public page
    village = sa.Column(sa.String(120), nullable=False)  # for staff only
    status = sa.Column(sa.String(10), nullable=False, default=ProjectStatus.PROPOSED, index=True)
    decided_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    decided_at = sa.Column(UTCDateTime)
    decision_note = sa.Column(sa.Text)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)

    campaign = db.relationship("Campaign")
    lab = db.relationship("Lab")
    lead = db.relationship("User", foreign_keys=[lead_id])
    decided_by = db.relationship("User", foreign_keys=[decided_by_id])
    members = db.relationship(
        "GroupMember",
        back_populates="project",
        cascade="all, delete-orphan",
        order_by="GroupMember.is_lead.desc(), GroupMember.id",
    )

    __table_args__ = (
        sa.CheckConstraint("budget > 0", name="budget_positive"),
        sa.CheckConstraint("status IN ('proposed','admitted','rejected')", name="status"),
    )


class GroupMember(db.Model):
    """A member of the initiative group: an account, or a named person with an email."""

    __tablename__ = "ashar_group_members"

    id = sa.Column(sa.Integer, primary_key=True)
    project_id = sa.Column(
        sa.Integer, sa.ForeignKey("ashar_projects.id", ondelete="CASCADE"), nullable=False, index=True
    )
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    name = sa.Column(sa.String(120), nullable=False)
    email = sa.Column(sa.String(254))
    is_lead = sa.Column(sa.Boolean, nullable=False, default=False)

    project = db.relationship("CommunityProject", back_populates="members")


class MatchCommitment(db.Model):
    """A municipality's signed commitment to match its territory's projects.

    The money side is the ``MatchingPool`` it created (ratio, cap per project as
    the pool's cap per campaign, total as its budget, dates); admitted projects of
    the territory are added to the pool's campaigns.
    """

    __tablename__ = "ashar_match_commitments"

    id = sa.Column(sa.Integer, primary_key=True)
    organisation_id = sa.Column(sa.Integer, sa.ForeignKey("organisations.id"), nullable=False, index=True)
    pool_id = sa.Column(sa.Integer, sa.ForeignKey("matching_pools.id"), nullable=False, unique=True)
    region = sa.Column(sa.String(8), nullable=False, index=True)
    district = sa.Column(sa.String(80))  # NULL: the whole region
    letter_id = sa.Column(sa.Integer, sa.ForeignKey("stored_files.id"), nullable=False)
    entered_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)

    organisation = db.relationship("Organisation")
    pool = db.relationship("MatchingPool")
    letter = db.relationship("StoredFile")
    entered_by = db.relationship("User")


class InKindKind:
    LABOUR = "labour"
    MATERIALS = "materials"
    ALL = (LABOUR, MATERIALS)


class InKindStatus:
    """pledged → confirmed | declined (staff confirm the work was given)."""

    PLEDGED = "pledged"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    ALL = (PLEDGED, CONFIRMED, DECLINED)


class InKindPledge(db.Model):
    """Hours of work or materials, with a declared value: never money, never in money totals."""

    __tablename__ = "ashar_inkind_pledges"

    id = sa.Column(sa.Integer, primary_key=True)
    project_id = sa.Column(
        sa.Integer, sa.ForeignKey("ashar_projects.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind = sa.Column(sa.String(10), nullable=False)
    hours = sa.Column(sa.Integer)  # labour only
    description = sa.Column(sa.String(200), nullable=False)
    value = sa.Column(Money, nullable=False)  # declared value, minor units
    currency = sa.Column(sa.String(3), nullable=False, default="KGS")
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    name = sa.Column(sa.String(120), nullable=False)
    email = sa.Column(sa.String(254))
    locale = sa.Column(sa.String(5), nullable=False, default="ky")
    token = sa.Column(sa.String(64), nullable=False, unique=True)
    status = sa.Column(sa.String(10), nullable=False, default=InKindStatus.PLEDGED, index=True)
    decided_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    decided_at = sa.Column(UTCDateTime)
    certificate_id = sa.Column(sa.Integer, sa.ForeignKey("stored_files.id", ondelete="SET NULL"))
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)

    project = db.relationship("CommunityProject")
    certificate = db.relationship("StoredFile")

    __table_args__ = (
        sa.CheckConstraint("kind IN ('labour','materials')", name="kind"),
        sa.CheckConstraint("status IN ('pledged','confirmed','declined')", name="status"),
        sa.CheckConstraint("value > 0", name="value_positive"),
        sa.CheckConstraint(
            f"(kind = 'labour' AND hours > 0 AND hours <= {MAX_LABOUR_HOURS}) "
            "OR (kind = 'materials' AND hours IS NULL)",
            name="hours",
        ),
    )


class Beneficiary(db.Model):
    """One beneficiary of a group campaign (an artisan group) with her share in percent."""

    __tablename__ = "campaign_beneficiaries"

    id = sa.Column(sa.Integer, primary_key=True)
    campaign_id = sa.Column(
        sa.Integer, sa.ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False, index=True
    )
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    name = sa.Column(sa.String(120), nullable=False)
    share_percent = sa.Column(sa.Integer, nullable=False)
    position = sa.Column(sa.Integer, nullable=False, default=0)

    __table_args__ = (sa.CheckConstraint("share_percent > 0 AND share_percent <= 100", name="share"),)
