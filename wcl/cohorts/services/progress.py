"""Progress: the cohort's grid (attendance, milestones, last check-in per participant)
and one participant's figures."""

import math
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Subquery

from wcl.accounts.models import User
from wcl.cohorts.models import (
    Attendance,
    CheckIn,
    CheckInStatus,
    CohortSession,
    CohortSessionTranslation,
    Enrolment,
    EnrolmentStatus,
    Milestone,
    MilestoneProgress,
    MilestoneStatus,
    MilestoneTranslation,
)
from wcl.cohorts.services._common import (
    PER_PAGE,
    attendance_counts,
    in_language,
    sees_whole_cohort,
)
from wcl.cohorts.services.attendance import attendance_rate, held_sessions
from wcl.extensions import db


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


def _sum_where(condition):
    return func.sum(case((condition, 1), else_=0))


def _attendance_by_participant(cohort):
    return (
        db.select(Attendance.enrolment_id, *attendance_counts())
        .join(CohortSession, CohortSession.id == Attendance.session_id)
        .where(CohortSession.cohort_id == cohort.id, held_sessions())
        .group_by(Attendance.enrolment_id)
        .subquery()
    )


def _milestones_by_participant(cohort):
    approved = MilestoneProgress.status == MilestoneStatus.APPROVED
    return (
        db.select(
            MilestoneProgress.enrolment_id,
            _sum_where(approved).label("approved"),
            _sum_where(and_(approved, Milestone.required)).label("required_approved"),
            _sum_where(MilestoneProgress.status == MilestoneStatus.SUBMITTED).label("submitted"),
        )
        .join(Milestone, Milestone.id == MilestoneProgress.milestone_id)
        .where(Milestone.cohort_id == cohort.id)
        .group_by(MilestoneProgress.enrolment_id)
        .subquery()
    )


def _last_checkin_by_participant(cohort):
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
    return (
        db.select(ranked.c.enrolment_id, ranked.c.status, ranked.c.met_on).where(ranked.c.rn == 1).subquery()
    )


@dataclass
class _PerParticipant:
    """The grid's per-participant figures: three grouped subqueries keyed by enrolment."""

    attendance: Subquery
    milestones: Subquery
    last_checkin: Subquery

    @classmethod
    def of(cls, cohort):
        return cls(
            _attendance_by_participant(cohort),
            _milestones_by_participant(cohort),
            _last_checkin_by_participant(cohort),
        )

    def joined(self, stmt):
        """``stmt`` (selecting from Enrolment) with the three figures outer-joined."""
        return (
            stmt.outerjoin(self.attendance, self.attendance.c.enrolment_id == Enrolment.id)
            .outerjoin(self.milestones, self.milestones.c.enrolment_id == Enrolment.id)
            .outerjoin(self.last_checkin, self.last_checkin.c.enrolment_id == Enrolment.id)
        )


def _grid_rows(figures, filters, page, per_page):
    participant, mentor = aliased(User), aliased(User)
    att, ms, last = figures.attendance.c, figures.milestones.c, figures.last_checkin.c
    stmt = figures.joined(
        db.select(
            Enrolment,
            participant.full_name,
            mentor.full_name,
            func.coalesce(att.present, 0),
            func.coalesce(att.absent, 0),
            func.coalesce(att.excused, 0),
            func.coalesce(ms.approved, 0),
            func.coalesce(ms.required_approved, 0),
            func.coalesce(ms.submitted, 0),
            last.status,
            last.met_on,
        )
        .join(participant, participant.id == Enrolment.participant_id)
        .outerjoin(mentor, mentor.id == Enrolment.mentor_id)
    ).where(*filters)
    stmt = stmt.order_by(participant.full_name, Enrolment.id).limit(per_page).offset((page - 1) * per_page)
    return [ProgressRow(*row) for row in db.session.execute(stmt)]


def _grid_counts(figures, scope, extra):
    """(rows matching the filters, active participants at risk, active participants)
    within ``scope``, in one query."""
    active = Enrolment.status == EnrolmentStatus.ACTIVE
    at_risk = and_(active, figures.last_checkin.c.status == CheckInStatus.AT_RISK)
    matching = func.coalesce(_sum_where(and_(*extra)), 0) if extra else func.count(Enrolment.id)
    stmt = db.select(matching, func.coalesce(_sum_where(at_risk), 0), func.coalesce(_sum_where(active), 0))
    return db.session.execute(figures.joined(stmt).where(*scope)).one()


def _milestone_totals(cohort):
    """(milestones, required milestones) of the cohort."""
    return db.session.execute(
        db.select(func.count(Milestone.id), func.coalesce(_sum_where(Milestone.required), 0)).where(
            Milestone.cohort_id == cohort.id
        )
    ).one()


def progress_grid(actor, cohort, mentor_id=None, status=None, at_risk=False, page=1, per_page=PER_PAGE):
    """The cohort's progress grid: per participant attendance, milestones approved
    and last check-in. A mentor sees only her own participants; staff may filter
    by mentor, status and at-risk. Aggregated in SQL (GROUP BY): four queries
    whatever the number of participants, sessions and milestones."""
    figures = _PerParticipant.of(cohort)
    scope = [Enrolment.cohort_id == cohort.id]
    if not sees_whole_cohort(actor, cohort):
        scope.append(Enrolment.mentor_id == actor.id)
    elif mentor_id:
        scope.append(Enrolment.mentor_id == mentor_id)
    extra = []
    if status in EnrolmentStatus.ALL:
        extra.append(Enrolment.status == status)
    if at_risk:
        extra.append(figures.last_checkin.c.status == CheckInStatus.AT_RISK)
    page = max(page, 1)
    rows = _grid_rows(figures, scope + extra, page, per_page)
    matching, at_risk_count, active = _grid_counts(figures, scope, extra)
    milestones_total, milestones_required = _milestone_totals(cohort)
    return Grid(
        page=Page(rows, page, per_page, matching),
        milestones_total=milestones_total,
        milestones_required=milestones_required,
        at_risk=at_risk_count,
        active=active,
    )


def progress_of(enrolment, locale=None):
    """One participant's progress (the same figures as her grid row); milestones come
    with their translation into ``locale``."""
    att = db.session.execute(
        db.select(*attendance_counts())
        .join(CohortSession, CohortSession.id == Attendance.session_id)
        .where(
            Attendance.enrolment_id == enrolment.id,
            CohortSession.cohort_id == enrolment.cohort_id,
            held_sessions(),
        )
    ).one()
    milestones = (
        db.session.execute(
            db.select(Milestone, MilestoneProgress)
            .outerjoin(
                MilestoneProgress,
                and_(
                    MilestoneProgress.milestone_id == Milestone.id,
                    MilestoneProgress.enrolment_id == enrolment.id,
                ),
            )
            .where(Milestone.cohort_id == enrolment.cohort_id)
            .options(*in_language(Milestone.translations, MilestoneTranslation, locale))
            .order_by(Milestone.position, Milestone.id)
        )
        .unique()
        .all()
    )
    return {
        "present": att[0],
        "absent": att[1],
        "excused": att[2],
        "rate": attendance_rate(att[0], att[1]),
        "milestones": milestones,
        "approved": sum(1 for _m, p in milestones if p is not None and p.status == MilestoneStatus.APPROVED),
    }


def attendance_of(enrolment, locale=None):
    """Every session of her cohort with her mark (or ``None``), in time order, with the
    sessions' translation into ``locale``."""
    return (
        db.session.execute(
            db.select(CohortSession, Attendance.status)
            .outerjoin(
                Attendance,
                and_(Attendance.session_id == CohortSession.id, Attendance.enrolment_id == enrolment.id),
            )
            .where(CohortSession.cohort_id == enrolment.cohort_id)
            .options(*in_language(CohortSession.translations, CohortSessionTranslation, locale))
            .order_by(CohortSession.starts_at)
        )
        .unique()
        .all()
    )
