"""Disclosure control: the ONE module every published figure about people goes through.

The cell-key method (ONS 2021 census flexible tables, ABS TableBuilder):

* every person carries a permanent random key, ``User.cell_key`` in 0..255;
* a published cell is described by its ``Cell``: how many records it counts and the
  sum of their keys modulo 256 (a margin is the sum of its cells' ``Cell``\\ s);
* the cell's noise is looked up in the fixed ``PERTURBATION`` table by the count and
  that key: the same set of records always gets the same noise, in every report,
  export and request, so asking again or comparing two reports reveals nothing new,
  and a difference between two reports is a difference of noisy figures, not an
  exact count;
* after perturbation, small counts are withheld: a cell counting 1..4 records (1..9
  for disability and for people who describe their gender another way) is marked
  ``c``; every other non-zero count is published as count + noise (noise −2..+2,
  never below the threshold). Zero is published as 0 (an empty group reveals nobody).

Totals are perturbed as cells of their own, so tables need not add up. Nothing
large is ever hidden to protect something small: there is no secondary
suppression, the noise does that job.

Money: a money cell (an amount of money broken down by a group of people) is shown
only where the number of *people* behind it (campaign owners, grant recipients) is
shown: 1–4 people (1–9 in a sensitive category) hide every figure of the cell. Its
amount is moved by a fixed share of the cell's largest single person's amount, the
share looked up by the cell key in ``AMOUNT_PERTURBATION`` (256 distinct shares, 5–25 %
either way, one per key), then rounded to a whole unit. The same people give the same
share in every report and export; two different sets of people (the keys differ)
almost always get different shares, so a difference of two money cells is the hidden
group's money plus a non-zero remainder of the two noises, never its exact amount.
"""

import random
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from wcl.accounts.models import CELL_KEY_RANGE

MARK = "c"
THRESHOLD = 5
SENSITIVE_THRESHOLD = 10
MAX_NOISE = 2
RULE = _l(
    "Counts from 1 to 4 (1 to 9 for disability and for people who describe their gender another way) "
    "are hidden and marked “c”. Every other figure, totals included, has a small fixed noise added "
    "(at most 2 people; for money a share of the largest campaign), the same in every report, so "
    "rows and columns may not add up exactly to their totals."
)

# The perturbation table: rows by count (1..TABLE_ROWS; larger counts use the last row),
# columns by cell key. Each row holds every noise in the same proportions (26 × −2,
# 51 × −1, 102 × 0, 51 × +1, 26 × +2 of 256), in an order fixed by the seed: a published
# table, not a secret (the keys are what an attacker does not know).
TABLE_ROWS = 20
_SEED = "wcl cell-key perturbation table, version 1"
_NOISE_SHARES = {-2: 26, -1: 51, 0: 102, 1: 51, 2: 26}
# Money noise: a share of the cell's largest contributor, by cell key: 128 sizes evenly
# from 5 % to 25 %, each with both signs, so every key has its own share.
_AMOUNT_LOW, _AMOUNT_HIGH = 0.05, 0.25


def _build_tables():
    rng = random.Random(_SEED)
    noises = [n for n, share in _NOISE_SHARES.items() for _ in range(share)]
    assert len(noises) == CELL_KEY_RANGE
    table = []
    for _ in range(TABLE_ROWS):
        row = list(noises)
        rng.shuffle(row)
        table.append(tuple(row))
    half = CELL_KEY_RANGE // 2
    sizes = [_AMOUNT_LOW + (_AMOUNT_HIGH - _AMOUNT_LOW) * i / (half - 1) for i in range(half)]
    amounts = [sign * size for size in sizes for sign in (-1, 1)]
    rng.shuffle(amounts)
    return tuple(table), tuple(amounts)


PERTURBATION, AMOUNT_PERTURBATION = _build_tables()


@dataclass(frozen=True)
class Cell:
    """A cell before publication: how many records it counts and the sum of their keys
    (mod ``CELL_KEY_RANGE``). ``Cell`` s add up, so a margin is the sum of its cells."""

    count: int = 0
    key: int = 0

    def __add__(self, other):
        return Cell(self.count + other.count, (self.key + other.key) % CELL_KEY_RANGE)


def total(cells):
    """The margin of ``cells``: one ``Cell`` counting all their records."""
    out = Cell()
    for cell in cells:
        out = out + cell
    return out


def noise(cell):
    """The fixed noise of ``cell`` from the perturbation table."""
    return PERTURBATION[min(cell.count, TABLE_ROWS) - 1][cell.key % CELL_KEY_RANGE]


def publish(cell, threshold=THRESHOLD):
    """The published value of a count: 0, ``MARK`` when small, else count + noise
    (never below ``threshold``)."""
    if cell.count == 0:
        return 0
    if cell.count < threshold:
        return MARK
    return max(cell.count + noise(cell), threshold)


def possible_counts(value, threshold=THRESHOLD):
    """Every true count that could have been published as ``value`` (what a reader who
    knows this method and its table can infer from one published figure)."""
    if value == MARK:
        return set(range(1, threshold))
    if value == 0:
        return {0}
    low = threshold if value == threshold else value - MAX_NOISE
    return {n for n in range(max(low, threshold), value + MAX_NOISE + 1)}


def publish_amount(amount, largest, cell):
    """A money cell's published amount (minor units; the caller hides it when the
    cell's number of people is hidden): moved by a fixed share, chosen by the cell
    key, of the largest single contributor's amount in the cell (one person's
    campaigns, one recipient's grants), then rounded to a whole unit (100 minor units)."""
    if amount == 0:
        return 0
    moved = amount + AMOUNT_PERTURBATION[cell.key % CELL_KEY_RANGE] * largest
    return max(0, round(moved / 100) * 100)


def percentage(numerator, denominator):
    """A share of published values: ``MARK`` if either is hidden, ``None`` over zero.
    Both are perturbed on their own, so a share is capped at 100 %."""
    if numerator == MARK or denominator == MARK:
        return MARK
    if not denominator:
        return None
    return min(100.0, round(100 * numerator / denominator, 1))
