"""Cohort services. Other domains call these, never the cohort views.

Each public function that changes something is one unit of work: it checks
the actor's permission (``ensure``; jobs and the CLI call these too),
validates, changes, records an audit entry and commits once at its end.
A refusal raises ``CohortError`` with a translated message after rolling the
session back, so bad input changes nothing.

Attendance rate: present ÷ (present + absent) over the sessions marked for
the participant. Excused absences are left out of both numerator and
denominator (an excused absence neither helps nor hurts), and sessions not
marked yet do not count. With nothing counted the rate is ``None``.
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, false, func, or_, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from wcl.accounts.models import User, UserRole
from wcl.accounts.permissions import Role, can, ensure, has_role
from wcl.accounts.services import ensure_role
from wcl.applications.models import Application, ApplicationStatus, Call
from wcl.audit.services import record
from wcl.cohorts.errors import CohortError  # noqa: F401  (services.CohortError is the public name)
from wcl.cohorts.models import (
    Attendance,
    AttendanceStatus,
    CheckIn,
    CheckInStatus,
    Cohort,
    CohortSession,
    Enrolment,
    EnrolmentStatus,
    Milestone,
    MilestoneProgress,
    MilestoneStatus,
    SessionMaterial,
)
from wcl.extensions import db
from wcl.files.services import DOCUMENT_TYPES, UploadError, delete_stored, save_upload, store_bytes
from wcl.links import absolute_url
from wcl.mail import queue_email
from wcl.queue import DEFAULT, enqueue_after_commit
from wcl.time import local_today, utcnow

PER_PAGE = 50
CERTIFICATE_JOB = "wcl.cohorts.jobs.render_certificate"


def _refuse(message, field=None):
    # Undo anything flushed so far: a refusal changes nothing.
    db.session.rollback()
    raise CohortError(message, field)


# --- small lookups (also used by the permission rules) ----------------------


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


def get_or_404(model, object_id):
    """The row or a 404 (views)."""
    return db.get_or_404(model, object_id)


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
    if mentor is None or not mentor.is_active or not has_role(mentor, Role.MENTOR):
        _refuse(_l("Choose a mentor from the list."), field="mentor_id")
    return mentor


# --- cohorts ------------------------------------------------------------------

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
        _refuse(_l("The end date must be on or after the start date."), field="ends_on")
    if not data.get("is_online") and not (data.get("location") or "").strip():
        _refuse(_l("Give the place where the cohort meets, or mark it as online."), field="location")


def create_cohort(actor, data):
    """Create a cohort in a lab (staff of that lab)."""
    ensure("cohorts.manage", Cohort(lab_id=data["lab_id"]), user=actor)
    _check_cohort_data(data)
    cohort = Cohort(**{k: data.get(k) for k in COHORT_FIELDS})
    cohort.location = (cohort.location or "").strip() or None
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
    _lock_cohort(cohort.id)
    if data["capacity"] < _seats_taken(cohort.id):
        _refuse(_l("More participants are already enrolled than this capacity."), field="capacity")
    for key in COHORT_FIELDS:
        setattr(cohort, key, data.get(key))
    cohort.location = (cohort.location or "").strip() or None
    record("cohort.updated", cohort, actor=actor)
    db.session.commit()
    return cohort


def cohorts_for(user, page=1):
    """The cohorts ``user`` may open: staff in her lab scope, a mentor where she
    mentors, a participant where she is enrolled. Newest first, paginated."""
    conditions = []
    if has_role(user, Role.ADMIN) or has_role(user, Role.STAFF):
        unscoped = user.lab_id is None or has_role(user, Role.ADMIN)
        conditions.append(true() if unscoped else Cohort.lab_id == user.lab_id)
    if has_role(user, Role.MENTOR):
        conditions.append(Cohort.id.in_(db.select(Enrolment.cohort_id).where(Enrolment.mentor_id == user.id)))
    if has_role(user, Role.PARTICIPANT):
        conditions.append(
            Cohort.id.in_(
                db.select(Enrolment.cohort_id).where(
                    Enrolment.participant_id == user.id, Enrolment.status != EnrolmentStatus.WITHDRAWN
                )
            )
        )
    if not conditions:
        conditions = [false()]
    stmt = db.select(Cohort).where(or_(*conditions)).order_by(Cohort.starts_on.desc(), Cohort.id.desc())
    return db.paginate(stmt, page=page, per_page=PER_PAGE, error_out=False)


def own_enrolment(cohort_id, user_id):
    """The person's enrolment in the cohort, or ``None``."""
    return db.session.scalar(
        db.select(Enrolment).where(Enrolment.cohort_id == cohort_id, Enrolment.participant_id == user_id)
    )


def my_enrolments(user):
    """The participant's own enrolments, newest first."""
    return db.session.scalars(
        db.select(Enrolment).where(Enrolment.participant_id == user.id).order_by(Enrolment.enrolled_at.desc())
    ).all()


# --- enrolment ------------------------------------------------------------------


def _lock_cohort(cohort_id):
    # The row lock serialises enrolments into one cohort, so two staff clicking
    # at once cannot both take the last place (SQLite serialises writers anyway).
    stmt = (
        db.select(Cohort)
        .where(Cohort.id == cohort_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return db.session.execute(stmt).scalar_one()


def _seats_taken(cohort_id):
    return db.session.scalar(
        db.select(func.count(Enrolment.id)).where(
            Enrolment.cohort_id == cohort_id, Enrolment.status != EnrolmentStatus.WITHDRAWN
        )
    )


def seats_taken(cohort):
    """Places taken in the cohort (withdrawn participants free theirs)."""
    return _seats_taken(cohort.id)


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
        _refuse(_l("Only accepted applications can be enrolled."))
    if application.call.lab_id != cohort.lab_id or (cohort.call_id and application.call_id != cohort.call_id):
        _refuse(_l("This application is for a call of another lab or cohort."))
    exists = db.session.scalar(
        db.select(Enrolment.id).where(
            or_(
                Enrolment.application_id == application.id,
                and_(Enrolment.cohort_id == cohort.id, Enrolment.participant_id == application.applicant_id),
            )
        )
    )
    if exists:
        _refuse(_l("%(name)s is already enrolled.", name=application.applicant.full_name))
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
        _refuse(_l("%(name)s is already enrolled.", name=application.applicant.full_name))
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
    cohort = _lock_cohort(cohort.id)
    if _seats_taken(cohort.id) >= cohort.capacity:
        _refuse(_l("The cohort is full (%(capacity)d places).", capacity=cohort.capacity))
    enrolment = _enrol_one(actor, cohort, db.session.get(Application, application_id), mentor)
    db.session.commit()
    return enrolment


def enrol_all(actor, cohort, mentor_id=None):
    """Enrol every candidate at once. Refused as a whole (nothing enrolled) when
    they do not all fit, so staff choose who gets the last places."""
    ensure("cohorts.manage", cohort, user=actor)
    mentor = _mentor_or_refuse(mentor_id)
    cohort = _lock_cohort(cohort.id)
    candidates = db.session.scalars(_candidates_stmt(cohort)).all()
    if not candidates:
        _refuse(_l("There is nobody left to enrol."))
    free = cohort.capacity - _seats_taken(cohort.id)
    if len(candidates) > free:
        _refuse(
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
        _refuse(_l("Choose a mentor from the list."), field="mentor_id")
    if enrolment.participant_id == mentor.id:
        _refuse(_l("A participant cannot be her own mentor."), field="mentor_id")
    previous = enrolment.mentor_id
    enrolment.mentor_id = mentor.id
    record("enrolment.mentor_assigned", enrolment, actor=actor, mentor_id=mentor.id, previous_id=previous)
    db.session.commit()
    return enrolment


# --- sessions and materials -----------------------------------------------------


def _clean_url(url, field):
    url = (url or "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        _refuse(_l("Enter a full web address starting with https://"), field=field)
    return url


def save_session(actor, cohort, data, session=None):
    """Create (or, with ``session``, change) a curriculum session of the cohort.
    ``starts_at``/``ends_at`` are aware UTC datetimes."""
    ensure("cohorts.manage", cohort, user=actor)
    if session is not None and session.cohort_id != cohort.id:
        _refuse(_l("This session belongs to another cohort."))
    if data["ends_at"] <= data["starts_at"]:
        _refuse(_l("The session must end after it starts."), field="ends_at")
    link = _clean_url(data.get("link"), "link")
    created = session is None
    session = session or CohortSession(cohort_id=cohort.id)
    if not created and session.starts_at != data["starts_at"]:
        session.reminder_sent_at = None  # moved: remind again for the new time
    session.title = data["title"].strip()
    session.description = (data.get("description") or "").strip() or None
    session.starts_at = data["starts_at"]
    session.ends_at = data["ends_at"]
    session.place = (data.get("place") or "").strip() or None
    session.link = link
    db.session.add(session)
    db.session.flush()
    record("cohort_session.created" if created else "cohort_session.updated", session, actor=actor)
    db.session.commit()
    return session


def sessions_page(cohort, page=1):
    """The cohort's sessions in time order, paginated."""
    stmt = (
        db.select(CohortSession)
        .where(CohortSession.cohort_id == cohort.id)
        .order_by(CohortSession.starts_at, CohortSession.id)
    )
    return db.paginate(stmt, page=page, per_page=PER_PAGE, error_out=False)


def session_rates(cohort):
    """{session_id: (present, absent, excused, rate)} — one GROUP BY query."""
    stmt = (
        db.select(
            Attendance.session_id,
            _count_status(Attendance.status, AttendanceStatus.PRESENT).label("present"),
            _count_status(Attendance.status, AttendanceStatus.ABSENT).label("absent"),
            _count_status(Attendance.status, AttendanceStatus.EXCUSED).label("excused"),
        )
        .join(CohortSession, CohortSession.id == Attendance.session_id)
        .where(CohortSession.cohort_id == cohort.id)
        .group_by(Attendance.session_id)
    )
    return {
        row.session_id: (row.present, row.absent, row.excused, attendance_rate(row.present, row.absent))
        for row in db.session.execute(stmt)
    }


def add_material(actor, session, title, url=None, upload=None):
    """Attach a link or an uploaded file (checked like application attachments) to a session."""
    ensure("cohorts.manage", session, user=actor)
    title = (title or "").strip()
    url = _clean_url(url, "url")
    has_file = upload is not None and getattr(upload, "filename", "")
    if bool(url) == bool(has_file):
        _refuse(_l("Give either a link or a file."), field="url")
    stored = None
    if has_file:
        try:
            stored = save_upload(upload, allowed=DOCUMENT_TYPES, uploaded_by=actor)
        except UploadError as exc:
            _refuse(exc.message, field="upload")
    material = SessionMaterial(
        session_id=session.id,
        title=title or (stored.original_name if stored else url),
        url=url,
        file_id=getattr(stored, "id", None),
        added_by_id=actor.id,
    )
    db.session.add(material)
    db.session.flush()
    record("cohort_material.added", material, actor=actor, session_id=session.id)
    db.session.commit()
    return material


def remove_material(actor, material):
    """Delete a session's material (and its stored file)."""
    ensure("cohorts.manage", material, user=actor)
    record("cohort_material.removed", material, actor=actor, session_id=material.session_id)
    stored = material.file
    db.session.delete(material)
    db.session.flush()
    if stored is not None:
        delete_stored(stored)
    db.session.commit()


# --- attendance -------------------------------------------------------------------


def _count_status(column, value):
    return func.coalesce(func.sum(case((column == value, 1), else_=0)), 0)


def attendance_rate(present, absent):
    """Percent present among present + absent (excused left out), or ``None``."""
    counted = (present or 0) + (absent or 0)
    if counted == 0:
        return None
    return math.floor(100 * (present or 0) / counted + 0.5)


def roster(session, viewer):
    """Active participants of the session's cohort the viewer may mark (a mentor:
    her own only), with their current mark: list of (enrolment, name, status)."""
    participant = aliased(User)
    stmt = (
        db.select(Enrolment, participant.full_name, Attendance.status)
        .join(participant, participant.id == Enrolment.participant_id)
        .outerjoin(
            Attendance,
            and_(Attendance.enrolment_id == Enrolment.id, Attendance.session_id == session.id),
        )
        .where(Enrolment.cohort_id == session.cohort_id, Enrolment.status == EnrolmentStatus.ACTIVE)
        .order_by(participant.full_name, Enrolment.id)
    )
    if not _sees_whole_cohort(viewer, session):
        stmt = stmt.where(Enrolment.mentor_id == viewer.id)
    return db.session.execute(stmt).all()


def _sees_whole_cohort(user, obj):
    from wcl.accounts.permissions import can

    return can("cohorts.manage", obj, user=user)


def record_attendance(actor, session, marks):
    """Save present/absent/excused for several participants of one session in one
    go. ``marks`` maps enrolment ids to statuses. Refused as a whole (nothing
    saved) if any participant is not in this session's cohort, or not the
    mentor's own."""
    ensure("cohorts.attendance", session, user=actor)
    if not marks:
        _refuse(_l("Mark at least one participant."))
    allowed = {row[0].id for row in roster(session, actor)}
    for enrolment_id, status in marks.items():
        if enrolment_id not in allowed:
            _refuse(_l("One of these participants is not in this session's group. Nothing was saved."))
        if status not in AttendanceStatus.ALL:
            _refuse(_l("Choose present, absent or excused."))
    existing = {
        row.enrolment_id: row
        for row in db.session.scalars(
            db.select(Attendance).where(
                Attendance.session_id == session.id, Attendance.enrolment_id.in_(list(marks))
            )
        )
    }
    now = utcnow()
    for enrolment_id, status in marks.items():
        row = existing.get(enrolment_id)
        if row is None:
            db.session.add(
                Attendance(
                    session_id=session.id,
                    enrolment_id=enrolment_id,
                    status=status,
                    marked_by_id=actor.id,
                    marked_at=now,
                )
            )
        elif row.status != status:
            row.status, row.marked_by_id, row.marked_at = status, actor.id, now
    db.session.flush()
    record("cohort_session.attendance", session, actor=actor, count=len(marks))
    db.session.commit()
    return len(marks)


# --- milestones ---------------------------------------------------------------------


def save_milestone(actor, cohort, data, milestone=None):
    """Create (or change) a milestone of the cohort."""
    ensure("cohorts.manage", cohort, user=actor)
    if milestone is not None and milestone.cohort_id != cohort.id:
        _refuse(_l("This milestone belongs to another cohort."))
    created = milestone is None
    if created:
        last = db.session.scalar(
            db.select(func.max(Milestone.position)).where(Milestone.cohort_id == cohort.id)
        )
        milestone = Milestone(cohort_id=cohort.id, position=(last or 0) + 1)
    milestone.title = data["title"].strip()
    milestone.description = (data.get("description") or "").strip() or None
    milestone.due_on = data.get("due_on")
    milestone.required = bool(data.get("required"))
    db.session.add(milestone)
    db.session.flush()
    record("milestone.created" if created else "milestone.updated", milestone, actor=actor)
    db.session.commit()
    return milestone


def milestones_of(cohort):
    """The cohort's milestones in order."""
    return db.session.scalars(
        db.select(Milestone)
        .where(Milestone.cohort_id == cohort.id)
        .order_by(Milestone.position, Milestone.id)
    ).all()


def submit_evidence(actor, enrolment, milestone_id, text, upload=None):
    """The participant hands in her work for a milestone: text and/or a photo or
    file (checked like application attachments). A resubmission replaces the
    previous evidence; approved work is final."""
    ensure("cohorts.participate", enrolment, user=actor)
    if enrolment.status != EnrolmentStatus.ACTIVE:
        _refuse(_l("This enrolment is closed."))
    milestone = db.session.get(Milestone, milestone_id)
    if milestone is None or milestone.cohort_id != enrolment.cohort_id:
        _refuse(_l("This milestone is not part of your cohort."))
    text = (text or "").strip()
    has_file = upload is not None and getattr(upload, "filename", "")
    progress = db.session.scalar(
        db.select(MilestoneProgress).where(
            MilestoneProgress.milestone_id == milestone.id, MilestoneProgress.enrolment_id == enrolment.id
        )
    )
    if progress is not None and progress.status == MilestoneStatus.APPROVED:
        _refuse(_l("This milestone is already approved."))
    if not text and not has_file and not (progress and progress.evidence_file_id):
        _refuse(_l("Describe your work or add a photo or file."), field="text")
    stored = None
    if has_file:
        try:
            stored = save_upload(upload, allowed=DOCUMENT_TYPES, uploaded_by=actor)
        except UploadError as exc:
            _refuse(exc.message, field="upload")
    if progress is None:
        progress = MilestoneProgress(milestone_id=milestone.id, enrolment_id=enrolment.id)
        db.session.add(progress)
    old_file = progress.evidence_file if stored is not None else None
    progress.evidence_text = text or None
    if stored is not None:
        progress.evidence_file_id = stored.id
    progress.status = MilestoneStatus.SUBMITTED
    progress.submitted_at = utcnow()
    progress.reviewed_at = progress.reviewed_by_id = None
    db.session.flush()
    if old_file is not None:
        delete_stored(old_file)
    record("milestone.submitted", progress, actor=actor, milestone_id=milestone.id, enrolment_id=enrolment.id)
    db.session.commit()
    return progress


def review_evidence(actor, progress, decision, note=None):
    """The mentor (or staff) approves submitted work or asks for changes."""
    ensure("cohorts.review", progress, user=actor)
    if decision not in (MilestoneStatus.APPROVED, MilestoneStatus.NEEDS_CHANGES):
        _refuse(_l("Choose approve or ask for changes."))
    if progress.status != MilestoneStatus.SUBMITTED:
        _refuse(_l("Only submitted work can be reviewed."))
    if decision == MilestoneStatus.NEEDS_CHANGES and not (note or "").strip():
        _refuse(_l("Say what should change."), field="note")
    progress.status = decision
    progress.review_note = (note or "").strip() or None
    progress.reviewed_at = utcnow()
    progress.reviewed_by_id = actor.id
    record("milestone.reviewed", progress, actor=actor, decision=decision)
    db.session.commit()
    return progress


# --- check-ins ------------------------------------------------------------------------


def record_checkin(actor, enrolment, met_on, status, notes):
    """The mentor notes a meeting with her participant and how she is doing."""
    ensure("cohorts.checkin", enrolment, user=actor)
    if enrolment.status != EnrolmentStatus.ACTIVE:
        _refuse(_l("This enrolment is closed."))
    if status not in CheckInStatus.ALL:
        _refuse(_l("Choose how she is doing."), field="status")
    if met_on > date.today() + timedelta(days=1):  # a day of slack for time zones
        _refuse(_l("The date cannot be in the future."), field="met_on")
    checkin = CheckIn(
        enrolment_id=enrolment.id,
        mentor_id=actor.id,
        met_on=met_on,
        status=status,
        notes=(notes or "").strip() or None,
    )
    db.session.add(checkin)
    db.session.flush()
    record("checkin.recorded", checkin, actor=actor, enrolment_id=enrolment.id, status=status)
    db.session.commit()
    return checkin


def checkins_of(enrolment, limit=50):
    """The newest check-ins of an enrolment."""
    return db.session.scalars(
        db.select(CheckIn)
        .where(CheckIn.enrolment_id == enrolment.id)
        .order_by(CheckIn.met_on.desc(), CheckIn.id.desc())
        .limit(limit)
    ).all()


# --- progress ---------------------------------------------------------------------------


@dataclass
class ProgressRow:
    enrolment: Enrolment
    participant_name: str
    mentor_name: str | None
    present: int
    absent: int
    excused: int
    approved: int
    required_approved: int
    submitted: int
    last_status: str | None
    last_met_on: date | None

    @property
    def attendance(self):
        return attendance_rate(self.present, self.absent)

    @property
    def at_risk(self):
        return self.last_status == CheckInStatus.AT_RISK


@dataclass
class Page:
    """Enough of Flask-SQLAlchemy's pagination for the ``pagination`` macro."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self):
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self):
        return self.page > 1

    @property
    def has_next(self):
        return self.page < self.pages

    @property
    def prev_num(self):
        return self.page - 1

    @property
    def next_num(self):
        return self.page + 1


@dataclass
class Grid:
    page: Page
    milestones_total: int
    milestones_required: int
    at_risk: int
    active: int


def progress_grid(cohort, viewer, mentor_id=None, status=None, at_risk=False, page=1, per_page=PER_PAGE):
    """The cohort's progress grid: per participant attendance, milestones approved
    and last check-in. A mentor sees only her own participants; staff may filter
    by mentor, status and at-risk. Aggregated in SQL (GROUP BY): four queries
    whatever the number of participants, sessions and milestones."""
    participant, mentor = aliased(User), aliased(User)
    att = (
        db.select(
            Attendance.enrolment_id,
            _count_status(Attendance.status, AttendanceStatus.PRESENT).label("present"),
            _count_status(Attendance.status, AttendanceStatus.ABSENT).label("absent"),
            _count_status(Attendance.status, AttendanceStatus.EXCUSED).label("excused"),
        )
        .join(CohortSession, CohortSession.id == Attendance.session_id)
        .where(CohortSession.cohort_id == cohort.id)
        .group_by(Attendance.enrolment_id)
        .subquery()
    )
    approved = MilestoneProgress.status == MilestoneStatus.APPROVED
    ms = (
        db.select(
            MilestoneProgress.enrolment_id,
            func.sum(case((approved, 1), else_=0)).label("approved"),
            func.sum(case((and_(approved, Milestone.required), 1), else_=0)).label("required_approved"),
            func.sum(case((MilestoneProgress.status == MilestoneStatus.SUBMITTED, 1), else_=0)).label(
                "submitted"
            ),
        )
        .join(Milestone, Milestone.id == MilestoneProgress.milestone_id)
        .where(Milestone.cohort_id == cohort.id)
        .group_by(MilestoneProgress.enrolment_id)
        .subquery()
    )
    ranked = (
        db.select(
            CheckIn.enrolment_id,
            CheckIn.status,
            CheckIn.met_on,
            func.row_number()
            .over(partition_by=CheckIn.enrolment_id, order_by=(CheckIn.met_on.desc(), CheckIn.id.desc()))
            .label("rn"),
        )
        .join(Enrolment, Enrolment.id == CheckIn.enrolment_id)
        .where(Enrolment.cohort_id == cohort.id)
        .subquery()
    )
    last = (
        db.select(ranked.c.enrolment_id, ranked.c.status, ranked.c.met_on).where(ranked.c.rn == 1).subquery()
    )

    scope = [Enrolment.cohort_id == cohort.id]
    if not _sees_whole_cohort(viewer, cohort):
        scope.append(Enrolment.mentor_id == viewer.id)
    elif mentor_id:
        scope.append(Enrolment.mentor_id == mentor_id)
    extra = []
    if status in EnrolmentStatus.ALL:
        extra.append(Enrolment.status == status)
    if at_risk:
        extra.append(last.c.status == CheckInStatus.AT_RISK)
    filters = scope + extra

    def joined(stmt):
        return (
            stmt.outerjoin(att, att.c.enrolment_id == Enrolment.id)
            .outerjoin(ms, ms.c.enrolment_id == Enrolment.id)
            .outerjoin(last, last.c.enrolment_id == Enrolment.id)
        )

    rows_stmt = joined(
        db.select(
            Enrolment,
            participant.full_name,
            mentor.full_name,
            func.coalesce(att.c.present, 0),
            func.coalesce(att.c.absent, 0),
            func.coalesce(att.c.excused, 0),
            func.coalesce(ms.c.approved, 0),
            func.coalesce(ms.c.required_approved, 0),
            func.coalesce(ms.c.submitted, 0),
            last.c.status,
            last.c.met_on,
        )
        .join(participant, participant.id == Enrolment.participant_id)
        .outerjoin(mentor, mentor.id == Enrolment.mentor_id)
    ).where(*filters)
    page = max(page, 1)
    rows = db.session.execute(
        rows_stmt.order_by(participant.full_name, Enrolment.id).limit(per_page).offset((page - 1) * per_page)
    ).all()
    is_at_risk = and_(Enrolment.status == EnrolmentStatus.ACTIVE, last.c.status == CheckInStatus.AT_RISK)
    counts = db.session.execute(
        joined(
            db.select(
                func.coalesce(func.sum(case((and_(*extra), 1), else_=0)), 0)
                if extra
                else func.count(Enrolment.id),
                func.coalesce(func.sum(case((is_at_risk, 1), else_=0)), 0),
                func.coalesce(func.sum(case((Enrolment.status == EnrolmentStatus.ACTIVE, 1), else_=0)), 0),
            )
        ).where(*scope)
    ).one()
    totals = db.session.execute(
        db.select(
            func.count(Milestone.id), func.coalesce(func.sum(case((Milestone.required, 1), else_=0)), 0)
        ).where(Milestone.cohort_id == cohort.id)
    ).one()
    items = [ProgressRow(*row) for row in rows]
    return Grid(
        page=Page(items, page, per_page, counts[0]),
        milestones_total=totals[0],
        milestones_required=totals[1],
        at_risk=counts[1],
        active=counts[2],
    )


def progress_of(enrolment):
    """One participant's progress (the same figures as her grid row)."""
    att = db.session.execute(
        db.select(
            _count_status(Attendance.status, AttendanceStatus.PRESENT),
            _count_status(Attendance.status, AttendanceStatus.ABSENT),
            _count_status(Attendance.status, AttendanceStatus.EXCUSED),
        )
        .join(CohortSession, CohortSession.id == Attendance.session_id)
        .where(Attendance.enrolment_id == enrolment.id, CohortSession.cohort_id == enrolment.cohort_id)
    ).one()
    milestones = db.session.execute(
        db.select(Milestone, MilestoneProgress)
        .outerjoin(
            MilestoneProgress,
            and_(
                MilestoneProgress.milestone_id == Milestone.id, MilestoneProgress.enrolment_id == enrolment.id
            ),
        )
        .where(Milestone.cohort_id == enrolment.cohort_id)
        .order_by(Milestone.position, Milestone.id)
    ).all()
    return {
        "present": att[0],
        "absent": att[1],
        "excused": att[2],
        "rate": attendance_rate(att[0], att[1]),
        "milestones": milestones,
        "approved": sum(1 for _m, p in milestones if p is not None and p.status == MilestoneStatus.APPROVED),
    }


def attendance_of(enrolment):
    """Every session of her cohort with her mark (or ``None``), in time order."""
    return db.session.execute(
        db.select(CohortSession, Attendance.status)
        .outerjoin(
            Attendance,
            and_(Attendance.session_id == CohortSession.id, Attendance.enrolment_id == enrolment.id),
        )
        .where(CohortSession.cohort_id == enrolment.cohort_id)
        .order_by(CohortSession.starts_at)
    ).all()


# --- completion ----------------------------------------------------------------------------


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
        _refuse(" ".join(str(p) for p in problems))
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
        _refuse(_l("Only active participants can be withdrawn."))
    if not reason:
        _refuse(_l("Give the reason for the withdrawal."), field="reason")
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
        _refuse(_l("Only active participants can be signed off."))
    if enrolment.campaign_ready_at is not None:
        _refuse(_l("She is already signed off as campaign-ready."))
    enrolment.campaign_ready_at = utcnow()
    enrolment.campaign_ready_by_id = actor.id
    record("enrolment.campaign_ready", enrolment, actor=actor)
    db.session.commit()
    return enrolment


# --- certificates --------------------------------------------------------------------------


def request_certificate(actor, enrolment):
    """Staff ask for the certificate to be rendered again (e.g. after a name fix)."""
    ensure("cohorts.manage", enrolment, user=actor)
    if enrolment.status != EnrolmentStatus.GRADUATED:
        _refuse(_l("Only graduates receive a certificate."))
    enrolment.certificate_issued_at = None
    record("enrolment.certificate_requested", enrolment, actor=actor)
    enqueue_after_commit(CERTIFICATE_JOB, enrolment.id, queue=DEFAULT, job_timeout=120)
    db.session.commit()


def issue_certificate(enrolment_id):
    """Render and store a graduate's certificate in her language, then email her.

    Idempotent: does nothing when the current certificate is already issued.
    The enrolment row is locked so two workers cannot both render it.
    """
    from wcl.receipts.pdf import render_pdf

    enrolment = db.session.execute(
        db.select(Enrolment).where(Enrolment.id == enrolment_id).with_for_update()
    ).scalar_one_or_none()
    if enrolment is None or enrolment.status != EnrolmentStatus.GRADUATED or enrolment.certificate_issued_at:
        db.session.rollback()
        return None
    participant, cohort = enrolment.participant, enrolment.cohort
    locale = participant.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    data = render_pdf(
        "cohorts/pdf/certificate.html",
        locale,
        participant_name=participant.full_name,
        cohort_name=cohort.name,
        lab_name=cohort.lab.name(locale),
        starts_on=cohort.starts_on,
        ends_on=cohort.ends_on,
        mentor_name=enrolment.mentor.full_name if enrolment.mentor else None,
        graduated_at=enrolment.graduated_at,
        number=certificate_number(enrolment),
    )
    old = enrolment.certificate_file
    stored = store_bytes(data, "application/pdf", f"certificate-{certificate_number(enrolment)}.pdf")
    enrolment.certificate_file_id = stored.id
    enrolment.certificate_issued_at = utcnow()
    db.session.flush()
    if old is not None:
        delete_stored(old)
    record("enrolment.certificate_issued", enrolment, file_id=stored.id)
    queue_email(
        participant.email,
        "cohorts/certificate_ready",
        locale,
        name=participant.public_name,
        cohort=cohort.name,
        link=absolute_url("cohorts.certificate", enrolment_id=enrolment.id),
    )
    db.session.commit()
    return stored


def certificate_number(enrolment):
    """The printed number of an enrolment's certificate."""
    return f"WCL-C-{enrolment.id:06d}"


# --- reminders (periodic jobs) ---------------------------------------------------------------


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
    for session_id in due:
        claimed = db.session.execute(
            db.update(CohortSession)
            .where(CohortSession.id == session_id, CohortSession.reminder_sent_at.is_(None))
            .values(reminder_sent_at=now)
        ).rowcount
        if not claimed:
            continue
        session = db.session.get(CohortSession, session_id)
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
                title=session.title,
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
