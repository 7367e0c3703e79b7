"""Creating, suggesting, publishing and reading resources; the view and download counters."""

import sqlalchemy as sa
from flask import abort
from flask_babel import lazy_gettext as _l

from wcl.accounts.permissions import can, ensure
from wcl.audit.services import record
from wcl.extensions import db
from wcl.files.services import replace_stored
from wcl.knowledge.models import LOCALES, SKILLS, Resource, ResourceKind, ResourceStatus, Visibility
from wcl.knowledge.services._common import clean, clean_url, refuse, store_resource_file
from wcl.reference import CREATIVE_DOMAIN_CODES
from wcl.time import utcnow

TEXT_LIMITS = {**{f"title_{loc}": 200 for loc in LOCALES}, **{f"body_{loc}": 50000 for loc in LOCALES}}


def _apply(resource, data):
    """Check ``data`` and copy it onto ``resource`` (no flush); returns the changed field names."""
    if data.get("kind") not in ResourceKind.ALL:
        refuse(_l("Choose what kind of resource this is."), field="kind")
    if data.get("visibility") not in Visibility.ALL:
        refuse(_l("Choose who may see the resource."), field="visibility")
    values = {name: clean(data.get(name), limit) for name, limit in TEXT_LIMITS.items()}
    if not any(values[f"title_{loc}"] for loc in LOCALES):
        refuse(_l("Give the title in at least one language."), field="title_en")
    languages = [code for code in LOCALES if code in (data.get("languages") or ())]
    if not languages:
        refuse(_l("Choose at least one language the resource is in."), field="languages")
    domain = clean(data.get("creative_domain")) or None
    if domain is not None and domain not in CREATIVE_DOMAIN_CODES:
        refuse(_l("Choose a creative domain from the list."), field="creative_domain")
    skill = clean(data.get("skill")) or None
    if skill is not None and skill not in SKILLS:
        refuse(_l("Choose a skill from the list."), field="skill")
    values.update(
        kind=data["kind"],
        visibility=data["visibility"],
        languages=",".join(languages),
        creative_domain=domain,
        skill=skill,
        url=clean_url(data.get("url")),
    )
    if values["kind"] == ResourceKind.VIDEO and not values["url"]:
        refuse(_l("Give the address of the video."), field="url")
    changed = [name for name, value in values.items() if getattr(resource, name) != value]
    for name, value in values.items():
        setattr(resource, name, value)
    return changed


def _attach(actor, resource, upload):
    if upload is None or not getattr(upload, "filename", ""):
        return False
    replace_stored(resource, "file", store_resource_file(upload, actor))
    return True


def _check_has_content(resource):
    if resource.kind in (ResourceKind.FILE, ResourceKind.TEMPLATE) and resource.file_id is None:
        refuse(_l("Attach the file."), field="upload")


def create_resource(actor, data, upload=None):
    """Add a resource: staff publish it at once; a mentor's is a suggestion for staff to publish."""
    ensure("knowledge.suggest", user=actor)
    resource = Resource(created_by_id=actor.id)
    _apply(resource, data)
    db.session.add(resource)
    db.session.flush()
    _attach(actor, resource, upload)
    _check_has_content(resource)
    if can("knowledge.manage", user=actor):
        resource.status = ResourceStatus.PUBLISHED
        resource.published_by_id, resource.published_at = actor.id, utcnow()
        record("knowledge_resource.published", resource, actor=actor)
    else:
        resource.status = ResourceStatus.SUGGESTED
        record("knowledge_resource.suggested", resource, actor=actor)
    db.session.commit()
    return resource


def update_resource(actor, resource, data, upload=None):
    """Change a resource (staff; or its author while it is still a suggestion)."""
    if not (can("knowledge.manage", user=actor) or _own_suggestion(actor, resource)):
        ensure("knowledge.manage", user=actor)
    changed = _apply(resource, data)
    if _attach(actor, resource, upload):
        changed.append("file")
    _check_has_content(resource)
    if changed:
        record("knowledge_resource.updated", resource, actor=actor, fields=sorted(changed))
    db.session.commit()
    return resource


def publish_resource(actor, resource):
    """Staff publish a mentor's suggestion."""
    ensure("knowledge.manage", user=actor)
    if resource.is_published:
        refuse(_l("This resource is already published."))
    resource.status = ResourceStatus.PUBLISHED
    resource.published_by_id, resource.published_at = actor.id, utcnow()
    record("knowledge_resource.published", resource, actor=actor)
    db.session.commit()
    return resource


def _own_suggestion(user, resource):
    return (
        getattr(user, "is_authenticated", False)
        and resource.status == ResourceStatus.SUGGESTED
        and resource.created_by_id == user.id
    )


def may_see_members_only(user):
    """May ``user`` open members-only resources (people in the programme, community members)?"""
    return can("knowledge.members_only", Resource(), user=user)


def may_view(user, resource):
    """Published and public; members-only for members; a suggestion for staff and its author."""
    if not resource.is_published:
        return can("knowledge.manage", user=user) or _own_suggestion(user, resource)
    return resource.visibility == Visibility.PUBLIC or can("knowledge.members_only", resource, user=user)


def visible_resource_or_404(user, resource_id):
    """The resource if ``user`` may see it; 404 otherwise (a guest learns nothing of a
    members-only resource, not even that it exists)."""
    resource = db.session.get(Resource, resource_id)
    if resource is None or not may_view(user, resource):
        abort(404)
    return resource


def _bump(resource_id, column):
    # One atomic UPDATE: concurrent readers never lose a count (no read-modify-write).
    db.session.execute(
        sa.update(Resource).where(Resource.id == resource_id).values({column: getattr(Resource, column) + 1})
    )
    db.session.commit()


def count_view(resource_id):
    """Count one view of the resource page."""
    _bump(resource_id, "views")


def count_download(resource_id):
    """Count one download of the resource's file."""
    _bump(resource_id, "downloads")


def suggestions_page(page=1):
    """Mentors' suggestions waiting for staff, oldest first."""
    stmt = (
        sa.select(Resource)
        .where(Resource.status == ResourceStatus.SUGGESTED)
        .order_by(Resource.created_at, Resource.id)
    )
    return db.paginate(stmt, page=page, per_page=50, error_out=False)
