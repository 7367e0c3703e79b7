"""Report page, exports and permissions."""

import csv
import io
import re
import threading
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
from wcl.reports.protection import RULE


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
    # The protected values (tests/reports/test_report.py has the true counts beside them):
    # 27 of 42 applications by women: 64.3 %; hidden counts have hidden percentages.
    ["Applied", "27 (64.3%)", "7 (16.7%)", "c (c)", "42"],
    ["Shortlisted", "18 (81.8%)", "c (c)", "c (c)", "22"],
    ["Accepted", "14 (77.8%)", "c (c)", "c (c)", "18"],
    ["Enrolled", "15 (93.8%)", "c (c)", "c (c)", "16"],
    ["Attended at least 75% of sessions", "10 (71.4%)", "c (c)", "c (c)", "14"],
    ["Graduated", "8 (88.9%)", "c (c)", "0 (0.0%)", "9"],
    # Each figure is perturbed on its own: a share of two perturbed figures is capped at 100 %.
    ["Campaign launched", "6 (100.0%)", "c (c)", "0 (0.0%)", "5"],
    # A shown zero over a hidden total: its percentage is hidden too.
    ["Campaign funded", "c (c)", "c (c)", "0 (c)", "c"],
    ["Mentors", "c (c)", "0 (c)", "0 (c)", "c"],
    ["Reviewers", "6 (100.0%)", "c (c)", "0 (0.0%)", "5"],
    ["People in teams", "0", "0", "0", "0"],  # no team applications in this fixture
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
    # Applied others (6 of 42 = 14.3 %, under their threshold of 10) are hidden, and so is their share.
    applied = re.search(r"<tr><th scope=\"row\">Applied</th>(.*?)</tr>", html, re.S).group(1)
    assert applied.count("<td>c <small>(c)</small></td>") == 1
    assert "14.3" not in applied and "%" in applied


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
    assert sum(p not in ("", "c") for row in percents for p in row[1:]) == 12  # shares shown
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
        ["To", "31 December 2026"],
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
        "value": 27,
        "suppressed": False,
        "percentage": 64.3,
        "percentage_suppressed": False,
    }
    other = next(r for r in applied if r["dimensions"] == [{"name": "sex", "value": "other-or-not-stated"}])
    assert other["value"] is None and other["suppressed"] is True
    assert other["percentage"] is None and other["percentage_suppressed"] is True


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
    # 6 applications to lab 2's call, published with its fixed noise (test_report checks the rule).
    assert rows[0][-1] == "8"
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


def test_lab_scoped_staff_lists_and_filters_only_her_labs_campaigns(client, data):
    # Issue 15, point 8: the campaigns (all by lab 1's cohort) are lab 1's; lab 2's staff
    # neither see their titles in the filter nor pass a crafted id of one.
    campaign = data["campaign"]
    _staff_client(client, lab_id=data["l2"].id)
    html = client.get("/reports/").get_data(as_text=True)
    assert [value for value, _ in _options(html, "campaign")] == [""]
    assert campaign.title not in html
    for path in ("/reports/", "/reports/export.csv", "/reports/data.json"):
        response = client.get(f"{path}?campaign={campaign.id}")
        assert response.status_code == 400 and campaign.title not in response.get_data(as_text=True), path


def test_staff_of_the_campaigns_lab_filter_by_them(client, data):
    _staff_client(client, lab_id=data["l1"].id)
    html = client.get("/reports/").get_data(as_text=True)
    assert len(_options(html, "campaign")) == 1 + 7
    assert client.get(f"/reports/?campaign={data['campaign'].id}").status_code == 200


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


STAGE_NAMES = {
    "en": [
        "Applied",
        "Shortlisted",
        "Accepted",
        "Enrolled",
        "Attended at least 75% of sessions",
        "Graduated",
        "Campaign launched",
        "Campaign funded",
        "Mentors",
        "Reviewers",
        "People in teams",
    ],
    "ru": [
        "Подали заявку",
        "В коротком списке",
        "Приняты",
        "Зачислены",
        "Посетили не менее 75% занятий",
        "Окончили программу",
        "Запустили кампанию",
        "Кампания профинансирована",
        "Наставники",
        "Эксперты",
        "Люди в командах",
    ],
    "ky": [
        "Арыз берди",
        "Кыска тизмеде",
        "Кабыл алынды",
        "Катталды",
        "Сабактардын кеминде 75% катышты",
        "Программаны аяктады",
        "Кампания баштады",
        "Кампания каржыланды",
        "Насаатчылар",
        "Эксперттер",
        "Командалардагы адамдар",
    ],
}
PDF_TEXT = {
    "en": {
        "title": "Women's Creative Lab: Participation report",
        "rule": "Privacy rule: Counts from 1 to 4 (1 to 9 for disability and for people who describe "
        "their gender another way) are hidden and marked “c”. Every other figure, totals included, "
        "has a small fixed noise added (at most 2 people; for money a share of the largest "
        "campaign), the same in every report, so rows and columns may not add up exactly to their "
        "totals.",
        "filters": "Breakdown: Gender From: 1 January 2026",
        "header": "Stage Women Men Another way or not stated Total",
        "money": [
            "Campaigns with money 6 c 0 5",
            "Pledged KGS 11,711 c KGS 0 KGS 12,365",
            "Matched KGS 0 c KGS 0 KGS 0",
            "Backers 12 c 0 13",
        ],
    },
    "ru": {
        "title": "Женская творческая лаборатория: Отчёт об участии",
        "rule": "Правило конфиденциальности: Числа от 1 до 4 (от 1 до 9 для инвалидности и для людей, "
        "описывающих свой пол иначе) скрыты и отмечены «c». К каждому другому числу, включая итоги, "
        "добавлен небольшой постоянный шум (не более 2 человек; для денег — доля самой крупной "
        "кампании), одинаковый во всех отчётах, поэтому строки и столбцы могут не совпадать с "
        "итогами в точности.",
        "filters": "Разбивка: Пол С: 1 января 2026 г.",
        "header": "Этап Женщины Мужчины Иначе или не указано Всего",
        "money": [
            "Кампании со сборами 6 c 0 5",
            "Обещано 11 711 KGS c 0 KGS 12 365 KGS",
            "Софинансировано 0 KGS c 0 KGS 0 KGS",
            "Поддержавшие 12 c 0 13",
        ],
    },
    "ky": {
        "title": "Аялдардын чыгармачылык лабораториясы: Катышуу боюнча отчёт",
        "rule": "Купуялык эрежеси: 1ден 4кө чейинки сандар (майыптуулук жана жынысын башкача "
        "сүрөттөгөн адамдар үчүн 1ден 9га чейин) жашырылып, «c» менен белгиленет. Калган ар бир "
        "санга, жыйынтыктарды кошо алганда, кичинекей туруктуу ызы-чуу кошулат (2 адамдан ашпайт; "
        "акча үчүн эң ири кампаниянын үлүшү), ал бардык отчёттордо бирдей, ошондуктан саптар менен "
        "мамычалар жыйынтыктарга так дал келбеши мүмкүн.",
        "filters": "Бөлүштүрүү: Жынысы Башталышы: 2026-ж., 1-январь",
        "header": "Этап Аялдар Эркектер Башкача же көрсөтүлгөн эмес Бардыгы",
        "money": [
            "Каражат чогулткан кампаниялар 6 c 0 5",
            "Убада кылынды 11 711 сом c 0 сом 12 365 сом",
            "Кошо каржыланды 0 сом c 0 сом 0 сом",
            "Колдоочулар 12 c 0 13",
        ],
    },
}
# The chart's text: each stage's label and its bars' values (a hidden value is written "c").
CHART_VALUES = ["27 7 c", "18 c c", "14 c c", "15 c c", "10 c c", "8 c 0", "6 c 0", "c c 0", "c 0 0", "6 c 0"]
CHART_VALUES += ["0 0 0"]  # people in teams: none in this fixture
# True shares of hidden cells: a PDF must not contain them in any form.
HIDDEN = ["(14.3%)", "(13.6%)", "(4.5%)", "(11.1%)", "(5.6%)", "(11.8%)", "(5.9%)", "(7.1%)", "(10.0%)"]
WOMEN_BAR = "0.607843 0.113725 0.352941"  # #9b1d5a, the first category's colour


def _filled_rects(content):
    """[(fill colour, x, width)] of the filled rectangles in a PDF page's content stream."""
    found = re.findall(
        rb"([\d.]+ [\d.]+ [\d.]+) rg\n(?:[^\n]*\n){0,6}?([\d.]+) [\d.]+ ([\d.]+) [\d.]+ re\nf\b", content
    )
    return [(c.decode(), float(x), float(w)) for c, x, w in found]


@pytest.mark.parametrize("locale", ["en", "ru", "ky"])
def test_pdf_in_a_job_with_progress(client, data, run_jobs, monkeypatch, locale):
    _staff_client(client)
    params = {"locale": locale, "by": "gender", "date_from": "2026-01-01"}
    response = post_form(client, "/reports/export.pdf", params, get_path="/reports/")
    assert response.status_code == 302
    status_url = response.headers["Location"].replace("http://localhost", "")
    page = client.get(status_url).get_data(as_text=True)
    assert 'http-equiv="refresh"' not in page and "/download" not in page and "Queued" in page
    assert f'href="{status_url}"' in page  # "Check again", no timed refresh
    export = db.session.query(ReportExport).one()
    assert export.status == "queued"

    # The status page as the requester sees it while the job is at work: requested from
    # another thread, like a browser would, so it shares nothing with the job's context.
    from wcl.reports.services import building

    build, seen = building.build_report, []

    def look():
        seen.append(client.get(status_url).get_data(as_text=True))

    def build_and_look(*args, **kwargs):
        browser = threading.Thread(target=look)
        browser.start()
        browser.join()
        return build(*args, **kwargs)

    monkeypatch.setattr(building, "build_report", build_and_look)
    run_jobs()
    (running,) = seen
    assert "Running: the report is being prepared." in running and 'value="2"' in running
    assert f'href="{status_url}"' in running and "/download" not in running

    db.session.expire_all()
    page = client.get(status_url).get_data(as_text=True)
    assert 'http-equiv="refresh"' not in page and "/download" in page
    download = client.get(status_url + "/download")
    assert download.status_code == 200
    reader = PdfReader(io.BytesIO(download.get_data()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    expected = PDF_TEXT[locale]
    for key in ("title", "rule", "filters", "header"):
        assert expected[key] in text, key
    names = STAGE_NAMES[locale]
    # The funnel table, row by row, exactly as on the page (FUNNEL_PAGE: the same report).
    funnel = " ".join(" ".join([name, *row[1:]]) for name, row in zip(names, FUNNEL_PAGE[1:], strict=True))
    assert funnel in text
    assert " ".join(expected["money"]) in text
    # The chart: its labels and values as text, and its bars as vector shapes.
    chart = " ".join(f"{name} {values}" for name, values in zip(names, CHART_VALUES, strict=True))
    assert chart in text
    rects = [r for page in reader.pages for r in _filled_rects(page.get_contents().get_data())]
    bars = [(colour, width) for colour, x, width in rects if x == 230]  # charts.LABEL_WIDTH
    # Women's 27, 18, 14, 15, 10, 8, 6, (hidden), (hidden), 6 scaled to 300 points; no bar for a
    # hidden value.
    widths = [300, 200, 156, 167, 111, 89, 67, 67]
    assert [(colour, round(w)) for colour, w in bars if colour == WOMEN_BAR] == [
        (WOMEN_BAR, w) for w in widths
    ]
    for hidden in HIDDEN:
        assert hidden not in text, hidden
    # The true amounts (women 12,000, all 12,500 KGS) are never published, only protected ones.
    assert not re.search(r"12[ ,]000|12[ ,]500", text)


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


@pytest.mark.parametrize(
    "locale,lab,call", [("ky", "Таң нуру өнөр үйү", "Көңүл кабыл алуу"), ("en", "Lab", "Call")]
)
def test_filters_are_named_in_the_readers_language(app, client, locale, lab, call):
    # No app context held open by the test: Flask-Babel caches the locale on it.
    with app.app_context():
        data = build()
        data["l1"].name_en, data["l1"].name_ky = "Lab", "Таң нуру өнөр үйү"
        data["c1"].title_en, data["c1"].title_ky = "Call", "Көңүл кабыл алуу"
        query = f"?lab={data['l1'].id}&call={data['c1'].id}"
        db.session.commit()
        email = UserFactory(roles=["staff"], locale=locale).email
    login(client, email, PASSWORD)
    html = client.get("/reports/" + query, headers={"Accept-Language": locale}).get_data(as_text=True)
    described = html.split('<dl class="report-described">', 1)[1].split("</dl>", 1)[0]
    assert f"<dd>{lab}</dd>" in described and f"<dd>{call}</dd>" in described


def test_lab_scoped_staff_gets_a_filtered_pdf(client, data, run_jobs):
    # Issue 15, point 13: a lab-scoped report always carries a lab filter, which the export
    # stores as an integer; reloading it for the job must not fail.
    _staff_client(client, lab_id=data["l1"].id)
    params = {"locale": "en", "by": "gender", "call": str(data["c1"].id)}
    response = post_form(client, "/reports/export.pdf", params, get_path="/reports/")
    assert response.status_code == 302
    export = db.session.query(ReportExport).one()
    assert export.params["lab"] == data["l1"].id and export.params["call"] == data["c1"].id
    run_jobs()
    db.session.expire_all()
    assert export.status == "done"
    download = client.get(f"/reports/exports/{export.id}/download")
    assert download.status_code == 200
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(download.get_data())).pages)
    assert data["l1"].name_en in text and data["c1"].title_en in text


def test_the_same_cell_has_the_same_value_everywhere_and_on_a_second_request(client, data, run_jobs):
    """Another report (by disability × gender at "enrolled", one lab): the page, CSV, XLSX,
    JSON and PDF carry the same published value for every cell, and asking again gives the
    same values (the generation time aside)."""
    _staff_client(client)
    params = {"by": "disability", "by2": "gender", "stage": "enrolled", "lab": str(data["l1"].id)}
    query = "?" + "&".join(f"{k}={v}" for k, v in params.items())
    pages = [_tables(client.get("/reports/" + query).get_data(as_text=True)) for _ in range(2)]
    assert pages[0] == pages[1]
    page = pages[0]
    funnel = page["Participation by stage"][1:]
    values = [[r[0], *(_split(c)[0] for c in r[1:-1]), r[-1]] for r in funnel]
    (cross_caption,) = [c for c in page if c.startswith("Enrolled")]
    cross = page[cross_caption][1:]

    def csv_rows():
        text = client.get("/reports/export.csv" + query).get_data().decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text)))[1:]  # the first row holds the generation time

    def xlsx_rows():
        book = load_workbook(io.BytesIO(client.get("/reports/export.xlsx" + query).get_data()))
        rows = [list(row) for row in book.active.iter_rows(values_only=True)][1:]
        for row in rows:
            while row and row[-1] is None:
                row.pop()
        return rows

    def json_body():
        return client.get("/reports/data.json" + query).get_json()

    for fetch in (csv_rows, xlsx_rows, json_body):
        assert fetch() == fetch(), fetch.__name__
    for exported in (csv_rows(), xlsx_rows()):
        blocks = _blocks(exported)
        assert _norm_rows(blocks["Stage"][1:]) == _norm_rows(values)
        (cross_key,) = [k for k in blocks if k.startswith("Enrolled: Disability × Gender")]
        assert _norm_rows(blocks[cross_key][1:]) == _norm_rows(cross)
    one_way = [r for r in json_body()["results"] if len(r["dimensions"]) < 2]
    assert _json_grid(one_way, 4, [r[0] for r in funnel]) == _norm_rows(values)

    texts = []
    for _ in range(2):
        post_form(client, "/reports/export.pdf", {**params, "locale": "en"}, get_path="/reports/")
        run_jobs()
        export = db.session.scalars(sa.select(ReportExport).order_by(ReportExport.id.desc())).first()
        reader = PdfReader(io.BytesIO(client.get(f"/reports/exports/{export.id}/download").get_data()))
        texts.append(" ".join(" ".join(p.extract_text() for p in reader.pages).split()))
    for row in [*funnel, *cross]:
        assert " ".join(row) in texts[0], row
    strip_time = lambda t: re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d\S*", "", t)  # noqa: E731
    assert strip_time(texts[0]) == strip_time(texts[1])
