"""What every report query shares: the stages and breakdowns, a counted unit's columns
(``event_columns``), whose attributes describe it, the breakdowns' CASE expressions and the
filters."""

import sqlalchemy as sa

from wcl.reference import CREATIVE_DOMAIN_CODES, REGION_CODES

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


def _wg_disability(d):
    domains = ("seeing", "hearing", "walking", "cognition", "selfcare", "communication")
    cols = [getattr(d, f"wg_{name}") for name in domains]
    any_answer = sa.or_(*[c.isnot(None) for c in cols])
    any_difficulty = sa.or_(*[c.in_(("a_lot", "cannot")) for c in cols])
    return sa.case((any_difficulty, sa.true()), (any_answer, sa.false()), else_=sa.null())


def from_application(a):
    return {
        "gender": a.snapshot_gender,
        "birth_year": a.snapshot_birth_year,
        "region": a.snapshot_region,
        "settlement": a.snapshot_settlement,
        "domain": a.snapshot_creative_domain,
        "disability": a.snapshot_disability,
    }


def from_demographics(d):
    return {
        "gender": d.gender,
        "birth_year": d.birth_year,
        "region": d.region,
        "settlement": d.settlement,
        "domain": d.creative_domain,
        "disability": _wg_disability(d),
    }


def snapshot_or_current(a, d):
    """The application's snapshot when there is an application, else the current answers."""
    snap, cur = from_application(a), from_demographics(d)
    return {key: sa.case((a.id.isnot(None), snap[key]), else_=cur[key]) for key in snap}


def event_columns(stage, attrs, event_at, lab_id, call_id, cohort_id, campaign_id, owner_id, unit_id=None):
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
