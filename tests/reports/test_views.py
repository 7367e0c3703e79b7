"""Report page, exports and permissions."""

import csv
import io
import re
from decimal import Decimal
from html import unescape

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


def _tables(html):
    """Every report table on the page as {caption: rows of cell texts} (header row included)."""
    out = {}
    for table in re.findall(r'<table class="report-table">(.*?)</table>', html, re.S):
        caption = unescape(re.search(r"<caption>(.*?)</caption>", table, re.S).group(1).strip())
        rows = []
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
            cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
            rows.append([" ".join(unescape(re.sub(r"<[^>]+>", "", c)).split()) for c in cells])
        out[caption] = rows
    return out


def _split(cell):
    """A funnel cell "28 (66.7%)" as ("28", "66.7"); ("0", "") when no percentage is shown."""
    value, _, percent = cell.partition(" ")
    return value, percent.strip("()").removesuffix("%")


def _cells(html):
    """The funnel table's body, values only (percentages left out)."""
    rows = _tables(html)["Participation by stage"][1:]
    return [[row[0], *(_split(c)[0] for c in row[1:-1]), row[-1]] for row in rows]


FUNNEL_PAGE = [
    ["Stage", "Women", "Men", "Another way or not stated", "Total"],
    # 28 of 42 applications by women: 66.7 %; hidden counts have hidden percentages.
    ["Applied", "28 (66.7%)", "c (c)", "c (c)", "42"],
    ["Shortlisted", "18 (81.8%)", "c (c)", "c (c)", "22"],
    ["Accepted", "15 (83.3%)", "c (c)", "c (c)", "18"],
    ["Enrolled", "14 (82.4%)", "c (c)", "c (c)", "17"],
    ["Attended at least 75% of sessions", "11 (78.6%)", "c (c)", "c (c)", "14"],
    ["Graduated", "c (c)", "c (c)", "0 (0.0%)", "10"],
    ["Campaign launched", "c (c)", "c (c)", "0 (0.0%)", "7"],
    # A shown zero over a hidden total: its percentage is hidden too.
    ["Campaign funded", "c (c)", "c (c)", "0 (c)", "c"],
    ["Mentors", "c (c)", "0 (c)", "0 (c)", "c"],
    ["Reviewers", "c (c)", "c (c)", "0 (0.0%)", "6"],
]


def test_page_shows_suppressed_funnel_rule_and_chart(client, data):
    _staff_client(client)
    html = client.get("/reports/").get_data(as_text=True)
    assert _tables(html)["Participation by stage"] == FUNNEL_PAGE
    assert str(RULE) in unescape(html)
    assert 'role="img"' in html and "<title" in html
    assert "<script" not in html


def test_a_hidden_cell_hides_its_percentage(client, data):
    _staff_client(client)
    html = client.get("/reports/").get_data(as_text=True)
    # Applied men (8 of 42 = 19.0 %) and others (6 = 14.3 %) are hidden, and so are their shares.
    applied = re.search(r"<tr><th scope=\"row\">Applied</th>(.*?)</tr>", html, re.S).group(1)
    assert applied.count("<td>c <small>(c)</small></td>") == 2
    assert "19.0" not in applied and "14.3" not in applied and "%" in applied


def _blocks(rows):
    """The export's rows split at blank rows, keyed by each block's first cell."""
    blocks, current = {}, None
    for row in rows:
        if not any(v not in (None, "") for v in row):
            current = None
        elif current is None:
            current = blocks.setdefault(str(row[0]), [row])
        else:
            current.append(row)
    return blocks


def _norm(value):
    """A cell as comparable text: numbers (page "KGS12,500.00", CSV "12500.0", XLSX 12500.0)
    as plain decimals, "c" and labels as they are."""
    if value is None:
        return ""
    text = str(value)
    number = re.sub(r"^[A-Z]{3}|[,\s\u00a0]", "", text)
    if re.fullmatch(r"-?\d+(\.\d+)?", number):
        return str(Decimal(number).normalize())
    return text


def _norm_rows(rows):
    out = [[_norm(v) for v in row] for row in rows]
    for row in out:  # an empty last cell is a missing one (XLSX keeps none)
        while row and row[-1] == "":
            row.pop()
    return out


def _json_grid(entries, width, labels, fmt=lambda e: "c" if e["suppressed"] else e["value"]):
    chunks = [entries[i : i + width] for i in range(0, len(entries), width)]
    return _norm_rows(
        [[label, *(fmt(e) for e in chunk)] for label, chunk in zip(labels, chunks, strict=True)]
    )


def test_exports_match_the_page_cell_for_cell(client, data):
    """Funnel (with its percentages), money and a cross-tab: every cell of the CSV, the
    XLSX and the JSON equals the page's. Amounts are compared as numbers (the page shows
    "KGS12,500.00", the files 12500.0); everything else as text."""
    _staff_client(client)
    query = "?by=gender&by2=region&stage=applied"
    page = _tables(client.get("/reports/" + query).get_data(as_text=True))
    funnel = page["Participation by stage"][1:]
    values = [[r[0], *(_split(c)[0] for c in r[1:-1]), r[-1]] for r in funnel]
    percents = [[r[0], *(_split(c)[1] for c in r[1:-1])] for r in funnel]
    assert sum(p not in ("", "c") for row in percents for p in row[1:]) == 8  # shares shown
    (money_caption,) = [c for c in page if c.startswith("Money")]
    money = page[money_caption][1:]
    (cross_caption,) = [c for c in page if c not in ("Participation by stage", money_caption)]
    cross = page[cross_caption][1:]
    assert len(cross) == 4 and len(cross[0]) == 1 + 10 + 1  # 3 rows + totals; 10 regions + total

    text = client.get("/reports/export.csv" + query).get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == ["Rule", str(RULE)]
    assert ["Cross-tabulated with", "Region"] in rows
    book = load_workbook(io.BytesIO(client.get("/reports/export.xlsx" + query).get_data()))
    sheet = [list(row) for row in book.active.iter_rows(values_only=True)]
    for row in sheet:  # a sheet's rows are as wide as its widest one
        while row and row[-1] is None:
            row.pop()
    for exported in (rows, sheet):
        blocks = _blocks(exported)
        assert _norm_rows(blocks["Stage"][1:]) == _norm_rows(values)
        assert _norm_rows(blocks["Share of the stage total (%)"][1:]) == _norm_rows(percents)
        assert _norm_rows(blocks["Money (KGS)"][1:]) == _norm_rows(money)
        (cross_key,) = [k for k in blocks if k.startswith("Applied: Gender × Region")]
        assert _norm_rows(blocks[cross_key][1:]) == _norm_rows(cross)

    body = client.get("/reports/data.json" + query).get_json()
    labels = [r[0] for r in funnel]
    results = body["results"]
    one_way = [r for r in results if len(r["dimensions"]) < 2]
    assert _json_grid(one_way, 4, labels) == _norm_rows(values)
    shares = [r for r in one_way if r["dimensions"]]
    pct = lambda e: "c" if e["percentage_suppressed"] else e["percentage"]  # noqa: E731
    assert _json_grid(shares, 3, labels, pct) == _norm_rows(percents)
    assert _json_grid(body["money"], 4, [r[0] for r in money]) == _norm_rows(money)
    two_way = [r for r in results if len(r["dimensions"]) == 2]
    margins = body["cross_totals"]
    grid = [[*(e for e in two_way[i * 10 : i * 10 + 10]), margins[i]] for i in range(3)]
    grid.append([*margins[3:13], margins[13]])
    assert len(margins) == 14
    fmt = lambda e: "c" if e["suppressed"] else e["value"]  # noqa: E731
    assert _norm_rows([[r[0], *map(fmt, g)] for r, g in zip(cross, grid, strict=True)]) == _norm_rows(cross)


def test_exports_are_headed_by_the_rule_and_filters(client, data):
    _staff_client(client)
    query = f"?by=gender&lab={data['l1'].id}&date_to=2026-12-31"
    text = client.get("/reports/export.csv" + query).get_data().decode("utf-8-sig")
    head = list(csv.reader(io.StringIO(text)))[1:5]
    book = load_workbook(io.BytesIO(client.get("/reports/export.xlsx" + query).get_data()))
    sheet = [[v for v in row if v is not None] for row in book.active.iter_rows(max_row=5, values_only=True)]
    expected = [
        ["Rule", str(RULE)],
        ["Breakdown", "Gender"],
        ["Lab", data["l1"].name_en],
        ["To", "2026-12-31"],
    ]
    assert head == expected and sheet[1:5] == expected


def test_json_follows_iati_dimensions(client, data):
    _staff_client(client)
    body = client.get("/reports/data.json").get_json()
    assert body["rule"] == str(RULE)
    applied = [r for r in body["results"] if r["indicator"] == "applied"]
    female = next(r for r in applied if r["dimensions"] == [{"name": "sex", "value": "female"}])
    assert female == {
        "indicator": "applied",
        "dimensions": [{"name": "sex", "value": "female"}],
        "value": 28,
        "suppressed": False,
        "percentage": 66.7,
        "percentage_suppressed": False,
    }
    male = next(r for r in applied if r["dimensions"] == [{"name": "sex", "value": "male"}])
    assert male["value"] is None and male["suppressed"] is True
    assert male["percentage"] is None and male["percentage_suppressed"] is True


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
    assert "28" in text and "42" in text
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
