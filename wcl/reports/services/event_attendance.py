"""Who came to an event: checked-in people by gender and age band, through the
cell-key method like every other published figure about people.

Attributes: a guest's answers given with consent on her registration; a signed-in
person's current ``Demographics``. Age is the event's year minus the birth year.
Each registration carries its person's cell key (her account's, or one drawn for a
guest), so the same people always get the same noise.
"""

import sqlalchemy as sa

from wcl.accounts.models import Demographics
from wcl.events.models import Event, Registration, RegistrationStatus
from wcl.extensions import db
from wcl.reports import protection, queries
from wcl.reports.services.labels import category_label

GENDERS = queries.DIMENSIONS["gender"]
AGES = queries.DIMENSIONS["age"]
ALL = "all"


def _units(event_id):
    r, d = Registration, Demographics
    return (
        sa.select(
            sa.case((r.user_id.is_not(None), d.gender), else_=r.gender).label("gender"),
            sa.case((r.user_id.is_not(None), d.birth_year), else_=r.birth_year).label("birth_year"),
            Event.starts_at.label("event_at"),
            r.cell_key.label("cell_key"),
        )
        .join(Event, Event.id == r.event_id)
        .outerjoin(d, d.user_id == r.user_id)
        .where(r.event_id == event_id, r.status == RegistrationStatus.CHECKED_IN)
        .subquery("units")
    )


def _threshold(gender):
    return protection.SENSITIVE_THRESHOLD if ("gender", gender) in queries.SENSITIVE else protection.THRESHOLD


def event_attendance(event_id, locale="en"):
    """The protected gender × age table of the people checked in at the event:
    ``{"genders": [(code, label)], "ages": [(code, label)], "values": {(g, a): value},
    "rule": text}``, where ``g``/``a`` may be ``"all"`` (a margin, perturbed as a cell
    of its own) and a value is a published count or ``protection.MARK``."""
    units = _units(event_id)
    gender = queries.dimension_expr("gender", units.c).label("g")
    age = queries.dimension_expr("age", units.c).label("a")
    rows = db.session.execute(
        sa.select(gender, age, sa.func.count(), sa.func.coalesce(sa.func.sum(units.c.cell_key), 0)).group_by(
            gender, age
        )
    ).all()
    cells = {(g, a): protection.Cell(n, int(keys) % 256) for g, a, n, keys in rows}
    values = {}
    for g in (*GENDERS, ALL):
        for a in (*AGES, ALL):
            chosen = [c for (cg, ca), c in cells.items() if g in (cg, ALL) and a in (ca, ALL)]
            values[(g, a)] = protection.publish(protection.total(chosen), _threshold(g))
    return {
        "genders": [(g, category_label("gender", g, locale)) for g in (*GENDERS, ALL)],
        "ages": [(a, category_label("age", a, locale)) for a in (*AGES, ALL)],
        "values": values,
        "rule": protection.RULE,
    }
