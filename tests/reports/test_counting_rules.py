"""The counting rules the README and the report page state, enforced on the data."""

from datetime import UTC, datetime

import pytest

from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.programme import ApplicationFactory, CallFactory, LabFactory
from tests.helpers import login
from wcl.applications import services as applications
from wcl.extensions import db
from wcl.reports import queries

SUBMITTED = datetime(2026, 3, 1, 9, tzinfo=UTC)


def _submitted(call, n):
    return [
        ApplicationFactory(
            call=call,
            applicant=UserFactory(roles=["applicant"]),
            status="submitted",
            submitted_at=SUBMITTED,
            snapshot_gender="woman",
            snapshot_birth_year=2000,
        )
        for _ in range(n)
    ]


def _true(stage, by="gender"):
    counts = {(s, d1): n for s, d1, _d2, n, _key in db.session.execute(queries.stage_counts({}, by))}
    return {d1: n for (s, d1), n in counts.items() if s == stage}


@pytest.fixture
def staff(app_ctx):
    return UserFactory(roles=["staff"])


def test_shortlisted_counts_every_application_ever_shortlisted(staff):
    """Shortlisted through the real services, then decided: the 2 later rejected and the 2
    later waitlisted still count as shortlisted (their status history says they were)."""
    call = CallFactory(lab=LabFactory())
    shortlisted = _submitted(call, 6)
    direct = _submitted(call, 1)  # accepted without a shortlist step: counted (nested funnel)
    never = _submitted(call, 5)  # rejected straight away: not shortlisted
    db.session.commit()
    ids = [a.id for a in shortlisted]
    applications.shortlist(staff, ids)
    applications.decide(staff, ids[:2], "rejected")
    applications.decide(staff, ids[2:4], "waitlisted")
    applications.decide(staff, ids[4:5], "accepted")  # ids[5] stays shortlisted
    applications.decide(staff, [direct[0].id], "accepted")
    applications.decide(staff, [a.id for a in never], "rejected")

    assert _true("applied") == {"woman": 12}
    assert _true("shortlisted") == {"woman": 7}  # on main: 3 (only today's shortlisted/accepted)
    assert _true("accepted") == {"woman": 2}
    # A waitlisted application promoted to accepted is counted once.
    applications.decide(staff, ids[2:3], "accepted")
    assert _true("shortlisted") == {"woman": 7}
    assert _true("accepted") == {"woman": 3}


def test_the_shortlisted_rule_is_stated_on_the_page(client, staff):
    login(client, staff.email, PASSWORD)
    html = client.get("/reports/").get_data(as_text=True)
    assert "ever shortlisted" in html
    assert "later waitlisted or rejected" in html


@pytest.mark.parametrize(
    ("by", "expected"),
    [
        # Kyrgyz youth (Law No. 157 "On youth", 2023): 14–35 at the event's year, both ends in.
        ("youth", {"youth": 4, "not_youth": 2, "not_stated": 1}),
        # The UN statistical youth band: 15–24.
        ("youth_un", {"youth_un": 2, "not_youth_un": 4, "not_stated": 1}),
    ],
)
def test_youth_bands_at_their_edges(staff, by, expected):
    call = CallFactory(lab=LabFactory())
    # Ages in 2026 (the submission year) from the birth year: 13, 14, 15, 24, 35, 36, unknown.
    for birth_year in (2013, 2012, 2011, 2002, 1991, 1990, None):
        ApplicationFactory(
            call=call,
            applicant=UserFactory(roles=["applicant"]),
            status="submitted",
            submitted_at=SUBMITTED,
            snapshot_gender="woman",
            snapshot_birth_year=birth_year,
        )
    db.session.commit()
    assert queries.DIMENSIONS[by] == tuple(expected)
    # 13 is not youth in either band; 14 and 35 only in Kyrgyz youth; 15 and 24 in both.
    assert _true("applied", by) == expected


def test_age_bands_are_explained_on_the_page(client, staff):
    login(client, staff.email, PASSWORD)
    html = client.get("/reports/?by=youth_un").get_data(as_text=True)
    assert "Law No. 157" in html and "15–24" in html
    assert "Age is worked out from the year of birth" in html
    assert '<option value="youth_un" selected>' in html
