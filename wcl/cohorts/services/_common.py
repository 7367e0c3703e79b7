"""Helpers shared by the cohort services (private to the package: not re-exported)."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func
from sqlalchemy.exc import NoResultFound

from wcl.accounts.permissions import can
from wcl.audit.services import record
from wcl.cohorts.errors import CohortError
from wcl.cohorts.models import Attendance, AttendanceStatus, Cohort, Enrolment, EnrolmentStatus
from wcl.extensions import db
from wcl.files.services import DOCUMENT_TYPES, UploadError, save_upload
from wcl.locks import lock
from wcl.text import save_translations, translated_into, typed_translations

PER_PAGE = 50


refuse = CohortError.refuse  # roll back what was flushed, then raise: a refusal changes nothing


def in_language(translations, translation_model, locale):
    """Loader options: each row's translation into ``locale``, with the rows' own query
    (none without a ``locale``: a caller that shows no text)."""
    return (translated_into(translations, translation_model, locale),) if locale else ()


def _too_long(name, code, limit):
    refuse(_l("This is too long (at most %(n)d characters).", n=limit), field=f"{name}_{code}")


def save_texts(row, typed, language, limits, make_row):
    """Save the translations staff typed (``{locale: {name: text}}``) onto ``row`` (a cohort,
    session or milestone written in ``language``): cleaned, a language left empty removed,
    a text longer than ``limits`` (``wcl.text.typed_translations``) refused. ``typed`` of
    ``None`` (a caller without translations) keeps those stored."""
    if typed is None:
        return
    save_translations(row.translations, typed_translations(typed, language, limits, _too_long), make_row)


def save_dated_item(actor, row, cohort, data, translation_model, event):
    """Save a session or milestone of ``cohort``: its title and description from ``data`` with
    their translations, the row added and flushed, the change audited as ``event`` (flush only)."""
    row.title = data["title"].strip()
    row.description = (data.get("description") or "").strip() or None
    save_texts(
        row,
        data.get("translations"),
        cohort.language,
        {"title": (200, True), "description": (5000, False)},
        lambda code: translation_model(locale=code),
    )
    db.session.add(row)
    db.session.flush()
    record(event, row, actor=actor)


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
