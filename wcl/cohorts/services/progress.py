"""Progress: the cohort's grid (attendance, milestones, last check-in per participant)
and one participant's figures."""

import math
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func
from sqlalchemy.orm import aliased

from wcl.accounts.models import User
from wcl.cohorts.models import (
    Attendance,
    AttendanceStatus,
    CheckIn,
    CheckInStatus,
    CohortSession,
    Enrolment,
    EnrolmentStatus,
    Milestone,
    MilestoneProgress,
    MilestoneStatus,
)
from wcl.cohorts.services._common import (
    PER_PAGE,
    count_status,
    sees_whole_cohort,
)
from wcl.cohorts.services.attendance import attendance_rate
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


def progress_grid(cohort, viewer, mentor_id=None, status=None, at_risk=False, page=1, per_page=PER_PAGE):
    """The cohort's progress grid: per participant attendance, milestones approved
    and last check-in. A mentor sees only her own participants; staff may filter
    by mentor, status and at-risk. Aggregated in SQL (GROUP BY): four queries
    whatever the number of participants, sessions and milestones."""
    participant, mentor = aliased(User), aliased(User)
    att = (
        db.select(
            Attendance.enrolment_id,
            count_status(Attendance.status, AttendanceStatus.PRESENT).label("present"),
            count_status(Attendance.status, AttendanceStatus.ABSENT).label("absent"),
            count_status(Attendance.status, AttendanceStatus.EXCUSED).label("excused"),
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
    if not sees_whole_cohort(viewer, cohort):
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
            count_status(Attendance.status, AttendanceStatus.PRESENT),
            count_status(Attendance.status, AttendanceStatus.ABSENT),
            count_status(Attendance.status, AttendanceStatus.EXCUSED),
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
