"""Participation reports: filters, protected tables, exports.

Every published number goes through ``wcl.reports.protection`` (the cell-key
method): each cell's noise is fixed by the people it counts, so the same cell has
the same value in every report, and differencing reports gives noisy figures, not
small groups (README, "Participation reports").
"""

from wcl.reports.errors import ReportError
from wcl.reports.services.building import PublicFigures, Report, StageRow, build_report, public_figures
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
    "PublicFigures",
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
    "public_figures",
    "render_export",
    "request_pdf",
    "table_rows",
]
