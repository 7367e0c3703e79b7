"""Publishing a cohort session's material to the bank.

The cohorts domain is left as it is: the bank reads the material and makes a
resource of it, with its own copy of the file (removing the material from its
session deletes the session's file, never the bank's).
"""

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from wcl.accounts.permissions import PermissionDenied, can, lab_condition
from wcl.audit.services import record
from wcl.cohorts.models import Cohort, CohortSession, SessionMaterial
from wcl.extensions import db
from wcl.files.services import read_bytes, store_bytes
from wcl.knowledge.models import LOCALES, Resource, ResourceKind, ResourceStatus, Visibility
from wcl.knowledge.services._common import PER_PAGE, refuse
from wcl.time import utcnow

VIDEO_HOSTS = ("youtube.com", "youtu.be", "vimeo.com", "rutube.ru")


def _kind_of(material):
    if material.file_id is not None:
        return ResourceKind.FILE
    host = (urlsplit(material.url or "").hostname or "").lower()
    return ResourceKind.VIDEO if host.endswith(VIDEO_HOSTS) else ResourceKind.ARTICLE


def _may_publish(user, material):
    return can("knowledge.manage", user=user) and can("cohorts.manage", material, user=user)


def _may_suggest(user, material):
    return can("knowledge.suggest", user=user) and can("cohorts.mentor", material, user=user)


def publishable_materials(user, page=1):
    """Session materials of the cohorts ``user`` manages (her lab's, for scoped staff),
    newest first, with the resource each became, if any: rows of (material, resource id)."""
    stmt = (
        sa.select(SessionMaterial, Resource.id)
        .join(CohortSession, CohortSession.id == SessionMaterial.session_id)
        .join(Cohort, Cohort.id == CohortSession.cohort_id)
        .outerjoin(Resource, Resource.source_material_id == SessionMaterial.id)
        .where(lab_condition(user, Cohort.lab_id))
        .order_by(SessionMaterial.created_at.desc(), SessionMaterial.id.desc())
    )
    rows = db.session.execute(stmt.limit(PER_PAGE).offset((max(page, 1) - 1) * PER_PAGE)).all()
    return [(material, resource_id) for material, resource_id in rows if _may_publish(user, material)]


def publish_material(
    actor, material, language, visibility=Visibility.MEMBERS, creative_domain=None, skill=None
):
    """Make a resource of a session's material: published by staff of its cohort, or
    suggested by a mentor of it. ``language`` is the language the material is in (its
    title is kept in that language); members-only unless staff choose otherwise."""
    staff = _may_publish(actor, material)
    if not staff and not _may_suggest(actor, material):
        raise PermissionDenied("knowledge.manage")
    if language not in LOCALES:
        refuse(_l("Choose the language the material is in."), field="language")
    if visibility not in Visibility.ALL:
        refuse(_l("Choose who may see the resource."), field="visibility")
    exists = db.session.scalar(sa.select(Resource.id).where(Resource.source_material_id == material.id))
    if exists is not None:
        refuse(_l("This material is already in the knowledge bank."))
    file_id = None
    if material.file is not None:
        source = material.file
        copy = store_bytes(
            read_bytes(source), source.mimetype, source.original_name, actor, source.width, source.height
        )
        file_id = copy.id
    resource = Resource(
        kind=_kind_of(material),
        visibility=visibility,
        languages=language,
        creative_domain=creative_domain or None,
        skill=skill or None,
        url=material.url,
        file_id=file_id,
        source_material_id=material.id,
        created_by_id=actor.id,
        status=ResourceStatus.PUBLISHED if staff else ResourceStatus.SUGGESTED,
    )
    setattr(resource, f"title_{language}", material.title[:200])
    setattr(resource, f"body_{language}", material.session.description or "")
    if staff:
        resource.published_by_id, resource.published_at = actor.id, utcnow()
    db.session.add(resource)
    db.session.flush()
    record(
        "knowledge_resource.published" if staff else "knowledge_resource.suggested",
        resource,
        actor=actor,
        material_id=material.id,
    )
    db.session.commit()
    return resource
