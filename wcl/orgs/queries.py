"""Read-only lookups about organisations that other domains and the permission rules need."""

import sqlalchemy as sa

from wcl.extensions import db
from wcl.orgs.models import DirectoryEntry, MemberRole, OrgMembership


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
