"""Organisations, the people who belong to them, partnerships and the community directory.

Names and profiles are kept per language in ``<stem>_<locale>`` columns, as calls keep
their titles (``wcl.applications.models``); ``name(locale)`` falls back to whichever
language was given.
"""

import sqlalchemy as sa

from wcl.extensions import db
from wcl.text import localised as _localised
from wcl.time import UTCDateTime, utcnow

LOCALES = ("en", "ru", "ky")


class OrgKind:
    COMPANY = "company"
    STATE_BODY = "state_body"
    NGO = "ngo"
    ACADEMIA = "academia"
    DONOR = "donor"
    MEDIA = "media"
    CITY_ADMIN = "city_admin"
    ALL = (COMPANY, STATE_BODY, NGO, ACADEMIA, DONOR, MEDIA, CITY_ADMIN)


class MemberRole:
    REPRESENTATIVE = "representative"  # may act for the organisation (its directory entry)
    MEMBER = "member"
    CONTACT = "contact"
    ALL = (REPRESENTATIVE, MEMBER, CONTACT)


class PartnershipKind:
    CO_ORGANISES_EVENTS = "co_organises_events"
    SPONSORS_POOL = "sponsors_pool"
    HOSTS_LAB = "hosts_lab"
    MENTORS = "mentors"
    ALL = (CO_ORGANISES_EVENTS, SPONSORS_POOL, HOSTS_LAB, MENTORS)


def _in(column, values):
    return f"{column} IN ({','.join(repr(v) for v in values)})"


class Organisation(db.Model):
    """A company, state body, NGO, university, donor, media outlet or city administration."""

    __tablename__ = "organisations"

    id = sa.Column(sa.Integer, primary_key=True)
    kind = sa.Column(sa.String(20), nullable=False)
    name_en = sa.Column(sa.String(200), nullable=False, default="", server_default="")
    name_ru = sa.Column(sa.String(200), nullable=False, default="", server_default="")
    name_ky = sa.Column(sa.String(200), nullable=False, default="", server_default="")
    profile_en = sa.Column(sa.Text, nullable=False, default="", server_default="")
    profile_ru = sa.Column(sa.Text, nullable=False, default="", server_default="")
    profile_ky = sa.Column(sa.Text, nullable=False, default="", server_default="")
    sector = sa.Column(sa.String(120), nullable=False, default="", server_default="")
    region = sa.Column(sa.String(8))  # ISO 3166-2:KG code
    website = sa.Column(sa.String(300))
    contact_name = sa.Column(sa.String(200), nullable=False, default="", server_default="")
    contact_email = sa.Column(sa.String(254), nullable=False, default="", server_default="")
    contact_phone = sa.Column(sa.String(40), nullable=False, default="", server_default="")
    logo_id = sa.Column(sa.Integer, sa.ForeignKey("stored_files.id", ondelete="SET NULL"))
    created_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    logo = db.relationship("StoredFile")
    memberships = db.relationship(
        "OrgMembership",
        back_populates="organisation",
        cascade="all, delete-orphan",
        order_by="OrgMembership.id",
    )
    partnerships = db.relationship(
        "Partnership",
        back_populates="organisation",
        cascade="all, delete-orphan",
        order_by="Partnership.starts_on.desc()",
    )

    __table_args__ = (
        sa.CheckConstraint(_in("kind", OrgKind.ALL), name="kind"),
        sa.CheckConstraint("name_en <> '' OR name_ru <> '' OR name_ky <> ''", name="has_name"),
    )

    def name(self, locale="en"):
        """The name in ``locale``, else in the first language given."""
        return _localised(self, "name", locale)

    def profile(self, locale="en"):
        """The profile in ``locale``, else in the first language given."""
        return _localised(self, "profile", locale)


class OrgMembership(db.Model):
    """A person belongs to an organisation with a role."""

    __tablename__ = "org_memberships"

    id = sa.Column(sa.Integer, primary_key=True)
    organisation_id = sa.Column(
        sa.Integer, sa.ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False, index=True
    )
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    role = sa.Column(sa.String(20), nullable=False)
    title = sa.Column(sa.String(120), nullable=False, default="", server_default="")  # her job title
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)

    organisation = db.relationship("Organisation", back_populates="memberships")
    user = db.relationship("User")

    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "user_id", name="uq_org_memberships_person"),
        sa.CheckConstraint(_in("role", MemberRole.ALL), name="role"),
    )


class Partnership(db.Model):
    """What an organisation does with the programme, from one date to another, maybe for one lab."""

    __tablename__ = "partnerships"

    id = sa.Column(sa.Integer, primary_key=True)
    organisation_id = sa.Column(
        sa.Integer, sa.ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind = sa.Column(sa.String(24), nullable=False)
    lab_id = sa.Column(sa.Integer, sa.ForeignKey("labs.id"), index=True)  # None: the whole programme
    starts_on = sa.Column(sa.Date, nullable=False)
    ends_on = sa.Column(sa.Date)
    notes = sa.Column(sa.Text, nullable=False, default="", server_default="")
    created_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)

    organisation = db.relationship("Organisation", back_populates="partnerships")
    lab = db.relationship("Lab")
    documents = db.relationship(
        "PartnershipDocument",
        back_populates="partnership",
        cascade="all, delete-orphan",
        order_by="PartnershipDocument.id",
    )

    __table_args__ = (
        sa.CheckConstraint(_in("kind", PartnershipKind.ALL), name="kind"),
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_starts"),
    )


class PartnershipDocument(db.Model):
    """An agreement, memorandum or letter of a partnership (a checked upload)."""

    __tablename__ = "partnership_documents"

    id = sa.Column(sa.Integer, primary_key=True)
    partnership_id = sa.Column(
        sa.Integer, sa.ForeignKey("partnerships.id", ondelete="CASCADE"), nullable=False, index=True
    )
    title = sa.Column(sa.String(200), nullable=False)
    file_id = sa.Column(sa.Integer, sa.ForeignKey("stored_files.id", ondelete="SET NULL"))
    added_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)

    partnership = db.relationship("Partnership", back_populates="documents")
    file = db.relationship("StoredFile")


class DirectoryEntry(db.Model):
    """A consented, opt-in entry in the public community directory: a person or an organisation.

    Holds only what the person chose to show: a display name, a creative domain, a
    region (never a village) and a few words. Nothing here is demographic.
    """

    __tablename__ = "community_members"

    id = sa.Column(sa.Integer, primary_key=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    organisation_id = sa.Column(
        sa.Integer, sa.ForeignKey("organisations.id", ondelete="CASCADE"), unique=True
    )
    display_name = sa.Column(sa.String(120), nullable=False)
    creative_domain = sa.Column(sa.String(12), index=True)  # UNESCO FCS 2009 code
    region = sa.Column(sa.String(8), index=True)  # ISO 3166-2:KG code
    about = sa.Column(sa.String(500), nullable=False, default="", server_default="")
    listed = sa.Column(sa.Boolean, nullable=False, default=True, server_default=sa.true())
    consented_at = sa.Column(UTCDateTime, nullable=False)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    added_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))

    organisation = db.relationship("Organisation")
    user = db.relationship("User", foreign_keys=[user_id])

    __table_args__ = (
        sa.CheckConstraint("(user_id IS NULL) <> (organisation_id IS NULL)", name="person_or_organisation"),
    )
