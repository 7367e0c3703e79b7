"""The reminder the day before an event, sent by a periodic job."""

from datetime import timedelta

from wcl.claims import claim_unstamped
from wcl.events.models import Event, EventStatus, Registration, RegistrationStatus
from wcl.events.services.tickets import ticket_link
from wcl.extensions import db
from wcl.mail import queue_email
from wcl.time import utcnow


def send_event_reminders(now=None, ahead=timedelta(hours=24)):
    """Email everyone holding a place at a published event that starts within ``ahead``.

    Each registration is claimed with a conditional UPDATE on ``reminded_at`` before
    its email is queued, in the same transaction, so a re-run (or a second scheduler)
    sends nothing twice. Returns the number of emails queued."""
    now = now or utcnow()
    due = db.session.scalars(
        db.select(Registration.id)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Registration.reminded_at.is_(None),
            Registration.status == RegistrationStatus.REGISTERED,
            Event.status == EventStatus.PUBLISHED,
            Event.starts_at > now,
            Event.starts_at <= now + ahead,
        )
        .order_by(Registration.id)
    ).all()
    sent = 0
    for registration in claim_unstamped(Registration, Registration.reminded_at, due, now):
        event = registration.event
        queue_email(
            registration.email,
            "events/reminder",
            registration.locale,
            name=registration.name,
            title=event.title(registration.locale),
            starts_at=event.starts_at,
            place=event.place,
            online_url=event.online_url,
            code=registration.display_code,
            link=ticket_link(registration),
        )
        sent += 1
    db.session.commit()
    return sent
