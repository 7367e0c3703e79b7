"""Organisations and the people who belong to them."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from wcl.accounts.permissions import ensure
from wcl.accounts.services import get_user_by_email
from wcl.audit.services import record
from wcl.extensions import db
from wcl.files.services import delete_stored, replace_stored
from wcl.orgs.models import LOCALES, DirectoryEntry, MemberRole, Organisation, OrgKind, OrgMembership
from wcl.orgs.services._common import PER_PAGE, check_region, clean, refuse, store_logo

TEXT_FIELDS = {
    **{f"name_{loc}": 200 for loc in LOCALES},
    **{f"profile_{loc}": 20000 for loc in LOCALES},
    "sector": 120,
    "website": 300,
    "contact_name": 200,
    "contact_email": 254,
    "contact_phone": 40,
}
ORG_FIELDS = ("kind", "region", *TEXT_FIELDS)


def _apply(org, data):
    """Copy checked form data onto ``org``; returns the names of the fields that changed."""
    if data.get("kind") not in OrgKind.ALL:
        refuse(_l("Choose what kind of organisation this is."), field="kind")
    if not any(clean(data.get(f"name_{loc}")) for loc in LOCALES):
        refuse(_l("Give the organisation's name in at least one language."), field="name_en")
    website = clean(data.get("website"))
    if website and not website.startswith(("https://", "http://")):
        refuse(_l("Enter a full web address starting with https://"), field="website")
    values = {name: clean(data.get(name), limit) for name, limit in TEXT_FIELDS.items()}
    values["website"] = website or None
    values["kind"] = data["kind"]
    values["region"] = check_region(data.get("region"))
    changed = [name for name, value in values.items() if getattr(org, name) != value]
    for name, value in values.items():
        setattr(org, name, value)
    return changed


def _replace_logo(actor, org, logo):
    if logo is None or not getattr(logo, "filename", ""):
        return False
    replace_stored(org, "logo", store_logo(logo, actor))
    return True


def create_organisation(actor, data, logo=None):
    """Add an organisation (name in at least one language; kind; region code; an
    optional logo, whose type is read from its content)."""
    ensure("orgs.manage", user=actor)
    org = Organisation(created_by_id=actor.id)
    _apply(org, data)
    db.session.add(org)
    db.session.flush()
    _replace_logo(actor, org, logo)
    record("organisation.created", org, actor=actor, kind=org.kind)
    db.session.commit()
    return org


def update_organisation(actor, org, data, logo=None):
    """Change an organisation's profile (and logo); the audit entry names the changed fields."""
    ensure("orgs.manage", org, user=actor)
    changed = _apply(org, data)
    if _replace_logo(actor, org, logo):
        changed.append("logo")
    if changed:
        record("organisation.updated", org, actor=actor, fields=sorted(changed))
    db.session.commit()
    return org


def delete_organisation(actor, org):
    """Remove an organisation with its memberships, partnerships, documents and directory
    entry (an irreversible step: the view asks for confirmation); the audit entry stays."""
    ensure("orgs.manage", org, user=actor)
    for partnership in org.partnerships:
        # Staff scoped to a lab may not remove another lab's partnership through its organisation.
        ensure("orgs.manage", partnership, user=actor)
    files = [org.logo] + [d.file for p in org.partnerships for d in p.documents]
    record("organisation.deleted", org, actor=actor, kind=org.kind)
    db.session.execute(sa.delete(DirectoryEntry).where(DirectoryEntry.organisation_id == org.id))
    db.session.delete(org)
    db.session.flush()
    for stored in files:
        if stored is not None:
            delete_stored(stored)
    db.session.commit()


def organisations_page(page=1, query=None, kind=None):
    """Organisations by name, optionally narrowed by a few letters of the name and a kind."""
    stmt = sa.select(Organisation)
    query = clean(query, 100)
    if query:
        pattern = f"%{query.lower()}%"
        stmt = stmt.where(
            sa.or_(*(sa.func.lower(getattr(Organisation, f"name_{loc}")).like(pattern) for loc in LOCALES))
        )
    if kind in OrgKind.ALL:
        stmt = stmt.where(Organisation.kind == kind)
    stmt = stmt.order_by(sa.func.lower(Organisation.name_en), Organisation.name_ru, Organisation.id)
    return db.paginate(stmt, page=page, per_page=PER_PAGE, error_out=False)


def add_member(actor, org, email, role, title=""):
    """Record that the person with ``email`` (who has an account) belongs to ``org`` with ``role``."""
    ensure("orgs.manage", org, user=actor)
    if role not in MemberRole.ALL:
        refuse(_l("Choose a role from the list."), field="role")
    user = get_user_by_email(clean(email))
    if user is None:
        refuse(_l("No one has an account with this email address."), field="email")
    exists = db.session.scalar(
        sa.select(OrgMembership).where(
            OrgMembership.organisation_id == org.id, OrgMembership.user_id == user.id
        )
    )
    if exists is not None:
        refuse(_l("This person already belongs to the organisation."), field="email")
    membership = OrgMembership(organisation_id=org.id, user_id=user.id, role=role, title=clean(title, 120))
    db.session.add(membership)
    db.session.flush()
    record(
        "org_membership.added", membership, actor=actor, organisation_id=org.id, user_id=user.id, role=role
    )
    db.session.commit()
    return membership


def remove_member(actor, membership):
    """Remove a person from an organisation."""
    ensure("orgs.manage", membership.organisation, user=actor)
    record(
        "org_membership.removed",
        membership,
        actor=actor,
        organisation_id=membership.organisation_id,
        user_id=membership.user_id,
    )
    db.session.delete(membership)
    db.session.commit()


def my_organisations(user):
    """The organisations ``user`` belongs to, with her membership: [(membership, organisation)]."""
    return db.session.execute(
        sa.select(OrgMembership, Organisation)
        .join(Organisation, Organisation.id == OrgMembership.organisation_id)
        .where(OrgMembership.user_id == user.id)
        .order_by(Organisation.id)
    ).all()
