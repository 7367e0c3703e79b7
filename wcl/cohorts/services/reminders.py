"""Reminders run by periodic jobs: upcoming sessions for participants, overdue
check-ins for mentors."""

from datetime import timedelta

from sqlalchemy import func

from wcl.accounts.models import User
from wcl.claims import claim_unstamped
from wcl.cohorts.models import (
    CheckIn,
    Cohort,
    CohortSession,
    Enrolment,
    EnrolmentStatus,
)
from wcl.extensions import db
from wcl.links import absolute_url
from wcl.mail import queue_email
from wcl.time import utcnow


def send_session_reminders(now=None, ahead=timedelta(hours=24)):
    """Email the active participants of every session starting within ``ahead``.

    Each session is claimed with a conditional UPDATE on ``reminder_sent_at``
    before its emails are queued, in the same transaction, so a re-run (or a
    second scheduler) sends nothing twice. Returns the number of emails queued.
    """
    now = now or utcnow()
    due = db.session.scalars(
        db.select(CohortSession.id).where(
            CohortSession.reminder_sent_at.is_(None),
            CohortSession.starts_at > now,
            CohortSession.starts_at <= now + ahead,
        )
    ).all()
    sent = 0
    for session in claim_unstamped(CohortSession, CohortSession.reminder_sent_at, due, now):
        people = db.session.scalars(
            db.select(User)
            .join(Enrolment, Enrolment.participant_id == User.id)
            .where(
                Enrolment.cohort_id == session.cohort_id,
                Enrolment.status == EnrolmentStatus.ACTIVE,
                User.is_active_account.is_(True),
            )
        ).all()
        for person in people:
            queue_email(
                person.email,
                "cohorts/session_reminder",
                person.locale,
                name=person.public_name,
                # The session's title in her language when translated, else the original.
                title=str(session.shown("title", person.locale or "en")),
                starts_at=session.starts_at,
                place=session.place,
                link=session.link,
                schedule=absolute_url("cohorts.schedule", cohort_id=session.cohort_id),
            )
            sent += 1
        db.session.commit()
    return sent


def send_checkin_reminders(now=None):
    """Email each mentor the active participants she has not checked in with for
    longer than the cohort's interval (counted from enrolment when there is no
    check-in yet). One reminder per participant per interval: a re-run within
    the interval sends nothing. Returns the number of emails queued."""
    now = now or utcnow()
    today = now.date()
    last = (
        db.select(CheckIn.enrolment_id, func.max(CheckIn.met_on).label("met_on"))
        .group_by(CheckIn.enrolment_id)
        .subquery()
    )
    rows = db.session.execute(
        db.select(Enrolment, Cohort.checkin_interval_days, last.c.met_on)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .outerjoin(last, last.c.enrolment_id == Enrolment.id)
        .where(
            Enrolment.status == EnrolmentStatus.ACTIVE,
            Enrolment.mentor_id.is_not(None),
            Cohort.starts_on <= today,
            Cohort.ends_on >= today,
        )
        .order_by(Enrolment.mentor_id, Enrolment.id)
    ).all()
    overdue = {}
    for enrolment, interval, met_on in rows:
        limit = timedelta(days=interval)
        since = met_on or max(enrolment.enrolled_at.date(), enrolment.cohort.starts_on)
        if today - since <= limit:
            continue
        if enrolment.checkin_reminded_at is not None and now - enrolment.checkin_reminded_at < limit:
            continue
        overdue.setdefault(enrolment.mentor_id, []).append((enrolment, met_on))
    for mentor_id, items in overdue.items():
        mentor = db.session.get(User, mentor_id)
        for enrolment, _met_on in items:
            enrolment.checkin_reminded_at = now
        if mentor is None or not mentor.is_active:
            continue
        queue_email(
            mentor.email,
            "cohorts/checkin_overdue",
            mentor.locale,
            name=mentor.public_name,
            participants=[
                {
                    "name": e.participant.full_name,
                    "last": met_on,
                    "link": absolute_url("cohorts.enrolment", enrolment_id=e.id),
                }
                for e, met_on in items
            ],
        )
    db.session.commit()
    return len(overdue)
