"""Photos and materials of an event (slides, a programme), shown on its page."""

from flask_babel import lazy_gettext as _l

from wcl.accounts.permissions import ensure
from wcl.audit.services import record
from wcl.events.errors import EventError
from wcl.events.models import Event, EventMaterial
from wcl.extensions import db
from wcl.files.errors import UploadError
from wcl.files.services import DOCUMENT_TYPES, delete_stored, save_upload

MAX_BYTES = 10 * 1024 * 1024


def add_material(actor, event_id, file_storage, caption=""):
    """Store a photo (re-encoded, metadata dropped) or a PDF (active content removed)
    for the event. A file that is not what it says is refused, nothing stored."""
    event = db.session.get(Event, event_id)
    if event is None:
        raise EventError(_l("This event does not exist."))
    ensure("events.manage", event, user=actor)
    try:
        stored = save_upload(file_storage, allowed=DOCUMENT_TYPES, max_bytes=MAX_BYTES, uploaded_by=actor)
    except UploadError as exc:
        db.session.rollback()
        raise EventError(exc.message, field="file") from None
    material = EventMaterial(
        event_id=event.id, file_id=stored.id, caption=(caption or "").strip()[:200], created_by_id=actor.id
    )
    db.session.add(material)
    db.session.flush()
    record("event.material_added", material, actor=actor, event=event.id)
    db.session.commit()
    return material


def remove_material(actor, material_id):
    """Remove a photo or material from the event's page and storage."""
    material = db.session.get(EventMaterial, material_id)
    if material is None:
        raise EventError(_l("This file does not exist."))
    ensure("events.manage", material.event, user=actor)
    record("event.material_removed", material, actor=actor, event=material.event_id)
    stored = material.file
    db.session.delete(material)
    db.session.flush()
    delete_stored(stored)
    db.session.commit()
