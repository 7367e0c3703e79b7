"""The cell-key method (wcl.reports.protection): fixed noise from a published table."""

from collections import Counter

from wcl.accounts.models import CELL_KEY_RANGE, new_cell_key
from wcl.reports.protection import (
    MARK,
    MAX_NOISE,
    PERTURBATION,
    Cell,
    percentage,
    possible_counts,
    publish,
    publish_amount,
    total,
)


def test_the_table_is_fixed_and_balanced():
    # Every row holds each noise in the same proportions: mean 0, at most ±2.
    for row in PERTURBATION:
        assert len(row) == CELL_KEY_RANGE
        assert Counter(row) == {-2: 26, -1: 51, 0: 102, 1: 51, 2: 26}
    # The rows are shuffled differently, so a cell's noise depends on its count and its key.
    assert len(set(PERTURBATION)) == len(PERTURBATION)
    # Fixed by its seed: rebuilding the table gives the same table.
    from wcl.reports.protection import _build_tables

    assert _build_tables()[0] == PERTURBATION


def test_zero_small_and_large_counts():
    assert publish(Cell(0, 17)) == 0
    for n in range(1, 5):
        assert publish(Cell(n, 17)) == MARK
    assert publish(Cell(7, 17), threshold=10) == MARK
    for key in range(CELL_KEY_RANGE):
        value = publish(Cell(40, key))
        assert abs(value - 40) <= MAX_NOISE
        assert publish(Cell(5, key)) >= 5  # never published below the threshold


def test_same_cell_same_value_different_cells_differ():
    assert publish(Cell(40, 3)) == publish(Cell(40, 3))
    assert len({publish(Cell(40, key)) for key in range(CELL_KEY_RANGE)}) == 2 * MAX_NOISE + 1


def test_margins_add_cells_and_keys():
    assert total([Cell(3, 200), Cell(4, 100)]) == Cell(7, 44)


def test_possible_counts_hold_the_truth_and_more():
    for n in range(0, 60):
        for key in range(0, CELL_KEY_RANGE, 7):
            value = publish(Cell(n, key))
            possible = possible_counts(value)
            assert n in possible
            if n:
                assert len(possible) > 1  # no published non-zero figure is exact


def test_money_moves_by_a_share_of_the_largest_campaign():
    for key in range(CELL_KEY_RANGE):
        value = publish_amount(1_250_000, 200_000, Cell(7, key))
        assert 10_000 - 100 <= abs(value - 1_250_000) <= 50_000 + 100
        assert value % 100 == 0
    assert publish_amount(0, 0, Cell(7, 3)) == 0


def test_every_key_has_its_own_money_share():
    """Two different sets of people (different keys) never share a money noise, so the
    difference of two money cells never cancels their noises exactly."""
    from wcl.reports.protection import AMOUNT_PERTURBATION

    assert len(AMOUNT_PERTURBATION) == CELL_KEY_RANGE
    assert len(set(AMOUNT_PERTURBATION)) == CELL_KEY_RANGE
    assert all(0.05 - 1e-9 <= abs(f) <= 0.25 + 1e-9 for f in AMOUNT_PERTURBATION)
    assert sum(f > 0 for f in AMOUNT_PERTURBATION) == CELL_KEY_RANGE // 2


def test_new_keys_are_in_range():
    assert {new_cell_key() for _ in range(2000)} <= set(range(CELL_KEY_RANGE))


def test_percentages_follow_protection():
    assert percentage(MARK, 40) == MARK and percentage(4, MARK) == MARK
    assert percentage(0, 0) is None
    assert percentage(12, 40) == 30.0
    assert percentage(6, 5) == 100.0  # two perturbed figures: a share is capped
