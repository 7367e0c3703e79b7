"""Read-only cohort lookups that the permission rules and other domains need.

This module imports only models (never services or permissions), so
``wcl.accounts.permissions`` can import it at module level without a cycle.
"""

from sqlalchemy import or_

from wcl.cohorts.models import Cohort, Enrolment, EnrolmentStatus
from wcl.extensions import db
from wcl.labs.models import Lab


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


def programme_badge(user_id):
    """The cohort gate behind a creator's campaign, for her verified badge:
    ``(lab, cohort_year, graduated)`` of her graduated enrolment (else the one her
    mentor signed off as campaign-ready), or ``None`` if she passed no gate."""
    graduated = Enrolment.status == EnrolmentStatus.GRADUATED
    ready = (Enrolment.status == EnrolmentStatus.ACTIVE) & Enrolment.campaign_ready_at.is_not(None)
    row = db.session.execute(
        db.select(Lab, Cohort.starts_on, graduated)
        .select_from(Enrolment)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .join(Lab, Lab.id == Cohort.lab_id)
        .where(Enrolment.participant_id == user_id, or_(graduated, ready))
        .order_by(graduated.desc(), Enrolment.id.desc())
        .limit(1)
    ).first()
    return None if row is None else (row[0], row[1].year, bool(row[2]))
