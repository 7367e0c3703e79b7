"""Amounts and dates as banks write them ("1 500,00", "-200.00", 31.12.2026)."""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from wcl.money import CURRENCIES, MoneyError, exponent, parse_amount
from wcl.payments.statements import StatementError


def line_error(position, message):
    return StatementError(_l("Line %(line)d: %(problem)s", line=position, problem=message))


def signed_amount(value, currency, position):
    """Minor units from a cell or text; a leading (or trailing) minus means money going out."""
    # A foreign currency wcl does not take is still read (to list it for staff): two decimals.
    currency = currency if currency in CURRENCIES else "USD"
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise line_error(position, _l("the amount is not a number.")) from None
        return int((number.scaleb(exponent(currency))).to_integral_value())
    text = str(value or "").strip().replace("\u2212", "-")
    sign = 1
    if text.startswith("-") or text.endswith("-"):
        sign, text = -1, text.strip("-").strip()
    elif text.startswith("+"):
        text = text[1:].strip()
    try:
        return sign * parse_amount(text, currency)
    except MoneyError:
        raise line_error(
            position, _l("the amount “%(value)s” is not a number.", value=str(value)[:30])
        ) from None


def checked_currency(value, default, position):
    code = (str(value or "").strip() or default).upper()
    if code not in CURRENCIES and not (len(code) == 3 and code.isalpha()):
        raise line_error(position, _l("“%(value)s” is not a currency code.", value=code[:10]))
    return code


def parse_day(value, fmt, position):
    """A booking day from a spreadsheet date, or text in the bank's format (or ISO)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    text = text.split()[0] if text else text  # "31.12.2026 14:05" → the day
    for candidate in (fmt, "%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"):
        if not candidate:
            continue
        try:
            return datetime.strptime(text, candidate).date()
        except ValueError:
            continue
    raise line_error(position, _l("the date “%(value)s” is not a date.", value=text[:20]))
