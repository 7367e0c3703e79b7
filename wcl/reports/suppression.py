"""Statistical disclosure control for published counts.

Rules (REFERENCE.md, after ONS/Eurostat practice):

* **Primary suppression**: a count in ``1 .. threshold-1`` is hidden. The
  threshold is 5, or 10 in rows/columns about disability or small identity
  groups (the caller passes per-row and per-column thresholds).
* **Complement (differencing) rule**: when a filtered table is published next
  to a wider one (the unfiltered table, or a coarser filter), ``wider - filtered``
  would reveal the rest of that population; a cell whose complement count is
  small, against any of the wider tables passed, is hidden too.
* **Secondary suppression**: in every row and column (margins included) a
  single hidden cell could be recovered from the total, so another cell is
  hidden — the smallest visible one — until no line has exactly one hidden
  cell.

Zeros are shown (a structural or true zero reveals no person), unless chosen
as the secondary cell. Suppressed cells are marked ``c`` on every output, and
the rule is stated with ``RULE``.
"""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

THRESHOLD = 5
SENSITIVE_THRESHOLD = 10
MARK = "c"
RULE = _l(
    "Counts from 1 to 4 (1 to 9 for disability and for people who describe their gender another way) "
    "are hidden and marked “c”, together with other cells that would let them be worked out "
    "from totals or from other filters."
)


@dataclass
class Table:
    """A two-way table of counts with margins, after suppression.

    ``cells[r][c]``, ``row_totals[r]``, ``col_totals[c]`` and ``total`` hold the
    true counts; ``hidden`` holds the positions not to publish: ``(r, c)`` for
    cells, ``(r, None)`` for row totals, ``(None, c)`` for column totals and
    ``(None, None)`` for the grand total.
    """

    cells: list
    row_totals: list
    col_totals: list
    total: int
    hidden: set = field(default_factory=set)
    primary: set = field(default_factory=set)

    def value(self, r, c):
        """The published value at a position: an int, or ``MARK`` when hidden."""
        if (r, c) in self.hidden:
            return MARK
        if r is None and c is None:
            return self.total
        if r is None:
            return self.col_totals[c]
        if c is None:
            return self.row_totals[r]
        return self.cells[r][c]

    def is_hidden(self, r, c):
        return (r, c) in self.hidden


def _threshold(row_thresholds, col_thresholds, r, c):
    values = [THRESHOLD]
    if r is not None:
        values.append(row_thresholds[r])
    if c is not None:
        values.append(col_thresholds[c])
    return max(values)


def suppress(cells, row_thresholds=None, col_thresholds=None, complement=None, complements=()):
    """Apply primary, complement and secondary suppression to ``cells``.

    ``cells`` is a list of rows of non-negative ints (one row for a one-way
    breakdown). ``complement``, when given, has the same shape and holds
    ``unfiltered - filtered`` counts; ``complements`` holds more such grids
    (one per wider table the filtered one could be compared with).
    """
    n_rows, n_cols = len(cells), len(cells[0]) if cells else 0
    row_thresholds = row_thresholds or [THRESHOLD] * n_rows
    col_thresholds = col_thresholds or [THRESHOLD] * n_cols
    table = _with_margins(cells, n_rows, n_cols)

    def small(value, r, c):
        return 0 < value < _threshold(row_thresholds, col_thresholds, r, c)

    positions = [(r, c) for r in range(n_rows) for c in range(n_cols)]
    positions += [(r, None) for r in range(n_rows)] + [(None, c) for c in range(n_cols)] + [(None, None)]
    others = [_with_margins(grid, n_rows, n_cols) for grid in (complement, *complements) if grid is not None]
    for r, c in positions:
        if small(table.value(r, c), r, c) or any(small(other.value(r, c), r, c) for other in others):
            table.primary.add((r, c))
    table.hidden = set(table.primary)
    _secondary(table, n_rows, n_cols)
    return table


def _with_margins(cells, n_rows, n_cols):
    """``cells`` with its margins, as a ``Table`` nothing is hidden from."""
    row_totals = [sum(row) for row in cells]
    col_totals = [sum(cells[r][c] for r in range(n_rows)) for c in range(n_cols)]
    return Table(cells, row_totals, col_totals, sum(row_totals))


def _lines(n_rows, n_cols):
    """Each row and column with its total: the sums a reader can use to recover a cell."""
    for r in [*range(n_rows), None]:
        yield [(r, c) for c in range(n_cols)], (r, None)
    for c in [*range(n_cols), None]:
        yield [(r, c) for r in range(n_rows)], (None, c)


def _secondary(table, n_rows, n_cols):
    changed = True
    while changed:
        changed = False
        for members, total in _lines(n_rows, n_cols):
            line = [*members, total]
            hidden = [p for p in line if p in table.hidden]
            if len(hidden) != 1:
                continue
            candidates = [p for p in members if p not in table.hidden]
            if not candidates:
                candidates = [total]
            # Hide the smallest visible count, preferring non-zero ones (hiding a
            # known zero protects nothing).
            choice = min(candidates, key=lambda p: (table.value(*p) == 0, table.value(*p)))
            table.hidden.add(choice)
            changed = True


def percentage(numerator, denominator):
    """A percentage that respects suppression: ``MARK`` if either part is hidden."""
    if numerator == MARK or denominator == MARK:
        return MARK
    if not denominator:
        return None
    return round(100 * numerator / denominator, 1)
