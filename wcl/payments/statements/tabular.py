"""CSV and XLSX statements, read through the bank's saved column mapping.

CSV files come from Kyrgyz banks in UTF-8 or Windows-1251, separated by
commas or semicolons, with amounts like "1 500,00". Every row must have the
header's columns: a row with fewer is a file cut short, and refused.
"""

import csv
import io
import zipfile

from flask_babel import lazy_gettext as _l

from wcl.payments.statements import StatementEntry, StatementError
from wcl.payments.statements.amounts import checked_currency, line_error, parse_day, signed_amount

MAX_LINES = 50_000


def decode(data):
    """Text of a CSV statement: UTF-8 (with or without a BOM), else Windows-1251; anything else is refused."""
    if b"\x00" in data:
        raise StatementError(
            _l("The file is not text in UTF-8 or Windows-1251. Save it as CSV in one of them.")
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError:
        raise StatementError(
            _l("The file is not text in UTF-8 or Windows-1251. Save it as CSV in one of them.")
        ) from None
    if any(ord(c) < 32 and c not in "\t\r\n" for c in text):
        raise StatementError(
            _l("The file is not text in UTF-8 or Windows-1251. Save it as CSV in one of them.")
        )
    return text


def _columns(header, mapping):
    """Index of each mapped column in ``header`` (case and spaces ignored); refuses a missing one."""
    names = [str(h or "").strip().casefold() for h in header]
    found = {}
    for key in ("date", "amount", "currency", "purpose", "payer", "line_id"):
        wanted = (mapping.get(key) or "").strip().casefold()
        if wanted and wanted in names:
            found[key] = names.index(wanted)
        elif key in ("date", "amount", "purpose"):
            raise StatementError(
                _l(
                    "The column “%(column)s” is not in the file's first row. Check the bank's column settings.",
                    column=mapping.get(key) or key,
                )
            )
    return found


def _rows_to_entries(rows, account, mapping):
    rows = iter(rows)
    header = next(rows, None)
    if header is None:
        raise StatementError(_l("The statement has no lines."))
    columns = _columns(header, mapping)
    width = max(columns.values()) + 1
    entries = []
    for position, row in enumerate(rows, start=2):
        if not any(str(cell or "").strip() for cell in row):
            continue
        if len(row) < width:
            raise line_error(
                position, _l("the line has fewer columns than the first row: the file may be cut short.")
            )
        if len(entries) >= MAX_LINES:
            raise StatementError(_l("The statement has more than %(n)d lines. Split it.", n=MAX_LINES))

        def cell(key, row=row):
            return row[columns[key]] if key in columns else None

        currency = checked_currency(cell("currency"), account.currency, position)
        amount = signed_amount(cell("amount"), currency, position)
        if amount == 0:
            continue
        entries.append(
            StatementEntry(
                position=position,
                booked_on=parse_day(cell("date"), mapping.get("date_format"), position),
                amount=amount,
                currency=currency,
                payer=str(cell("payer") or "").strip()[:200],
                purpose=str(cell("purpose") or "").strip()[:400],
                line_id=str(cell("line_id") or "").strip()[:80],
            )
        )
    return entries


def parse_csv(data, account, mapping):
    """Entries of a CSV statement (the delimiter is sniffed: comma, semicolon or tab)."""
    text = decode(data)
    first = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first.count)
    if not first.count(delimiter):
        raise StatementError(
            _l("This is not a statement format wcl reads: CSV, XLSX, MT940 or camt.053 XML.")
        )
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error:
        raise StatementError(_l("The file is not a readable CSV file: it may be cut short.")) from None
    return _rows_to_entries(rows, account, mapping)


def parse_xlsx(data, account, mapping):
    """Entries of the first sheet of an XLSX statement."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise StatementError(_l("The file is not a readable XLSX workbook: it may be cut short.")) from None
    try:
        sheet = book.worksheets[0]
        return _rows_to_entries(sheet.iter_rows(values_only=True), account, mapping)
    finally:
        book.close()
