"""Money: integer minor units plus an ISO 4217 currency code.

500 som is stored as ``50000`` with ``"KGS"``. Input is parsed with
``Decimal`` (never float) and formatted per locale with Babel.
"""

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale
from babel.numbers import format_currency, parse_pattern
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from wcl.errors import ServiceError

# Currencies the platform accepts, with their number of decimals (Stripe's list
# agrees for these: KGS, USD, EUR and RUB are all two-decimal).
CURRENCIES = {"KGS": 2, "USD": 2, "EUR": 2, "RUB": 2}
DEFAULT_CURRENCY = "KGS"

# A single amount above this is refused as a typo (100 million som).
MAX_AMOUNT_MAJOR = Decimal("100000000")


# "1500", "1 500", "10\u00a0000,50", "0.5": ASCII digits only (``re.ASCII``), groups
# of three after the first when spaced, one decimal mark.
_AMOUNT = re.compile(
    r"(?P<whole>[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+|[0-9]+)(?:[.,](?P<fraction>[0-9]+))?",
    re.ASCII,
)
_GROUP_SPACE = re.compile(r"[ \u00a0\u202f]")


class MoneyError(ServiceError):
    """An amount that cannot be accepted; ``str()`` is a translated message."""


def exponent(currency):
    """Number of decimals of ``currency``; raises ``MoneyError`` if unsupported."""
    try:
        return CURRENCIES[currency]
    except KeyError:
        raise MoneyError(_l("This currency is not accepted.")) from None


def parse_amount(text, currency=DEFAULT_CURRENCY, *, allow_zero=False):
    """Parse what a person typed ("1 500,50", "1500.5") into minor units.

    Accepts ASCII digits, spaces (also non-breaking) between groups of three
    digits, and one comma or dot as the decimal mark; nothing else (no
    exponents, underscores, signs or other scripts' digits). Raises ``MoneyError`` with a translated message
    for anything that is not a positive amount with at most the currency's
    decimals.
    """
    places = exponent(currency)
    cleaned = str(text or "").strip()
    if cleaned.startswith("-") and _AMOUNT.fullmatch(cleaned[1:].lstrip()):
        raise MoneyError(_l("The amount must be more than zero."))
    match = _AMOUNT.fullmatch(cleaned)
    if match is None:
        raise MoneyError(_l("Enter an amount as a number, for example 1500."))
    # Only ASCII digits are left once the group spaces are gone: Decimal() alone
    # would also take "5e3", "1_0_0", "NaN" and full-width or Arabic-Indic digits.
    whole = _GROUP_SPACE.sub("", match["whole"])
    try:
        value = Decimal(f"{whole}.{match['fraction'] or '0'}")
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        raise MoneyError(_l("Enter an amount as a number, for example 1500.")) from None
    if value < 0 or (value == 0 and not allow_zero):
        raise MoneyError(_l("The amount must be more than zero."))
    if value > MAX_AMOUNT_MAJOR:
        raise MoneyError(_l("This amount is too large."))
    if value.as_tuple().exponent < -places:
        raise MoneyError(_l("Use at most %(places)d decimal places.", places=places))
    return int(value.scaleb(places))


def to_major(minor, currency=DEFAULT_CURRENCY):
    """Minor units to a ``Decimal`` in major units (50000 KGS → Decimal('500.00'))."""
    return Decimal(minor).scaleb(-exponent(currency))


def format_money(minor, currency=DEFAULT_CURRENCY, locale=None):
    """Format minor units for display in the current (or given) locale.

    Whole amounts drop the decimals ("1 500 сом"); others keep them.
    """
    if minor is None:
        return ""
    major = to_major(minor, currency)
    locale, pattern = _currency_pattern(
        str(locale or get_locale() or "en"), currency, major == major.to_integral_value()
    )
    return format_currency(major, currency, format=pattern, locale=locale, currency_digits=False)


@lru_cache(maxsize=64)
def _currency_pattern(locale_id, currency, whole):
    # Parsing the locale and the pattern cost more than formatting; a campaign
    # page formats dozens of amounts, so both are parsed once per locale.
    locale = Locale.parse(locale_id)
    pattern = locale.currency_formats["standard"].pattern
    if whole:
        pattern = re.sub(r"\.0+", "", pattern)
    if locale.currency_symbols.get(currency, currency).isalpha():
        # A word-like symbol ("KGS", "сом") glued to the digits reads badly: "KGS1,500".
        pattern = re.sub(r"¤(?=[#0])", "¤\u00a0", pattern)
        pattern = re.sub(r"(?<=[#0])¤", "\u00a0¤", pattern)
    return locale, parse_pattern(pattern)
