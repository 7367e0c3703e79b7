"""Building the published report: counts from ``queries``, every value protected by
``wcl.reports.protection`` (the cell-key method), so the same cell has the same
published value in every report, export and request."""

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from wcl.accounts.models import CELL_KEY_RANGE
from wcl.accounts.permissions import ensure
from wcl.extensions import db
from wcl.reports import queries
from wcl.reports.protection import (
    MARK,
    RULE,
    SENSITIVE_THRESHOLD,
    THRESHOLD,
    Cell,
    percentage,
    publish,
    publish_amount,
    total,
)
from wcl.reports.services.filters import Filters
from wcl.reports.services.labels import STAGE_LABELS, category_label
from wcl.time import utcnow


def threshold(dimension, category):
    """The smallest count published in ``category`` of ``dimension`` (10 for the
    sensitive ones, else 5)."""
    return SENSITIVE_THRESHOLD if (dimension, category) in queries.SENSITIVE else THRESHOLD


@dataclass
class StageRow:
    stage: str
    label: str
    values: list  # published values per category: int or MARK
    total: object
    percents: list


@dataclass
class Report:
    """What the page, every export and the JSON show: protected values only."""

    filters: Filters
    categories: list
    category_labels: list
    funnel: list
    people: list
    cross: dict | None
    money: list
    rule: str
    generated_at: datetime
    grants: list = field(default_factory=list)


def _cells(filters, by, by2=None):
    """{(stage, category, category2): Cell} for the report's scope."""
    rows = db.session.execute(queries.stage_counts(filters.sql(), by, by2)).all()
    return {(stage, d1, d2): Cell(count, int(key) % CELL_KEY_RANGE) for stage, d1, d2, count, key in rows}


def _both_cells(filters):
    """(one-way cells, two-way cells) from ONE query: a unit lies in exactly one two-way
    cell, so its one-way cell is the sum over the second breakdown (counts and keys add);
    mentors and reviewers are distinct people and come grouped one-way by the query."""
    rows = db.session.execute(
        queries.stage_counts(filters.sql(), filters.by, filters.by2, one_way=True)
    ).all()
    one, two = {}, {}
    for stage, d1, d2, count, key in rows:
        cell = Cell(count, int(key) % CELL_KEY_RANGE)
        if d2 == queries.ONE_WAY:
            one[(stage, d1, "all")] = cell
            continue
        two[(stage, d1, d2)] = cell
        if stage not in queries.PEOPLE:
            one[(stage, d1, "all")] = one.get((stage, d1, "all"), Cell()) + cell
    return one, two


def _stage_row(stage, cells, categories, by):
    row = [cells.get((stage, c, "all"), Cell()) for c in categories]
    values = [publish(cell, threshold(by, c)) for cell, c in zip(row, categories, strict=True)]
    row_total = publish(total(row))
    return StageRow(
        stage, str(STAGE_LABELS[stage]), values, row_total, [percentage(v, row_total) for v in values]
    )


def _cross(filters, categories, locale, cells=None):
    """The two-way table at ``filters.stage``: every cell and margin protected on its own."""
    by, by2, stage = filters.by, filters.by2, filters.stage
    cols = list(queries.DIMENSIONS[by2])
    cells = _cells(filters, by, by2) if cells is None else cells
    grid = [[cells.get((stage, r, c), Cell()) for c in cols] for r in categories]

    def limit(r, c):
        return max(threshold(by, r), threshold(by2, c))

    rows = [
        {
            "label": category_label(by, r, locale),
            "code": r,
            "values": [publish(grid[i][j], limit(r, c)) for j, c in enumerate(cols)],
            "total": publish(total(grid[i]), threshold(by, r)),
        }
        for i, r in enumerate(categories)
    ]
    columns = [total(row[j] for row in grid) for j in range(len(cols))]
    return {
        "stage": stage,
        "stage_label": str(STAGE_LABELS[stage]),
        "columns": cols,
        "column_labels": [category_label(by2, c, locale) for c in cols],
        "rows": rows,
        "totals": [publish(cell, threshold(by2, c)) for cell, c in zip(columns, cols, strict=True)],
        "total": publish(total(columns)),
    }


def build_report(filters, user):
    """The protected report for ``filters`` (already validated by ``parse_filters``)."""
    ensure("reports.view", user=user)
    categories = list(queries.DIMENSIONS[filters.by])
    locale = str(get_locale() or "en")
    if filters.by2:
        cells, two_way = _both_cells(filters)
    else:
        cells, two_way = _cells(filters, filters.by), None
    return Report(
        filters=filters,
        categories=categories,
        category_labels=[category_label(filters.by, c, locale) for c in categories],
        funnel=[_stage_row(s, cells, categories, filters.by) for s in queries.STAGES],
        people=[_stage_row(s, cells, categories, filters.by) for s in queries.PEOPLE],
        cross=_cross(filters, categories, locale, two_way) if filters.by2 else None,
        money=_money(filters, categories),
        rule=str(RULE),
        generated_at=utcnow(),
        grants=_grants(filters, categories),
    )


@dataclass(frozen=True)
class _MoneyCell:
    """A money cell before publication: the people behind it (count and key sum), how
    many campaigns (or grants) they hold, the sums and the largest single person's."""

    people: Cell = Cell()
    campaigns: int = 0
    pledged: int = 0
    largest_pledged: int = 0
    matched: int = 0
    largest_matched: int = 0
    backers: int = 0

    def __add__(self, other):
        return _MoneyCell(
            self.people + other.people,
            self.campaigns + other.campaigns,
            self.pledged + other.pledged,
            max(self.largest_pledged, other.largest_pledged),
            self.matched + other.matched,
            max(self.largest_matched, other.largest_matched),
            self.backers + other.backers,
        )


def _read_money(query):
    """{currency: {category: _MoneyCell}} from a ``queries.money_cells`` query."""
    out = {}
    for row in db.session.execute(query):
        out.setdefault(row.currency, {})[row.d1] = _MoneyCell(
            Cell(row.people, int(row.cell_key or 0) % CELL_KEY_RANGE),
            int(row.campaigns or 0),
            int(row.pledged or 0),
            int(row.largest_pledged or 0),
            int(row.matched or 0),
            int(row.largest_matched or 0),
            int(row.backers or 0),
        )
    return out


def _money_cells(filters):
    return _read_money(queries.money_query(filters.sql(), filters.by))


def _publish_money(cell, limit):
    """(campaigns, pledged, matched, backers) as published: nothing about a cell whose
    number of people is hidden (1–4, or 1–9 in a sensitive category); counts perturbed
    with the people's key; amounts moved by a share of the largest person's amount."""
    if publish(cell.people, limit) == MARK:
        return MARK, MARK, MARK, MARK
    campaigns = publish(Cell(cell.campaigns, cell.people.key), limit)
    pledged = publish_amount(cell.pledged, cell.largest_pledged, cell.people)
    matched = publish_amount(cell.matched, cell.largest_matched, cell.people)
    backers = publish(Cell(cell.backers, cell.people.key))
    return campaigns, pledged, matched, backers


MEASURES = (
    ("campaigns", _l("Campaigns with money"), False),
    ("pledged", _l("Pledged"), True),
    ("matched", _l("Matched"), True),
    ("backers", _l("Backers"), False),
)


def _money(filters, categories):
    """Per currency: campaigns with money, pledged, matched and backers per category."""
    result = []
    data = _money_cells(filters)
    for currency in sorted(data, key=lambda c: (c != "KGS", c)):
        cells = [data[currency].get(c, _MoneyCell()) for c in categories]
        published = [
            _publish_money(cell, threshold(filters.by, c)) for cell, c in zip(cells, categories, strict=True)
        ]
        margin = _publish_money(sum(cells, _MoneyCell()), THRESHOLD)
        measures = [
            {
                "key": key,
                "label": str(label),
                "values": [p[index] for p in published],
                "total": margin[index],
                "money": money,
            }
            for index, (key, label, money) in enumerate(MEASURES)
        ]
        result.append({"currency": currency, "measures": measures})
    return result


GRANT_MEASURES = (
    ("recipients", _l("Grant recipients"), False),
    ("grants", _l("Grants"), False),
    ("awarded", _l("Awarded"), True),
    ("disbursed", _l("Paid out"), True),
)


def _grant_cells(filters):
    out = {}
    for row in db.session.execute(queries.grant_query(filters.sql(), filters.by)):
        out.setdefault(row.currency, {})[row.d1] = _MoneyCell(
            Cell(row.people, int(row.cell_key or 0) % CELL_KEY_RANGE),
            int(row.campaigns or 0),
            int(row.awarded or 0),
            int(row.largest_awarded or 0),
            int(row.disbursed or 0),
            int(row.largest_disbursed or 0),
        )
    return out


def _publish_grants(cell, limit):
    """(recipients, grants, awarded, disbursed) as published: nothing about a cell whose
    recipients are hidden; counts perturbed with the recipients' key; amounts moved by a
    share of the largest single recipient's amount."""
    recipients = publish(cell.people, limit)
    if recipients == MARK:
        return MARK, MARK, MARK, MARK
    grants = publish(Cell(cell.campaigns, cell.people.key), limit)
    awarded = publish_amount(cell.pledged, cell.largest_pledged, cell.people)
    disbursed = publish_amount(cell.matched, cell.largest_matched, cell.people)
    return recipients, grants, awarded, disbursed


def _grants(filters, categories):
    """Per currency: seed-grant recipients, grants, awarded and disbursed per category."""
    result = []
    data = _grant_cells(filters)
    for currency in sorted(data, key=lambda c: (c != "KGS", c)):
        cells = [data[currency].get(c, _MoneyCell()) for c in categories]
        published = [
            _publish_grants(cell, threshold(filters.by, c)) for cell, c in zip(cells, categories, strict=True)
        ]
        margin = _publish_grants(sum(cells, _MoneyCell()), THRESHOLD)
        result.append(
            {
                "currency": currency,
                "measures": [
                    {
                        "key": key,
                        "label": str(label),
                        "values": [p[index] for p in published],
                        "total": margin[index],
                        "money": money,
                    }
                    for index, (key, label, money) in enumerate(GRANT_MEASURES)
                ],
            }
        )
    return result


@dataclass(frozen=True)
class PublicFigures:
    """The home page's headline figures, each published as the report publishes it."""

    women_trained: object  # int or MARK
    campaigns_funded: object
    raised: object  # KGS minor units, or MARK
    currency: str = "KGS"


def public_figures():
    """Women trained, campaigns funded and money raised across every lab, for the public
    home page (no permission needed: the figures are protected exactly as the staff report's
    cells are, by the cell-key method and small-count rule, so they reveal no one).

    "Women trained" is the women enrolled in a cohort (the report's "enrolled" stage: each
    took the lab's training, graduated or still in it); "campaigns funded" the succeeded campaigns;
    money is the KGS pledged plus matched, shown only when its campaign count is shown.
    """
    filters = Filters()
    cells = _cells(filters, "gender")
    women = publish(cells.get(("enrolled", "woman", "all"), Cell()), threshold("gender", "woman"))
    funded = publish(total(cell for (stage, _d1, _d2), cell in cells.items() if stage == "campaign_funded"))
    money = _money_cells(filters).get("KGS", {})
    campaigns, pledged, matched, _backers = _publish_money(sum(money.values(), _MoneyCell()), THRESHOLD)
    raised = MARK if campaigns == MARK else pledged + matched
    return PublicFigures(women, funded, raised)
