"""An attacker with every report the UI offers tries to recover a small group by differencing.

Issue 16's finding, on a fixture with its numbers: lab L holds calls A and B; women without a
disability are 44 of 59 in the lab and 25 of 38 in call A, so 19 of call B's 21 women, and call
B's "not stated" is 0, which leaves **2 women with a disability in call B**, a cell B's own
report hides. Under small-count suppression this works (44 − 25 − (21 − 0) … exactly 2); the
control test below shows the attacker finds it when counts are published exactly.

The attacker here:

1. enumerates every report the UI can produce for a lab-scoped and for a global staff member
   on this fixture: every lab, call, cohort, campaign and date-range filter the report form
   accepts (``parse_filters`` decides), every funnel stage and people row, every one-way
   breakdown and every two-way table at every stage. A report's cells are rebuilt from the
   records in its scope (``queries.unit_rows``, one query per scope) and published with
   ``wcl.reports.protection``; ``test_the_model_is_what_the_ui_publishes`` shows, scope by
   scope, that this is cell for cell what ``build_report`` (the page and every export)
   publishes;
2. knows the population behind every published cell (the worst case: she knows who applied,
   just not their disability) and the published method, so for each population she
   intersects what every published value of it allows (``possible_counts``, per threshold);
3. searches every way to write a small hidden group S as a signed combination of up to four
   exact published cells, (X − Y) − (Z − W), which covers pairs (A − B), triples
   (A − B − C, A − B + C) and the issue's four-cell chain.

Under the cell-key method no non-zero published count is exact, so no combination pins a
small group; the test also shows the issue's own chain gives only a range that holds the
truth among several values, and that the same group always shows the same value.
"""

import itertools
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.factories.accounts import UserFactory
from tests.factories.campaigns import CampaignFactory
from tests.factories.programme import (
    ApplicationFactory,
    CallFactory,
    CohortFactory,
    EnrolmentFactory,
    LabFactory,
)
from wcl.accounts.models import CELL_KEY_RANGE, User
from wcl.applications.models import Application
from wcl.extensions import db
from wcl.reports import queries, services
from wcl.reports.errors import ReportError
from wcl.reports.protection import MARK, SENSITIVE_THRESHOLD, THRESHOLD, Cell, possible_counts, publish

A_DAY = datetime(2026, 3, 2, 9, tzinfo=UTC)
B_DAY = datetime(2026, 3, 10, 9, tzinfo=UTC)
ENROLLED = datetime(2026, 4, 1, 9, tzinfo=UTC)
# Date ranges: none; from or up to a day between the calls' submission days; the enrolment
# era; and a range holding call B's submissions only.
DATES = (
    (None, None),
    ("2026-03-05", None),
    (None, "2026-03-05"),
    ("2026-04-01", None),
    ("2026-03-05", "2026-03-31"),
)
STAGES = (*queries.STAGES, *queries.PEOPLE)
# Which records a stage counts: applications, enrolments, campaigns or people (the same
# records in two stages are the same population, with the same published value).
KIND = {"applied": "a", "shortlisted": "a", "accepted": "a", "enrolled": "e", "attended": "e"}
KIND |= {"graduated": "e", "campaign_launched": "c", "campaign_funded": "c", "mentors": "p"}
KIND |= {"reviewers": "p", "team_members": "p"}


def _apply(call, day, gender, disability, region="KG-O", birth_year=2000, status="submitted"):
    return ApplicationFactory(
        call=call,
        applicant=UserFactory(roles=["applicant"]),
        status=status,
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
    a_women = [_apply(call_a, A_DAY, "woman", False, region="KG-O" if i < 15 else "KG-J") for i in range(25)]
    a_women += [_apply(call_a, A_DAY, "woman", True, birth_year=1990 if i < 6 else 2000) for i in range(13)]
    for _ in range(7):
        _apply(call_a, A_DAY, "man", False)
    # Call B: 21 women, 19 without, 2 with a disability (the hidden group), 0 not stated; 6 men.
    b_women = [_apply(call_b, B_DAY, "woman", False, region="KG-N") for _ in range(19)]
    b_women += [_apply(call_b, B_DAY, "woman", True, region="KG-N") for _ in range(2)]
    b_men = [_apply(call_b, B_DAY, "man", False, region="KG-N") for _ in range(6)]
    # Another lab's call: 12 women, 3 of them with a disability.
    for i in range(12):
        _apply(call_c, A_DAY, "woman", i < 3, region="KG-B")
    # Cohorts: 9 of call A's women (4 with a disability) and 17 of call B's applicants (15
    # women without and 1 with a disability, 1 man), all with one mentor; 10 of B's graduate.
    mentor = UserFactory(roles=["mentor"])
    k_a = CohortFactory(lab=lab, call_id=call_a.id)
    k_b = CohortFactory(lab=lab, call_id=call_b.id)
    for app in a_women[20:29]:
        EnrolmentFactory(
            cohort=k_a, participant=app.applicant, mentor=mentor, application_id=app.id, enrolled_at=ENROLLED
        )
    for i, app in enumerate([*b_women[:15], b_women[19], b_men[0]]):
        EnrolmentFactory(
            cohort=k_b,
            participant=app.applicant,
            mentor=mentor,
            application_id=app.id,
            enrolled_at=ENROLLED,
            status="graduated" if i < 10 else "active",
            graduated_at=ENROLLED + timedelta(days=60) if i < 10 else None,
        )
    # A campaign by call B's woman with a disability, one by a woman without.
    campaign = CampaignFactory(owner=b_women[19].applicant, status="live", went_live_at=ENROLLED)
    CampaignFactory(owner=b_women[0].applicant, status="succeeded", went_live_at=ENROLLED)
    for i, user in enumerate(db.session.scalars(sa.select(User).order_by(User.id))):
        user.cell_key = (i * 131 + 29) % CELL_KEY_RANGE
    db.session.commit()
    return {
        "lab": lab,
        "other_lab": other_lab,
        "a": call_a,
        "b": call_b,
        "c": call_c,
        "k_a": k_a,
        "k_b": k_b,
        "campaign": campaign,
    }


# --- every report the UI offers ---------------------------------------------------------


def _scopes(user, world):
    """Every filter combination the report form accepts from ``user``: (filters, key), one per
    distinct scope (a lab-scoped report is the same with or without its lab chosen)."""
    labs = [None, world["lab"].id, world["other_lab"].id]
    calls = [None, world["a"].id, world["b"].id, world["c"].id]
    cohorts = [None, world["k_a"].id, world["k_b"].id]
    campaigns = [None, world["campaign"].id]
    seen = set()
    for lab, call, cohort, campaign, (date_from, date_to) in itertools.product(
        labs, calls, cohorts, campaigns, DATES
    ):
        args = {"lab": lab, "call": call, "cohort": cohort, "campaign": campaign}
        args.update(date_from=date_from, date_to=date_to)
        try:
            filters = services.parse_filters({k: str(v) for k, v in args.items() if v}, user)
        except ReportError:
            continue  # not offered (another lab's call or cohort for lab-scoped staff)
        key = tuple(sorted(filters.query_args().items()))
        if key not in seen:
            seen.add(key)
            yield filters


def _threshold(dimension, category):
    return SENSITIVE_THRESHOLD if (dimension, category) in queries.SENSITIVE else THRESHOLD


def _model(filters):
    """{(stage, {(dimension, category), ...}): (population, Cell)} for every non-empty cell of
    every report with these filters: stage totals, one-way cells, two-way cells."""
    rows = db.session.execute(queries.unit_rows(filters.sql())).mappings().all()
    dims = list(queries.DIMENSIONS)
    groups = {}
    for row in rows:
        record = (KIND[row["stage"]], row["unit_id"], row["cell_key"])
        cats = [(d, row[d]) for d in dims]
        for where in [(), *((c,) for c in cats), *itertools.combinations(cats, 2)]:
            groups.setdefault((row["stage"], frozenset(where)), set()).add(record)
    out = {}
    for cell, records in groups.items():
        population = frozenset(r[:2] for r in records)
        out[cell] = (population, Cell(len(records), sum(r[2] for r in records) % CELL_KEY_RANGE))
    return out


def _limit(where):
    return max([THRESHOLD, *(_threshold(d, c) for d, c in where)])


def _published(model):
    """[(population, published value, threshold)] of every cell of every report in the scope.
    (A cell missing from the model counts nobody and is published 0: an empty group.)"""
    return [(pop, publish(cell, _limit(where)), _limit(where)) for (_s, where), (pop, cell) in model.items()]


def _catalogue(user, world, publish_as=None):
    """{population: {(published value, threshold)}} and the small groups hidden somewhere."""
    published, hidden = {}, set()
    for filters in _scopes(user, world):
        for population, value, limit in _published(_model(filters)):
            if publish_as is not None:
                value = publish_as(len(population), limit)
            if value == MARK:
                hidden.add((population, limit))
                continue
            published.setdefault(population, set()).add((value, limit))
    return published, {pop for pop, limit in hidden if 0 < len(pop) < limit}


def _attacks(published, hidden, allowed=possible_counts):
    """Every small hidden group written as (X − Y) − (Z − W) of exact published cells: a
    population is exact when the counts every one of its published values ``allowed`` meet
    in one."""
    exact = set()
    for population, values in published.items():
        possible = set.intersection(*(allowed(v, t) for v, t in values))
        assert len(population) in possible  # the attacker's reasoning holds the truth
        if len(possible) == 1:
            exact.add(population)
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
    b_disabled_women = frozenset(
        ("a", app.id)
        for app in db.session.scalars(sa.select(Application).where(Application.call_id == world["b"].id))
        if app.snapshot_gender == "woman" and app.snapshot_disability
    )
    assert b_disabled_women in hidden  # the issue's cell is hidden in call B's report
    # Cohorts, campaigns and dates add small groups of their own: the campaign of call B's
    # woman with a disability, and that woman's enrolment.
    assert frozenset({("c", world["campaign"].id)}) in hidden
    assert any(len(pop) == 1 and next(iter(pop))[0] == "e" for pop in hidden)
    assert _attacks(published, hidden) == []
    # The same group has the same published value in every report it appears in (per threshold).
    for values in published.values():
        assert len({t for _v, t in values}) == len(values)


def test_the_attacker_finds_the_issues_group_when_counts_are_exact(world):
    """Control: published exactly (only small counts hidden, as under plain suppression), the
    same enumeration and search recover call B's 2 women with a disability."""
    staff = UserFactory(roles=["staff"], lab_id=world["lab"].id)

    def exact(count, limit):
        return MARK if 0 < count < limit else count

    published, hidden = _catalogue(staff, world, publish_as=exact)
    b_disabled_women = frozenset(
        ("a", app.id)
        for app in db.session.scalars(sa.select(Application).where(Application.call_id == world["b"].id))
        if app.snapshot_gender == "woman" and app.snapshot_disability
    )
    assert (2, sorted(b_disabled_women)) in _attacks(published, hidden, allowed=lambda v, t: {v})


def test_the_model_is_what_the_ui_publishes(world):
    """For scopes covering every kind of filter, ``build_report`` publishes exactly the
    model's value in every funnel and people cell and in a two-way table (cycling through
    the stages and breakdown pairs), so the attack above runs on the UI's figures."""
    staff = UserFactory(roles=["staff"])
    pairs = itertools.cycle(itertools.permutations(queries.DIMENSIONS, 2))
    stages = itertools.cycle(STAGES)
    scopes = [
        {},
        {"lab": "lab"},
        {"lab": "other_lab"},
        {"call": "b"},
        {"cohort": "k_a"},
        {"cohort": "k_b", "date_from": "2026-04-01"},
        {"campaign": "campaign"},
        {"lab": "lab", "campaign": "campaign"},
        {"call": "a", "date_to": "2026-03-05"},
        {"lab": "lab", "date_from": "2026-03-05", "date_to": "2026-03-31"},
    ]
    for args in scopes:
        args = {k: v if k.startswith("date") else str(world[v].id) for k, v in args.items()}
        by, by2 = next(pairs)
        filters = services.parse_filters({**args, "by": by, "by2": by2, "stage": next(stages)}, staff)
        report = services.build_report(filters, staff)
        model = _model(filters)

        def value(stage, *where):
            found = model.get((stage, frozenset(where)))
            return 0 if found is None else publish(found[1], _limit(where))

        for row in [*report.funnel, *report.people]:
            assert row.values == [value(row.stage, (by, c)) for c in report.categories]
            assert row.total == value(row.stage)
        cross = report.cross
        for row in cross["rows"]:
            r = (by, row["code"])
            assert row["values"] == [value(filters.stage, r, (by2, c)) for c in cross["columns"]]
            assert row["total"] == value(filters.stage, r)
        assert cross["totals"] == [value(filters.stage, (by2, c)) for c in cross["columns"]]
        assert cross["total"] == value(filters.stage)


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
