"""Check-in at the door: a scanned QR token or a typed ticket code, used once."""

from flask_babel import lazy_gettext as _l

from wcl.accounts.permissions import ensure
from wcl.audit.services import record
from wcl.events.errors import EventError
from wcl.events.models import Event, EventStatus, Registration, RegistrationStatus
from wcl.events.services.tickets import read_scan
from wcl.extensions import db
from wcl.i18n import current_locale
from wcl.locks import lock
from wcl.time import clock_filter, utcnow


def _refuse(message):
    db.session.rollback()
    raise EventError(message, field="code")


def check_in(actor, event_id, scanned):
    """Check in the holder of the ticket ``scanned`` (the QR's signed text or the
    typed code) at the event ``event_id``; returns her registration.

    Refused, with nothing changed: a forged QR, an unknown code, a ticket of another
    event, one already used ("already checked in at 10:42"), one on the waitlist or
    cancelled, a cancelled event. The registration's row lock makes two scans of the
    same ticket at two doors count once."""
    event = db.session.get(Event, event_id)
    if event is None:
        _refuse(_l("This event does not exist."))
    ensure("events.checkin", event, user=actor)
    token_event_id, code = read_scan(scanned)
    if not code:
        _refuse(_l("Scan the QR code or type the ticket code."))
    if token_event_id is not None and token_event_id != event.id:
        other = db.session.get(Event, token_event_id)
        _refuse(
            _l(
                "This ticket is for another event: %(title)s.",
                title=other.title(current_locale()) if other else "?",
            )
        )
    registration = db.session.scalar(db.select(Registration).where(Registration.ticket_code == code))
    if registration is None:
        _refuse(_l("No ticket has this code. Check the code and try again."))
    if registration.event_id != event.id:
        _refuse(
            _l(
                "This ticket is for another event: %(title)s.",
                title=registration.event.title(current_locale()),
            )
        )
    if event.status == EventStatus.CANCELLED:
        _refuse(_l("This event was cancelled."))
    registration = lock(Registration, registration.id)
    if registration.status == RegistrationStatus.CHECKED_IN:
        _refuse(_l("Already checked in at %(time)s.", time=clock_filter(registration.checked_in_at)))
    if registration.status == RegistrationStatus.WAITLISTED:
        _refuse(_l("This ticket is on the waitlist: it has no place yet."))
    if registration.status == RegistrationStatus.CANCELLED:
        _refuse(_l("This ticket was cancelled."))
    registration.status = RegistrationStatus.CHECKED_IN
    registration.checked_in_at = utcnow()
    registration.checked_in_by_id = actor.id
    db.session.flush()
    record("event.checked_in", registration, actor=actor, event=event.id)
    db.session.commit()
    return registration
