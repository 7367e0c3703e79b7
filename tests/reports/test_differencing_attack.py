"""An attacker with every report the UI offers tries to recover a small group by differencing.

Issue 16's finding, on a fixture with its numbers: lab L holds calls A and B; women without a
disability are 44 of 59 in the lab and 25 of 38 in call A, so 19 of call B's 21 women, and call
B's "not stated" is 0, which leaves **2 women with a disability in call B**, a cell B's own
report hides. Under small-count suppression this works (44 − 25 − (21 − 0) … exactly 2).

The attacker here:

1. enumerates every report the UI can produce for a lab-scoped and for a global staff member
   on this fixture: every lab, call and date filter combination (the fixture has no cohorts or
   campaigns), every one-way breakdown and every two-way table (stage "applied", the only one
   with people in this fixture);
2. knows the population behind every published cell (the worst case: she knows who applied,
   just not their disability) and the published method, so she knows which published values
   are exact (``possible_counts``: the true counts a published value could come from);
3. searches every way to write a small hidden group S as a signed combination of up to four
   exact published cells from up to three reports, (X − Y) − (Z − W), which covers pairs
   (A − B), triples (A − B − C, A − B + C) and the issue's four-cell chain.

Under the cell-key method no non-zero published count is exact, so no combination pins a
small group; the test also shows the issue's own chain gives only a range that holds the
truth among several values, and that the same group always shows the same value.
"""

import itertools
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from tests.factories.accounts import UserFactory
from tests.factories.programme import ApplicationFactory, CallFactory, LabFactory
from wcl.accounts.models import CELL_KEY_RANGE, User
from wcl.applications.models import Application
from wcl.extensions import db
from wcl.reference import CREATIVE_DOMAIN_CODES, REGION_CODES
from wcl.reports import queries, services
from wcl.reports.errors import ReportError
from wcl.reports.protection import MARK, possible_counts

A_DAY = datetime(2026, 3, 2, 9, tzinfo=UTC)
B_DAY = datetime(2026, 3, 10, 9, tzinfo=UTC)
# Date filters: none, from a day between the calls' submission days, or up to it.
DATES = ((None, None), ("2026-03-05", None), (None, "2026-03-05"))
# Two-way tables of the breakdowns that vary in this fixture (the others put everyone in one
# category, so their tables repeat the one-way cells).
CROSSED = ("gender", "disability", "region", "age")


def _apply(call, day, gender, disability, region="KG-O", birth_year=2000):
    return ApplicationFactory(
        call=call,
        applicant=UserFactory(roles=["applicant"]),
        status="submitted",
        submitted_at=day,
        snapshot_gender=gender,
        snapshot_birth_year=birth_year,
        snapshot_region=region,
        snapshot_settlement="rural",
        snapshot_creative_domain="V_ARTS",
        snapshot_disability=disability,
    )


@pytest.fixture
def world(app_ctx):
    lab, other_lab = LabFactory(), LabFactory()
    call_a, call_b, call_c = CallFactory(lab=lab), CallFactory(lab=lab), CallFactory(lab=other_lab)
    # Call A: 38 women, 25 without a disability (15 in Osh region, 10 in Jalal-Abad), 13 with; 7 men.
    for i in range(25):
        _apply(call_a, A_DAY, "woman", False, region="KG-O" if i < 15 else "KG-J")
    for i in range(13):
        _apply(call_a, A_DAY, "woman", True, birth_year=1990 if i < 6 else 2000)
    for _ in range(7):
        _apply(call_a, A_DAY, "man", False)
    # Call B: 21 women, 19 without, 2 with a disability (the hidden group), 0 not stated; 6 men.
    for _ in range(19):
        _apply(call_b, B_DAY, "woman", False, region="KG-N")
    for _ in range(2):
        _apply(call_b, B_DAY, "woman", True, region="KG-N")
    for _ in range(6):
        _apply(call_b, B_DAY, "man", False, region="KG-N")
    # Another lab's call: 12 women, 3 of them with a disability.
    for i in range(12):
        _apply(call_c, A_DAY, "woman", i < 3, region="KG-B")
    for i, user in enumerate(db.session.scalars(sa.select(User).order_by(User.id))):
        user.cell_key = (i * 131 + 29) % CELL_KEY_RANGE
    db.session.commit()
    return {"lab": lab, "other_lab": other_lab, "a": call_a, "b": call_b, "c": call_c}


# --- what the attacker knows: who is behind each cell -----------------------------------


def _category(dimension, app):
    if dimension == "gender":
        return app.snapshot_gender if app.snapshot_gender in ("woman", "man") else "other"
    if dimension == "disability":
        return {True: "yes", False: "no"}.get(app.snapshot_disability, queries.NOT_STATED)
    if dimension == "region":
        return app.snapshot_region if app.snapshot_region in REGION_CODES else queries.NOT_STATED
    if dimension == "settlement":
        return app.snapshot_settlement or queries.NOT_STATED
    if dimension == "domain":
        domain = app.snapshot_creative_domain
        return domain if domain in CREATIVE_DOMAIN_CODES else queries.NOT_STATED
    age = app.submitted_at.year - app.snapshot_birth_year
    if dimension in queries.YOUTH_BANDS:
        low, high = queries.YOUTH_BANDS[dimension]
        return dimension if low <= age <= high else f"not_{dimension}"
    bands = ((17, "under_18"), (24, "18_24"), (35, "25_35"), (45, "36_45"), (60, "46_60"))
    return next((band for top, band in bands if age <= top), "over_60")


def _in_scope(app, filters):
    day = app.submitted_at.date()
    return (
        (filters.lab is None or app.call.lab_id == filters.lab)
        and (filters.call is None or app.call_id == filters.call)
        and (filters.date_from is None or day >= filters.date_from)
        and (filters.date_to is None or day <= filters.date_to)
    )


def _threshold(dimension, category):
    return 10 if (dimension, category) in queries.SENSITIVE else 5


# --- every report the UI offers ---------------------------------------------------------


def _reports(user, world):
    """Every (filters, report) the UI offers ``user`` on this fixture."""
    labs = [None, world["lab"].id, world["other_lab"].id]
    calls = [None, world["a"].id, world["b"].id, world["c"].id]
    shapes = [(by, None) for by in queries.DIMENSIONS] + list(itertools.combinations(CROSSED, 2))
    seen = set()
    for lab, call, (date_from, date_to), (by, by2) in itertools.product(labs, calls, DATES, shapes):
        args = {"by": by, "by2": by2, "stage": "applied", "lab": lab, "call": call}
        args.update(date_from=date_from, date_to=date_to)
        try:
            filters = services.parse_filters({k: v for k, v in args.items() if v}, user)
        except ReportError:
            continue  # not offered (another lab's call for lab-scoped staff)
        key = tuple(sorted(filters.query_args().items()))
        if key not in seen:  # a lab-scoped report is the same with or without its lab chosen
            seen.add(key)
            yield filters, services.build_report(filters, user)


def _cells(filters, report, apps):
    """[(population, published value, threshold)] of the report's cells about applications."""
    scope = [app for app in apps if _in_scope(app, filters)]
    by, by2 = filters.by, filters.by2

    def who(**wanted):
        return frozenset(
            app.id for app in scope if all(_category(dim, app) == cat for dim, cat in wanted.items())
        )

    (applied,) = [row for row in report.funnel if row.stage == "applied"]
    out = [
        (who(**{by: c}), v, _threshold(by, c)) for c, v in zip(report.categories, applied.values, strict=True)
    ]
    out.append((who(), applied.total, 5))
    if report.cross:
        cross = report.cross
        for row in cross["rows"]:
            r = row["code"]
            for c, value in zip(cross["columns"], row["values"], strict=True):
                limit = max(_threshold(by, r), _threshold(by2, c))
                out.append((who(**{by: r, by2: c}), value, limit))
            out.append((who(**{by: r}), row["total"], _threshold(by, r)))
        for c, value in zip(cross["columns"], cross["totals"], strict=True):
            out.append((who(**{by2: c}), value, _threshold(by2, c)))
        out.append((who(), cross["total"], 5))
    return out


def _catalogue(user, world):
    """{population: {published values}} and the small groups hidden somewhere."""
    apps = db.session.scalars(sa.select(Application)).all()
    published, hidden = {}, set()
    for filters, report in _reports(user, world):
        for population, value, limit in _cells(filters, report, apps):
            if value == MARK:
                if 0 < len(population) < limit:
                    hidden.add(population)
                continue
            published.setdefault(population, {})[value] = limit
    return published, hidden


def _attacks(published, hidden):
    """Every small hidden group written as (X − Y) − (Z − W) of exact published cells."""
    exact = {
        pop
        for pop, values in published.items()
        if all(len(possible_counts(v, t)) == 1 for v, t in values.items())
    }
    exact.add(frozenset())
    differences = {x - y for x in exact for y in exact if y <= x}
    found = []
    for target in hidden:
        for x in differences:
            if target <= x and (x - target) in differences:
                found.append((len(target), sorted(target)))
                break
    return found


@pytest.mark.parametrize("scoped", [True, False], ids=["lab-scoped", "global"])
def test_no_combination_of_reports_recovers_a_small_group(world, scoped):
    staff = UserFactory(roles=["staff"], lab_id=world["lab"].id if scoped else None)
    published, hidden = _catalogue(staff, world)
    b_women_with_disability = frozenset(
        app.id
        for app in db.session.scalars(sa.select(Application).where(Application.call_id == world["b"].id))
        if app.snapshot_gender == "woman" and app.snapshot_disability
    )
    assert b_women_with_disability in hidden  # the issue's cell is hidden in call B's report
    assert _attacks(published, hidden) == []
    # The same group has the same published value in every report it appears in.
    assert all(len(values) == 1 for values in published.values())


def test_the_issues_chain_gives_a_range_not_the_count(world):
    staff = UserFactory(roles=["staff"], lab_id=world["lab"].id)

    def cell(by2_row, call=None, column="no"):
        args = {"by": "gender", "by2": "disability", "stage": "applied"}
        if call:
            args["call"] = str(world[call].id)
        cross = services.build_report(services.parse_filters(args, staff), staff).cross
        (row,) = [r for r in cross["rows"] if r["code"] == by2_row]
        return row["total"] if column is None else row["values"][cross["columns"].index(column)]

    lab_no, a_no = cell("woman"), cell("woman", "a")
    b_women, b_not_stated = cell("woman", "b", column=None), cell("woman", "b", column="not_stated")
    assert cell("woman", "b", column="yes") == MARK
    estimate = b_women - (lab_no - a_no) - b_not_stated
    # What the attacker can conclude: every sum of counts each published value could come from.
    ranges = [possible_counts(v) for v in (b_women, lab_no, a_no)]
    candidates = {w - (n - a) - b_not_stated for w in ranges[0] for n in ranges[1] for a in ranges[2]}
    assert 2 in candidates and len(candidates & set(range(1, 10))) > 1, (estimate, candidates)
    # The same cells have the same values on a second look (no averaging over requests).
    assert (cell("woman"), cell("woman", "a")) == (lab_no, a_no)
