"""Building the published report: counts from ``queries``, every value protected."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from wcl.accounts.permissions import ensure
from wcl.extensions import db
from wcl.reports import queries
from wcl.reports.services.filters import Filters
from wcl.reports.services.labels import STAGE_LABELS, category_label
from wcl.reports.suppression import MARK, RULE, SENSITIVE_THRESHOLD, THRESHOLD, percentage, suppress
from wcl.time import utcnow


def _thresholds(dimension, categories):
    return [SENSITIVE_THRESHOLD if (dimension, c) in queries.SENSITIVE else THRESHOLD for c in categories]


@dataclass
class StageRow:
    stage: str
    label: str
    values: list  # published values per category: int or MARK
    total: object
    percents: list


@dataclass
class Report:
    """What the page, every export and the JSON show: suppressed values only."""

    filters: Filters
    categories: list
    category_labels: list
    funnel: list
    people: list
    cross: dict | None
    money: list
    rule: str
    generated_at: datetime


def _counts(filters_sql, by, by2):
    rows = db.session.execute(queries.stage_counts(filters_sql, by, by2)).all()
    out = {}
    for stage, d1, d2, units, people in rows:
        out[(stage, d1, d2)] = people if stage in queries.PEOPLE else units
    return out


def _grid(counts, stage, rows, cols):
    return [[counts.get((stage, r, c), 0) for c in cols] for r in rows]


def _minus(a, b):
    return [[x - y for x, y in zip(ra, rb, strict=True)] for ra, rb in zip(a, b, strict=True)]


def _stage_row(stage, grid, complements, categories, by):
    table = suppress(
        grid, _thresholds("stage", ["all"]), _thresholds(by, categories), complements=complements
    )
    values = [table.value(0, c) for c in range(len(categories))]
    total = table.value(0, None)
    return StageRow(stage, str(STAGE_LABELS[stage]), values, total, [percentage(v, total) for v in values])


def build_report(filters, user):
    """The suppressed report for ``filters`` (already validated by ``parse_filters``)."""
    ensure("reports.view", user=user)
    by, by2 = filters.by, filters.by2
    categories = list(queries.DIMENSIONS[by])
    locale = str(get_locale() or "en")
    references = filters.references()
    counts = _counts(filters.sql(), by, None)
    bases = [_counts(ref.sql(), by, None) for ref in references]

    def row(stage):
        grid = [[counts.get((stage, c, "all"), 0) for c in categories]]
        complements = [_minus([[base.get((stage, c, "all"), 0) for c in categories]], grid) for base in bases]
        return _stage_row(stage, grid, complements, categories, by)

    funnel = [row(s) for s in queries.STAGES]
    people = [row(s) for s in queries.PEOPLE]
    cross = None
    if by2:
        cols = list(queries.DIMENSIONS[by2])
        c2 = _counts(filters.sql(), by, by2)
        grid = _grid(c2, filters.stage, categories, cols)
        complements = [
            _minus(_grid(_counts(ref.sql(), by, by2), filters.stage, categories, cols), grid)
            for ref in references
        ]
        table = suppress(grid, _thresholds(by, categories), _thresholds(by2, cols), complements=complements)
        cross = {
            "stage": filters.stage,
            "stage_label": str(STAGE_LABELS[filters.stage]),
            "columns": cols,
            "column_labels": [category_label(by2, c, locale) for c in cols],
            "rows": [
                {
                    "label": category_label(by, r, locale),
                    "code": r,
                    "values": [table.value(i, j) for j in range(len(cols))],
                    "total": table.value(i, None),
                }
                for i, r in enumerate(categories)
            ],
            "totals": [table.value(None, j) for j in range(len(cols))],
            "total": table.value(None, None),
        }
    return Report(
        filters=filters,
        categories=categories,
        category_labels=[category_label(by, c, locale) for c in categories],
        funnel=funnel,
        people=people,
        cross=cross,
        money=_money(filters, categories, references),
        rule=str(RULE),
        generated_at=utcnow(),
    )


def _money(filters, categories, references):
    """Per currency: pledged, matched and backers per category. A money cell is
    shown only where the number of campaigns behind it passes suppression."""
    by = filters.by

    def load(sql_filters):
        out = {}
        for currency, d1, campaigns, pledged, matched, backers in db.session.execute(
            queries.money_query(sql_filters, by)
        ):
            out.setdefault(currency, {})[d1] = (
                campaigns,
                int(pledged or 0),
                int(matched or 0),
                int(backers or 0),
            )
        return out

    data = load(filters.sql())
    bases = [load(ref.sql()) for ref in references]
    result = []
    for currency in sorted(data, key=lambda c: (c != "KGS", c)):
        cells = data[currency]
        grid = [[cells.get(c, (0, 0, 0, 0))[0] for c in categories]]
        complements = [
            _minus([[base.get(currency, {}).get(c, (0, 0, 0, 0))[0] for c in categories]], grid)
            for base in bases
        ]
        table = suppress(grid, [THRESHOLD], _thresholds(by, categories), complements=complements)
        measures = []
        for index, (key, label) in enumerate(
            (("pledged", _l("Pledged")), ("matched", _l("Matched")), ("backers", _l("Backers"))), start=1
        ):
            values = [
                MARK if table.is_hidden(0, i) else cells.get(c, (0, 0, 0, 0))[index]
                for i, c in enumerate(categories)
            ]
            total = MARK if table.is_hidden(0, None) else sum(v[index] for v in cells.values())
            measures.append(
                {"key": key, "label": str(label), "values": values, "total": total, "money": key != "backers"}
            )
        campaigns = [table.value(0, i) for i in range(len(categories))]
        measures.insert(
            0,
            {
                "key": "campaigns",
                "label": str(_l("Campaigns with money")),
                "values": campaigns,
                "total": table.value(0, None),
                "money": False,
            },
        )
        result.append({"currency": currency, "measures": measures})
    return result
