"""Building a pitch day through the services, as staff would."""

from datetime import timedelta

from wcl.accounts.models import User
from wcl.applications.models import Application, Call
from wcl.events.models import Event
from wcl.extensions import db
from wcl.pitch import services


def user(user_id):
    return db.session.get(User, user_id)


def ready_day(world):
    """A pitch day with the three finalists scheduled and both jurors named."""
    staff = user(world.staff_id)
    call = db.session.get(Call, world.call_id)
    event = db.session.get(Event, world.event_id)
    day = services.create_pitch_day(staff, call, event)
    for position, application_id in enumerate(world.finalists):
        finalist = services.add_finalist(staff, day, db.session.get(Application, application_id))
        services.schedule_finalist(
            staff, finalist, position, event.starts_at + timedelta(minutes=10 * position)
        )
    for juror_id in world.jurors:
        services.add_juror(staff, day, user(juror_id))
    return day


def score_all(day, world, table):
    """``table``: {juror_id: [(pitching, impact) per finalist in order]}."""
    pitching, impact = world.criteria
    for juror_id, rows in table.items():
        for finalist, (p, i) in zip(day.finalists, rows, strict=True):
            services.score_finalist(user(juror_id), finalist, {pitching: p, impact: i})
