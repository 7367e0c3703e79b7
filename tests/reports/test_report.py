"""The participation report against a hand-computed population (see fixture.py).

Every test states the true counts (worked out by hand) and the protected values the
cell-key method publishes for them; ``_check`` asserts the rule between the two for
every cell: 0 stays 0, a count of 1..4 (1..9 where sensitive) is "c", anything else is
the count moved by at most 2 and never below the threshold."""

import pytest

from tests.factories.accounts import UserFactory
from tests.reports.fixture import build
from wcl.extensions import db
from wcl.reports import queries, services
from wcl.reports.protection import MAX_NOISE, RULE

C = "c"


@pytest.fixture
def data(app_ctx):
    return build()


@pytest.fixture
def staff(app_ctx):
    return UserFactory(roles=["staff"])


def _report(user, **args):
    return services.build_report(services.parse_filters(args, user), user)


def _rows(report):
    return {row.stage: (*row.values, row.total) for row in [*report.funnel, *report.people]}


def _check(published, true, thresholds):
    """The protection rule, cell by cell, between published values and true counts."""
    for value, count, limit in zip(published, true, thresholds, strict=True):
        if count == 0:
            assert value == 0, (published, true)
        elif count < limit:
            assert value == C, (published, true)
        else:
            assert value != C and value >= limit and abs(value - count) <= MAX_NOISE, (published, true)


def _true_rows(staff, by="gender", **args):
    """The true counts of a report's funnel straight from SQL: {stage: (categories..., total)}."""
    filters = services.parse_filters({"by": by, **args}, staff)
    counts = {
        (s, d1): n for s, d1, _d2, n, _key in db.session.execute(queries.stage_counts(filters.sql(), by))
    }
    categories = queries.DIMENSIONS[by]
    out = {}
    for stage in (*queries.STAGES, *queries.PEOPLE):
        row = [counts.get((stage, c), 0) for c in categories]
        out[stage] = (*row, sum(row))
    return out


def _limits(by):
    return (*(10 if (by, c) in queries.SENSITIVE else 5 for c in queries.DIMENSIONS[by]), 5)


def _check_report(staff, by="gender", **args):
    published = _rows(_report(staff, by=by, **args))
    for stage, true in _true_rows(staff, by, **args).items():
        _check(published[stage], true, _limits(by))
    return published


def test_funnel_by_gender_unfiltered(data, staff):
    rows = _check_report(staff)
    # (women, men, another way or not stated, total); true counts in the comments.
    assert rows == {
        # 28 women (20 C1 + 6 C2 + 2 C3), 8 men, 6 others (< 10: hidden); 42.
        "applied": (27, 7, C, 42),
        # 15 + 3 women, 3 men, 1 other; 22.
        "shortlisted": (18, C, C, 22),
        "accepted": (14, C, C, 18),
        # 10 + 1 (no application) + 3 women, 2 men, 1 other; 17.
        "enrolled": (15, C, C, 16),
        # 8 + 3 women at >= 75 %, 2 men, 1 other; 14.
        "attended": (10, C, C, 14),
        # 7 + 2 women, 1 man: the women's 9 stays visible (nothing large is hidden for a small
        # neighbour: the noise protects it); 10.
        "graduated": (8, C, 0, 9),
        # 6 women, 1 man; 7 (each figure perturbed on its own: the table need not add up).
        "campaign_launched": (6, C, 0, 5),
        "campaign_funded": (C, C, 0, C),
        "mentors": (C, 0, 0, C),
        "reviewers": (6, C, 0, 5),
        "team_members": (0, 0, 0, 0),  # no team applications in this fixture
    }


def test_the_women_headline_is_shown_whenever_it_is_not_small(data, staff):
    for by in ("gender",):
        for args in (
            {},
            {"lab": str(data["l1"].id)},
            {"call": str(data["c1"].id)},
            {"date_from": "2026-04-01"},
        ):
            true = _true_rows(staff, by, **args)
            published = _rows(_report(staff, by=by, **args))
            for stage, counts in true.items():
                if counts[0] >= 5:
                    assert published[stage][0] != C, (args, stage)
                if counts[-1] >= 5:
                    assert published[stage][-1] != C, (args, stage)


def test_same_cell_same_value_in_every_report(data, staff):
    # The 7 campaigns (6 women's, 1 man's) all belong to call C1 and lab 1: the same records,
    # so the same published values whatever the filter or the second breakdown.
    reports = [
        _report(staff),
        _report(staff, lab=str(data["l1"].id)),
        _report(staff, call=str(data["c1"].id)),
        _report(staff, by2="region"),
    ]
    for stage in ("campaign_launched", "campaign_funded", "reviewers"):
        assert len({_rows(r)[stage] for r in reports}) == 1, stage
    assert len({str(r.money) for r in reports}) == 1
    # And a second request gives the same report.
    assert _rows(_report(staff)) == _rows(reports[0])


def test_true_counts_before_protection(data, staff):
    # The true counts straight from SQL, to show the protection is the only change.
    # Every (stage, gender) group with anyone in it; a group missing here counts nobody.
    counts = {(s, d1): n for s, d1, d2, n, key in db.session.execute(queries.stage_counts({}, "gender"))}
    assert counts == {
        # 20 C1 + 6 C2 + 2 C3 women; 8 men; 3 "another" + 2 "prefer not" + 1 not asked.
        ("applied", "woman"): 28,
        ("applied", "man"): 8,
        ("applied", "other"): 6,
        # Shortlisted or accepted: 12 + 3 C1 women and 3 C2 women; 2 + 1 men; 1 other.
        ("shortlisted", "woman"): 18,
        ("shortlisted", "man"): 3,
        ("shortlisted", "other"): 1,
        ("accepted", "woman"): 15,
        ("accepted", "man"): 2,
        ("accepted", "other"): 1,
        # K1: 10 women + 1 without an application; K2: 3 women.
        ("enrolled", "woman"): 14,
        ("enrolled", "man"): 2,
        ("enrolled", "other"): 1,
        # 8 K1 women at 3/4 and the 3 K2 women at 1/1; men and the other at 4/4.
        ("attended", "woman"): 11,
        ("attended", "man"): 2,
        ("attended", "other"): 1,
        ("graduated", "woman"): 9,
        ("graduated", "man"): 1,
        ("campaign_launched", "woman"): 6,
        ("campaign_launched", "man"): 1,
        ("campaign_funded", "woman"): 3,
        ("campaign_funded", "man"): 1,
        ("mentors", "woman"): 2,
        ("reviewers", "woman"): 5,
        ("reviewers", "man"): 1,
    }


def test_funnel_by_age_band(data, staff):
    report = _report(staff, by="age")
    assert report.categories == ["under_18", "18_24", "25_35", "36_45", "46_60", "over_60", "not_stated"]
    rows = _check_report(staff, by="age")
    # Applied: 18–24: 6 women; 25–35: 10 + 6 + 2 women; 36–45: 8 men; 46–60: 4 women (hidden);
    # not stated: 6. Nothing else is hidden with the 4.
    assert rows["applied"] == (0, 6, 17, 7, C, 0, 5, 42)
    # Accepted: 18–24: 2 women; 25–35: 10 + 3; 36–45: 2 men; not stated: 1.
    assert rows["accepted"] == (0, C, 12, C, 0, 0, C, 18)


def test_youth_breakdown(data, staff):
    rows = _check_report(staff, by="youth")
    # youth (14–35): 10 + 6 + 6 + 2 women = 24; not youth: 4 women + 8 men = 12; not stated: 6.
    assert rows["applied"] == (24, 11, 5, 42)


def test_un_youth_breakdown(data, staff):
    report = _report(staff, by="youth_un")
    assert report.category_labels == ["Aged 15–24", "Not aged 15–24", "Not stated"]
    assert _true_rows(staff, "youth_un")["applied"] == (6, 30, 6, 42)
    rows = _check_report(staff, by="youth_un")
    # 15–24: the 6 C1 women born 2005; not: 18 women born 2000, 4 born 1980, 8 men; not stated: 6.
    assert rows["applied"][0] != "c" and rows["applied"][1] != "c"


def test_funnel_by_disability(data, staff):
    report = _report(staff, by="disability")
    assert report.categories == ["yes", "no", "not_stated"]
    # (with disability, without, not stated, total); "yes" is counted with the threshold of 10.
    assert _check_report(staff, by="disability") == {
        # 7 with a disability (< 10: hidden, although 7 is published in other breakdowns),
        # 29 without, 6 not stated.
        "applied": (C, 27, 5, 42),
        # 2 with (C1 women 8, 9), 19 without, 1 other.
        "shortlisted": (C, 21, C, 22),
        "accepted": (C, 15, C, 18),
        # 2 with; 13 without; the other and the woman without an application not stated.
        "enrolled": (C, 14, C, 16),
        # Women 8 and 9 attended 2 of 4: 0 with, 13 without, the other (1) not stated.
        "attended": (0, 14, C, 14),
        "graduated": (0, 9, 0, 9),
        "campaign_launched": (0, 5, 0, 5),
        "campaign_funded": (0, C, 0, C),
        # Mentors and reviewers answered no disability questions.
        "mentors": (0, 0, C, C),
        "reviewers": (0, 0, 5, 5),
        "team_members": (0, 0, 0, 0),
    }


def test_funnel_by_settlement(data, staff):
    report = _report(staff, by="settlement")
    assert report.categories == ["urban", "rural", "not_stated"]
    rows = _check_report(staff, by="settlement")
    # 6 C2 women + 1 man urban (7), 29 rural, 6 not stated.
    assert rows["applied"] == (7, 30, 5, 42)
    # 2 urban (K2), 8 rural: the 2 hidden, the 8 shown.
    assert rows["graduated"] == (C, 10, 0, 9)


def test_funnel_by_creative_domain(data, staff):
    report = _report(staff, by="domain")
    assert report.categories == [
        "CULT_NH",
        "PERF",
        "V_ARTS",
        "PRINT",
        "AV_MEDIA",
        "DESIGN",
        "TOURISM",
        "SPORT_REC",
        "not_stated",
    ]
    assert report.category_labels[1:3] == ["Performance and celebration", "Visual arts and crafts"]
    z = (0, 0, 0, 0, 0)  # print, audio-visual, design, tourism, sport: nobody
    rows = _check_report(staff, by="domain")
    # Performance: C1 women 10–19 and 8 men (18); visual arts: 10 + 6 + 2 women (18); 6 not stated.
    assert rows["applied"] == (0, 20, 17, *z, 5, 42)
    # Performance 2 women + 2 men = 4 (hidden); visual arts 13; 1 not stated.
    assert rows["accepted"] == (0, C, 12, *z, C, 18)


def test_cross_tab_disability_by_settlement(data, staff):
    cross = _report(staff, by="disability", by2="settlement", stage="applied").cross
    # True counts: with disability 7 rural; without 7 urban + 22 rural; not stated 6. Only the
    # small cells (the 7 with a disability, threshold 10) are hidden; every other cell and
    # margin is shown, perturbed on its own.
    assert [(r["code"], r["values"], r["total"]) for r in cross["rows"]] == [
        ("yes", [0, C, 0], C),
        ("no", [7, 22, 0], 27),
        ("not_stated", [0, 0, 5], 5),
    ]
    assert (cross["totals"], cross["total"]) == ([7, 30, 5], 42)
    _check([7, 22, 0, 27], [7, 22, 0, 29], [5, 5, 5, 5])


def test_money_per_currency(data, staff):
    report = _report(staff)
    (block,) = report.money
    assert block["currency"] == "KGS"
    measures = {m["key"]: (*m["values"], m["total"]) for m in block["measures"]}
    # 6 women's campaigns (6 women), 1 man's (one person: hidden, and so is all his money);
    # 7 in all (7 people).
    assert measures["campaigns"] == (6, C, 0, 5)
    # True: women 12 × 1000.00 = 12,000.00; all 12,500.00 KGS (pending and refunded left out).
    # Each amount moves by 5–25 % of its cell's largest person's money (2,000.00 KGS), rounded
    # to whole som: so 11,711.00 and 12,365.00.
    assert measures["pledged"] == (1_171_100, C, 0, 1_236_500)
    for published, true in ((1_171_100, 1_200_000), (1_236_500, 1_250_000)):
        assert 0.05 * 200_000 - 100 <= abs(published - true) <= 0.25 * 200_000 + 100
    # Backers: 12 women's, 13 in all, perturbed as counts.
    assert measures["backers"] == (12, C, 0, 13)
    assert measures["matched"] == (0, C, 0, 0)


def test_cross_tab_gender_by_region(data, staff):
    report = _report(staff, by="gender", by2="region", stage="applied")
    cross = report.cross
    assert cross["columns"] == [
        "KG-GB",
        "KG-GO",
        "KG-B",
        "KG-C",
        "KG-J",
        "KG-N",
        "KG-O",
        "KG-T",
        "KG-Y",
        "not_stated",
    ]
    # 22 women in Osh region (KG-O: C1 and C3), 6 in Batken (KG-B); men (8) and others (6, < 10)
    # all in KG-O. Only the others are hidden.
    assert [(r["code"], r["values"], r["total"]) for r in cross["rows"]] == [
        ("woman", [0, 0, 8, 0, 0, 0, 24, 0, 0, 0], 27),
        ("man", [0, 0, 0, 0, 0, 0, 7, 0, 0, 0], 7),
        ("other", [0, 0, 0, 0, 0, 0, C, 0, 0, 0], C),
    ]
    assert cross["totals"] == [0, 0, 8, 0, 0, 0, 37, 0, 0, 0]
    assert cross["total"] == 42
    # The cross-tab's margins are the same cells as the funnel's: the same published values.
    assert _rows(report)["applied"] == (27, 7, C, 42)


@pytest.mark.parametrize("by", ["gender", "disability", "age", "region"])
@pytest.mark.parametrize(
    "args",
    [
        {"lab": "l1"},
        {"lab": "l2"},
        {"call": "c1"},
        {"call": "c3"},
        {"cohort": "k1"},
        {"cohort": "k2"},
        {"campaign": "campaign"},
        {"date_from": "2026-04-01"},
        {"call": "c1", "date_to": "2026-03-31"},
    ],
)
def test_filtered_reports_follow_the_rule(data, staff, by, args):
    """Every cell of a filtered report against its true count (see ``_check``)."""
    _check_report(staff, by, **{k: v if k.startswith("date") else str(data[v].id) for k, v in args.items()})


def test_a_call_and_its_lab(data, staff):
    # Lab 1 = call C1 + call C3, whose 2 applications (women) are hidden in C3's own report.
    lab1 = _check_report(staff, lab=str(data["l1"].id))
    c1 = _check_report(staff, call=str(data["c1"].id))
    c3 = _check_report(staff, call=str(data["c3"].id))
    assert lab1["applied"] == (24, 7, C, 37)  # true 22, 8, 6, 36
    assert c1["applied"] == (21, 7, C, 34)  # true 20, 8, 6, 34
    assert c3["applied"] == (C, 0, 0, C)  # true 2, 0, 0, 2
    # lab 1 − C1 = 24 − 21 = 3 women "in C3": a noisy figure, not C3's true 2. The same
    # men (the 8 of C1) are the same cell in both reports, so the same 7 (difference 0).
    assert lab1["applied"][1] == c1["applied"][1]


def test_date_filter(data, staff):
    # Only enrolment-era events (from April): application stages drop to zero (true zeros).
    rows = _check_report(staff, date_from="2026-04-01")
    assert rows["applied"] == (0, 0, 0, 0)
    assert rows["graduated"] == (8, C, 0, 9)


@pytest.mark.parametrize(
    "args",
    [
        {"by": "height"},
        {"by": "gender", "by2": "gender"},
        {"lab": "999999"},
        {"call": "abc"},
        {"date_from": "2026-05-01", "date_to": "2026-04-01"},
        {"date_from": "01/05/2026"},
        {"stage": "nope"},
    ],
)
def test_bad_filters_refused(app_ctx, staff, args):
    with pytest.raises(services.ReportError):
        services.parse_filters(args, staff)


def test_rule_is_stated(data, staff):
    assert _report(staff).rule == str(RULE)
