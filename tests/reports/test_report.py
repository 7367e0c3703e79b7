"""The participation report against a hand-computed population (see fixture.py)."""

import pytest

from tests.factories.accounts import UserFactory
from tests.reports.fixture import build
from wcl.reports import services
from wcl.reports.suppression import RULE

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


def test_funnel_by_gender_unfiltered(data, staff):
    rows = _rows(_report(staff))
    # (women, men, another way or not stated, total), worked out by hand:
    assert rows == {
        # 28 women (20 C1 + 6 C2 + 2 C3), 8 men, 6 others (<10: hidden), men hidden second.
        "applied": (28, C, C, 42),
        # 15 + 3 women, 3 men, 1 other.
        "shortlisted": (18, C, C, 22),
        "accepted": (15, C, C, 18),
        # 10 + 1 (no application) + 3 women, 2 men, 1 other.
        "enrolled": (14, C, C, 17),
        # 8 + 3 women at >= 75 %, 2 men, 1 other.
        "attended": (11, C, C, 14),
        # 7 + 2 women, 1 man: the man is hidden and the largest visible non-zero cell with him.
        "graduated": (C, C, 0, 10),
        "campaign_launched": (C, C, 0, 7),
        "campaign_funded": (C, C, 0, C),
        "mentors": (C, 0, 0, C),
        "reviewers": (C, C, 0, 6),
    }


def test_true_counts_before_suppression(data, staff):
    # The unsuppressed counts straight from SQL, to show the suppression is the only change.
    # Every (stage, gender) group with anyone in it; a group missing here counts nobody.
    from wcl.extensions import db
    from wcl.reports import queries

    counts = {
        (s, d1): n if s not in queries.PEOPLE else p
        for s, d1, d2, n, p in db.session.execute(queries.stage_counts({}, "gender"))
    }
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
    rows = _rows(report)
    # Applied: 18–24: 6 women; 25–35: 10 + 6 + 2 women; 36–45: 8 men; 46–60: 4 women (hidden);
    # not stated: 6; the smallest other non-zero (18–24, first of the two sixes) hidden with it.
    assert rows["applied"] == (0, C, 18, 8, C, 0, 6, 42)
    # Accepted: 18–24: 2 women; 25–35: 10 + 3; 36–45: 2 men; not stated: 1.
    assert rows["accepted"] == (0, C, 13, C, 0, 0, C, 18)


def test_youth_breakdown(data, staff):
    rows = _rows(_report(staff, by="youth"))
    # youth (14–35): 10 + 6 + 6 + 2 women; not youth: 4 women + 8 men; not stated: 6.
    assert rows["applied"] == (24, 12, 6, 42)


def test_funnel_by_disability(data, staff):
    report = _report(staff, by="disability")
    assert report.categories == ["yes", "no", "not_stated"]
    # (with disability, without, not stated, total); "yes" is counted with the threshold of 10.
    assert _rows(report) == {
        # 7 with a disability (< 10: hidden, although 7 is published in other breakdowns),
        # 29 without, 6 not stated (the 6 others) hidden with them.
        "applied": (C, 29, C, 42),
        # 2 with (C1 women 8, 9), 19 without, 1 other.
        "shortlisted": (C, 19, C, 22),
        "accepted": (C, 15, C, 18),
        # 2 with; 13 without; the other and the woman without an application not stated.
        "enrolled": (C, 13, C, 17),
        # Women 8 and 9 attended 2 of 4: 0 with, 13 without, the other (1) not stated; the
        # 13 goes with her, the zero is shown.
        "attended": (0, C, C, 14),
        "graduated": (0, 10, 0, 10),
        "campaign_launched": (0, 7, 0, 7),
        "campaign_funded": (0, C, 0, C),
        # Mentors and reviewers answered no disability questions.
        "mentors": (0, 0, C, C),
        "reviewers": (0, 0, 6, 6),
    }


def test_funnel_by_settlement(data, staff):
    report = _report(staff, by="settlement")
    assert report.categories == ["urban", "rural", "not_stated"]
    assert _rows(report) == {
        # 6 C2 women + 1 man urban: a group of 7 is published here (threshold 5).
        "applied": (7, 29, 6, 42),
        # 3 urban (C2 accepted), 18 rural, 1 not stated.
        "shortlisted": (C, 18, C, 22),
        "accepted": (C, 14, C, 18),
        # K2's 3 urban women; 10 + 2 rural; the other and the woman without an application.
        "enrolled": (C, 12, C, 17),
        "attended": (C, 10, C, 14),
        # 2 urban (K2), 8 rural: the 2 hidden, the 8 with them.
        "graduated": (C, C, 0, 10),
        "campaign_launched": (0, 7, 0, 7),
        "campaign_funded": (0, C, 0, C),
        "mentors": (0, 0, C, C),
        "reviewers": (0, 0, 6, 6),
    }


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
    assert _rows(report) == {
        # Performance: C1 women 10–19 and 8 men; visual arts: 10 + 6 + 2 women; 6 not stated.
        "applied": (0, 18, 18, *z, 6, 42),
        # Performance 2 + 3 women + 3 men = 8; visual arts 10 + 3; 1 not stated (hidden), the 8 with it.
        "shortlisted": (0, C, 13, *z, C, 22),
        # Performance 2 women + 2 men = 4 (hidden); visual arts 13; 1 not stated.
        "accepted": (0, C, 13, *z, C, 18),
        "enrolled": (0, C, 13, *z, C, 17),
        "attended": (0, C, 11, *z, C, 14),
        # Visual arts 9, performance 1 (the man): both hidden.
        "graduated": (0, C, C, *z, 0, 10),
        "campaign_launched": (0, C, C, *z, 0, 7),
        "campaign_funded": (0, C, C, *z, 0, C),
        "mentors": (0, 0, 0, *z, C, C),
        "reviewers": (0, 0, 0, *z, 6, 6),
    }


def test_cross_tab_disability_by_settlement(data, staff):
    cross = _report(staff, by="disability", by2="settlement", stage="applied").cross
    # True counts: with disability 7 rural; without 7 urban + 22 rural; not stated 6.
    # The 7 with a disability and their row total are hidden (threshold 10). Secondary, line by
    # line: rural column → the 22; the row totals' column → the 6; the "without" row → its
    # 7 urban; the "not stated" row → its 6 cell; then the urban and not-stated columns each
    # have one hidden cell and only zeros left, so the "with disability" zeros go too.
    assert [(r["code"], r["values"], r["total"]) for r in cross["rows"]] == [
        ("yes", [C, C, C], C),
        ("no", [C, C, 0], 29),
        ("not_stated", [0, 0, C], C),
    ]
    assert (cross["totals"], cross["total"]) == ([7, 29, 6], 42)


def test_money_per_currency(data, staff):
    report = _report(staff)
    (block,) = report.money
    assert block["currency"] == "KGS"
    measures = {m["key"]: (*m["values"], m["total"]) for m in block["measures"]}
    # 6 women's campaigns, 1 man's: the man's is hidden, then the women's.
    assert measures["campaigns"] == (C, C, 0, 7)
    # 12 × 1000.00 + 500.00 KGS paid (pending and refunded left out), in minor units.
    assert measures["pledged"] == (C, C, 0, 1_250_000)
    assert measures["backers"] == (C, C, 0, 13)
    assert measures["matched"] == (C, C, 0, 0)


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
    # 22 women in Osh region (KG-O: C1 and C3), 6 in Batken (KG-B); men and others all in KG-O.
    # The 6 others are hidden (< 10), the 8 men with them (secondary, column KG-O); the
    # women's row is then the only other line through those cells and needs nothing more.
    assert [(r["code"], r["values"], r["total"]) for r in cross["rows"]] == [
        ("woman", [0, 0, 6, 0, 0, 0, 22, 0, 0, 0], 28),
        ("man", [0, 0, 0, 0, 0, 0, C, 0, 0, 0], C),
        ("other", [0, 0, 0, 0, 0, 0, C, 0, 0, 0], C),
    ]
    assert cross["totals"] == [0, 0, 6, 0, 0, 0, 36, 0, 0, 0]
    assert cross["total"] == 42


# The threshold a difference between two published cells must reach (or be 0): 10 in the
# sensitive columns, 5 elsewhere (the last column is the total).
THRESHOLDS = {"gender": (5, 5, 10, 5), "disability": (10, 5, 5, 5)}


def _differences_are_safe(wide, narrow, thresholds):
    for stage, values in wide.items():
        for a, b, limit in zip(values, narrow[stage], thresholds, strict=True):
            if isinstance(a, int) and isinstance(b, int):
                assert a - b == 0 or a - b >= limit, (stage, a, b)


def test_differencing_a_filter_reveals_nothing(data, staff):
    full = _rows(_report(staff))
    lab1 = _rows(_report(staff, lab=str(data["l1"].id)))
    lab2 = _rows(_report(staff, lab=str(data["l2"].id)))
    # Lab 2 has 3 enrolled women: hidden there, and not recoverable as full - lab 1.
    assert lab2["enrolled"][0] == C
    assert full["enrolled"][0] == 14
    assert lab1["enrolled"][0] == C
    _differences_are_safe(full, lab1, THRESHOLDS["gender"])
    _differences_are_safe(full, lab2, THRESHOLDS["gender"])


def test_a_call_is_protected_against_its_lab(data, staff):
    # Lab 1 = call C1 + call C3, whose 2 applications (women) are hidden in C3's own report.
    lab1 = _rows(_report(staff, lab=str(data["l1"].id)))
    c3 = _rows(_report(staff, call=str(data["c3"].id)))
    assert lab1["applied"] == (22, C, C, 36)
    # 2 women; the others' zero goes too: everyone else's 6 others (< 10) would be revealed.
    assert c3["applied"] == (C, 0, C, C)
    # Call C1, worked out by hand (women, men, another way or not stated, total). Against the
    # unfiltered report the rest is C2 (6 applications, 3 shortlisted and accepted, K2's 3
    # enrolled and attended, 2 graduated, 1 mentor); against lab 1 it is C3's 2 applications.
    assert _rows(_report(staff, call=str(data["c1"].id))) == {
        # 20 women (lab 1 - C1 = 2: hidden), 8 men, 6 others (< 10); total 34 (lab 1 - C1 = 2).
        # Without the lab's complement the women's 20 would be shown, and 22 - 20 = C3's 2.
        "applied": (C, 8, C, C),
        # 15 women and the total 19 (the rest 3 in C2), 3 men, 1 other.
        "shortlisted": (C, C, C, C),
        "accepted": (C, C, C, C),
        "enrolled": (C, C, C, C),
        "attended": (C, C, C, C),
        # 7 women (the rest 2 in K2), 1 man, total 8 (the rest 2).
        "graduated": (C, C, 0, C),
        # All 7 campaigns belong to K1 graduates: 1 man hidden, the women's 6 with him.
        "campaign_launched": (C, C, 0, 7),
        "campaign_funded": (C, C, 0, C),
        # 1 mentor (the other one mentors in K2).
        "mentors": (C, 0, 0, C),
        "reviewers": (C, C, 0, 6),
    }


@pytest.mark.parametrize("by", ["gender", "disability"])
@pytest.mark.parametrize(
    "narrow,wide",
    [
        ({"lab": "l1"}, {}),
        ({"lab": "l2"}, {}),
        ({"call": "c1"}, {}),
        ({"call": "c1"}, {"lab": "l1"}),
        ({"call": "c3"}, {"lab": "l1"}),
        ({"cohort": "k1"}, {}),
        ({"cohort": "k1"}, {"call": "c1"}),
        ({"cohort": "k1"}, {"lab": "l1"}),
        ({"cohort": "k2"}, {"lab": "l2"}),
        ({"date_from": "2026-04-01"}, {}),
        ({"call": "c1", "date_from": "2026-04-01"}, {"lab": "l1", "date_from": "2026-04-01"}),
    ],
)
def test_protected_comparisons(data, staff, by, narrow, wide):
    """The pairs of reports whose difference is protected: a filtered report against the
    unfiltered one, and a call or cohort against the coarser levels above it (other
    filters equal). Every difference of two shown cells is 0 or at least the threshold."""

    def args(filters):
        return {k: v if k.startswith("date") else str(data[v].id) for k, v in filters.items()}

    narrow_rows = _rows(_report(staff, by=by, **args(narrow)))
    wide_rows = _rows(_report(staff, by=by, **args(wide)))
    _differences_are_safe(wide_rows, narrow_rows, THRESHOLDS[by])


def test_references_of_a_cohort_report(data, staff):
    filters = services.parse_filters({"cohort": str(data["k1"].id), "date_from": "2026-04-01"}, staff)
    base = {"by": "gender", "stage": "applied", "date_from": "2026-04-01"}
    assert [f.query_args() for f in filters.references()] == [
        {"by": "gender", "stage": "applied"},
        {**base, "call": data["c1"].id},
        {**base, "lab": data["l1"].id},
    ]
    assert services.parse_filters({}, staff).references() == []


def test_date_filter_complement(data, staff):
    # Only enrolment-era events (from April): application stages drop to zero.
    rows = _rows(_report(staff, date_from="2026-04-01"))
    # The 6 others are all outside the range: complement 6 < 10 hides that zero, and the
    # women's zero goes with it (secondary); the total stays 0.
    assert rows["applied"] == (C, 0, C, 0)
    assert rows["graduated"][-1] == 10
    _differences_are_safe(_rows(_report(staff)), rows, THRESHOLDS["gender"])


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
