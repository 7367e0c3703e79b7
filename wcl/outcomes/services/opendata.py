"""The results table (staff) and the open-data year (public): published values only.

Every figure comes from ``indicators.published_values`` (the reports' protection), so
the public page, its CSV and JSON, the results page and the IATI file show the same
value for the same cell, and a small group is hidden everywhere.
"""

import csv
import io
import json
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from wcl.labs.services import all_labs
from wcl.outcomes.services.indicators import (
    BY_CODE,
    INDICATORS,
    SDG_LABELS,
    parse_period,
    published_values,
    quarters,
    targets,
)
from wcl.outcomes.services.mapping import mapping_aggregates
from wcl.reports.protection import MARK, RULE
from wcl.spreadsheets import safe_cell

FIRST_YEAR = 2024
METHODOLOGY = (
    _l(
        "Counting rules: a woman is counted as trained in the period she graduated; a business as registered "
        "when she says so in a follow-up answered in the period (patent, individual entrepreneur or company); "
        "income as up when her income band in a 6- or 12-month follow-up is higher than at graduation (or at "
        "the start). A campaign counts as funded when it succeeded, in the period it ended; money raised is what "
        "backers paid, less refunds, in som. Each woman is counted once per figure and period."
    ),
    _l(
        "Follow-ups are voluntary: the figures count women who answered, not every graduate, and nobody is "
        "penalised for not answering."
    ),
    _l(
        "Protection: every figure about people goes through the same disclosure control as the participation "
        "reports (the cell-key method). A year's figure is not the sum of its quarters, and a lab's figures do "
        "not add up to the programme's."
    ),
)


MAPPING_METHOD = _l(
    "Mapping survey: anyone who makes a living from creative work may answer once a year, with consent. "
    "Each answer counts once; the tables count answers, with the same protection as the figures about "
    "people. Employees are counted as people with the same protection, and shown only where their "
    "number of businesses is. Answers are voluntary, so the figures describe who answered, not "
    "every creative entrepreneur."
)


@dataclass
class ResultsTable:
    period: object
    labs: list  # (lab id, name)
    rows: list  # dicts: code, label, sdg, sdg_label, baseline, target, value, lab_values
    rule: str


def results_table(period, labs, locale="en"):
    """Published values of every indicator for ``period``: the programme and each of ``labs``."""
    programme = published_values(period)
    per_lab = {lab.id: published_values(period, lab.id) for lab in labs}
    goals = targets()
    rows = []
    for d in INDICATORS:
        goal = goals.get(d.code)
        rows.append(
            {
                "code": d.code,
                "label": str(d.label),
                "sdg": d.sdg,
                "sdg_label": str(SDG_LABELS[d.sdg]),
                "baseline": goal.baseline_value if goal else None,
                "target": goal.target_value if goal else None,
                "target_year": goal.target_year if goal else None,
                "value": programme[d.code],
                "lab_values": [per_lab[lab.id][d.code] for lab in labs],
            }
        )
    return ResultsTable(period, [(lab.id, lab.name(locale)) for lab in labs], rows, str(RULE))


def open_year(year, locale="en"):
    """The public page's data for ``year``: the year and its quarters for the programme,
    and the year for each lab."""
    period = parse_period(str(year))
    table = results_table(period, all_labs(), locale)
    by_quarter = [(q.code, published_values(q)) for q in quarters(period.year)]
    return {
        "year": period.year,
        "table": table,
        "quarters": by_quarter,
        "mapping": mapping_aggregates(period.year, locale),
    }


def _plain(value):
    return "c" if value == MARK else value


def open_year_csv(data):
    """The open-data year as CSV: one line per indicator and area (programme or lab) and period."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["year", "period", "area", "indicator", "sdg_target", "value"])
    table = data["table"]
    for row in table.rows:
        writer.writerow(
            [data["year"], data["year"], "programme", row["code"], row["sdg"], _plain(row["value"])]
        )
        for (_lab_id, name), value in zip(table.labs, row["lab_values"], strict=True):
            writer.writerow(
                [data["year"], data["year"], safe_cell(name), row["code"], row["sdg"], _plain(value)]
            )
    for code, values in data["quarters"]:
        for indicator, value in values.items():
            writer.writerow(
                [data["year"], code, "programme", indicator, BY_CODE[indicator].sdg, _plain(value)]
            )
    mapping = data.get("mapping")
    if mapping:
        area = "mapping_survey"
        writer.writerow([data["year"], data["year"], area, "respondents", "", _plain(mapping["respondents"])])
        for table in mapping["tables"]:
            for code, _label, value in table["rows"]:
                writer.writerow(
                    [data["year"], data["year"], area, f"{table['dimension']}={code}", "", _plain(value)]
                )
        for figure in mapping["employees"]:
            writer.writerow([data["year"], data["year"], area, figure["code"], "", _plain(figure["value"])])
    writer.writerow([])
    writer.writerow(["c = hidden: too few people to show", str(RULE)])
    return out.getvalue()


def open_year_json(data):
    """The open-data year as JSON (hidden cells are the string "c")."""
    table = data["table"]
    document = {
        "year": data["year"],
        "protection": str(RULE),
        "methodology": [str(p) for p in METHODOLOGY],
        "indicators": [
            {
                "code": row["code"],
                "label": row["label"],
                "sdg_target": row["sdg"],
                "value": _plain(row["value"]),
                "labs": {
                    name: _plain(v) for (_id, name), v in zip(table.labs, row["lab_values"], strict=True)
                },
                "quarters": {code: _plain(values[row["code"]]) for code, values in data["quarters"]},
            }
            for row in table.rows
        ],
    }
    mapping = data.get("mapping")
    if mapping:
        document["mapping_survey"] = {
            "respondents": _plain(mapping["respondents"]),
            "tables": {
                t["dimension"]: {code: _plain(value) for code, _label, value in t["rows"]}
                for t in mapping["tables"]
            },
            "employees": {figure["code"]: _plain(figure["value"]) for figure in mapping["employees"]},
            "protection": mapping["rule"],
            "method": str(MAPPING_METHOD),
        }
    return json.dumps(document, ensure_ascii=False, indent=2)
