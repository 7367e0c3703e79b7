"""Cohort pages in Russian and Kyrgyz carry no English UI text."""

import pytest

from tests.core.test_i18n import english_words
from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.cohorts import (
    CheckInFactory,
    CohortSessionFactory,
    MilestoneFactory,
    accepted_application,
)
from tests.factories.programme import CallFactory, CohortFactory, EnrolmentFactory, LabFactory
from tests.helpers import login
from wcl.extensions import db


def _world(locale):
    lab = LabFactory()
    UserFactory(email="staff@example.org", full_name="Нургуль", roles=["staff"], locale=locale)
    mentor = UserFactory(email="mentor@example.org", full_name="Гүлнара", roles=["mentor"], locale=locale)
    person = UserFactory(email="p@example.org", full_name="Айгерим", roles=["participant"], locale=locale)
    cohort = CohortFactory(lab=lab, name="Ош көктөм", location="Ош шаары")
    enrolment = EnrolmentFactory(cohort=cohort, participant=person, mentor=mentor)
    session = CohortSessionFactory(cohort=cohort, title="Баа коюу", place="Ош лабораториясы")
    MilestoneFactory(cohort=cohort, title="Бизнес идея")
    CheckInFactory(enrolment_id=enrolment.id, status="at_risk", notes="Жолугуштук")
    call = CallFactory(lab=lab)
    accepted_application(call.id, applicant=UserFactory(full_name="Асель"))
    db.session.commit()
    return cohort.id, enrolment.id, session.id


@pytest.mark.parametrize("locale", ["ru", "ky"])
def test_cohort_pages_have_no_english(app, locale):
    with app.app_context():
        cohort_id, enrolment_id, session_id = _world(locale)
    pages = {
        "staff@example.org": [
            "/cohorts/",
            "/cohorts/new",
            f"/cohorts/{cohort_id}",
            f"/cohorts/{cohort_id}/edit",
            f"/cohorts/{cohort_id}/enrol",
            f"/cohorts/{cohort_id}/schedule",
            f"/cohorts/{cohort_id}/milestones",
            f"/cohorts/{cohort_id}/sessions/new",
            f"/cohorts/sessions/{session_id}/attendance",
            f"/cohorts/enrolments/{enrolment_id}",
        ],
        "mentor@example.org": [f"/cohorts/{cohort_id}", f"/cohorts/enrolments/{enrolment_id}"],
        "p@example.org": [
            "/cohorts/",
            f"/cohorts/enrolments/{enrolment_id}",
            f"/cohorts/{cohort_id}/schedule",
        ],
    }
    for email, paths in pages.items():
        client = app.test_client()
        login(client, email, PASSWORD)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (email, path)
            html = response.get_data(as_text=True)
            assert f'lang="{locale}"' in html
            assert english_words(html) == [], (email, path)
