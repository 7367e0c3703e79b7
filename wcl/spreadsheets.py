"""Cells for CSV and XLSX exports that people open in a spreadsheet."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value``, with text that a spreadsheet would run as a formula (a donor
    named ``=HYPERLINK(...)``, a campaign title starting with ``+``) quoted so
    it stays text. Numbers and ``None`` pass through unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
