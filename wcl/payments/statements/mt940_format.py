"""SWIFT MT940 statements, read with the ``mt-940`` package."""

import logging
from datetime import date

from flask_babel import lazy_gettext as _l

from wcl.payments.statements import StatementEntry, StatementError
from wcl.payments.statements.amounts import signed_amount

# The package logs every field it could not match; a refused file is reported once, by us.
logging.getLogger("mt940").setLevel(logging.CRITICAL)


def _text(data):
    for encoding in ("utf-8", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise StatementError(_l("The file is not text in UTF-8 or Windows-1251. Save it as CSV in one of them."))


def parse_mt940(data, account):
    """Entries of an MT940 file (one or more statements); refuses a file without its closing balance."""
    import mt940  # an optional dependency: only an MT940 import needs it

    text = _text(data).replace("\r\n", "\n")
    transactions = mt940.models.Transactions()
    try:
        transactions.parse(text)
    except Exception:  # the package raises RuntimeError/ValueError/KeyError on a malformed field
        raise StatementError(
            _l("The MT940 file cannot be read: a field is malformed or cut short.")
        ) from None
    if "final_closing_balance" not in transactions.data and "closing_balance" not in str(transactions.data):
        raise StatementError(_l("The MT940 file has no closing balance (:62F:): it may be cut short."))
    entries = []
    for position, transaction in enumerate(transactions, start=1):
        found = transaction.data
        amount = found.get("amount")
        currency = (getattr(amount, "currency", None) or found.get("currency") or account.currency).upper()
        value = signed_amount(str(amount.amount), currency, position)
        if value == 0:
            continue
        day = found.get("date")
        if day is None:
            raise StatementError(_l("Line %(line)d: the date is missing.", line=position))
        details = " ".join(str(found.get(k) or "") for k in ("transaction_details", "extra_details")).strip()
        entries.append(
            StatementEntry(
                position=position,
                booked_on=date(day.year, day.month, day.day),
                amount=value,
                currency=currency,
                payer="",
                purpose=" ".join(details.split())[:400],
                line_id=str(found.get("bank_reference") or found.get("customer_reference") or "")[:80],
            )
        )
    return entries
