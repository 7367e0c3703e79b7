"""The festival demo: loaded once, through the services where the rules apply."""

from wcl.demo import DEMO_LOADERS, load_demo
from wcl.events.demo import SERIES
from wcl.events.models import Event, EventStatus, Registration, RegistrationStatus
from wcl.extensions import db
from wcl.time import utcnow


def _count(*where):
    return db.session.scalar(db.select(db.func.count(Registration.id)).where(*where))


def test_demo_festival(app_ctx):
    assert "wcl.events.demo.load" in DEMO_LOADERS
    load_demo()
    events = db.session.scalars(
        db.select(Event).where(Event.series == SERIES).order_by(Event.starts_at)
    ).all()
    assert len(events) == 4
    meetup = events[0]
    assert meetup.ends_at < utcnow() and meetup.status == EventStatus.PUBLISHED
    assert (
        _count(Registration.event_id == meetup.id, Registration.status == RegistrationStatus.CHECKED_IN) == 15
    )
    workshop = next(e for e in events if e.capacity == 5)
    assert (
        _count(Registration.event_id == workshop.id, Registration.status == RegistrationStatus.WAITLISTED)
        == 2
    )
    assert [e.status for e in events].count(EventStatus.DRAFT) == 1
    before = _count()
    load_demo()
    assert _count() == before
    # the festival's four (the pitch demo adds the hackathon's pitch day, another series)
    assert db.session.scalar(db.select(db.func.count(Event.id)).where(Event.series == SERIES)) == 4
