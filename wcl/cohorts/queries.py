"""Read-only cohort lookups that other domains and the permission rules need.

Imports only models (never permissions or services), so that
``wcl.accounts.permissions`` can import it at module level without a cycle.
"""

from wcl.cohorts.models import Enrolment, EnrolmentStatus
from wcl.extensions import db


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
