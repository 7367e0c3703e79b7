"""SQL for the participation reports: every count is a GROUP BY in PostgreSQL.

Each funnel stage is one ``SELECT`` yielding, per counted unit, the attributes
that describe the person at the event date; the stages are glued with
``UNION ALL`` and grouped once by (stage, dimension CASE, dimension CASE).
Nothing is loaded row by row into Python.

Whose attributes:

* applied / shortlisted / accepted: the application's ``snapshot_*`` columns,
  copied at submission, so later edits do not rewrite past reports; one row per
  application. "Shortlisted" is every application ever shortlisted (from its status
  history in the audit log, so those later waitlisted, rejected or withdrawn stay
  counted) plus every accepted one.
* enrolled / attended / graduated: the snapshot of the application the
  enrolment came from; a participant enrolled without an application (paper,
  invited) is described by her current ``Demographics`` row.
* campaigns and money: the owner's latest submitted application snapshot, or
  her current ``Demographics`` when she never applied; one row per campaign.
* mentors and reviewers are not applicants: their current ``Demographics``;
  one row per person.
* people in teams (leads and members of submitted team applications): their current
  ``Demographics``; one row per person, however many teams she is in.

Ages are computed from the birth year and the year of the event (only the year
of birth is stored). Youth is 14–35 (Kyrgyz Law No. 157 "On youth", 2023, which raised
the upper limit from 28); the UN statistical youth band 15–24 is a second breakdown.
"""

from datetime import time

import sqlalchemy as sa

from wcl.accounts.models import Demographics, User
from wcl.applications.models import (
    Application,
    ApplicationStatus,
    Call,
    ReviewAssignment,
    TeamMember,
    TeamMemberStatus,
)
from wcl.audit.models import AuditEntry
from wcl.campaigns.models import Campaign, CampaignStatus, MatchReservation
from wcl.cohorts.models import Attendance, AttendanceStatus, Cohort, Enrolment, EnrolmentStatus
from wcl.grants.models import Grant, GrantFund, GrantStatus, Tranche, TrancheStatus
from wcl.reference import CREATIVE_DOMAIN_CODES, REGION_CODES
from wcl.reports.models import CampaignBackerDay, CampaignMoney
from wcl.time import BISHKEK

STAGES = (
    "applied",
    "shortlisted",
    "accepted",
    "enrolled",
    "attended",
    "graduated",
    "campaign_launched",
    "campaign_funded",
)
PEOPLE = ("mentors", "reviewers", "team_members")
ATTENDANCE_PCT = 75

NOT_STATED = "not_stated"
DIMENSIONS = {
    "gender": ("woman", "man", "other"),
    "age": ("under_18", "18_24", "25_35", "36_45", "46_60", "over_60", NOT_STATED),
    # Youth as Kyrgyzstan defines it (Law No. 157 "On youth", 2023: 14–35), and the UN
    # statistical youth band (15–24) for international comparison.
    "youth": ("youth", "not_youth", NOT_STATED),
    "youth_un": ("youth_un", "not_youth_un", NOT_STATED),
    "region": (*REGION_CODES, NOT_STATED),
    "settlement": ("urban", "rural", NOT_STATED),
    "disability": ("yes", "no", NOT_STATED),
    "domain": (*CREATIVE_DOMAIN_CODES, NOT_STATED),
}
# The youth breakdowns' age ranges, both ends included.
YOUTH_BANDS = {"youth": (14, 35), "youth_un": (15, 24)}
# Categories counted with the stricter threshold (10): disability and the
# merged "another way or not stated" gender group.
SENSITIVE = {("gender", "other"), ("disability", "yes")}

_LAUNCHED = (CampaignStatus.LIVE, CampaignStatus.SUCCEEDED, CampaignStatus.FAILED)


def _wg_disability(d):
    domains = ("seeing", "hearing", "walking", "cognition", "selfcare", "communication")
    cols = [getattr(d, f"wg_{name}") for name in domains]
    any_answer = sa.or_(*[c.isnot(None) for c in cols])
    any_difficulty = sa.or_(*[c.in_(("a_lot", "cannot")) for c in cols])
    return sa.case((any_difficulty, sa.true()), (any_answer, sa.false()), else_=sa.null())


def _from_application(a):
    return {
        "gender": a.snapshot_gender,
        "birth_year": a.snapshot_birth_year,
        "region": a.snapshot_region,
        "settlement": a.snapshot_settlement,
        "domain": a.snapshot_creative_domain,
        "disability": a.snapshot_disability,
    }


def _from_demographics(d):
    return {
        "gender": d.gender,
        "birth_year": d.birth_year,
        "region": d.region,
        "settlement": d.settlement,
        "domain": d.creative_domain,
        "disability": _wg_disability(d),
    }


def _snapshot_or_current(a, d):
    """The application's snapshot when there is an application, else the current answers."""
    snap, cur = _from_application(a), _from_demographics(d)
    return {key: sa.case((a.id.isnot(None), snap[key]), else_=cur[key]) for key in snap}


def _row(stage, attrs, event_at, lab_id, call_id, cohort_id, campaign_id, owner_id, unit_id=None):
    """One counted unit: its attributes, event time, scope ids, the person it describes
    (whose ``cell_key`` protects the cell) and the unit's own id (application, enrolment,
    campaign, or the person for mentors and reviewers)."""
    return [
        sa.literal(stage).label("stage"),
        attrs["gender"].label("gender"),
        attrs["birth_year"].label("birth_year"),
        attrs["region"].label("region"),
        attrs["settlement"].label("settlement"),
        attrs["domain"].label("domain"),
        attrs["disability"].label("disability"),
        sa.cast(event_at, sa.DateTime(timezone=True)).label("event_at"),
        sa.cast(lab_id, sa.Integer).label("lab_id"),
        sa.cast(call_id, sa.Integer).label("call_id"),
        sa.cast(cohort_id, sa.Integer).label("cohort_id"),
        sa.cast(campaign_id, sa.Integer).label("campaign_id"),
        sa.cast(owner_id, sa.Integer).label("person_id"),
        sa.cast(owner_id if unit_id is None else unit_id, sa.Integer).label("unit_id"),
    ]


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
    attrs = _from_application(a)
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
            *_row(
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
    attrs = _snapshot_or_current(a, d)
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
    enrolled = base.add_columns(*_row("enrolled", attrs, e.enrolled_at, *ids))
    attended = (
        base.join(att, att.c.enrolment_id == e.id)
        .add_columns(*_row("attended", attrs, e.enrolled_at, *ids))
        .where(att.c.present + att.c.absent > 0)
        .where(100 * att.c.present >= ATTENDANCE_PCT * (att.c.present + att.c.absent))
    )
    graduated = base.add_columns(*_row("graduated", attrs, e.graduated_at, *ids)).where(
        e.status == EnrolmentStatus.GRADUATED
    )
    return [enrolled, attended, graduated], base, ids, attrs


def owner_context():
    """Correlated columns tying a campaign to its owner's latest application and
    latest enrolment (for attributes and the lab/call/cohort filters)."""
    latest_app = (
        sa.select(sa.func.max(Application.id))
        .where(Application.applicant_id == Campaign.owner_id, Application.submitted_at.isnot(None))
        .correlate(Campaign)
        .scalar_subquery()
    )
    latest_enrolment = (
        sa.select(Enrolment.cohort_id)
        .where(Enrolment.participant_id == Campaign.owner_id)
        .order_by(Enrolment.enrolled_at.desc(), Enrolment.id.desc())
        .limit(1)
        .correlate(Campaign)
        .scalar_subquery()
    )
    return latest_app, latest_enrolment


def campaign_base():
    """Campaigns joined to their owner's attributes and cohort; returns (select, attrs, ids)."""
    latest_app, latest_enrolment = owner_context()
    a = sa.orm.aliased(Application)
    d = sa.orm.aliased(Demographics)
    co = sa.orm.aliased(Cohort)
    attrs = _snapshot_or_current(a, d)
    base = (
        sa.select()
        .select_from(Campaign)
        .outerjoin(a, a.id == latest_app)
        .outerjoin(d, d.user_id == Campaign.owner_id)
        .outerjoin(co, co.id == latest_enrolment)
    )
    # The lab's own campaign (``Campaign.lab_id``) has no creator in a cohort: its
    # owner is the staff member who created it. It is never counted as a woman's
    # campaign, and its money is counted where it goes (as matched money).
    base = base.where(Campaign.lab_id.is_(None))
    ids = (co.lab_id, co.call_id, co.id, Campaign.id, Campaign.owner_id, Campaign.id)
    return base, attrs, ids


def _campaign_stages():
    base, attrs, ids = campaign_base()
    launched_at = sa.func.coalesce(Campaign.went_live_at, Campaign.starts_at)
    launched = base.add_columns(*_row("campaign_launched", attrs, launched_at, *ids)).where(
        Campaign.status.in_(_LAUNCHED)
    )
    funded = base.add_columns(
        *_row("campaign_funded", attrs, sa.func.coalesce(Campaign.ended_at, launched_at), *ids)
    ).where(Campaign.status == CampaignStatus.SUCCEEDED)
    return [launched, funded]


def _people_stages():
    """Mentors of enrolments and reviewers of applications, once per person and
    scope (lab/call/cohort), described by their current answers."""
    d = sa.orm.aliased(Demographics)
    e = sa.orm.aliased(Enrolment)
    co = sa.orm.aliased(Cohort)
    mentors = (
        sa.select(
            *_row(
                "mentors",
                _from_demographics(d),
                e.enrolled_at,
                co.lab_id,
                co.call_id,
                e.cohort_id,
                sa.null(),
                e.mentor_id,
            )
        )
        .select_from(e)
        .join(co, co.id == e.cohort_id)
        .outerjoin(d, d.user_id == e.mentor_id)
        .where(e.mentor_id.isnot(None))
    )
    d2 = sa.orm.aliased(Demographics)
    ra = sa.orm.aliased(ReviewAssignment)
    a = sa.orm.aliased(Application)
    c = sa.orm.aliased(Call)
    reviewers = (
        sa.select(
            *_row(
                "reviewers",
                _from_demographics(d2),
                ra.assigned_at,
                c.lab_id,
                a.call_id,
                sa.null(),
                sa.null(),
                ra.reviewer_id,
            )
        )
        .select_from(ra)
        .join(a, a.id == ra.application_id)
        .join(c, c.id == a.call_id)
        .outerjoin(d2, d2.user_id == ra.reviewer_id)
    )
    return [mentors, reviewers]


def _team_member_stage():
    """People in submitted team applications (issue 20): the lead and every member who
    accepted, described by their current answers (each gave her own, or none). A people
    stage: counted once per person in the scope, however many teams she is in."""
    tm = sa.orm.aliased(TeamMember)
    a = sa.orm.aliased(Application)
    c = sa.orm.aliased(Call)
    d = sa.orm.aliased(Demographics)
    attrs = _from_demographics(d)
    return (
        sa.select(
            *_row(
                "team_members", attrs, a.submitted_at, c.lab_id, a.call_id, sa.null(), sa.null(), tm.user_id
            )
        )
        .select_from(tm)
        .join(a, a.id == tm.application_id)
        .join(c, c.id == a.call_id)
        .outerjoin(d, d.user_id == tm.user_id)
        .where(tm.status == TeamMemberStatus.ACCEPTED, a.submitted_at.isnot(None))
    )


def events():
    """Every counted unit of every stage, as one ``UNION ALL`` subquery."""
    enrolment_selects = _enrolment_stages()[0]
    selects = [*_application_stages(), *enrolment_selects, *_campaign_stages(), *_people_stages()]
    selects.append(_team_member_stage())
    return sa.union_all(*selects).subquery("events")


def dimension_expr(name, col):
    """The CASE expression mapping a row of ``events`` (columns ``col``) to a category."""
    if name == "gender":
        return sa.case((col.gender == "woman", "woman"), (col.gender == "man", "man"), else_="other")
    if name in ("age", "youth", "youth_un"):
        age = sa.cast(sa.extract("year", col.event_at), sa.Integer) - col.birth_year
        if name in YOUTH_BANDS:
            low, high = YOUTH_BANDS[name]
            return sa.case(
                (col.birth_year.is_(None), NOT_STATED),
                (age.between(low, high), name),
                else_=f"not_{name}",
            )
        return sa.case(
            (col.birth_year.is_(None), NOT_STATED),
            (age < 18, "under_18"),
            (age <= 24, "18_24"),
            (age <= 35, "25_35"),
            (age <= 45, "36_45"),
            (age <= 60, "46_60"),
            else_="over_60",
        )
    if name == "region":
        return sa.case((col.region.in_(REGION_CODES), col.region), else_=NOT_STATED)
    if name == "settlement":
        return sa.case((col.settlement.in_(("urban", "rural")), col.settlement), else_=NOT_STATED)
    if name == "disability":
        return sa.case((col.disability.is_(True), "yes"), (col.disability.is_(False), "no"), else_=NOT_STATED)
    if name == "domain":
        return sa.case((col.domain.in_(CREATIVE_DOMAIN_CODES), col.domain), else_=NOT_STATED)
    raise ValueError(name)


def apply_filters(query, col, filters, event_col=None):
    """Restrict rows of a subquery/columns ``col`` by lab, call, cohort, campaign and dates."""
    event_col = col.event_at if event_col is None else event_col
    if filters.get("lab"):
        query = query.where(col.lab_id == filters["lab"])
    if filters.get("call"):
        query = query.where(col.call_id == filters["call"])
    if filters.get("cohort"):
        # Application stages have no cohort: they are restricted to the call that fed it.
        query = query.where(
            sa.or_(
                col.cohort_id == filters["cohort"],
                sa.and_(col.cohort_id.is_(None), col.call_id == filters["cohort_call"]),
            )
        )
    if filters.get("campaign"):
        query = query.where(
            sa.or_(
                col.campaign_id == filters["campaign"],
                sa.and_(col.campaign_id.is_(None), col.person_id == filters["campaign_owner"]),
            )
        )
    if filters.get("date_from"):
        query = query.where(event_col >= filters["date_from"])
    if filters.get("date_to"):
        query = query.where(event_col < filters["date_to"])
    return query


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


def local_day(bound):
    """The Bishkek date a date filter's bound (a Bishkek midnight, ``Filters.sql``) starts."""
    local = bound.astimezone(BISHKEK)
    if local.timetz().replace(tzinfo=None) != time():
        raise ValueError(f"a report's date bound is a Bishkek midnight, not {bound!r}")
    return local.date()


def paid_money(filters):
    """Per campaign with a paid pledge in the filters' dates: ``(campaign_id, pledged,
    backers)``, the money net of refunds and the distinct backers. Read from the kept
    tables (``wcl.reports.maintenance``), never from the pledges: without dates the
    per-campaign figures; with dates the per-day rows of the range's Bishkek days (money
    adds up over days, backers are counted distinct over them)."""
    if not (filters.get("date_from") or filters.get("date_to")):
        return sa.select(CampaignMoney.campaign_id, CampaignMoney.pledged, CampaignMoney.backers).where(
            CampaignMoney.backers > 0
        )
    days = sa.select(
        CampaignBackerDay.campaign_id,
        sa.func.sum(CampaignBackerDay.pledged).label("pledged"),
        sa.func.count(sa.distinct(CampaignBackerDay.backer)).label("backers"),
    ).where(CampaignBackerDay.paid_pledges > 0)
    if filters.get("date_from"):
        days = days.where(CampaignBackerDay.day >= local_day(filters["date_from"]))
    if filters.get("date_to"):
        days = days.where(CampaignBackerDay.day < local_day(filters["date_to"]))
    return days.group_by(CampaignBackerDay.campaign_id)


def money_query(filters, by):
    """Paid pledges, matched amounts and backers per (category, currency), with the
    number of campaign owners behind each cell, their key sum and the largest single
    owner's amounts (what ``wcl.reports.protection`` needs to protect the cell). Dates
    count pledges paid in the range (net of their refunds) and matching reserved in it."""
    base, attrs, ids = campaign_base()
    paid = paid_money(filters).subquery()
    matched = (
        sa.select(MatchReservation.campaign_id, sa.func.sum(MatchReservation.amount).label("matched"))
        .where(MatchReservation.released_at.is_(None))
        .group_by(MatchReservation.campaign_id)
    )
    if filters.get("date_from"):
        matched = matched.where(MatchReservation.created_at >= filters["date_from"])
    if filters.get("date_to"):
        matched = matched.where(MatchReservation.created_at < filters["date_to"])
    matched = matched.subquery()
    rows = base.add_columns(*_row("money", attrs, Campaign.starts_at, *ids)).add_columns(
        Campaign.currency.label("currency"),
        sa.func.coalesce(paid.c.pledged, 0).label("pledged"),
        sa.func.coalesce(paid.c.backers, 0).label("backers"),
        sa.func.coalesce(matched.c.matched, 0).label("matched"),
    )
    rows = rows.outerjoin(paid, paid.c.campaign_id == Campaign.id).outerjoin(
        matched, matched.c.campaign_id == Campaign.id
    )
    rows = rows.where(sa.or_(paid.c.campaign_id.isnot(None), matched.c.campaign_id.isnot(None)))
    filters = {k: v for k, v in filters.items() if k not in ("date_from", "date_to")}
    rows = rows.subquery()
    return money_cells(apply_filters(sa.select(rows), rows.c, filters).subquery(), by)


def money_cells(rows, by, amounts=("pledged", "matched"), counts=("backers",)):
    """Group money rows (``currency``, ``person_id``, the person's attributes and
    ``event_at``, the ``amounts`` and ``counts`` columns; one row per campaign or grant)
    per (currency, category): the number of distinct people behind the cell and their
    key sum (what the cell is protected by), the number of rows as ``campaigns``
    (campaigns, grants), the sums, and the largest single person's amounts
    (``largest_<amount>``)."""
    dim = dimension_expr(by, rows.c).label("d1")
    person = (
        sa.select(
            rows.c.currency,
            dim,
            rows.c.person_id,
            sa.func.count().label("campaigns"),
            *[sa.func.sum(rows.c[name]).label(name) for name in (*amounts, *counts)],
        )
        .group_by(rows.c.currency, dim, rows.c.person_id)
        .subquery()
    )
    columns = []
    for name in amounts:
        columns += [
            sa.func.sum(person.c[name]).label(name),
            sa.func.max(person.c[name]).label(f"largest_{name}"),
        ]
    return (
        sa.select(
            person.c.currency,
            person.c.d1,
            sa.func.count().label("people"),
            sa.func.sum(User.cell_key).label("cell_key"),
            sa.func.sum(person.c.campaigns).label("campaigns"),
            *columns,
            *[sa.func.sum(person.c[name]).label(name) for name in counts],
        )
        .join(User, User.id == person.c.person_id)
        .group_by(person.c.currency, person.c.d1)
    )


# Grants counted in reports: offered to her and not cancelled (an award is offered at once).
COUNTED_GRANTS = (GrantStatus.OFFERED, GrantStatus.ACCEPTED, GrantStatus.ACTIVE, GrantStatus.CLOSED)


def grant_query(filters, by):
    """Seed grants per (currency, category): recipients (distinct people, protected by their
    keys), grants, amounts awarded (the grant's amount) and disbursed (its released
    tranches). A recipient is described like an enrolment: the snapshot of the application
    her grant's enrolment came from, else her current ``Demographics``; her age at the award.
    Filters: the fund's lab, the enrolment's call and cohort, a campaign's owner, and the
    award date."""
    e = sa.orm.aliased(Enrolment)
    co = sa.orm.aliased(Cohort)
    a = sa.orm.aliased(Application)
    d = sa.orm.aliased(Demographics)
    attrs = _snapshot_or_current(a, d)
    released = (
        sa.select(Tranche.grant_id, sa.func.sum(Tranche.amount).label("disbursed"))
        .where(Tranche.status == TrancheStatus.RELEASED)
        .group_by(Tranche.grant_id)
        .subquery()
    )
    ids = (GrantFund.lab_id, co.call_id, e.cohort_id, sa.null(), Grant.recipient_id, Grant.id)
    rows = (
        sa.select(
            *_row("grants", attrs, Grant.created_at, *ids),
            GrantFund.currency.label("currency"),
            Grant.amount.label("awarded"),
            sa.func.coalesce(released.c.disbursed, 0).label("disbursed"),
        )
        .select_from(Grant)
        .join(GrantFund, GrantFund.id == Grant.fund_id)
        .join(e, e.id == Grant.enrolment_id)
        .join(co, co.id == e.cohort_id)
        .outerjoin(a, a.id == e.application_id)
        .outerjoin(d, d.user_id == Grant.recipient_id)
        .outerjoin(released, released.c.grant_id == Grant.id)
        .where(Grant.status.in_(COUNTED_GRANTS))
        .subquery()
    )
    return money_cells(
        apply_filters(sa.select(rows), rows.c, filters).subquery(),
        by,
        amounts=("awarded", "disbursed"),
        counts=(),
    )
