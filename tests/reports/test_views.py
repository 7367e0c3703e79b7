"""Report page, exports and permissions."""

import csv
import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.factories.accounts import PASSWORD, UserFactory
from tests.helpers import login, post_form
from tests.reports.fixture import build
from wcl.campaigns.models import Campaign
from wcl.extensions import db
from wcl.reports.models import ReportExport
from wcl.reports.suppression import RULE


@pytest.fixture
def data(app_ctx):
    return build()


def _staff_client(client, **kwargs):
    user = UserFactory(roles=["staff"], **kwargs)
    login(client, user.email, PASSWORD)
    return user


def _cells(html):
    """The funnel table's cells as text, row by row."""
    table = html.split('<table class="report-table">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    out = []
    for row in rows[1:]:
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        out.append([re.sub(r"<small>.*?</small>", "", c).strip() for c in cells])
    return out


def test_page_shows_suppressed_funnel_rule_and_chart(client, data):
    _staff_client(client)
    html = client.get("/reports/").get_data(as_text=True)
    rows = _cells(html)
    assert rows[0] == ["Applied", "26", "c", "c", "40"]
    assert rows[5] == ["Graduated", "c", "c", "0", "10"]
    assert str(RULE) in html.replace("&#34;", '"').replace("&#39;", "'") or "are hidden and marked" in html
    assert 'role="img"' in html and "<title" in html
    assert "<script" not in html


def test_csv_and_xlsx_match_the_page(client, data):
    _staff_client(client)
    query = f"?by=gender&lab={data['l1'].id}"
    page = _cells(client.get("/reports/" + query).get_data(as_text=True))
    text = client.get("/reports/export.csv" + query).get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][0] == "Rule" and rows[1][1] == str(RULE)
    assert ["Lab", data["l1"].name_en] in rows
    start = next(i for i, r in enumerate(rows) if r and r[0] == "Stage")
    assert rows[start + 1 : start + 1 + len(page)] == page
    book = load_workbook(io.BytesIO(client.get("/reports/export.xlsx" + query).get_data()))
    sheet = [["" if v is None else str(v) for v in row] for row in book.active.iter_rows(values_only=True)]
    x_start = next(i for i, r in enumerate(sheet) if r and r[0] == "Stage")
    assert [r[: len(page[0])] for r in sheet[x_start + 1 : x_start + 1 + len(page)]] == page
    assert sheet[1][1] == str(RULE)


def test_json_follows_iati_dimensions(client, data):
    _staff_client(client)
    body = client.get("/reports/data.json").get_json()
    assert body["rule"] == str(RULE)
    applied = [r for r in body["results"] if r["indicator"] == "applied"]
    female = next(r for r in applied if r["dimensions"] == [{"name": "sex", "value": "female"}])
    assert female == {
        "indicator": "applied",
        "dimensions": [{"name": "sex", "value": "female"}],
        "value": 26,
        "suppressed": False,
    }
    male = next(r for r in applied if r["dimensions"] == [{"name": "sex", "value": "male"}])
    assert male["value"] is None and male["suppressed"] is True


def test_cross_tab_json_has_two_dimensions(client, data):
    _staff_client(client)
    body = client.get("/reports/data.json?by=gender&by2=age").get_json()
    two = [r for r in body["results"] if len(r["dimensions"]) == 2]
    assert {d["name"] for d in two[0]["dimensions"]} == {"sex", "age"}


@pytest.mark.parametrize(
    "query",
    ["?by=height", "?by=gender&by2=gender", "?lab=99999", "?date_from=2026-05-01&date_to=2026-01-01"],
)
@pytest.mark.parametrize(
    "path", ["/reports/", "/reports/export.csv", "/reports/export.xlsx", "/reports/data.json"]
)
def test_bad_filters_are_400(client, app_ctx, path, query):
    _staff_client(client)
    response = client.get(path + query)
    assert response.status_code == 400
    assert "Report not available" in response.get_data(as_text=True)


def test_bad_filter_message_is_translated(app, client):
    # No app context held open by the test: Flask-Babel caches the locale on it.
    with app.app_context():
        email = UserFactory(roles=["staff"], locale="ru").email
    login(client, email, PASSWORD)
    response = client.get(
        "/reports/?date_from=2026-05-01&date_to=2026-01-01", headers={"Accept-Language": "ru"}
    )
    assert response.status_code == 400
    assert "The end date is before the start date." not in response.get_data(as_text=True)


def test_lab_scoped_staff_sees_only_her_lab(client, data):
    _staff_client(client, lab_id=data["l2"].id)
    rows = _cells(client.get("/reports/").get_data(as_text=True))
    assert rows[0][-1] == "6"  # 6 applications to lab 2's call
    assert client.get(f"/reports/?lab={data['l1'].id}").status_code == 400
    assert client.get(f"/reports/?call={data['c1'].id}").status_code == 400


def _options(html, select_id):
    select = html.split(f'<select id="{select_id}"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="(\d*)"( selected)?>', select)


def test_filters_are_chosen_by_name_and_the_choice_is_kept(client, data):
    _staff_client(client)
    html = client.get(f"/reports/?cohort={data['k2'].id}").get_data(as_text=True)
    assert f'<option value="{data["c1"].id}">{data["c1"].title_en}</option>' in html
    assert f'<option value="{data["l2"].id}">{data["l2"].name_en}</option>' in html
    assert ("", "") in _options(html, "lab")  # "All labs" comes first
    assert (str(data["k2"].id), " selected") in _options(html, "cohort")
    assert [value for value, _ in _options(html, "cohort")] == [
        "",
        str(data["k1"].id),
        str(data["k2"].id),
    ] or [value for value, _ in _options(html, "cohort")] == ["", str(data["k2"].id), str(data["k1"].id)]
    assert len(_options(html, "campaign")) == 1 + 7  # all, then the seven published campaigns
    assert 'inputmode="numeric"' not in html


def test_lab_scoped_staff_chooses_only_from_her_lab(client, data):
    _staff_client(client, lab_id=data["l2"].id)
    html = client.get("/reports/").get_data(as_text=True)
    assert [value for value, _ in _options(html, "lab")] == ["", str(data["l2"].id)]
    assert [value for value, _ in _options(html, "call")] == ["", str(data["c2"].id)]
    assert [value for value, _ in _options(html, "cohort")] == ["", str(data["k2"].id)]


PAGES = ["/reports/", "/reports/export.csv", "/reports/export.xlsx", "/reports/data.json"]


@pytest.mark.parametrize("role", ["applicant", "participant", "mentor", "reviewer"])
@pytest.mark.parametrize("path", [*PAGES, "pdf"])
def test_non_staff_refused(client, app_ctx, role, path):
    user = UserFactory(roles=[role])
    login(client, user.email, PASSWORD)
    if path == "pdf":
        response = post_form(client, "/reports/export.pdf", {"locale": "en"}, get_path="/account/")
    else:
        response = client.get(path)
    assert response.status_code == 403
    assert db.session.query(ReportExport).count() == 0


@pytest.mark.parametrize("role", ["staff", "admin"])
@pytest.mark.parametrize("path", PAGES)
def test_staff_and_admin_allowed(client, app_ctx, role, path):
    user = UserFactory(roles=[role])
    login(client, user.email, PASSWORD)
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_sent_to_login(client, app_ctx, path):
    response = client.get(path)
    assert response.status_code in (302, 401)


@pytest.mark.parametrize(
    "locale,word",
    [("en", "Participation report"), ("ru", "Отчёт об участии"), ("ky", "Катышуу боюнча отчёт")],
)
def test_pdf_in_a_job_with_progress(client, data, run_jobs, locale, word):
    _staff_client(client)
    response = post_form(
        client, "/reports/export.pdf", {"locale": locale, "by": "gender"}, get_path="/reports/"
    )
    assert response.status_code == 302
    status_url = response.headers["Location"]
    page = client.get(status_url).get_data(as_text=True)
    assert 'http-equiv="refresh"' not in page and "/download" not in page and "Queued" in page
    assert f'href="{status_url.replace("http://localhost", "")}"' in page  # "Check again", no timed refresh
    export = db.session.query(ReportExport).one()
    assert export.status == "queued"
    run_jobs()
    db.session.expire_all()
    page = client.get(status_url).get_data(as_text=True)
    assert 'http-equiv="refresh"' not in page and "/download" in page
    download = client.get(status_url + "/download")
    assert download.status_code == 200
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(download.get_data())).pages)
    text = " ".join(text.split())
    assert word in text
    assert "26" in text and "40" in text
    if locale == "en":
        assert "Counts from 1 to 4" in text and "Breakdown: Gender" in text


def test_pdf_of_someone_else_is_404(client, data, run_jobs):
    other = UserFactory(roles=["staff"])
    _staff_client(client)
    export = ReportExport(requested_by_id=other.id, params={}, locale="en")
    db.session.add(export)
    db.session.commit()
    assert client.get(f"/reports/exports/{export.id}").status_code == 404


@pytest.mark.parametrize("locale", ["ru", "ky"])
def test_report_pages_have_no_english(app, client, locale):
    from tests.core.test_i18n import english_words

    with app.app_context():
        data = build()
        # The filter selects list cohorts and campaigns by name: name them in the page's language.
        data["k1"].name, data["k2"].name = "Кийиз", "Комуз"
        db.session.execute(sa.update(Campaign).values(title="Кийиз тапочкалар"))
        user = UserFactory(roles=["staff"], locale=locale, full_name="Айгуль")
        email = user.email
    login(client, email, PASSWORD)
    for path in ["/reports/", "/reports/?by=region&by2=gender", "/reports/?by=height"]:
        html = client.get(path).get_data(as_text=True)
        # Codes (CSV/XLSX/JSON/PDF, ISO region codes) and language names are not English text.
        words = english_words(html, exclude=["CSV", "XLSX", "JSON", "PDF", "English", "KGS"])
        assert words == [], (path, " ".join(words))


def test_bad_pdf_request_changes_nothing(client, data):
    _staff_client(client)
    response = post_form(
        client, "/reports/export.pdf", {"locale": "en", "by": "gender", "by2": "gender"}, get_path="/reports/"
    )
    assert response.status_code == 400
    response = post_form(client, "/reports/export.pdf", {"locale": "xx"}, get_path="/reports/")
    assert response.status_code == 400
    assert db.session.query(ReportExport).count() == 0


@pytest.mark.parametrize(
    "title", ['=HYPERLINK("http://evil.example","x")', "+1+2", "-1+2", "@SUM(A1)", "\t=1"]
)
def test_exports_never_carry_a_formula(client, data, title):
    # A campaign's creator chooses its title; the report repeats it as a filter value.
    data["campaign"].title = title
    db.session.commit()
    _staff_client(client)
    query = f"?campaign={data['campaign'].id}"
    text = client.get("/reports/export.csv" + query).get_data().decode("utf-8-sig")
    assert ["Campaign", "'" + title] in list(csv.reader(io.StringIO(text)))
    book = load_workbook(io.BytesIO(client.get("/reports/export.xlsx" + query).get_data()))
    (cell,) = [c for row in book.active.iter_rows() for c in row if c.value and title in str(c.value)]
    assert cell.value == "'" + title and cell.data_type == "s"
