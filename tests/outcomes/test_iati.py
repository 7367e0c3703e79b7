"""The IATI activity file validates against the 2.03 schema (copied into the repo), and
a deliberately broken file does not; hidden cells carry no value."""

import pytest
from lxml import etree

from tests.outcomes.fixture import build_results
from wcl.extensions import db
from wcl.outcomes.models import Indicator
from wcl.outcomes.services.iati import SCHEMA_DIR, build_activity_file, validation_errors


@pytest.fixture
def document(app_ctx):
    world = build_results()
    db.session.add(
        Indicator(
            code="women_trained", baseline_year=2025, baseline_value=0, target_year=2026, target_value=40
        )
    )
    db.session.add(
        Indicator(
            code="women_trained",
            lab_id=world.lab_a_id,
            baseline_year=2025,
            baseline_value=0,
            target_year=2026,
            target_value=20,
        )
    )
    db.session.commit()
    return build_activity_file(2026, budget=500_000_000)


def test_the_schema_is_in_the_repository():
    assert {p.name for p in SCHEMA_DIR.glob("*.xsd")} >= {
        "iati-activities-schema.xsd",
        "iati-common.xsd",
        "xml.xsd",
    }


def test_the_activity_file_validates(document):
    assert validation_errors(document) == []
    tree = etree.fromstring(document)
    assert tree.get("version") == "2.03"
    assert tree.find("iati-activity/budget/value").text == "5000000.00"
    assert {t.get("code") for t in tree.iterfind("iati-activity/tag")} == {"5.5", "8.3", "8.5"}
    results = tree.findall("iati-activity/result")
    assert len(results) == 5
    trained = results[0].find("indicator")
    assert trained.find("baseline").get("value") == "0"
    year = trained.find("period")
    assert year.find("target").get("value") == "40"
    actuals = year.findall("actual")
    assert actuals[0].get("value").isdigit()
    assert any(d.get("name") == "sex" for a in actuals for d in a.findall("dimension"))
    # Lab B's two graduates in Q2 are hidden: no value, a comment instead.
    q2 = trained.findall("period")[2].find("actual")
    assert q2.get("value") is None and "Hidden" in q2.find("comment/narrative").text


def test_a_broken_file_fails_validation(document):
    tree = etree.fromstring(document)
    activity = tree.find("iati-activity")
    activity.remove(activity.find("iati-identifier"))  # required, and first
    assert validation_errors(etree.tostring(tree))
    tree = etree.fromstring(document)
    tree.find("iati-activity/result/indicator").set("measure", "1")
    tree.find("iati-activity/result/indicator/period/actual").append(etree.Element("colour"))
    assert validation_errors(etree.tostring(tree))
    assert validation_errors(b"<iati-activities version='2.03'><oops")


def test_the_file_is_public(client, app):
    with app.app_context():
        build_results()
    response = client.get("/open-data/2026/iati.xml")
    assert response.status_code == 200
    assert validation_errors(response.data) == []
