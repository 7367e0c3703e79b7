"""Helpers shared by the cohort services (private to the package: not re-exported)."""

from sqlalchemy import case, func
from sqlalchemy.exc import NoResultFound

from wcl.accounts.permissions import can
from wcl.cohorts.errors import CohortError
from wcl.cohorts.models import Attendance, AttendanceStatus, Cohort, Enrolment, EnrolmentStatus
from wcl.extensions import db
from wcl.files.services import DOCUMENT_TYPES, UploadError, save_upload
from wcl.locks import lock

PER_PAGE = 50


def refuse(message, field=None):
    # Undo anything flushed so far: a refusal changes nothing.
    db.session.rollback()
    raise CohortError(message, field)


def save_document(upload, actor):
    """Store an uploaded document (PDF, image, office file) or refuse with the upload's reason."""
    try:
        return save_upload(upload, allowed=DOCUMENT_TYPES, uploaded_by=actor)
    except UploadError as exc:
        refuse(exc.message, field="upload")


def lock_cohort(cohort_id):
    # The row lock serialises enrolments into one cohort, so two staff clicking
    # at once cannot both take the last place (SQLite serialises writers anyway).
    cohort = lock(Cohort, cohort_id)
    if cohort is None:
        raise NoResultFound(f"cohort {cohort_id}")
    return cohort


def count_seats(cohort_id):
    return db.session.scalar(
        db.select(func.count(Enrolment.id)).where(
            Enrolment.cohort_id == cohort_id, Enrolment.status != EnrolmentStatus.WITHDRAWN
        )
    )


def attendance_counts():
    """Columns ``present``, ``absent``, ``excused``: how many Attendance rows have
    each status (0 when none), for a query grouped by session or participant."""
    return tuple(
        func.coalesce(func.sum(case((Attendance.status == status, 1), else_=0)), 0).label(status)
        for status in (AttendanceStatus.PRESENT, AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED)
    )


def sees_whole_cohort(user, obj):
    # Staff see every participant; a mentor only her own.
    return can("cohorts.manage", obj, user=user)
