"""Completion: graduation by the cohort's rules, withdrawal, and the mentor's
campaign-ready sign-off."""

from flask_babel import lazy_gettext as _l

from wcl.accounts.permissions import ensure
from wcl.audit.services import record
from wcl.cohorts.models import (
    EnrolmentStatus,
    MilestoneStatus,
)
from wcl.cohorts.services._common import refuse
from wcl.cohorts.services.certificates import CERTIFICATE_JOB
from wcl.cohorts.services.progress import progress_of
from wcl.extensions import db
from wcl.queue import DEFAULT, enqueue_after_commit
from wcl.time import utcnow


def graduation_problems(enrolment):
    """Why this participant cannot graduate yet (translated messages); empty if she can."""
    cohort = enrolment.cohort
    problems = []
    if enrolment.status != EnrolmentStatus.ACTIVE:
        return [_l("Only active participants can graduate.")]
    progress = progress_of(enrolment)
    if cohort.min_attendance_pct > 0:
        rate = progress["rate"]
        if rate is None:
            problems.append(_l("No attendance has been recorded for her yet."))
        elif rate < cohort.min_attendance_pct:
            problems.append(
                _l(
                    "Attendance is %(rate)d%%; this cohort requires at least %(min)d%%.",
                    rate=rate,
                    min=cohort.min_attendance_pct,
                )
            )
    if cohort.require_milestones:
        missing = [
            m.title
            for m, p in progress["milestones"]
            if m.required and (p is None or p.status != MilestoneStatus.APPROVED)
        ]
        if missing:
            problems.append(
                _l("Required milestones not approved yet: %(titles)s.", titles=", ".join(missing))
            )
    return problems


def graduate(actor, enrolment):
    """Graduate a participant who meets the cohort's rules; her certificate is
    rendered by a job. Refused with the reasons otherwise."""
    ensure("cohorts.manage", enrolment, user=actor)
    problems = graduation_problems(enrolment)
    if problems:
        refuse(" ".join(str(p) for p in problems))
    enrolment.status = EnrolmentStatus.GRADUATED
    enrolment.graduated_at = utcnow()
    record("enrolment.graduated", enrolment, actor=actor)
    enqueue_after_commit(CERTIFICATE_JOB, enrolment.id, queue=DEFAULT, job_timeout=120)
    db.session.commit()
    return enrolment


def withdraw(actor, enrolment, reason):
    """Withdraw an active participant, with a reason; her place is freed."""
    ensure("cohorts.manage", enrolment, user=actor)
    reason = (reason or "").strip()
    if enrolment.status != EnrolmentStatus.ACTIVE:
        refuse(_l("Only active participants can be withdrawn."))
    if not reason:
        refuse(_l("Give the reason for the withdrawal."), field="reason")
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.withdrawn_at = utcnow()
    enrolment.withdrawal_reason = reason
    record("enrolment.withdrawn", enrolment, actor=actor)
    db.session.commit()
    return enrolment


def sign_off_campaign_ready(actor, enrolment):
    """The mentor signs her participant off as ready to run a campaign
    (``is_campaign_ready`` then lets her create one)."""
    ensure("cohorts.signoff", enrolment, user=actor)
    if enrolment.status != EnrolmentStatus.ACTIVE:
        refuse(_l("Only active participants can be signed off."))
    if enrolment.campaign_ready_at is not None:
        refuse(_l("She is already signed off as campaign-ready."))
    enrolment.campaign_ready_at = utcnow()
    enrolment.campaign_ready_by_id = actor.id
    record("enrolment.campaign_ready", enrolment, actor=actor)
    db.session.commit()
    return enrolment
