"""Check-ins: the mentor notes each meeting with her participant and how she is doing."""

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from wcl.accounts.permissions import ensure
from wcl.audit.services import record
from wcl.cohorts.models import (
    CheckIn,
    CheckInStatus,
    EnrolmentStatus,
)
from wcl.cohorts.services._common import refuse
from wcl.extensions import db


def record_checkin(actor, enrolment, met_on, status, notes):
    """The mentor notes a meeting with her participant and how she is doing."""
    ensure("cohorts.checkin", enrolment, user=actor)
    if enrolment.status != EnrolmentStatus.ACTIVE:
        refuse(_l("This enrolment is closed."))
    if status not in CheckInStatus.ALL:
        refuse(_l("Choose how she is doing."), field="status")
    if met_on > date.today() + timedelta(days=1):  # a day of slack for time zones
        refuse(_l("The date cannot be in the future."), field="met_on")
    checkin = CheckIn(
        enrolment_id=enrolment.id,
        mentor_id=actor.id,
        met_on=met_on,
        status=status,
        notes=(notes or "").strip() or None,
    )
    db.session.add(checkin)
    db.session.flush()
    record("checkin.recorded", checkin, actor=actor, enrolment_id=enrolment.id, status=status)
    db.session.commit()
    return checkin


def checkins_of(enrolment, limit=50):
    """The newest check-ins of an enrolment."""
    return db.session.scalars(
        db.select(CheckIn)
        .where(CheckIn.enrolment_id == enrolment.id)
        .order_by(CheckIn.met_on.desc(), CheckIn.id.desc())
        .limit(limit)
    ).all()
