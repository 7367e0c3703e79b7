"""Small-count suppression: primary, secondary and the differencing (complement) rule."""

import itertools

from wcl.reports.suppression import MARK, percentage, suppress


def _recoverable(table):
    """Hidden positions a reader can work out from one row or column sum."""
    n_rows, n_cols = len(table.cells), len(table.cells[0])
    found = set()
    lines = [([(r, c) for c in range(n_cols)], (r, None)) for r in [*range(n_rows), None]]
    lines += [([(r, c) for r in range(n_rows)], (None, c)) for c in [*range(n_cols), None]]
    for members, total in lines:
        hidden = [p for p in [*members, total] if table.is_hidden(*p)]
        if len(hidden) == 1:
            found.add(hidden[0])
    return found


def test_one_way_small_count_and_its_partner_are_hidden():
    # women 40, men 3, another/not stated 7 → men primary; the next smallest goes too.
    table = suppress([[40, 3, 7]])
    assert table.value(0, 1) == MARK and table.value(0, 2) == MARK
    assert table.value(0, 0) == 40 and table.value(0, None) == 50
    assert _recoverable(table) == set()


def test_sensitive_threshold_is_ten():
    table = suppress([[30, 12, 8]], col_thresholds=[5, 5, 10])
    assert (0, 2) in table.primary and (0, 1) not in table.primary
    assert table.value(0, 1) == MARK  # secondary
    table = suppress([[30, 12, 8]])
    assert table.hidden == set()


def test_zero_is_shown_and_large_counts_untouched():
    table = suppress([[10, 0, 20]])
    assert table.hidden == set()


def test_two_way_table_has_no_recoverable_cell():
    cells = [[20, 3, 15], [12, 9, 2], [30, 25, 40]]
    table = suppress(cells)
    assert {(0, 1), (1, 2)} <= table.primary
    assert _recoverable(table) == set()
    for r, c in itertools.product(range(3), range(3)):
        if (r, c) not in table.hidden:
            assert table.value(r, c) == cells[r][c]


def test_small_margin_is_hidden():
    table = suppress([[2, 1], [30, 40]])
    assert table.is_hidden(0, None)  # the row total 3 is itself small
    assert _recoverable(table) == set()


def test_differencing_filtered_and_unfiltered_reveals_nothing():
    everyone = [[25, 14]]  # women with/without disability, all cohorts
    cohort_b = [[22, 13]]  # cohort B alone; cohort A = [3, 1]
    complement = [[a - b for a, b in zip(everyone[0], cohort_b[0], strict=True)]]
    published_b = suppress(cohort_b, complement=complement)
    published_all = suppress(everyone)
    for c in range(2):
        b = published_b.value(0, c)
        total = published_all.value(0, c)
        # the attacker needs both numbers to compute cohort A's count
        assert b == MARK or total == MARK, c


def test_percentages_follow_suppression():
    assert percentage(MARK, 40) == MARK
    assert percentage(10, MARK) == MARK
    assert percentage(10, 40) == 25.0
    assert percentage(0, 0) is None


def test_every_wider_table_is_a_complement():
    # A call (20 women, 8 men) inside a lab (22, 8) inside everyone (28, 8).
    call, lab, everyone = [[20, 8]], [[22, 8]], [[28, 8]]

    def minus(wide):
        return [[a - b for a, b in zip(wide[0], call[0], strict=True)]]

    against_everyone = suppress(call, complement=minus(everyone))
    assert against_everyone.value(0, 0) == 20  # 28 - 20 = 8 reveals no small group
    both = suppress(call, complements=[minus(everyone), minus(lab)])
    # 22 - 20 = 2: the women's cell and the total (30 - 28 = 2) are hidden; the men's 8 is
    # the same in all three tables and stays.
    assert both.hidden == {(0, 0), (0, None), (None, 0), (None, None)}
    assert both.value(0, 1) == 8


def test_two_nested_filters_are_not_protected_against_each_other():
    # What the complement rule does NOT cover (README, "Participation reports"): two filtered
    # tables, each safe against the unfiltered one, e.g. up to day D (20) and up to D+1 (22)
    # out of 30. Both are published, and their difference, 2, is a small group. Only fixed,
    # non-overlapping periods or perturbed counts would close this.
    everyone = [[30]]
    to_d, to_d1 = [[20]], [[22]]
    a = suppress(to_d, complement=[[everyone[0][0] - to_d[0][0]]])
    b = suppress(to_d1, complement=[[everyone[0][0] - to_d1[0][0]]])
    assert (a.value(0, 0), b.value(0, 0)) == (20, 22)
