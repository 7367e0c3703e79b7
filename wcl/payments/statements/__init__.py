"""Bank statement parsers: CSV and XLSX (with a column mapping per bank), MT940 and ISO 20022 camt.053.

``parse_statement(data, filename, account)`` recognises the format from the
content, reads every line and returns ``(format, [StatementEntry])``, or raises
``StatementError`` with a translated message saying what is wrong (nothing is
stored before a whole file has been read). Parsers know nothing of pledges.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from wcl.payments.errors import PaymentError


class StatementError(PaymentError):
    """A statement file that cannot be read; the message says why."""


@dataclass(frozen=True)
class StatementEntry:
    """One booked line: ``amount`` in minor units, negative for money going out."""

    position: int
    booked_on: date
    amount: int
    currency: str
    payer: str
    purpose: str
    line_id: str


FORMATS = ("csv", "xlsx", "mt940", "camt053")


def detect_format(data):
    """The statement format of ``data`` (bytes) from its content, or ``None``."""
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    if head.startswith(b"<"):
        return "camt053"
    if b":20:" in data[:2048] and (b":61:" in data or b":60F:" in data or b":25:" in data):
        return "mt940"
    return "csv"


def parse_statement(data, filename, account, mapping):
    """Read a whole statement; returns ``(format, entries)`` or raises ``StatementError``."""
    # Cycle: each format module imports StatementEntry/StatementError from this package.
    from wcl.payments.statements import camt, mt940_format, tabular

    if not data:
        raise StatementError(_l("The file is empty."))
    fmt = detect_format(data)
    if fmt == "xlsx":
        entries = tabular.parse_xlsx(data, account, mapping)
    elif fmt == "camt053":
        entries = camt.parse_camt053(data, account)
    elif fmt == "mt940":
        entries = mt940_format.parse_mt940(data, account)
    else:
        entries = tabular.parse_csv(data, account, mapping)
    if not entries:
        raise StatementError(_l("The statement has no lines."))
    return fmt, entries
