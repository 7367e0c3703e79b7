"""Read-only lookups about organisations that other domains and the permission rules need."""

import sqlalchemy as sa

from wcl.extensions import db
from wcl.orgs.models import DirectoryEntry, MemberRole, Organisation, OrgMembership, Partnership


def is_representative(organisation_id, user_id):
    """Does the person represent the organisation (may act for it)?"""
    return bool(
        db.session.scalar(
            sa.select(sa.literal(True)).where(
                OrgMembership.organisation_id == organisation_id,
                OrgMembership.user_id == user_id,
                OrgMembership.role == MemberRole.REPRESENTATIVE,
            )
        )
    )


def is_community_member(user_id):
    """Has the person joined the community (herself, or through an organisation she belongs to)?"""
    own = sa.select(DirectoryEntry.id).where(DirectoryEntry.user_id == user_id)
    through_org = (
        sa.select(DirectoryEntry.id)
        .join(OrgMembership, OrgMembership.organisation_id == DirectoryEntry.organisation_id)
        .where(OrgMembership.user_id == user_id)
    )
    return bool(db.session.scalar(sa.select(sa.exists(own)))) or bool(
        db.session.scalar(sa.select(sa.exists(through_org)))
    )


PARTNERS_SHOWN = 24


def public_partners(today, limit=PARTNERS_SHOWN):
    """Partners shown on the home page (one query): organisations with a partnership
    running on ``today`` that are public — listed in the community directory, which
    they chose, or with a logo (logos are public). Alphabetical by English name."""
    active = sa.exists().where(
        Partnership.organisation_id == Organisation.id,
        Partnership.starts_on <= today,
        sa.or_(Partnership.ends_on.is_(None), Partnership.ends_on >= today),
    )
    listed = sa.exists().where(DirectoryEntry.organisation_id == Organisation.id, DirectoryEntry.listed)
    return db.session.scalars(
        sa.select(Organisation)
        .where(active, sa.or_(listed, Organisation.logo_id.is_not(None)))
        .order_by(sa.func.lower(Organisation.name_en), Organisation.id)
        .limit(limit)
    ).all()
