"""The annual mapping survey: anyone answers without signing in; consent, ranges and
the reference lists are enforced (refused, translated, nothing stored); one answer per
year per device and per email address; published only as protected aggregates on the
open-data page and in its CSV and JSON."""

import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from tests.factories.accounts import PASSWORD, UserFactory
from tests.helpers import csrf_token, login, outbox_messages, post_form
from wcl.extensions import db
from wcl.outcomes import services
from wcl.outcomes.errors import OutcomesError
from wcl.outcomes.models import MappingResponse
from wcl.reports.protection import Cell, publish
from wcl.time import utcnow

GOOD = {
    "creative_domain": "V_ARTS",
    "region": "KG-N",
    "settlement": "rural",
    "size": "2_5",
    "turnover_band": "lt100k",
    "employees_women": "2",
    "employees_men": "0",
    "exports": "yes",
    "export_share": "lt10",
}


def _count():
    return db.session.scalar(sa.select(sa.func.count()).select_from(MappingResponse))


def test_an_answer_is_stored_with_a_cell_key_and_no_email(app_ctx):
    response = services.submit_mapping(GOOD, consent=True, email="Asel@Example.org", locale="ky")
    assert response.year == utcnow().year and 0 <= response.cell_key < 256
    assert response.employees_women == 2 and response.exports is True and response.export_share == "lt10"
    assert response.email_hash and "asel" not in response.email_hash
    no_exports = services.submit_mapping(dict(GOOD, exports="no"), consent=True)
    assert no_exports.export_share is None and no_exports.email_hash is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"employees_women": "501"}, "employees_women"),
        ({"employees_men": "-1"}, "employees_men"),
        ({"creative_domain": "ASTROLOGY"}, "creative_domain"),
        ({"region": "Kyzart village"}, "region"),
        ({"settlement": "suburb"}, "settlement"),
        ({"turnover_band": "billions"}, "turnover_band"),
        ({"size": ""}, "size"),
        ({"exports": "maybe"}, "exports"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_stored(app_ctx, change, field):
    with pytest.raises(OutcomesError) as refused:
        services.submit_mapping(dict(GOOD, **change), consent=True)
    assert refused.value.field == field
    assert _count() == 0


def test_no_consent_is_refused(app_ctx):
    with pytest.raises(OutcomesError) as refused:
        services.submit_mapping(GOOD, consent=False)
    assert refused.value.field == "consent" and _count() == 0


def test_one_answer_per_email_address_and_year(app_ctx):
    services.submit_mapping(
        GOOD, consent=True, email="asel@example.org", now=datetime(2026, 3, 1, tzinfo=UTC)
    )
    with pytest.raises(OutcomesError) as refused:
        services.submit_mapping(
            GOOD, consent=True, email=" ASEL@example.org", now=datetime(2026, 9, 1, tzinfo=UTC)
        )
    assert refused.value.field == "email"
    with pytest.raises(OutcomesError):
        services.submit_mapping(GOOD, consent=True, email="not an address")
    services.submit_mapping(
        GOOD, consent=True, email="asel@example.org", now=datetime(2027, 3, 1, tzinfo=UTC)
    )
    assert _count() == 2


def test_anyone_answers_on_the_page_once_per_device_and_gets_a_copy(app, client, run_jobs):
    page = client.get("/mapping-survey")
    assert page.status_code == 200 and 'name="consent"' in page.get_data(as_text=True)
    token = csrf_token(client, "/mapping-survey")
    done = post_form(client, "/mapping-survey", dict(GOOD, consent="y", email="asel@example.org"))
    assert done.status_code == 200 and 'data-already="no"' in done.get_data(as_text=True)
    again = client.post("/mapping-survey", data=dict(GOOD, consent="y", csrf_token=token))
    assert again.status_code == 409
    assert 'data-already="yes"' in client.get("/mapping-survey").get_data(as_text=True)
    with app.app_context():
        assert _count() == 1
    run_jobs()
    (copy,) = outbox_messages(app)
    assert copy["To"] == "asel@example.org"
    assert "Visual arts and crafts" in copy.get_body().get_content()


def test_a_refusal_on_the_page_is_translated_and_stores_nothing(app, client):
    client.set_cookie("wcl_lang", "ru")
    response = post_form(client, "/mapping-survey", dict(GOOD, employees_women="9999", consent="y"))
    assert response.status_code == 422
    assert "от 0 до 500" in response.get_data(as_text=True)
    no_consent = post_form(client, "/mapping-survey", GOOD)
    assert no_consent.status_code == 422
    village = post_form(client, "/mapping-survey", dict(GOOD, region="Kochkor", consent="y"))
    assert village.status_code == 422 and "только область" in village.get_data(as_text=True)
    with app.app_context():
        assert _count() == 0


def _responses(year, domain, keys, women=0):
    for key in keys:
        db.session.add(
            MappingResponse(
                year=year,
                cell_key=key,
                consent_version="map-2026-1",
                creative_domain=domain,
                region="KG-O",
                settlement="urban",
                size="solo",
                turnover_band="lt100k",
                employees_women=women,
                employees_men=0,
                exports=False,
            )
        )
    db.session.commit()


VISUAL = [3, 5, 8, 13, 21, 34, 55]
DESIGN = [90, 91]


@pytest.fixture
def survey(app):
    with app.app_context():
        _responses(2026, "V_ARTS", VISUAL, women=1)
        _responses(2026, "DESIGN", DESIGN)


def test_aggregates_are_protected(app_ctx, survey):
    data = services.mapping_aggregates(2026)
    domains = {code: value for code, _label, value in data["tables"][0]["rows"]}
    assert domains["V_ARTS"] == publish(Cell(7, sum(VISUAL) % 256))
    assert domains["DESIGN"] == "c" and domains["TOURISM"] == 0
    assert data["respondents"] == publish(Cell(9, sum(VISUAL + DESIGN) % 256))
    employees = {e["code"]: e["value"] for e in data["employees"]}
    assert employees["businesses_employing_women"] == publish(Cell(7, sum(VISUAL) % 256))
    assert employees["businesses_employing_men"] == 0 and employees["employees_men"] == 0
    # Seven women employed, one in each business: a cell of its own, weighted keys.
    assert employees["employees_women"] == publish(Cell(7, sum(VISUAL) % 256))
    with_two = services.mapping_aggregates(2026)  # unchanged on asking again
    assert with_two == data


def test_the_open_data_page_and_downloads_show_only_protected_aggregates(client, survey):
    html = client.get("/open-data/2026").get_data(as_text=True)
    assert 'id="mapping-survey"' in html
    section = html.split('id="mapping-survey"', 1)[1]
    assert '<tr data-mapping="creative_domain:DESIGN">' in section
    design_row = section.split('<tr data-mapping="creative_domain:DESIGN">', 1)[1].split("</tr>", 1)[0]
    assert ">c<" in design_row
    data = json.loads(client.get("/open-data/2026.json").get_data(as_text=True))
    survey_data = data["mapping_survey"]
    assert survey_data["tables"]["creative_domain"]["DESIGN"] == "c"
    assert "protection" in survey_data
    csv = client.get("/open-data/2026.csv").get_data(as_text=True)
    assert "2026,2026,mapping_survey,creative_domain=DESIGN,,c" in csv
    assert ",2\r\n" not in csv
    assert client.get("/open-data/2026.csv?domain=DESIGN").status_code == 400


def test_staff_see_the_number_of_answers(app, client, survey):
    with app.app_context():
        UserFactory(email="staff@example.org", roles=["staff"])
    login(client, "staff@example.org", PASSWORD)
    html = client.get("/outcomes/").get_data(as_text=True)
    assert '<td data-mapping-year="2026">9</td>' in html
