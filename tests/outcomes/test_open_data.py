"""The public open-data page: no sign-in, protected figures only, a small cell stays
hidden in the page, the CSV and the JSON; other breakdowns are refused."""

import json
import re

import pytest

from tests.outcomes.fixture import KEYS_A, build_results
from wcl.reports.protection import Cell, publish


@pytest.fixture
def results(app):
    with app.app_context():
        return build_results()


def _row(html, code):
    match = re.search(rf'<tr data-indicator="{code}">(.*?)</tr>', html, re.S)
    assert match, code
    return re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)


def test_the_public_page_shows_protected_figures_without_sign_in(client, results):
    page = client.get("/open-data/2026")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<svg" in html and "Methodology" in html
    cells = _row(html, "women_trained")
    # programme, Lab A, Lab B: lab B's two graduates stay hidden, as the reports hide them.
    lab_a = publish(Cell(6, sum(KEYS_A) % 256))
    assert str(lab_a) in cells[-2]
    assert ">c<" in cells[-1]
    for code in ("businesses_registered", "income_up", "campaigns_funded", "money_raised"):
        assert ">c<" in _row(html, code)[0]  # three women, two campaigns: hidden
    assert client.get("/open-data/").status_code == 302


def test_downloads_hide_the_same_cells(client, results):
    data = json.loads(client.get("/open-data/2026.json").get_data(as_text=True))
    trained = next(i for i in data["indicators"] if i["code"] == "women_trained")
    assert trained["labs"]["Lab B"] == "c"
    assert trained["quarters"]["2026-Q2"] == "c"  # the same two women, by quarter
    assert "protection" in data
    csv = client.get("/open-data/2026.csv").get_data(as_text=True)
    assert "2026,2026,Lab B,women_trained,5.5,c" in csv
    assert ",2,\r\n" not in csv and ",3\r\n" not in csv


def test_a_breakdown_the_protection_would_expose_is_refused(client, results):
    for path in (
        "/open-data/2026?by=village",
        "/open-data/2026.csv?lab=2&sex=woman",
        "/open-data/2026.json?x=1",
    ):
        response = client.get(path)
        assert response.status_code == 400
        assert "individual women" in response.get_data(as_text=True)
    assert client.get("/open-data/1990").status_code == 404
