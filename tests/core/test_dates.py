"""One way to write a date and a time for people, in every page, email and PDF.

Dates read "2 December 2026" / "2 декабря 2026 г." / "2026-ж., 2-декабрь"; a moment adds
", 07:02" (24-hour clock, no seconds); a deadline adds the one label for Bishkek time.
"""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask_babel import force_locale

from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.cohorts import CohortSessionFactory
from tests.factories.programme import ApplicationFactory, CallFactory, EnrolmentFactory
from tests.factories.receipts import paid_pledge
from tests.helpers import login
from wcl.extensions import db

ROOT = Path(__file__).resolve().parents[2]

MONTHS = {
    "en": "January|February|March|April|May|June|July|August|September|October|November|December",
    "ru": "января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря",
    "ky": "январь|февраль|март|апрель|май|июнь|июль|август|сентябрь|октябрь|ноябрь|декабрь",
}
DATE = {
    "en": rf"\d{{1,2}} (?:{MONTHS['en']}) \d{{4}}",
    "ru": rf"\d{{1,2}} (?:{MONTHS['ru']}) \d{{4}} г\.",
    "ky": rf"\d{{4}}-ж\., \d{{1,2}}-(?:{MONTHS['ky']})",
}
CLOCK = r", \d{2}:\d{2}"
BISHKEK_LABEL = {"en": "(Bishkek time)", "ru": "(время Бишкека)", "ky": "(Бишкек убактысы)"}

# What the five old formats looked like: seconds, numeric dates, short months, AM/PM, zone names.
FORBIDDEN = [
    (r"\d:\d\d:\d\d", "seconds"),
    (r"\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b", "a numeric date"),
    (r"\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b\.? \d", "a short English month"),
    (r"\d-?(?:янв|фев|мар|апр|июн|июл|авг|сен|окт|ноя|дек)\.", "a short month"),
    (r"\d (?:AM|PM)\b", "a 12-hour clock"),
    (r"Kyrgyzstan Time|Кыргызстан убактысы|Киргизия|\+0600", "a zone name"),
    (r"\d{4}-\d{2}-\d{2}", "an ISO date"),
]


def assert_one_format(text, locale, expect_date=True, expect_clock=False, expect_bishkek=False):
    text = " ".join(re.sub(r"<[^>]+>", "", text).split())  # what people read, not markup
    for pattern, what in FORBIDDEN:
        match = re.search(pattern, text)
        assert not match, f"{locale}: {what}: …{text[max(0, match.start() - 40) : match.end() + 40]}…"
    if expect_date:
        assert re.search(DATE[locale], text), f"{locale}: no date written as {DATE[locale]}"
    if expect_clock:
        assert re.search(DATE[locale] + CLOCK, text), f"{locale}: no date and time"
    if expect_bishkek:
        assert re.search(DATE[locale] + CLOCK + " " + re.escape(BISHKEK_LABEL[locale]), text), (
            f"{locale}: no deadline with the Bishkek label"
        )


@pytest.fixture
def world(app):
    with app.app_context():
        call = CallFactory(slug="dates", closes_at=datetime(2030, 5, 1, 17, 59, 30, tzinfo=UTC))
        applicant = UserFactory(email="applicant@example.org", roles=["applicant"])
        ApplicationFactory(
            call=call, applicant=applicant, submitted_at=datetime(2030, 4, 2, 3, 4, 5, tzinfo=UTC)
        )
        enrolment = EnrolmentFactory(participant=UserFactory(email="p@example.org", roles=["participant"]))
        CohortSessionFactory(cohort=enrolment.cohort, starts_at=datetime(2030, 6, 3, 4, 0, 58, tzinfo=UTC))
        from wcl.receipts import services

        receipt = services.issue_receipt(paid_pledge(backer_name="Aida").id)
        db.session.commit()
        return {"cohort_id": enrolment.cohort_id, "code": receipt.code, "receipt_id": receipt.id}


def _get(client, path, locale):
    response = client.get(path, headers={"Accept-Language": locale})
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


@pytest.mark.parametrize("locale", ["en", "ru", "ky"])
def test_pages_write_dates_one_way(app, world, locale):
    guest = app.test_client()
    assert_one_format(_get(guest, "/calls/dates", locale), locale, expect_clock=True, expect_bishkek=True)
    assert_one_format(_get(guest, f"/receipts/verify/{world['code']}", locale), locale)

    applicant = app.test_client()
    login(applicant, "applicant@example.org", PASSWORD)
    assert_one_format(_get(applicant, "/applications/mine", locale), locale, expect_bishkek=True)

    participant = app.test_client()
    login(participant, "p@example.org", PASSWORD)
    schedule = _get(participant, f"/cohorts/{world['cohort_id']}/schedule", locale)
    assert_one_format(schedule, locale, expect_clock=True)


@pytest.mark.parametrize("locale", ["en", "ru", "ky"])
def test_emails_and_pdfs_write_dates_one_way(app, world, locale):
    from wcl.mail import render_email
    from wcl.pdf import render_html
    from wcl.receipts.models import Receipt
    from wcl.receipts.services.rendering import org_details

    with app.test_request_context():
        email = render_email(
            "cohorts/session_reminder",
            locale,
            name="Aida",
            title="Felting",
            starts_at=datetime(2030, 6, 3, 4, 0, 58, tzinfo=UTC),
            place="Osh",
            link=None,
            schedule="https://example.org/s",
        )
        assert_one_format(email["subject"], locale, expect_clock=True, expect_bishkek=True)
        assert_one_format(email["text"], locale, expect_clock=True, expect_bishkek=True)
        receipt = db.session.get(Receipt, world["receipt_id"])
        html = render_html(
            "receipts/pdf/receipt.html", locale, receipt=receipt, org=org_details(), verify_url="x", qr=""
        )
        assert_one_format(re.sub(r"<style.*?</style>", "", html, flags=re.S), locale)


@pytest.mark.parametrize("locale", ["en", "ru", "ky"])
def test_the_filters_themselves(app, locale):
    from wcl.time import bishkek_time_filter, date_filter, datetime_filter

    moment = datetime(2026, 12, 2, 1, 2, 58, tzinfo=UTC)  # 07:02:58 in Bishkek
    expected_day = {"en": "2 December 2026", "ru": "2 декабря 2026 г.", "ky": "2026-ж., 2-декабрь"}[locale]
    with app.test_request_context(), force_locale(locale):
        assert date_filter(moment) == expected_day
        assert date_filter(moment.date()) == expected_day
        assert datetime_filter(moment) == f"{expected_day}, 07:02"
        assert bishkek_time_filter(moment) == f"{expected_day}, 07:02 {BISHKEK_LABEL[locale]}"


def test_templates_use_only_the_filters():
    """No template formats a date itself or picks a format of its own."""
    offenders = []
    for path in (ROOT / "templates").rglob("*"):
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (
            r"format_datetime|format_date|format_time|strftime|isoformat",
            r"\|\s*(?:datetime|date|bishkek_time)\s*\(",  # a format argument: one format only
            r"Bishkek time\)\"\)",  # the label is part of |bishkek_time
        ):
            for match in re.finditer(pattern, text):
                offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert not offenders, offenders


def test_python_shows_dates_through_wcl_time():
    """Outside wcl/time.py, code does not format dates for people (ISO in CSV data cells is data)."""
    allowed = {"wcl/time.py"}
    offenders = []
    for path in (ROOT / "wcl").rglob("*.py"):
        rel = str(path.relative_to(ROOT))
        if rel in allowed:
            continue
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"format_datetime|format_date\b|format_time|strftime", text):
            offenders.append(f"{rel}: {match.group(0)}")
    assert not offenders, offenders
