"""Scheduling and sending follow-ups.

A follow-up is created once per enrolment and kind (a unique key): the baseline when
she is enrolled, the endline at graduation, and the 6- and 12-month ones counted from
her graduation date. ``send_due`` emails each due follow-up once (in her language, with a
signed link that needs no sign-in) and reminds once ``REMIND_AFTER`` later; nobody who
withdrew consent to follow-up contact is ever sent anything. Every function takes
``now`` so tests drive the clock.
"""

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from wcl.accounts.tokens import make_token
from wcl.cohorts.models import Enrolment, EnrolmentStatus
from wcl.extensions import db
from wcl.i18n import user_locale
from wcl.links import absolute_url
from wcl.mail import queue_email
from wcl.outcomes.labels import KIND_LABELS
from wcl.outcomes.models import FollowUp, FollowUpConsent, FollowUpKind, SurveyRound
from wcl.outcomes.services.channels import short_message_channel
from wcl.time import utcnow

LINK_PURPOSE = "outcomes-follow-up"
LINK_MAX_AGE = 45 * 24 * 60 * 60  # seconds: a link outlives its reminder by weeks
REMIND_AFTER = timedelta(days=7)
# A follow-up due longer ago than this is not sent any more (e.g. the schedule was
# switched on long after a cohort graduated): a stale question helps nobody.
SEND_WINDOW = timedelta(days=60)
AFTER_GRADUATION = {
    FollowUpKind.ENDLINE: timedelta(0),
    FollowUpKind.M6: timedelta(days=182),
    FollowUpKind.M12: timedelta(days=365),
}


def _round(cohort_id, kind, rounds):
    key = (cohort_id, kind)
    if key not in rounds:
        row = db.session.execute(
            sa.select(SurveyRound).where(SurveyRound.cohort_id == cohort_id, SurveyRound.kind == kind)
        ).scalar_one_or_none()
        if row is None:
            row = SurveyRound(cohort_id=cohort_id, kind=kind)
            db.session.add(row)
            db.session.flush()
        rounds[key] = row
    return rounds[key]


def _wanted(enrolment):
    """(kind, due_at) of every follow-up ``enrolment`` calls for."""
    if enrolment.status == EnrolmentStatus.GRADUATED and enrolment.graduated_at is not None:
        return [(kind, enrolment.graduated_at + delay) for kind, delay in AFTER_GRADUATION.items()]
    if enrolment.status == EnrolmentStatus.ACTIVE:
        return [(FollowUpKind.BASELINE, enrolment.enrolled_at)]
    return []


def _schedule():
    existing = {(e, k) for e, k in db.session.execute(sa.select(FollowUp.enrolment_id, FollowUp.kind)).all()}
    rounds, created = {}, 0
    enrolments = db.session.execute(
        sa.select(Enrolment).where(Enrolment.status.in_((EnrolmentStatus.ACTIVE, EnrolmentStatus.GRADUATED)))
    ).scalars()
    for enrolment in enrolments:
        for kind, due_at in _wanted(enrolment):
            if (enrolment.id, kind) in existing:
                continue
            db.session.add(
                FollowUp(
                    round=_round(enrolment.cohort_id, kind, rounds),
                    enrolment_id=enrolment.id,
                    user_id=enrolment.participant_id,
                    kind=kind,
                    due_at=due_at,
                )
            )
            created += 1
    db.session.flush()
    return created


def schedule_follow_ups():
    """Create the follow-ups enrolments and graduations call for (idempotent); returns
    how many were created."""
    created = _schedule()
    db.session.commit()
    return created


def contact_withdrawn(user_id):
    """Has she withdrawn consent to follow-up contact?"""
    row = db.session.get(FollowUpConsent, user_id)
    return row is not None and row.withdrawn_at is not None


def follow_up_link(follow_up):
    """Her signed, expiring link to answer ``follow_up`` without signing in."""
    token = make_token(LINK_PURPOSE, {"f": follow_up.id})
    return absolute_url("outcomes.answer", token=token)


def _notify(follow_up, reminder):
    user = follow_up.user
    locale = user_locale(user)
    link = follow_up_link(follow_up)
    queue_email(
        user.email,
        "outcomes/follow_up_reminder" if reminder else "outcomes/follow_up",
        locale,
        name=user.public_name,
        kind_label=KIND_LABELS[follow_up.kind],
        link=link,
    )
    if user.phone:
        with force_locale(locale):
            text = _(
                "Women's Creative Lab: a few questions about your work. Answer here: %(link)s", link=link
            )
        short_message_channel().send(user.phone, text)


def _due(now):
    return (
        sa.select(FollowUp)
        .where(FollowUp.submitted_at.is_(None), FollowUp.due_at <= now, FollowUp.due_at > now - SEND_WINDOW)
        .order_by(FollowUp.id)
    )


def send_due(now=None):
    """Send every due follow-up once and remind once after ``REMIND_AFTER``; returns
    (sent, reminded). A follow-up whose person withdrew consent is left unsent."""
    now = now or utcnow()
    sent = reminded = 0
    unsent = _due(now).where(FollowUp.sent_at.is_(None))
    for follow_up in db.session.execute(unsent.with_for_update(skip_locked=True, of=FollowUp)).scalars():
        if contact_withdrawn(follow_up.user_id):
            continue
        _notify(follow_up, reminder=False)
        follow_up.sent_at = now
        sent += 1
    stale = (
        sa.select(FollowUp)
        .where(
            FollowUp.submitted_at.is_(None),
            FollowUp.sent_at.is_not(None),
            FollowUp.sent_at <= now - REMIND_AFTER,
            FollowUp.reminded_at.is_(None),
        )
        .order_by(FollowUp.id)
    )
    for follow_up in db.session.execute(stale.with_for_update(skip_locked=True, of=FollowUp)).scalars():
        if contact_withdrawn(follow_up.user_id):
            continue
        _notify(follow_up, reminder=True)
        follow_up.reminded_at = now
        reminded += 1
    db.session.commit()
    return sent, reminded


def run_follow_ups(now=None):
    """The periodic job's work: schedule, then send and remind (one commit each)."""
    created = schedule_follow_ups()
    sent, reminded = send_due(now)
    return {"created": created, "sent": sent, "reminded": reminded}
