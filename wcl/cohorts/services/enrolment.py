"""Enrolment: accepted applicants join a cohort (one by one or all at once), within its
capacity, and get a mentor."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_
from sqlalchemy.exc import IntegrityError

from wcl.accounts.models import User, UserRole
from wcl.accounts.permissions import Role, can, ensure, may_mentor
from wcl.accounts.services import ensure_role
from wcl.applications.models import Application, ApplicationStatus, Call
from wcl.audit.services import record
from wcl.cohorts.models import (
    Cohort,
    Enrolment,
    EnrolmentStatus,
)
from wcl.cohorts.services._common import PER_PAGE, count_seats, lock_cohort, refuse
from wcl.extensions import db
from wcl.time import local_today


def mentor_choices():
    """(id, name) of every active account holding the mentor role, by name."""
    stmt = (
        db.select(User.id, User.full_name)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == str(Role.MENTOR), User.is_active_account.is_(True))
        .order_by(User.full_name)
    )
    return [(row.id, row.full_name) for row in db.session.execute(stmt)]


def _mentor_or_refuse(mentor_id):
    if mentor_id is None:
        return None
    mentor = db.session.get(User, mentor_id)
    if mentor is None or not may_mentor(mentor):
        refuse(_l("Choose a mentor from the list."), field="mentor_id")
    return mentor


def seats_taken(cohort):
    """Places taken in the cohort (withdrawn participants free theirs)."""
    return count_seats(cohort.id)


def _candidates_stmt(cohort):
    enrolled_here = db.select(Enrolment.participant_id).where(Enrolment.cohort_id == cohort.id)
    stmt = (
        db.select(Application)
        .join(Call, Call.id == Application.call_id)
        .join(User, User.id == Application.applicant_id)
        .where(
            Application.status == ApplicationStatus.ACCEPTED,
            Call.lab_id == cohort.lab_id,
            Application.id.not_in(
                db.select(Enrolment.application_id).where(Enrolment.application_id.is_not(None))
            ),
            Application.applicant_id.not_in(enrolled_here),
        )
        .order_by(User.full_name, Application.id)
    )
    if cohort.call_id is not None:
        stmt = stmt.where(Application.call_id == cohort.call_id)
    return stmt


def enrolment_candidates(cohort, page=1):
    """Accepted applications (of a call in the cohort's lab, or the cohort's own
    call) whose applicant is not enrolled yet, paginated."""
    return db.paginate(_candidates_stmt(cohort), page=page, per_page=PER_PAGE, error_out=False)


def enrolment_options(actor, call, application_ids):
    """For the call's decision list: the cohorts ``actor`` may enrol this call's
    accepted applicants into (not ended yet, of the call's lab and open to the
    call), and which of ``application_ids`` are already enrolled somewhere.

    Two queries whatever the number of rows, so the ranking page stays cheap."""
    cohorts = db.session.scalars(
        db.select(Cohort)
        .where(
            Cohort.lab_id == call.lab_id,
            or_(Cohort.call_id.is_(None), Cohort.call_id == call.id),
            Cohort.ends_on >= local_today(),
        )
        .order_by(Cohort.starts_on, Cohort.id)
    ).all()
    cohorts = [cohort for cohort in cohorts if can("cohorts.manage", cohort, user=actor)]
    enrolled = set()
    if cohorts and application_ids:
        enrolled = set(
            db.session.scalars(
                db.select(Enrolment.application_id).where(Enrolment.application_id.in_(list(application_ids)))
            )
        )
    return cohorts, enrolled


def _enrol_one(actor, cohort, application, mentor):
    if application is None or application.status != ApplicationStatus.ACCEPTED:
        refuse(_l("Only accepted applications can be enrolled."))
    if application.call.lab_id != cohort.lab_id or (cohort.call_id and application.call_id != cohort.call_id):
        refuse(_l("This application is for a call of another lab or cohort."))
    exists = db.session.scalar(
        db.select(Enrolment.id).where(
            or_(
                Enrolment.application_id == application.id,
                and_(Enrolment.cohort_id == cohort.id, Enrolment.participant_id == application.applicant_id),
            )
        )
    )
    if exists:
        refuse(_l("%(name)s is already enrolled.", name=application.applicant.full_name))
    enrolment = Enrolment(
        cohort_id=cohort.id,
        participant_id=application.applicant_id,
        application_id=application.id,
        mentor_id=getattr(mentor, "id", None),
        status=EnrolmentStatus.ACTIVE,
    )
    try:
        # The unique constraints are the last word if two requests race past the check.
        with db.session.begin_nested():
            db.session.add(enrolment)
            db.session.flush()
    except IntegrityError:
        refuse(_l("%(name)s is already enrolled.", name=application.applicant.full_name))
    ensure_role(application.applicant, Role.PARTICIPANT, actor)
    record(
        "enrolment.created",
        enrolment,
        actor=actor,
        cohort_id=cohort.id,
        application_id=application.id,
        mentor_id=enrolment.mentor_id,
    )
    return enrolment


def enrol(actor, cohort, application_id, mentor_id=None):
    """Enrol the applicant of an accepted application, with an optional mentor;
    grants her the participant role. Refused when the cohort is full or she is
    already enrolled."""
    ensure("cohorts.manage", cohort, user=actor)
    mentor = _mentor_or_refuse(mentor_id)
    cohort = lock_cohort(cohort.id)
    if count_seats(cohort.id) >= cohort.capacity:
        refuse(_l("The cohort is full (%(capacity)d places).", capacity=cohort.capacity))
    enrolment = _enrol_one(actor, cohort, db.session.get(Application, application_id), mentor)
    db.session.commit()
    return enrolment


def enrol_all(actor, cohort, mentor_id=None):
    """Enrol every candidate at once. Refused as a whole (nothing enrolled) when
    they do not all fit, so staff choose who gets the last places."""
    ensure("cohorts.manage", cohort, user=actor)
    mentor = _mentor_or_refuse(mentor_id)
    cohort = lock_cohort(cohort.id)
    candidates = db.session.scalars(_candidates_stmt(cohort)).all()
    if not candidates:
        refuse(_l("There is nobody left to enrol."))
    free = cohort.capacity - count_seats(cohort.id)
    if len(candidates) > free:
        refuse(
            _l(
                "Only %(free)d places are left for %(count)d applicants. Enrol them one by one.",
                free=max(free, 0),
                count=len(candidates),
            )
        )
    enrolments = [_enrol_one(actor, cohort, application, mentor) for application in candidates]
    db.session.commit()
    return enrolments


def assign_mentor(actor, enrolment, mentor_id):
    """Assign or change the participant's mentor (staff)."""
    ensure("cohorts.manage", enrolment, user=actor)
    mentor = _mentor_or_refuse(mentor_id)
    if mentor is None:
        refuse(_l("Choose a mentor from the list."), field="mentor_id")
    if enrolment.participant_id == mentor.id:
        refuse(_l("A participant cannot be her own mentor."), field="mentor_id")
    previous = enrolment.mentor_id
    enrolment.mentor_id = mentor.id
    record("enrolment.mentor_assigned", enrolment, actor=actor, mentor_id=mentor.id, previous_id=previous)
    db.session.commit()
    return enrolment
