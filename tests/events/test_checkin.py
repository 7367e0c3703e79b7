"""Check-in at the door: QR token or typed code, once, at the right event only."""

from datetime import timedelta

import pytest

from tests.factories.accounts import UserFactory
from tests.factories.events import EventFactory, RegistrationFactory
from tests.factories.programme import LabFactory
from wcl.accounts.permissions import PermissionDenied
from wcl.events import services
from wcl.events.models import EventStatus, Registration, RegistrationStatus
from wcl.events.services.tickets import read_scan
from wcl.extensions import db
from wcl.time import utcnow


@pytest.fixture
def door(app_ctx):
    lab = LabFactory()
    staff = UserFactory(roles=["staff"], lab_id=lab.id)
    event = EventFactory(lab_id=lab.id)
    registration = RegistrationFactory(event=event)
    return staff, event, registration


def _status(registration_id):
    db.session.expire_all()
    return db.session.get(Registration, registration_id)


def test_scanning_the_qr_checks_her_in_once(door):
    staff, event, registration = door
    token = services.ticket_token(registration)
    checked = services.check_in(staff, event.id, token)
    assert checked.status == RegistrationStatus.CHECKED_IN
    assert checked.checked_in_by_id == staff.id
    with pytest.raises(services.EventError) as refused:
        services.check_in(staff, event.id, token)
    assert "Already checked in at" in str(refused.value.message)
    assert refused.value.field == "code"


def test_a_typed_code_works_in_any_case_with_or_without_the_dash(door):
    staff, event, registration = door
    typed = f" {registration.display_code.lower()} "
    assert services.check_in(staff, event.id, typed).status == RegistrationStatus.CHECKED_IN
    with pytest.raises(services.EventError, match="Already checked in"):
        services.check_in(staff, event.id, registration.ticket_code)


def test_a_forged_qr_is_refused(door):
    staff, event, registration = door
    token = services.ticket_token(registration)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for text in (forged, f"WCLT1.{event.id}.{registration.ticket_code}", "WCLT1.x.y.z"):
        with pytest.raises(services.EventError, match="not a valid ticket"):
            services.check_in(staff, event.id, text)
    assert _status(registration.id).status == RegistrationStatus.REGISTERED


def test_a_ticket_for_another_event_is_refused(door):
    staff, event, registration = door
    other = EventFactory(lab_id=event.lab_id, title_en="Pitch day")
    for text in (services.ticket_token(registration), registration.ticket_code):
        with pytest.raises(services.EventError, match="another event"):
            services.check_in(staff, other.id, text)
    assert _status(registration.id).status == RegistrationStatus.REGISTERED


@pytest.mark.parametrize(
    ("status", "message"),
    [(RegistrationStatus.WAITLISTED, "waitlist"), (RegistrationStatus.CANCELLED, "cancelled")],
)
def test_a_ticket_without_a_place_is_refused(door, status, message):
    staff, event, _registration = door
    other = RegistrationFactory(event=event, status=status)
    with pytest.raises(services.EventError, match=message):
        services.check_in(staff, event.id, services.ticket_token(other))
    assert _status(other.id).status == status


def test_unknown_code_and_cancelled_event(door):
    staff, event, registration = door
    with pytest.raises(services.EventError, match="No ticket has this code"):
        services.check_in(staff, event.id, "ZZZZ-ZZZZ")
    event.status = EventStatus.CANCELLED
    db.session.commit()
    with pytest.raises(services.EventError, match="cancelled"):
        services.check_in(staff, event.id, registration.ticket_code)


def test_only_staff_of_the_events_lab_check_people_in(door):
    _staff, event, registration = door
    for outsider in (UserFactory(roles=["staff"], lab_id=LabFactory().id), UserFactory(roles=["mentor"])):
        with pytest.raises(PermissionDenied):
            services.check_in(outsider, event.id, registration.ticket_code)
    assert _status(registration.id).status == RegistrationStatus.REGISTERED


def test_read_scan_returns_the_event_of_a_token_and_none_for_a_typed_code(door):
    _staff, event, registration = door
    assert read_scan(services.ticket_token(registration)) == (event.id, registration.ticket_code)
    assert read_scan("ab-cd ef") == (None, "ABCDEF")


def test_reminders_are_sent_once_the_day_before(app_ctx, run_jobs):
    from tests.helpers import outbox_messages

    soon = EventFactory(starts_at=utcnow() + timedelta(hours=20))
    later = EventFactory(starts_at=utcnow() + timedelta(days=5))
    registered = RegistrationFactory(event=soon)
    RegistrationFactory(event=soon, status=RegistrationStatus.WAITLISTED)
    RegistrationFactory(event=later)
    assert services.send_event_reminders() == 1
    assert services.send_event_reminders() == 0
    run_jobs()
    [message] = outbox_messages(app_ctx)
    assert message["To"] == registered.email
    assert _status(registered.id).reminded_at is not None


def test_the_ics_file_follows_rfc_5545(door):
    _staff, event, registration = door
    event.title_ru = "Фестиваль креативных индустрий, Ош; " * 3
    db.session.commit()
    text = services.ics_text(registration, "ru")
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    unfolded = text.replace("\r\n ", "")
    assert "SUMMARY:Фестиваль креативных индустрий\\, Ош\\; " in unfolded
    assert f"DTSTART:{event.starts_at.strftime('%Y%m%dT%H%M%SZ')}" in unfolded
