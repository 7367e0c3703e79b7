"""Time helpers: timezone-aware UTC in the database, local time on screen.

Everything stored is aware UTC (``UTCDateTime``); everything shown goes
through the ``datetime``/``date`` template filters, which convert to the
viewer's zone (Asia/Bishkek by default) and format per locale.
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from flask_babel import get_timezone, gettext

from wcl.i18n import current_locale

BISHKEK = ZoneInfo("Asia/Bishkek")
DEFAULT_ZONE = BISHKEK


def utcnow():
    """The current time as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """A DateTime column that only accepts aware datetimes and returns UTC.

    SQLite stores no zone, so values read back are tagged as UTC; PostgreSQL
    uses ``timestamptz``.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def local_zone():
    """The viewer's zone (Flask-Babel's timezone selector), else Asia/Bishkek."""
    try:
        # Flask-Babel hands back a pytz zone; pytz zones applied with replace()
        # use local mean time (Bishkek +4:58), so convert to zoneinfo.
        return ZoneInfo(str(get_timezone()))
    except RuntimeError:
        return DEFAULT_ZONE


def to_local(value):
    """Convert an aware datetime to the viewer's zone."""
    return value.astimezone(local_zone()) if value is not None else None


def local_to_utc(naive_local, zone=None):
    """Interpret a naive datetime typed in a form as local time; return UTC."""
    zone = zone or local_zone()
    return naive_local.replace(tzinfo=zone).astimezone(UTC)


# The one way a date and a moment are written for people, per language: the
# month in words (CLDR's long date), a 24-hour clock, never seconds. Other
# languages fall back to English.
DATE_PATTERNS = {"en": "d MMMM y", "ru": "d MMMM y 'г.'", "ky": "y-'ж'., d-MMMM"}
CLOCK_PATTERN = "HH:mm"


def _pattern(with_clock):
    day = DATE_PATTERNS.get(current_locale(), DATE_PATTERNS["en"])
    return f"{day}, {CLOCK_PATTERN}" if with_clock else day


def datetime_filter(value):
    """Jinja filter ``|datetime``: a moment in the viewer's zone ("2 December 2026, 07:02")."""
    if value is None:
        return ""
    return babel_format_datetime(value, _pattern(True), tzinfo=local_zone(), locale=current_locale())


def bishkek_time_filter(value):
    """Jinja filter ``|bishkek_time``: a moment in Asia/Bishkek time, whatever the viewer's
    zone, with the one label for it ("1 May 2030, 23:59 (Bishkek time)"): deadlines,
    sessions, and times in emails, whose reader's zone is unknown."""
    if value is None:
        return ""
    moment = babel_format_datetime(value, _pattern(True), tzinfo=BISHKEK, locale=current_locale())
    return f"{moment} ({bishkek_time_label()})"


def clock_filter(value):
    """Jinja filter ``|clock``: the time of day of a moment in the viewer's zone ("18:30"),
    for the end of a one-day event after its full start, or a check-in today."""
    if value is None:
        return ""
    return babel_format_datetime(value, CLOCK_PATTERN, tzinfo=local_zone(), locale=current_locale())


def ical_stamp(value):
    """A moment as an iCalendar UTC date-time ("20261203T143000Z", RFC 5545): data, not for people."""
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def bishkek_time_label():
    """The one name for Bishkek time in the current language."""
    return gettext("Bishkek time")


def date_filter(value):
    """Jinja filter ``|date``: a date, or the local date of a moment ("2 December 2026")."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value).date()
    return babel_format_date(value, _pattern(False), locale=current_locale())


def local_today(zone=None):
    """Today's date where the programme is (Asia/Bishkek, or the viewer's zone).

    Dates people type ("the day the money came") are local dates; comparing
    them with the UTC date would refuse today's date before 06:00 in Bishkek.
    """
    return utcnow().astimezone(zone or local_zone()).date()
