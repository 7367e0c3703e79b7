"""The report as files: rows for CSV and XLSX, and IATI-shaped JSON, each with exactly
the page's published values."""

import csv
import io

from flask_babel import lazy_gettext as _l

from wcl.reports.protection import MARK
from wcl.reports.services.labels import DIMENSION_LABELS, IATI_NAMES, IATI_VALUES
from wcl.spreadsheets import safe_cell
from wcl.time import bishkek_time_filter


def table_rows(report, locale="en"):
    """The report as plain rows (header first), the single source for CSV and XLSX."""
    rows = [
        [
            str(_l("Participation report")),
            bishkek_time_filter(report.generated_at),
        ]
    ]
    rows.append([str(_l("Rule")), report.rule])
    for label, value in report.filters.described():
        rows.append([label, value])
    rows.append([])
    rows.append([str(_l("Stage")), *report.category_labels, str(_l("Total"))])
    for row in [*report.funnel, *report.people]:
        rows.append([row.label, *row.values, row.total])
    # The page's percentages (each category's share of the stage total), hidden by the same rule.
    rows.append([])
    rows.append([str(_l("Share of the stage total (%)")), *report.category_labels])
    for row in [*report.funnel, *report.people]:
        rows.append([row.label, *("" if p is None else p for p in row.percents)])
    for blocks, caption in (
        (report.money, _l("Money (%(currency)s)")),
        (report.grants, _l("Seed grants (%(currency)s)")),
    ):
        for block in blocks:
            rows.append([])
            rows.append(
                [str(caption) % {"currency": block["currency"]}, *report.category_labels, str(_l("Total"))]
            )
            for measure in block["measures"]:
                values = measure["values"]
                if measure["money"]:
                    values = [v if v == MARK else v / 100 for v in values]
                    total = measure["total"] if measure["total"] == MARK else measure["total"] / 100
                else:
                    total = measure["total"]
                rows.append([measure["label"], *values, total])
    if report.cross:
        cross = report.cross
        rows.append([])
        rows.append(
            [
                f"{cross['stage_label']}: {DIMENSION_LABELS[report.filters.by]} × "
                f"{DIMENSION_LABELS[report.filters.by2]}",
                *cross["column_labels"],
                str(_l("Total")),
            ]
        )
        for row in cross["rows"]:
            rows.append([row["label"], *row["values"], row["total"]])
        rows.append([str(_l("Total")), *cross["totals"], cross["total"]])
    return rows


def _entry(indicator, dimensions, value, **extra):
    return {
        "indicator": indicator,
        "dimensions": dimensions,
        "value": None if value == MARK else value,
        "suppressed": value == MARK,
        **extra,
    }


def iati_json(report):
    """Result values in IATI's shape: one entry per (stage, dimension value), with
    suppressed values as ``null`` and ``"suppressed": true``. Funnel entries carry the
    page's percentage (share of the stage total, ``null`` with ``"percentage_suppressed":
    true`` when hidden); ``cross_totals`` holds the cross-tabulation's margins and
    ``money`` the money table and ``grants`` the seed-grant table (amounts in major units,
    like the CSV)."""
    name = IATI_NAMES[report.filters.by]

    def dim(code, dim_name=name):
        return {"name": dim_name, "value": IATI_VALUES.get(code, code)}

    results = []
    for row in [*report.funnel, *report.people]:
        for code, value, percent in zip(report.categories, row.values, row.percents, strict=True):
            results.append(
                _entry(
                    row.stage,
                    [dim(code)],
                    value,
                    percentage=None if percent == MARK else percent,
                    percentage_suppressed=percent == MARK,
                )
            )
        results.append(_entry(row.stage, [], row.total))
    body = {"rule": report.rule, "filters": report.filters.query_args(), "results": results}
    if report.cross:
        cross = report.cross
        name2 = IATI_NAMES[report.filters.by2]
        for row in cross["rows"]:
            for code2, value in zip(cross["columns"], row["values"], strict=True):
                results.append(_entry(cross["stage"], [dim(row["code"]), dim(code2, name2)], value))
        totals = [_entry(cross["stage"], [dim(row["code"])], row["total"]) for row in cross["rows"]]
        totals += [
            _entry(cross["stage"], [dim(code2, name2)], value)
            for code2, value in zip(cross["columns"], cross["totals"], strict=True)
        ]
        totals.append(_entry(cross["stage"], [], cross["total"]))
        body["cross_totals"] = totals
    for name, blocks in (("money", report.money), ("grants", report.grants)):
        entries = []
        for block in blocks:
            for measure in block["measures"]:

                def amount(value, measure=measure):
                    return value / 100 if measure["money"] and value != MARK else value

                extra = {"currency": block["currency"], "measure": measure["key"]}
                for code, value in zip(report.categories, measure["values"], strict=True):
                    entries.append(_entry(name, [dim(code)], amount(value), **extra))
                entries.append(_entry(name, [], amount(measure["total"]), **extra))
        body[name] = entries
    return body


def export_csv(report):
    """CSV bytes of exactly the page's values (UTF-8 with BOM for spreadsheet apps)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in table_rows(report):
        # Filter values carry names people chose (a campaign title): never a formula.
        writer.writerow([safe_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_xlsx(report):
    """XLSX bytes of exactly the page's values; the rule and filters head the sheet."""
    # openpyxl takes about 0.3 s to import: only an export pays for it.
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Report"
    for row in table_rows(report):
        sheet.append([safe_cell(v) for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
