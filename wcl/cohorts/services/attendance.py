"""Attendance: mentors and staff mark each session's participants.

Attendance rate: present ÷ (present + absent) over the sessions marked for
the participant. Excused absences are left out of both numerator and
denominator (an excused absence neither helps nor hurts), and sessions not
marked yet do not count. Sessions that have not started cannot be marked, and
a mark left on one (a session moved to a later date) is not counted until it
starts. With nothing counted the rate is ``None``.
"""

import math

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_
from sqlalchemy.orm import aliased

from wcl.accounts.models import User
from wcl.accounts.permissions import ensure
from wcl.audit.services import record
from wcl.cohorts.models import (
    Attendance,
    AttendanceStatus,
    CohortSession,
    Enrolment,
    EnrolmentStatus,
)
from wcl.cohorts.services._common import (
    refuse,
    sees_whole_cohort,
)
from wcl.extensions import db
from wcl.time import utcnow


def attendance_rate(present, absent):
    """Percent present among present + absent (excused left out), or ``None``."""
    counted = (present or 0) + (absent or 0)
    if counted == 0:
        return None
    return math.floor(100 * (present or 0) / counted + 0.5)


def session_started(session, now=None):
    """Whether ``session`` has begun (only then can attendance be marked)."""
    return session.starts_at <= (now or utcnow())


def held_sessions(now=None):
    """SQL condition: the session has started (its marks count in the rates)."""
    return CohortSession.starts_at <= (now or utcnow())


def roster(actor, session):
    """Active participants of the session's cohort ``actor`` may mark (a mentor:
    her own only), with their current mark: list of (enrolment, name, status)."""
    participant = aliased(User)
    stmt = (
        db.select(Enrolment, participant.full_name, Attendance.status)
        .join(participant, participant.id == Enrolment.participant_id)
        .outerjoin(
            Attendance,
            and_(Attendance.enrolment_id == Enrolment.id, Attendance.session_id == session.id),
        )
        .where(Enrolment.cohort_id == session.cohort_id, Enrolment.status == EnrolmentStatus.ACTIVE)
        .order_by(participant.full_name, Enrolment.id)
    )
    if not sees_whole_cohort(actor, session):
        stmt = stmt.where(Enrolment.mentor_id == actor.id)
    return db.session.execute(stmt).all()


def record_attendance(actor, session, marks):
    """Save present/absent/excused for several participants of one session in one
    go. ``marks`` maps enrolment ids to statuses. Refused as a whole (nothing
    saved) if any participant is not in this session's cohort, or not the
    mentor's own."""
    ensure("cohorts.attendance", session, user=actor)
    if not session_started(session):
        refuse(_l("This session has not started yet: attendance can be marked once it begins."))
    if not marks:
        refuse(_l("Mark at least one participant."))
    allowed = {row[0].id for row in roster(actor, session)}
    for enrolment_id, status in marks.items():
        if enrolment_id not in allowed:
            refuse(_l("One of these participants is not in this session's group. Nothing was saved."))
        if status not in AttendanceStatus.ALL:
            refuse(_l("Choose present, absent or excused."))
    existing = {
        row.enrolment_id: row
        for row in db.session.scalars(
            db.select(Attendance).where(
                Attendance.session_id == session.id, Attendance.enrolment_id.in_(list(marks))
            )
        )
    }
    now = utcnow()
    for enrolment_id, status in marks.items():
        row = existing.get(enrolment_id)
        if row is None:
            db.session.add(
                Attendance(
                    session_id=session.id,
                    enrolment_id=enrolment_id,
                    status=status,
                    marked_by_id=actor.id,
                    marked_at=now,
                )
            )
        elif row.status != status:
            row.status, row.marked_by_id, row.marked_at = status, actor.id, now
    db.session.flush()
    record("cohort_session.attendance", session, actor=actor, count=len(marks))
    db.session.commit()
    return len(marks)
