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
        # 26 women (20 C1 + 6 C2), 8 men, 6 others (<10: hidden), men hidden second.
        "applied": (26, C, C, 40),
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
    from wcl.extensions import db
    from wcl.reports import queries

    counts = {
        (s, d1): n if s not in queries.PEOPLE else p
        for s, d1, d2, n, p in db.session.execute(queries.stage_counts({}, "gender"))
    }
    assert counts[("graduated", "woman")] == 9 and counts[("graduated", "man")] == 1
    assert counts[("campaign_funded", "woman")] == 3 and counts[("campaign_funded", "man")] == 1
    assert counts[("mentors", "woman")] == 2 and counts[("reviewers", "woman")] == 5
    assert counts[("applied", "other")] == 6


def test_funnel_by_age_band(data, staff):
    report = _report(staff, by="age")
    assert report.categories == ["under_18", "18_24", "25_35", "36_45", "46_60", "over_60", "not_stated"]
    rows = _rows(report)
    # Applied: 18–24: 6 women; 25–35: 10 + 6 women; 36–45: 8 men; 46–60: 4 women (hidden);
    # not stated: 6; the smallest other non-zero (18–24, first of the two sixes) hidden with it.
    assert rows["applied"] == (0, C, 16, 8, C, 0, 6, 40)
    # Accepted: 18–24: 2 women; 25–35: 10 + 3; 36–45: 2 men; not stated: 1.
    assert rows["accepted"] == (0, C, 13, C, 0, 0, C, 18)


def test_youth_breakdown(data, staff):
    rows = _rows(_report(staff, by="youth"))
    # youth (14–35): 10 + 6 + 6 women; not youth: 4 women + 8 men; not stated: 6.
    assert rows["applied"] == (22, 12, 6, 40)


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
    col = {code: i for i, code in enumerate(cross["columns"])}
    women = cross["rows"][0]["values"]
    # 20 women in Osh region (KG-O), 6 in Batken (KG-B); men and others all in KG-O.
    assert women[col["KG-O"]] == 20 and women[col["KG-B"]] == 6
    assert cross["totals"][col["KG-O"]] == 34
    assert cross["rows"][2]["values"][col["KG-O"]] == C  # 6 others < 10
    assert cross["rows"][1]["values"][col["KG-O"]] == C  # secondary
    assert cross["total"] == 40


def test_differencing_a_filter_reveals_nothing(data, staff):
    full = _rows(_report(staff))
    lab1 = _rows(_report(staff, lab=str(data["l1"].id)))
    lab2 = _rows(_report(staff, lab=str(data["l2"].id)))
    # Lab 2 has 3 enrolled women: hidden there, and not recoverable as full - lab 1.
    assert lab2["enrolled"][0] == C
    assert full["enrolled"][0] == 14
    assert lab1["enrolled"][0] == C
    for stage, values in full.items():
        for a, b in zip(values, lab1[stage], strict=True):
            if isinstance(a, int) and isinstance(b, int):
                assert a - b == 0 or a - b >= 5, (stage, a, b)


def test_date_filter_complement(data, staff):
    # Only enrolment-era events (from April): application stages drop to zero.
    rows = _rows(_report(staff, date_from="2026-04-01"))
    # The 6 others are all outside the range: complement 6 < 10 hides that zero, and the
    # women's zero goes with it (secondary); the total stays 0.
    assert rows["applied"] == (C, 0, C, 0)
    assert rows["graduated"][-1] == 10
    full = _rows(_report(staff))
    for stage in full:
        for a, b in zip(full[stage], rows[stage], strict=True):
            if isinstance(a, int) and isinstance(b, int):
                assert a - b == 0 or a - b >= 5


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
