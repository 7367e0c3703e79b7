"""The funnel: every counted unit of every stage as one ``UNION ALL`` (``events``), grouped
once by stage and breakdowns (``stage_counts``), or listed unit by unit (``unit_rows``)."""

from functools import cache

import sqlalchemy as sa

from wcl.accounts.models import Demographics, User
from wcl.applications.models import Application, ApplicationStatus, Call
from wcl.audit.models import AuditEntry
from wcl.cohorts.models import Attendance, AttendanceStatus, Cohort, Enrolment, EnrolmentStatus
from wcl.reports.queries.campaigns import campaign_stages
from wcl.reports.queries.common import (
    ATTENDANCE_PCT,
    DIMENSIONS,
    PEOPLE,
    apply_filters,
    dimension_expr,
    event_columns,
    from_application,
    snapshot_or_current,
)
from wcl.reports.queries.people import people_stages


def ever_shortlisted():
    """Ids of the applications whose status history (the audit log the shortlisting
    service writes) shows them shortlisted at some time, whatever came after."""
    return sa.select(AuditEntry.target_id).where(
        AuditEntry.action == "application.status_changed",
        AuditEntry.target_type == Application.__tablename__,
        AuditEntry.data["new"].as_string() == ApplicationStatus.SHORTLISTED,
    )


def _application_stages():
    a = sa.orm.aliased(Application)
    c = sa.orm.aliased(Call)
    attrs = from_application(a)
    base = sa.select().select_from(a).join(c, c.id == a.call_id).where(a.submitted_at.isnot(None))
    stages = {
        "applied": None,
        # Ever shortlisted (later waitlisted, rejected or withdrawn too), or accepted: an
        # acceptance passed the shortlist even when the decision skipped that step.
        "shortlisted": sa.or_(
            a.status.in_((ApplicationStatus.SHORTLISTED, ApplicationStatus.ACCEPTED)),
            a.id.in_(ever_shortlisted()),
        ),
        "accepted": a.status == ApplicationStatus.ACCEPTED,
    }
    selects = []
    for stage, condition in stages.items():
        query = base.add_columns(
            *event_columns(
                stage, attrs, a.submitted_at, c.lab_id, a.call_id, sa.null(), sa.null(), a.applicant_id, a.id
            )
        )
        if condition is not None:
            query = query.where(condition)
        selects.append(query)
    return selects


def _enrolment_stages():
    e = sa.orm.aliased(Enrolment)
    co = sa.orm.aliased(Cohort)
    a = sa.orm.aliased(Application)
    d = sa.orm.aliased(Demographics)
    attrs = snapshot_or_current(a, d)
    att = (
        sa.select(
            Attendance.enrolment_id,
            sa.func.count().filter(Attendance.status == AttendanceStatus.PRESENT).label("present"),
            sa.func.count().filter(Attendance.status == AttendanceStatus.ABSENT).label("absent"),
        )
        .group_by(Attendance.enrolment_id)
        .subquery()
    )
    base = (
        sa.select()
        .select_from(e)
        .join(co, co.id == e.cohort_id)
        .outerjoin(a, a.id == e.application_id)
        .outerjoin(d, d.user_id == e.participant_id)
    )
    ids = (co.lab_id, co.call_id, e.cohort_id, sa.null(), e.participant_id)
    ids = (*ids, e.id)
    enrolled = base.add_columns(*event_columns("enrolled", attrs, e.enrolled_at, *ids))
    attended = (
        base.join(att, att.c.enrolment_id == e.id)
        .add_columns(*event_columns("attended", attrs, e.enrolled_at, *ids))
        .where(att.c.present + att.c.absent > 0)
        .where(100 * att.c.present >= ATTENDANCE_PCT * (att.c.present + att.c.absent))
    )
    graduated = base.add_columns(*event_columns("graduated", attrs, e.graduated_at, *ids)).where(
        e.status == EnrolmentStatus.GRADUATED
    )
    return [enrolled, attended, graduated], base, ids, attrs


@cache
def events():
    """Every counted unit of every stage, as one ``UNION ALL`` subquery.

    Built once per process: it depends on no filter or request (filters apply to its
    columns from outside), and building it and its column collections cost about as
    much as running the whole report at 100,000 pledges (bench/reports.py). A statement
    is immutable once built, so every request can share it; its columns are set up here,
    before any second thread can see it.
    """
    enrolment_selects = _enrolment_stages()[0]
    selects = [*_application_stages(), *enrolment_selects, *campaign_stages(), *people_stages()]
    subquery = sa.union_all(*selects).subquery("events")
    subquery.c  # noqa: B018 (the column collection, set up once)
    return subquery


ONE_WAY = "*one-way*"


def stage_counts(filters, by, by2=None, one_way=False):
    """Rows ``(stage, category, category2, count, key)``: one GROUP BY over the union.

    Stages count applications, enrolments or campaigns; mentors and reviewers are
    distinct people within the scope. ``key`` is the sum of the counted people's
    ``cell_key`` (one per counted unit), from which ``wcl.reports.protection`` derives
    the cell's noise. With ``by2`` and ``one_way``, mentors' and reviewers' one-way rows
    come too, with ``category2 == ONE_WAY`` (the caller sums units over ``category2``).
    """
    ev = events()
    dim1 = dimension_expr(by, ev.c).label("d1")
    dim2 = (dimension_expr(by2, ev.c) if by2 else sa.literal("all")).label("d2")
    rows = sa.select(ev.c.stage, dim1, dim2, ev.c.person_id, User.cell_key.label("cell_key")).join(
        User, User.id == ev.c.person_id
    )
    rows = apply_filters(rows, ev.c, filters)
    units = rows.where(ev.c.stage.not_in(PEOPLE)).subquery()
    # A mentor of several participants (a reviewer of several applications) counts once.
    people = rows.where(ev.c.stage.in_(PEOPLE)).distinct().subquery()
    grouped = [
        sa.select(
            q.c.stage, q.c.d1, q.c.d2, sa.func.count(), sa.func.coalesce(sa.func.sum(q.c.cell_key), 0)
        ).group_by(q.c.stage, q.c.d1, q.c.d2)
        for q in (units, people)
    ]
    if by2 and one_way:
        # The one-way people rows too (d2 = ONE_WAY), so one query serves a page with a
        # cross-tab: units add up over d2, distinct people need their own grouping.
        once = (
            sa.select(ev.c.stage, dim1, ev.c.person_id, User.cell_key.label("cell_key"))
            .join(User, User.id == ev.c.person_id)
            .where(ev.c.stage.in_(PEOPLE))
        )
        once = apply_filters(once, ev.c, filters).distinct().subquery()
        grouped.append(
            sa.select(
                once.c.stage,
                once.c.d1,
                sa.literal(ONE_WAY),
                sa.func.count(),
                sa.func.coalesce(sa.func.sum(once.c.cell_key), 0),
            ).group_by(once.c.stage, once.c.d1)
        )
    return sa.union_all(*grouped)


def unit_rows(filters):
    """Every counted unit in scope with its categories in every breakdown: ``(stage,
    unit_id, person_id, cell_key, <dimension>...)``. For tests and audits that rebuild
    cells from their records (reports themselves only use ``stage_counts``)."""
    ev = events()
    dims = [dimension_expr(name, ev.c).label(name) for name in DIMENSIONS]
    rows = sa.select(ev.c.stage, ev.c.unit_id, ev.c.person_id, User.cell_key, *dims).join(
        User, User.id == ev.c.person_id
    )
    return apply_filters(rows, ev.c, filters).distinct()
