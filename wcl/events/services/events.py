"""Staff create, edit, publish and cancel events."""

import secrets

from flask_babel import lazy_gettext as _l

from wcl.accounts.permissions import ensure
from wcl.audit.services import record
from wcl.campaigns.services.drafts import slugify
from wcl.events import queries
from wcl.events.errors import EventError
from wcl.events.models import Event, EventStatus, RegistrationStatus
from wcl.events.services.registration import fill_from_waitlist
from wcl.extensions import db
from wcl.locks import lock
from wcl.mail import queue_email
from wcl.time import utcnow

FIELDS = (
    "lab_id",
    "series",
    "organiser",
    "title_en",
    "title_ru",
    "title_ky",
    "description_en",
    "description_ru",
    "description_ky",
    "starts_at",
    "ends_at",
    "place",
    "online_url",
    "capacity",
    "registration_required",
)


def _validate(data):
    if data["ends_at"] <= data["starts_at"]:
        raise EventError(_l("The event must end after it starts."), field="ends_at")
    if not (data.get("place") or data.get("online_url")):
        raise EventError(_l("Give a place, an online link, or both."), field="place")


def _unique_slug(title):
    base = slugify(title)[:60].strip("-") or "event"
    slug = base
    while db.session.scalar(db.select(Event.id).where(Event.slug == slug)) is not None:
        slug = f"{base}-{secrets.token_hex(2)}"
    return slug


def create_event(actor, data):
    """Create a draft event from ``data`` (the form's fields). Returns it."""
    ensure("events.manage", Event(lab_id=data.get("lab_id")), user=actor)
    _validate(data)
    event = Event(**{k: data.get(k) for k in FIELDS}, created_by_id=actor.id)
    event.slug = _unique_slug(data["title_en"])
    db.session.add(event)
    db.session.flush()
    record("event.created", event, actor=actor)
    db.session.commit()
    return event


def update_event(actor, event_id, data):
    """Save an event's details. Raising the capacity moves the waitlist up; lowering
    it below the places already taken is refused."""
    event = lock(Event, event_id)
    try:
        ensure("events.manage", event, user=actor)
        ensure("events.manage", Event(lab_id=data.get("lab_id")), user=actor)
        _validate(data)
        taken = queries.places_taken(event.id)
        if data.get("capacity") is not None and data["capacity"] < taken:
            raise EventError(
                _l("%(count)s people already hold a place: the capacity cannot be lower.", count=taken),
                field="capacity",
            )
    except EventError:
        db.session.rollback()
        raise
    for key in FIELDS:
        setattr(event, key, data.get(key))
    db.session.flush()
    record("event.updated", event, actor=actor)
    fill_from_waitlist(event)
    db.session.commit()
    return event


def publish_event(actor, event_id):
    """Publish a draft: it appears in the public list and takes registrations."""
    event = lock(Event, event_id)
    ensure("events.manage", event, user=actor)
    if event.status != EventStatus.DRAFT:
        db.session.rollback()
        raise EventError(_l("Only a draft can be published."))
    event.status = EventStatus.PUBLISHED
    event.published_at = utcnow()
    record("event.published", event, actor=actor)
    db.session.commit()
    return event


def cancel_event(actor, event_id):
    """Cancel an event (irreversible): everyone registered or waitlisted is told."""
    event = lock(Event, event_id)
    ensure("events.manage", event, user=actor)
    if event.status == EventStatus.CANCELLED:
        db.session.rollback()
        raise EventError(_l("This event is already cancelled."))
    event.status = EventStatus.CANCELLED
    event.cancelled_at = utcnow()
    record("event.cancelled", event, actor=actor)
    registrations = db.session.scalars(
        db.select(queries.Registration).where(
            queries.Registration.event_id == event.id,
            queries.Registration.status.in_((RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED)),
        )
    ).all()
    for registration in registrations:
        queue_email(
            registration.email,
            "events/cancelled",
            registration.locale,
            name=registration.name,
            title=event.title(registration.locale),
            starts_at=event.starts_at,
        )
    db.session.commit()
    return event
