"""Cohorts themselves: create and change them, and list the ones a person may open."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import false, or_
from sqlalchemy.orm import joinedload

from wcl.accounts.permissions import ensure, has_permission, lab_condition
from wcl.audit.services import record
from wcl.cohorts.models import (
    Cohort,
    CohortTranslation,
    Enrolment,
    EnrolmentStatus,
)
from wcl.cohorts.services._common import PER_PAGE, count_seats, in_language, lock_cohort, refuse, save_texts
from wcl.extensions import db
from wcl.text import LANGUAGES


def get_or_404(model, object_id):
    """The row or a 404 (views)."""
    return db.get_or_404(model, object_id)


COHORT_FIELDS = (
    "lab_id",
    "name",
    "starts_on",
    "ends_on",
    "capacity",
    "is_online",
    "location",
    "region",
    "min_attendance_pct",
    "require_milestones",
    "checkin_interval_days",
)


def _check_cohort_data(data):
    if data["ends_on"] < data["starts_on"]:
        refuse(_l("The end date must be on or after the start date."), field="ends_on")
    if not data.get("is_online") and not (data.get("location") or "").strip():
        refuse(_l("Give the place where the cohort meets, or mark it as online."), field="location")
    if data.get("language") is not None and data["language"] not in LANGUAGES:
        refuse(_l("Choose one of the answers."), field="language")


def _save_language(cohort, data):
    """The language staff write the cohort's texts in, and the name's translations
    (``data["translations"]``: ``{locale: {"name": …}}``)."""
    cohort.language = data.get("language") or cohort.language or "en"
    save_texts(
        cohort,
        data.get("translations"),
        cohort.language,
        {"name": (120, True)},
        lambda code: CohortTranslation(locale=code),
    )


def create_cohort(actor, data):
    """Create a cohort in a lab (staff of that lab), written in ``data["language"]`` with
    optional translations of its name (``data["translations"]``)."""
    ensure("cohorts.manage", Cohort(lab_id=data["lab_id"]), user=actor)
    _check_cohort_data(data)
    cohort = Cohort(**{k: data.get(k) for k in COHORT_FIELDS})
    cohort.location = (cohort.location or "").strip() or None
    _save_language(cohort, data)
    db.session.add(cohort)
    db.session.flush()
    record("cohort.created", cohort, actor=actor)
    db.session.commit()
    return cohort


def update_cohort(actor, cohort, data):
    """Change a cohort's details and graduation rules. Capacity cannot drop below
    the places already taken."""
    ensure("cohorts.manage", cohort, user=actor)
    ensure("cohorts.manage", Cohort(lab_id=data["lab_id"]), user=actor)
    _check_cohort_data(data)
    lock_cohort(cohort.id)
    if data["capacity"] < count_seats(cohort.id):
        refuse(_l("More participants are already enrolled than this capacity."), field="capacity")
    for key in COHORT_FIELDS:
        setattr(cohort, key, data.get(key))
    cohort.location = (cohort.location or "").strip() or None
    _save_language(cohort, data)
    record("cohort.updated", cohort, actor=actor)
    db.session.commit()
    return cohort


def cohorts_for(actor, page=1, locale=None):
    """The cohorts ``actor`` may open: staff in her lab scope, a mentor where she
    mentors, a participant where she is enrolled. Newest first, paginated, with their
    name's translation into ``locale``."""
    conditions = []
    if has_permission(actor, "cohorts.manage"):
        conditions.append(lab_condition(actor, Cohort.lab_id))
    if has_permission(actor, "cohorts.mentor"):
        conditions.append(
            Cohort.id.in_(db.select(Enrolment.cohort_id).where(Enrolment.mentor_id == actor.id))
        )
    if has_permission(actor, "cohorts.participate"):
        conditions.append(
            Cohort.id.in_(
                db.select(Enrolment.cohort_id).where(
                    Enrolment.participant_id == actor.id, Enrolment.status != EnrolmentStatus.WITHDRAWN
                )
            )
        )
    if not conditions:
        conditions = [false()]
    stmt = (
        db.select(Cohort)
        .where(or_(*conditions))
        .options(*in_language(Cohort.translations, CohortTranslation, locale))
        .order_by(Cohort.starts_on.desc(), Cohort.id.desc())
    )
    return db.paginate(stmt, page=page, per_page=PER_PAGE, error_out=False)


def own_enrolment(cohort_id, user_id):
    """The person's enrolment in the cohort, or ``None``."""
    return db.session.scalar(
        db.select(Enrolment).where(Enrolment.cohort_id == cohort_id, Enrolment.participant_id == user_id)
    )


def my_enrolments(actor, locale=None):
    """The participant's own enrolments, newest first, with their cohort and its name's
    translation into ``locale``."""
    cohort = joinedload(Enrolment.cohort)
    if locale:
        cohort = cohort.joinedload(Cohort.translations.and_(CohortTranslation.locale == locale))
    return (
        db.session.scalars(
            db.select(Enrolment)
            .where(Enrolment.participant_id == actor.id)
            .options(cohort)
            .order_by(Enrolment.enrolled_at.desc())
        )
        .unique()
        .all()
    )
