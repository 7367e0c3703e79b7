"""Registering, the waitlist, cancelling; capacity under concurrency on PostgreSQL."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from tests.factories.accounts import UserFactory
from tests.factories.events import EventFactory, RegistrationFactory
from tests.helpers import message_text, outbox_messages
from wcl.audit.models import AuditEntry
from wcl.events import services
from wcl.events.models import EventStatus, Registration, RegistrationStatus
from wcl.extensions import db
from wcl.time import utcnow


def _count(status=None):
    query = db.select(db.func.count(Registration.id))
    if status:
        query = query.where(Registration.status == status)
    return db.session.scalar(query)


def test_a_guest_registers_and_gets_her_ticket_by_email(app_ctx, run_jobs):
    event = EventFactory(capacity=2)
    registration = services.register(None, event.id, name="Aigul", email="Aigul@Example.org", locale="ky")
    assert registration.status == RegistrationStatus.REGISTERED
    assert registration.email == "aigul@example.org"
    assert len(registration.ticket_code) == 8
    run_jobs()
    [message] = outbox_messages(app_ctx)
    assert message["To"] == "aigul@example.org"
    assert "Aigul" in message_text(message)
    names = [part.get_filename() for part in message.iter_attachments()]
    assert names == [f"ticket-{registration.display_code}.png", "event.ics"]
    db.session.refresh(registration)
    assert registration.ticket_emailed_at is not None
    # Idempotent: a second delivery of the job sends nothing.
    assert services.email_ticket(registration.id) is False
    assert len(outbox_messages(app_ctx)) == 1


def test_a_signed_in_person_registers_with_her_account(app_ctx):
    user = UserFactory(full_name="Nurzat", locale="ru")
    event = EventFactory()
    registration = services.register(user, event.id, name="ignored", email="x@example.org")
    assert (registration.user_id, registration.email, registration.locale) == (user.id, user.email, "ru")
    assert registration.cell_key == user.cell_key
    assert registration.gender is None


def test_full_event_puts_people_on_the_waitlist(app_ctx, run_jobs):
    event = EventFactory(capacity=1)
    first = services.register(None, event.id, name="A", email="a@example.org")
    second = services.register(None, event.id, name="B", email="b@example.org")
    assert (first.status, second.status) == (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED)
    run_jobs()
    subjects = sorted(str(m["Subject"]) for m in outbox_messages(app_ctx))
    assert any("waitlist" in s for s in subjects)


def test_cancelling_moves_the_head_of_the_waitlist_up_and_emails_her(app_ctx, run_jobs):
    event = EventFactory(capacity=1)
    holder = services.register(None, event.id, name="A", email="a@example.org")
    head = services.register(None, event.id, name="B", email="b@example.org")
    later = services.register(None, event.id, name="C", email="c@example.org")
    run_jobs()
    before = len(outbox_messages(app_ctx))
    token = services.ticket_link(holder).rsplit("/", 1)[-1]
    services.cancel_registration(None, holder.id, token=token)
    db.session.expire_all()
    assert db.session.get(Registration, holder.id).status == RegistrationStatus.CANCELLED
    assert db.session.get(Registration, head.id).status == RegistrationStatus.REGISTERED
    assert db.session.get(Registration, later.id).status == RegistrationStatus.WAITLISTED
    run_jobs()
    new = outbox_messages(app_ctx)[before:]
    assert [m["To"] for m in new] == ["b@example.org"]
    assert "place" in str(new[0]["Subject"]).lower()


def test_cancelling_needs_the_person_or_staff(app_ctx):
    event = EventFactory()
    registration = RegistrationFactory(event=event)
    stranger = UserFactory()
    with pytest.raises(services.EventError):
        services.cancel_registration(stranger, registration.id)
    with pytest.raises(services.EventError):
        services.cancel_registration(None, registration.id, token="forged")
    assert db.session.get(Registration, registration.id).status == RegistrationStatus.REGISTERED


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": EventStatus.CANCELLED}, "cancelled"),
        ({"status": EventStatus.DRAFT}, "not open"),
        ({"starts_at": utcnow() - timedelta(days=2), "ends_at": utcnow() - timedelta(days=1)}, "over"),
        ({"registration_required": False}, "No registration"),
    ],
)
def test_registration_refused_changes_nothing(app_ctx, change, message):
    event = EventFactory(**change)
    with pytest.raises(services.EventError) as refused:
        services.register(None, event.id, name="A", email="a@example.org")
    assert message in str(refused.value.message)
    assert _count() == 0
    assert db.session.scalar(db.select(db.func.count(AuditEntry.id))) == 0


def test_the_same_email_cannot_register_twice(app_ctx):
    event = EventFactory()
    services.register(None, event.id, name="A", email="a@example.org")
    with pytest.raises(services.EventError) as refused:
        services.register(None, event.id, name="A again", email="A@example.org")
    assert refused.value.field == "email"
    assert _count() == 1


def test_guest_answers_are_kept_only_with_consent(app_ctx):
    event = EventFactory()
    with pytest.raises(services.EventError) as refused:
        services.register(None, event.id, name="A", email="a@example.org", gender="woman", birth_year=1990)
    assert refused.value.field == "consent"
    assert _count() == 0
    kept = services.register(
        None, event.id, name="A", email="a@example.org", gender="woman", birth_year=1990, consent=True
    )
    assert (kept.gender, kept.birth_year, kept.consent_at is not None) == ("woman", 1990, True)
    plain = services.register(None, event.id, name="B", email="b@example.org", consent=True)
    assert (plain.gender, plain.consent_at) == (None, None)


def test_one_hundred_concurrent_registrations_for_fifty_places(app, make_app):
    """Every registration takes the event's row lock, so exactly the capacity is registered.

    100 registrations race on 20 threads at once (each thread may hold two pooled
    connections: its unit of work and the outbox push after commit)."""
    racing = make_app(SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 40, "max_overflow": 0, "pool_timeout": 120})
    with racing.app_context():
        event_id = EventFactory(capacity=50).id
    start = threading.Event()

    def register(i):
        start.wait()
        with racing.app_context():
            try:
                return services.register(None, event_id, name=f"Person {i}", email=f"p{i}@example.org").status
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=20) as pool:
        futures = [pool.submit(register, i) for i in range(100)]
        start.set()
        statuses = [f.result(timeout=180) for f in futures]
    assert statuses.count(RegistrationStatus.REGISTERED) == 50
    assert statuses.count(RegistrationStatus.WAITLISTED) == 50
    with racing.app_context():
        assert _count(RegistrationStatus.REGISTERED) == 50
        assert _count(RegistrationStatus.WAITLISTED) == 50
        db.engine.dispose()


def test_raising_the_capacity_moves_the_waitlist_up_and_lowering_it_below_the_taken_places_is_refused(
    app_ctx,
):
    from wcl.events.services.events import FIELDS

    staff = UserFactory(roles=["staff"])
    event = EventFactory(capacity=1)
    services.register(None, event.id, name="A", email="a@example.org")
    waiting = services.register(None, event.id, name="B", email="b@example.org")
    data = {key: getattr(event, key) for key in FIELDS}
    services.update_event(staff, event.id, dict(data, capacity=2))
    assert db.session.get(Registration, waiting.id).status == RegistrationStatus.REGISTERED
    with pytest.raises(services.EventError) as refused:
        services.update_event(staff, event.id, dict(data, capacity=1))
    assert refused.value.field == "capacity"
    db.session.expire_all()
    assert db.session.get(type(event), event.id).capacity == 2
