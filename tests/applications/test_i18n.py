"""Application pages in Russian and Kyrgyz carry no English UI text."""

import pytest

from tests.applications.conftest import draft
from tests.core.test_i18n import english_words
from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.applications import AssignmentFactory, call_with_form
from tests.factories.programme import LabFactory
from tests.helpers import login
from wcl.accounts.models import User
from wcl.applications import services
from wcl.extensions import db

# File formats, export formats and e-mail placeholders are not English UI text.
TECHNICAL = ["JPEG", "PNG", "PDF", "CSV", "XLSX", "{name}", "{call}", "{link}", "{note}"]
# What the test applicants typed (see conftest.draft) is theirs, not UI text.
DATA = ["Embroidery", "A plan", "work.jpg", "Osh", "asel@example.org"]
# The list of decision emails shows the English emails' subjects too: content, not UI.
DATA += [services.DEFAULT_TEMPLATES[(outcome, "en")][0] for outcome in services.OUTCOMES]


@pytest.fixture
def pages(app):
    with app.app_context():
        lab = LabFactory(name_ru="Ош", name_ky="Ош")
        call = call_with_form(
            lab=lab,
            slug="osh",
            title_en="Осh",
            title_ru="Ош 2026",
            title_ky="Ош 2026",
            description_en="Описание",
            eligibility_en="Аялдар",
        )
        for q in call.questions:
            q.label_en = "Суроо"
        for c in call.criteria:
            c.label_en = "Критерий"
        people = {
            role: UserFactory(email=f"{role}@example.org", full_name="Айгерим", roles=[role], phone="0555")
            for role in ("applicant", "reviewer", "staff")
        }
        db.session.commit()
        application = draft(people["applicant"].id, call.id)
        second = draft(
            UserFactory(email="asel@example.org", full_name="Асель", roles=["applicant"]).id, call.id
        )
        services.submit_application(second.applicant, second)
        AssignmentFactory(application=second, reviewer=people["reviewer"])
        return {"call": call.id, "slug": call.slug, "draft": application.id, "sub": second.id}


def _paths(ids):
    return {
        "applicant": [
            "/calls/",
            "/calls/{slug}",
            "/applications/mine",
            "/applications/{draft}/step/1",
            "/applications/{draft}/step/2",
            "/applications/{draft}/step/3",
            "/applications/{draft}/step/4",
            "/applications/{draft}",
        ],
        "reviewer": ["/review/", "/applications/{sub}", "/applications/{sub}/review"],
        "staff": [
            "/staff/calls/",
            "/staff/calls/new",
            "/staff/calls/{call}/edit",
            "/staff/calls/{call}/form",
            "/staff/calls/{call}/applications",
            "/staff/calls/{call}/ranking",
            "/staff/calls/{call}/paper",
            "/applications/{sub}",
            "/staff/decision-templates",
            "/staff/decision-templates/accepted/ky",
        ],
    }


@pytest.mark.parametrize("locale", ["ru", "ky"])
@pytest.mark.parametrize("role", ["applicant", "reviewer", "staff"])
def test_application_pages_have_no_english(app, pages, locale, role):
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == f"{role}@example.org"))
        user.locale = locale
        db.session.commit()
    client = app.test_client()
    login(client, f"{role}@example.org", PASSWORD)
    for path in _paths(pages)[role]:
        response = client.get(path.format(**pages))
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert f'lang="{locale}"' in html
        assert english_words(html, exclude=DATA + TECHNICAL + [f"{role}@example.org"]) == [], path
