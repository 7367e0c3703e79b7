"""Cells for CSV and XLSX exports that people open in a spreadsheet."""

import io

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value``, with text that a spreadsheet would run as a formula (a donor
    named ``=HYPERLINK(...)``, a campaign title starting with ``+``) quoted so
    it stays text. Numbers and ``None`` pass through unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def xlsx_bytes(title, rows):
    """An XLSX workbook of one sheet named ``title`` holding ``rows`` (lists of cells).

    Every text cell is passed through :func:`safe_cell` and stored as a string
    (data type ``s``), so nothing in it is ever evaluated as a formula.
    """
    # openpyxl takes about 0.3 s to import: only an export pays for it, not every process start.
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
