"""Read-only lookups about events (imports only models)."""

import sqlalchemy as sa

from wcl.events.models import Event, EventStatus, Registration, RegistrationStatus
from wcl.extensions import db
from wcl.time import utcnow


def places_taken(event_id):
    """How many registrations hold a place (registered or checked in)."""
    return db.session.scalar(
        sa.select(sa.func.count(Registration.id)).where(
            Registration.event_id == event_id, Registration.status.in_(RegistrationStatus.HOLDING)
        )
    )


def status_counts(event_id):
    """{status: count} of an event's registrations."""
    rows = db.session.execute(
        sa.select(Registration.status, sa.func.count(Registration.id))
        .where(Registration.event_id == event_id)
        .group_by(Registration.status)
    ).all()
    counts = dict.fromkeys(RegistrationStatus.ALL, 0)
    counts.update(dict(rows))
    return counts


def waitlist(event_id):
    """The waitlisted registrations in the order they are served (first come first)."""
    return db.session.scalars(
        sa.select(Registration)
        .where(Registration.event_id == event_id, Registration.status == RegistrationStatus.WAITLISTED)
        .order_by(Registration.created_at, Registration.id)
    ).all()


def active_registration(event_id, email):
    """The registration (not cancelled) of ``email`` at the event, if any."""
    return db.session.scalar(
        sa.select(Registration).where(
            Registration.event_id == event_id,
            Registration.email == email,
            Registration.status.in_(RegistrationStatus.ACTIVE),
        )
    )


def public_events(past=False, now=None):
    """Published and cancelled events, upcoming (soonest first) or past (latest first)."""
    now = now or utcnow()
    query = sa.select(Event).where(Event.status.in_((EventStatus.PUBLISHED, EventStatus.CANCELLED)))
    if past:
        return query.where(Event.ends_at <= now).order_by(Event.starts_at.desc(), Event.id.desc())
    return query.where(Event.ends_at > now).order_by(Event.starts_at, Event.id)


def registrations_of_user(user):
    """A person's registrations: her account's, and those made with her confirmed email."""
    condition = Registration.user_id == user.id
    if user.email_verified_at is not None:
        condition = sa.or_(condition, Registration.email == user.email)
    return (
        sa.select(Registration)
        .join(Event, Event.id == Registration.event_id)
        .where(condition)
        .order_by(Event.starts_at.desc(), Registration.id.desc())
    )
