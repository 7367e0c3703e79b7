"""Registering for an event (with an account or as a guest), cancelling, and the
waitlist that moves up.

Capacity holds under concurrency: every change to who holds a place takes the
event's row lock (``SELECT … FOR UPDATE``) first, then counts and writes, so two
people can never take the last place together. On SQLite (the embedded default)
writes are serialised by the database itself.
"""

from flask_babel import lazy_gettext as _l

from wcl.accounts.models import new_cell_key
from wcl.accounts.permissions import can
from wcl.accounts.services import CONSENT_VERSION, normalise_email
from wcl.audit.services import record
from wcl.events import queries
from wcl.events.errors import EventError
from wcl.events.models import Event, EventStatus, Registration, RegistrationStatus
from wcl.events.services.tickets import new_ticket_code, registration_from_link, ticket_link
from wcl.extensions import db
from wcl.i18n import LANGUAGE_NAMES
from wcl.locks import lock
from wcl.mail import queue_email
from wcl.queue import EMAILS, enqueue_after_commit
from wcl.time import utcnow

TICKET_JOB = "wcl.events.jobs.email_ticket"
NOT_FOUND = _l("This event does not exist.")
NOT_OPEN = _l("This event is not open for registration.")
CANCELLED_EVENT = _l("This event was cancelled: registration is closed.")
PAST_EVENT = _l("This event is over: registration is closed.")
NO_REGISTRATION = _l("No registration is needed for this event: just come.")
ALREADY = _l("This email address is already registered for this event.")
NAME_NEEDED = _l("Please give your name and email address.")
CONSENT_NEEDED = _l("Tick the consent box to give these answers, or leave them empty.")
GENDERS = ("woman", "man", "another", "prefer_not")


def _check_open(event, now):
    if event is None:
        raise EventError(NOT_FOUND)
    if event.status == EventStatus.CANCELLED:
        raise EventError(CANCELLED_EVENT)
    if event.status != EventStatus.PUBLISHED:
        raise EventError(NOT_OPEN)
    if event.ends_at <= now:
        raise EventError(PAST_EVENT)
    if not event.registration_required:
        raise EventError(NO_REGISTRATION)


def _has_room(event):
    return event.capacity is None or queries.places_taken(event.id) < event.capacity


def _answers(gender, birth_year, consent):
    """A guest's optional answers, kept only with her consent."""
    gender = gender or None
    if gender is not None and gender not in GENDERS:
        raise EventError(CONSENT_NEEDED, field="gender")
    if (gender or birth_year) and not consent:
        raise EventError(CONSENT_NEEDED, field="consent")
    if not consent or not (gender or birth_year):
        return {}
    return {
        "gender": gender,
        "birth_year": birth_year,
        "consent_version": CONSENT_VERSION,
        "consent_at": utcnow(),
    }


def register(
    actor, event_id, name=None, email=None, locale="en", gender=None, birth_year=None, consent=False
):
    """Register ``actor`` (a signed-in user) or a guest (``actor`` None: ``name`` and
    ``email``) for the event: a place while there is room, else the waitlist.

    A signed-in person's demographics stay in her account; a guest may give her
    gender and birth year with consent. Refused: an event not published, cancelled or
    over, one without registration, an email already registered. The ticket email
    (or the waitlist notice) is queued after commit. Returns the registration."""
    now = utcnow()
    event = lock(Event, event_id)  # serialises every change to this event's places
    try:
        _check_open(event, now)
        if getattr(actor, "is_authenticated", False):
            name, email, cell_key, answers = actor.public_name, actor.email, actor.cell_key, {}
            locale = actor.locale if actor.locale in LANGUAGE_NAMES else locale
        else:
            actor = None
            name, email = (name or "").strip(), normalise_email(email)
            if not name or not email:
                raise EventError(NAME_NEEDED, field="name")
            cell_key, answers = new_cell_key(), _answers(gender, birth_year, consent)
        if queries.active_registration(event.id, email) is not None:
            raise EventError(ALREADY, field="email")
    except EventError:
        db.session.rollback()
        raise
    status = RegistrationStatus.REGISTERED if _has_room(event) else RegistrationStatus.WAITLISTED
    registration = Registration(
        event_id=event.id,
        user_id=getattr(actor, "id", None),
        name=name,
        email=email,
        locale=locale if locale in LANGUAGE_NAMES else "en",
        status=status,
        ticket_code=new_ticket_code(),
        created_at=now,
        cell_key=cell_key,
        **answers,
    )
    db.session.add(registration)
    db.session.flush()
    record("event.registered", registration, actor=actor, event=event.id, status=status)
    if status == RegistrationStatus.REGISTERED:
        enqueue_after_commit(TICKET_JOB, registration.id, queue=EMAILS, job_timeout=60)
    else:
        _queue_waitlist_notice(registration)
    db.session.commit()
    return registration


def _queue_waitlist_notice(registration):
    event = registration.event
    queue_email(
        registration.email,
        "events/waitlisted",
        registration.locale,
        name=registration.name,
        title=event.title(registration.locale),
        starts_at=event.starts_at,
        link=ticket_link(registration),
    )


def fill_from_waitlist(event):
    """Move the head of the waitlist up while there is room (the caller holds the
    event's lock); each promoted person gets her ticket email. Flushes only."""
    promoted = []
    if event.status != EventStatus.PUBLISHED:
        return promoted
    for registration in queries.waitlist(event.id):
        if not _has_room(event):
            break
        registration.status = RegistrationStatus.REGISTERED
        registration.promoted_at = utcnow()
        db.session.flush()
        record("event.promoted", registration, event=event.id)
        enqueue_after_commit(TICKET_JOB, registration.id, queue=EMAILS, job_timeout=60)
        promoted.append(registration)
    return promoted


def may_cancel(actor, registration, token=None):
    """The person herself (her account, or her ticket link) or the event's staff."""
    if token is not None:
        linked = registration_from_link(token)
        if linked is not None and linked.id == registration.id:
            return True
    if getattr(actor, "is_authenticated", False):
        return registration.user_id == actor.id or can("events.manage", registration.event, user=actor)
    return False


def cancel_registration(actor, registration_id, token=None):
    """Cancel a registration (by the person, with her account or ticket link, or by
    staff); a place it held goes to the head of the waitlist, who is emailed."""
    actor = actor if getattr(actor, "is_authenticated", False) else None  # a guest with her link
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        raise EventError(_l("This ticket does not exist."))
    event = lock(Event, registration.event_id)
    db.session.refresh(registration)
    if not may_cancel(actor, registration, token):
        db.session.rollback()
        raise EventError(_l("You may not cancel this registration."))
    if registration.status == RegistrationStatus.CANCELLED:
        db.session.rollback()
        raise EventError(_l("This registration is already cancelled."))
    if registration.status == RegistrationStatus.CHECKED_IN:
        db.session.rollback()
        raise EventError(_l("This person is already checked in: the registration cannot be cancelled."))
    held_place = registration.status == RegistrationStatus.REGISTERED
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = utcnow()
    db.session.flush()
    record("event.registration_cancelled", registration, actor=actor, event=event.id)
    if held_place and event.ends_at > utcnow():
        fill_from_waitlist(event)
    db.session.commit()
    return registration
