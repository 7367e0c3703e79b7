"""Read-only cohort lookups that the permission rules and other domains need.

This module imports only models (never services or permissions), so
``wcl.accounts.permissions`` can import it at module level without a cycle.
"""

from sqlalchemy import or_

from wcl.cohorts.models import Enrolment, EnrolmentStatus
from wcl.extensions import db


def is_campaign_ready(user_id):
    """May this person start a campaign? True once she has graduated from a
    cohort or her mentor signed her off as campaign-ready (and she has not
    withdrawn from that cohort)."""
    stmt = db.select(Enrolment.id).where(
        Enrolment.participant_id == user_id,
        or_(
            Enrolment.status == EnrolmentStatus.GRADUATED,
            (Enrolment.status == EnrolmentStatus.ACTIVE) & Enrolment.campaign_ready_at.is_not(None),
        ),
    )
    return db.session.scalar(stmt.limit(1)) is not None


def mentors_in_cohort(cohort_id, user_id):
    """Does ``user_id`` mentor at least one participant of the cohort?"""
    stmt = db.select(Enrolment.id).where(Enrolment.cohort_id == cohort_id, Enrolment.mentor_id == user_id)
    return db.session.scalar(stmt.limit(1)) is not None


def is_enrolled(cohort_id, user_id):
    """Is ``user_id`` a (not withdrawn) participant of the cohort?"""
    stmt = db.select(Enrolment.id).where(
        Enrolment.cohort_id == cohort_id,
        Enrolment.participant_id == user_id,
        Enrolment.status != EnrolmentStatus.WITHDRAWN,
    )
    return db.session.scalar(stmt.limit(1)) is not None


def mentored_cohort_ids(user_id):
    """Ids of the cohorts in which ``user_id`` mentors someone, newest first."""
    stmt = (
        db.select(Enrolment.cohort_id)
        .where(Enrolment.mentor_id == user_id)
        .group_by(Enrolment.cohort_id)
        .order_by(Enrolment.cohort_id.desc())
    )
    return list(db.session.scalars(stmt))


def current_enrolment_ids(user_id):
    """Ids of ``user_id``'s enrolments that are not withdrawn, newest first."""
    stmt = (
        db.select(Enrolment.id)
        .where(Enrolment.participant_id == user_id, Enrolment.status != EnrolmentStatus.WITHDRAWN)
        .order_by(Enrolment.id.desc())
    )
    return list(db.session.scalars(stmt))
