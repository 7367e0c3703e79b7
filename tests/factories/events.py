"""Factories for events and registrations."""

from datetime import timedelta

import factory

from tests.factories.accounts import BaseFactory
from wcl.events.models import Event, EventStatus, Registration, RegistrationStatus
from wcl.events.services.tickets import new_ticket_code
from wcl.time import utcnow


class EventFactory(BaseFactory):
    class Meta:
        model = Event

    slug = factory.Sequence(lambda n: f"event-{n}")
    title_en = factory.Sequence(lambda n: f"Workshop {n}")
    title_ru = factory.Sequence(lambda n: f"Мастер-класс {n}")
    title_ky = factory.Sequence(lambda n: f"Устаткана {n}")
    starts_at = factory.LazyFunction(lambda: utcnow() + timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=3))
    place = "Osh, Creative hub"
    capacity = 50
    status = EventStatus.PUBLISHED


class RegistrationFactory(BaseFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Guest {n}")
    email = factory.Sequence(lambda n: f"guest{n}@example.org")
    locale = "ru"
    status = RegistrationStatus.REGISTERED
    ticket_code = factory.LazyFunction(new_ticket_code)
    cell_key = factory.Sequence(lambda n: (n * 37) % 256)
