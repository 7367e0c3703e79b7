"""Indicator values against the hand-counted fixture (tests/outcomes/fixture.py)."""

import pytest

from tests.outcomes.fixture import KEYS_A, KEYS_B, build_results
from wcl.outcomes.errors import OutcomesError
from wcl.outcomes.services.indicators import dimensions, parse_period, published_values, raw_values
from wcl.reports.protection import MARK, Cell, publish, publish_amount


@pytest.fixture
def results(app_ctx):
    return build_results()


def test_periods_parse_and_bad_ones_are_refused():
    q2 = parse_period("2026-q2")
    assert (q2.code, q2.start.month, q2.end.month) == ("2026-Q2", 4, 7)
    assert parse_period("2026-Q4").end.year == 2027
    for bad in ("2026-Q5", "twenty", "1999", ""):
        with pytest.raises(OutcomesError):
            parse_period(bad)


def test_raw_values_match_the_hand_count(results):
    year = raw_values(parse_period("2026"))
    assert year["women_trained"][0] == Cell(8, sum(KEYS_A + KEYS_B) % 256)
    assert year["businesses_registered"][0] == Cell(3, (10 + 30 + 40) % 256)  # g1, g3, g4
    assert year["income_up"][0] == Cell(3, (10 + 20 + 40) % 256)  # g1, g2, g4 (against her baseline)
    assert year["campaigns_funded"][0] == Cell(2, (10 + 20) % 256)
    assert year["money_raised"][1] == (1_500_000, 1_000_000)
    # By quarter: lab A graduated in Q1, lab B in Q2; the follow-ups came in Q3.
    assert raw_values(parse_period("2026-Q1"))["women_trained"][0].count == 6
    assert raw_values(parse_period("2026-Q2"))["women_trained"][0].count == 2
    q3 = raw_values(parse_period("2026-Q3"))
    assert q3["women_trained"][0].count == 0 and q3["income_up"][0].count == 3
    # Per lab.
    lab_b = raw_values(parse_period("2026"), results.lab_b_id)
    assert lab_b["women_trained"][0] == Cell(2, 201)
    assert lab_b["campaigns_funded"][0].count == 0
    assert raw_values(parse_period("2025"))["women_trained"][0].count == 0


def test_published_values_go_through_the_reports_protection(results):
    year = published_values(parse_period("2026"))
    assert year["women_trained"] == publish(Cell(8, sum(KEYS_A + KEYS_B) % 256))
    assert year["businesses_registered"] == MARK  # 3 women: hidden
    assert year["income_up"] == MARK
    assert year["campaigns_funded"] == MARK and year["money_raised"] == MARK
    lab_a = published_values(parse_period("2026"), results.lab_a_id)
    assert lab_a["women_trained"] == publish(Cell(6, sum(KEYS_A) % 256))
    assert published_values(parse_period("2026"), results.lab_b_id)["women_trained"] == MARK


def test_money_is_moved_like_the_reports_move_it(app_ctx):
    # Five funded campaigns: the count is shown, and the money moved by a share of the largest.
    from datetime import UTC, datetime, timedelta

    from tests.factories.campaigns import CampaignFactory, PledgeFactory

    when = datetime(2026, 6, 1, tzinfo=UTC)
    keys = []
    for amount in (100_000, 200_000, 300_000, 400_000, 500_000):
        campaign = CampaignFactory(
            status="succeeded", starts_at=when - timedelta(days=30), ends_at=when, ended_at=when
        )
        keys.append(campaign.owner.cell_key)
        PledgeFactory(campaign=campaign, amount=amount, status="paid", paid_at=when)
    cell = Cell(5, sum(keys) % 256)
    year = published_values(parse_period("2026"))
    assert year["campaigns_funded"] == publish(cell)
    assert year["money_raised"] == publish_amount(1_500_000, 500_000, cell) // 100


def test_sex_and_age_dimensions_are_protected(results):
    dims = dimensions("women_trained", parse_period("2026"))
    assert dims[("sex", "not_stated")] == publish(Cell(8, sum(KEYS_A + KEYS_B) % 256))
    assert dims[("sex", "woman")] == 0
