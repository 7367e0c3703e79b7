"""Participation reports: filters, suppressed tables, exports.

Every published number goes through ``wcl.reports.suppression.suppress``. When a
filter is applied (including a lab scope), the wider reports it could be
compared with are computed too (``Filters.references``: the unfiltered report,
and for a call or cohort the same report at the coarser levels of the
lab → call → cohort hierarchy), and each ``wider - filtered`` is passed as a
complement. So comparing a filtered report with one of those reveals no small
group; other pairs (two date ranges, sibling calls, several reports summed) are
not protected (README, "Participation reports").
"""

from wcl.reports.errors import ReportError
from wcl.reports.services.building import Report, StageRow, build_report
from wcl.reports.services.exports import export_csv, export_xlsx, iati_json, table_rows
from wcl.reports.services.filters import Filters, filter_choices, parse_filters
from wcl.reports.services.labels import (
    CATEGORY_LABELS,
    DIMENSION_LABELS,
    STAGE_LABELS,
    category_label,
)
from wcl.reports.services.pdf import export_for, render_export, request_pdf

__all__ = [
    "CATEGORY_LABELS",
    "DIMENSION_LABELS",
    "STAGE_LABELS",
    "Filters",
    "Report",
    "ReportError",
    "StageRow",
    "build_report",
    "category_label",
    "export_csv",
    "export_for",
    "export_xlsx",
    "filter_choices",
    "iati_json",
    "parse_filters",
    "render_export",
    "request_pdf",
    "table_rows",
]
