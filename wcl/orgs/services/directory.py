"""Community membership: the opt-in public directory of people and organisations.

An entry holds only what its owner typed into it to be shown (a display name, a
creative domain, a region, a few words): never demographics, never a village.
"""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from wcl.accounts.permissions import ensure
from wcl.audit.services import record
from wcl.extensions import db
from wcl.orgs.models import DirectoryEntry
from wcl.orgs.services._common import PER_PAGE, VILLAGE_REFUSED, check_region, clean, refuse
from wcl.reference import CREATIVE_DOMAIN_CODES
from wcl.time import utcnow

ENTRY_FIELDS = ("display_name", "creative_domain", "region", "about", "consent")


def _apply(entry, data):
    if not data.get("consent"):
        refuse(_l("Tick the box to agree to be shown in the public directory."), field="consent")
    # Someone asking to show where she lives more precisely than her region is
    # refused, whatever the form she used: the directory shows regions only.
    if clean(data.get("village")):
        refuse(VILLAGE_REFUSED, field="region")
    name = clean(data.get("display_name"), 120)
    if not name:
        refuse(_l("Give the name to show in the directory."), field="display_name")
    domain = clean(data.get("creative_domain")) or None
    if domain is not None and domain not in CREATIVE_DOMAIN_CODES:
        refuse(_l("Choose a creative domain from the list."), field="creative_domain")
    entry.display_name = name
    entry.creative_domain = domain
    entry.region = check_region(data.get("region"))
    entry.about = clean(data.get("about"), 500)
    entry.listed = True
    entry.consented_at = utcnow()


def own_entry(user):
    """``user``'s own directory entry, or None."""
    return db.session.scalar(sa.select(DirectoryEntry).where(DirectoryEntry.user_id == user.id))


def organisation_entry(org):
    """The organisation's directory entry, or None."""
    return db.session.scalar(sa.select(DirectoryEntry).where(DirectoryEntry.organisation_id == org.id))


def join_community(actor, data):
    """The signed-in person joins the community (or changes her entry): she consents to be
    listed with the display name, creative domain and region she gives."""
    entry = own_entry(actor)
    created = entry is None
    entry = entry or DirectoryEntry(user_id=actor.id, added_by_id=actor.id)
    _apply(entry, data)
    db.session.add(entry)
    db.session.flush()
    record("community_member.joined" if created else "community_member.updated", entry, actor=actor)
    db.session.commit()
    return entry


def join_as_organisation(actor, org, data):
    """An organisation joins the community, through its representative or staff."""
    ensure("orgs.represent", org, user=actor)
    entry = organisation_entry(org)
    created = entry is None
    entry = entry or DirectoryEntry(organisation_id=org.id, added_by_id=actor.id)
    _apply(entry, data)
    db.session.add(entry)
    db.session.flush()
    record(
        "community_member.joined" if created else "community_member.updated",
        entry,
        actor=actor,
        organisation_id=org.id,
    )
    db.session.commit()
    return entry


def leave_community(actor, entry):
    """Remove an entry from the directory (its owner, the organisation's representative, or staff)."""
    if entry.organisation_id is not None:
        ensure("orgs.represent", entry.organisation, user=actor)
    elif entry.user_id != actor.id:
        ensure("orgs.manage", user=actor)
    record("community_member.left", entry, actor=actor, organisation_id=entry.organisation_id)
    db.session.delete(entry)
    db.session.commit()


def directory_page(page=1, creative_domain=None, region=None, query=None):
    """The public directory, by name, narrowed by creative domain, region and a few letters.

    Entries carry their organisation (kind, logo) loaded with them; nothing else about
    a person is read."""
    stmt = (
        sa.select(DirectoryEntry)
        .options(selectinload(DirectoryEntry.organisation))
        .where(DirectoryEntry.listed.is_(True))
    )
    if creative_domain in CREATIVE_DOMAIN_CODES:
        stmt = stmt.where(DirectoryEntry.creative_domain == creative_domain)
    if region:
        stmt = stmt.where(DirectoryEntry.region == region)
    query = clean(query, 100)
    if query:
        pattern = f"%{query.lower()}%"
        stmt = stmt.where(
            sa.or_(
                sa.func.lower(DirectoryEntry.display_name).like(pattern),
                sa.func.lower(DirectoryEntry.about).like(pattern),
            )
        )
    stmt = stmt.order_by(sa.func.lower(DirectoryEntry.display_name), DirectoryEntry.id)
    return db.paginate(stmt, page=page, per_page=PER_PAGE, error_out=False)
