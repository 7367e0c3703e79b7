"""Participation reports: filters, suppressed tables, exports.

Every published number goes through ``wcl.reports.suppression.suppress``. When a
filter is applied (including a lab scope), the wider reports it could be
compared with are computed too (``Filters.references``: the unfiltered report,
and for a call or cohort the same report at the coarser levels of the
lab → call → cohort hierarchy), and each ``wider - filtered`` is passed as a
complement. So comparing a filtered report with one of those reveals no small
group; other pairs (two date ranges, sibling calls, several reports summed) are
not protected (README, "Participation reports").
"""

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from wcl.accounts.permissions import ensure
from wcl.applications.models import Call
from wcl.campaigns.models import Campaign, CampaignStatus
from wcl.cohorts.models import Cohort
from wcl.extensions import db
from wcl.labs.models import Lab
from wcl.reference import creative_domain_label, region_name
from wcl.reports import queries
from wcl.reports.errors import ReportError  # noqa: F401  (services.ReportError is the public name)
from wcl.reports.suppression import MARK, RULE, SENSITIVE_THRESHOLD, THRESHOLD, percentage, suppress
from wcl.spreadsheets import safe_cell
from wcl.time import DEFAULT_ZONE as BISHKEK
from wcl.time import utcnow

DIMENSION_LABELS = {
    "gender": _l("Gender"),
    "age": _l("Age band"),
    "youth": _l("Youth (14–35)"),
    "region": _l("Region"),
    "settlement": _l("Urban or rural"),
    "disability": _l("Disability"),
    "domain": _l("Creative domain"),
}
STAGE_LABELS = {
    "applied": _l("Applied"),
    "shortlisted": _l("Shortlisted"),
    "accepted": _l("Accepted"),
    "enrolled": _l("Enrolled"),
    "attended": _l("Attended at least 75% of sessions"),
    "graduated": _l("Graduated"),
    "campaign_launched": _l("Campaign launched"),
    "campaign_funded": _l("Campaign funded"),
    "mentors": _l("Mentors"),
    "reviewers": _l("Reviewers"),
}
CATEGORY_LABELS = {
    "woman": _l("Women"),
    "man": _l("Men"),
    "other": _l("Another way or not stated"),
    "under_18": _l("Under 18"),
    "18_24": _l("18–24"),
    "25_35": _l("25–35"),
    "36_45": _l("36–45"),
    "46_60": _l("46–60"),
    "over_60": _l("Over 60"),
    "youth": _l("Youth (14–35)"),
    "not_youth": _l("Not youth"),
    "urban": _l("Urban"),
    "rural": _l("Rural"),
    "yes": _l("With disability"),
    "no": _l("Without disability"),
    "not_stated": _l("Not stated"),
    "all": _l("All"),
}
# IATI-style dimension names and values for the JSON endpoint.
IATI_NAMES = {
    "gender": "sex",
    "age": "age",
    "youth": "youth",
    "region": "region",
    "settlement": "location-type",
    "disability": "disability",
    "domain": "sector",
}
IATI_VALUES = {"woman": "female", "man": "male", "other": "other-or-not-stated"}


def category_label(dimension, code, locale="en"):
    if dimension == "region" and code != queries.NOT_STATED:
        return region_name(code, locale)
    if dimension == "domain" and code != queries.NOT_STATED:
        return str(creative_domain_label(code))
    return str(CATEGORY_LABELS.get(code, code))


@dataclass
class Filters:
    """Validated report parameters; ``query_args`` round-trips them to a URL."""

    by: str = "gender"
    by2: str | None = None
    stage: str = "applied"
    lab: int | None = None
    call: int | None = None
    cohort: int | None = None
    campaign: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    names: dict = field(default_factory=dict)

    @property
    def is_filtered(self):
        return any((self.lab, self.call, self.cohort, self.campaign, self.date_from, self.date_to))

    def query_args(self):
        args = {
            "by": self.by,
            "by2": self.by2,
            "stage": self.stage,
            "lab": self.lab,
            "call": self.call,
            "cohort": self.cohort,
            "campaign": self.campaign,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
        }
        return {k: v for k, v in args.items() if v not in (None, "")}

    def sql(self):
        """The filters as the query layer wants them (aware UTC bounds, derived ids)."""
        out = {"lab": self.lab, "call": self.call, "cohort": self.cohort, "campaign": self.campaign}
        if self.cohort:
            out["cohort_call"] = db.session.get(Cohort, self.cohort).call_id or -1
        if self.campaign:
            out["campaign_owner"] = db.session.get(Campaign, self.campaign).owner_id
        if self.date_from:
            out["date_from"] = datetime.combine(self.date_from, time(), BISHKEK)
        if self.date_to:
            # Inclusive end date: everything before the next local midnight.
            out["date_to"] = datetime.combine(self.date_to + timedelta(days=1), time(), BISHKEK)
        return out

    def references(self):
        """The wider reports this one is protected against, as ``Filters``: the
        unfiltered report, and for a cohort its call's and its lab's (for a call its
        lab's), with the other filters (campaign, dates) kept."""
        if not self.is_filtered:
            return []
        coarser = []
        if self.cohort:
            cohort = db.session.get(Cohort, self.cohort)
            if cohort.call_id:
                coarser.append({"cohort": None, "call": cohort.call_id})
            coarser.append({"cohort": None, "call": None, "lab": cohort.lab_id})
        elif self.call:
            coarser.append({"call": None, "lab": db.session.get(Call, self.call).lab_id})
        out = [Filters(by=self.by, by2=self.by2, stage=self.stage)]
        for change in coarser:
            wider = replace(self, names={}, **change)
            if wider.sql() not in [f.sql() for f in [self, *out]]:
                out.append(wider)
        return out

    def described(self):
        """[(label, value)] of the filters in use, for the page header and exports."""
        rows = [(_l("Breakdown"), DIMENSION_LABELS[self.by])]
        if self.by2:
            rows.append((_l("Cross-tabulated with"), DIMENSION_LABELS[self.by2]))
            rows.append((_l("Stage"), STAGE_LABELS[self.stage]))
        for key, label in (
            ("lab", _l("Lab")),
            ("call", _l("Call")),
            ("cohort", _l("Cohort")),
            ("campaign", _l("Campaign")),
        ):
            if getattr(self, key):
                rows.append((label, self.names.get(key, getattr(self, key))))
        if self.date_from:
            rows.append((_l("From"), self.date_from.isoformat()))
        if self.date_to:
            rows.append((_l("To"), self.date_to.isoformat()))
        return [(str(a), str(b)) for a, b in rows]


def _text(args, key):
    """A parameter as stripped text: a query string holds text, a saved export's
    ``params`` (``Filters.query_args``) holds ints."""
    value = args.get(key)
    return "" if value is None else str(value).strip()


def _int(args, key):
    raw = _text(args, key)
    if not raw:
        return None
    if not raw.isdigit():
        raise ReportError(_l("Unknown value for the filter “%(name)s”.", name=key))
    return int(raw)


def _date(args, key):
    raw = _text(args, key)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ReportError(_l("Enter dates as YYYY-MM-DD.")) from None


def _name(obj, key):
    """A filter value's name in the current language (labs and calls are named in three)."""
    locale = str(get_locale() or "en")
    if key == "lab":
        return obj.name(locale)
    if key == "call":
        return obj.title(locale)
    return obj.name if key == "cohort" else obj.title


def parse_filters(args, user):
    """Validate report parameters from a query string. Raises ``ReportError`` on an
    unknown dimension, stage or id, a backwards date range or the same dimension
    twice; staff scoped to a lab are held to it."""
    by = args.get("by") or "gender"
    by2 = args.get("by2") or None
    stage = args.get("stage") or "applied"
    if by not in queries.DIMENSIONS or (by2 and by2 not in queries.DIMENSIONS):
        raise ReportError(_l("Unknown breakdown."))
    if by2 and by2 == by:
        raise ReportError(_l("Choose two different breakdowns for a cross-tabulation."))
    if stage not in STAGE_LABELS:
        raise ReportError(_l("Unknown stage."))
    filters = Filters(by=by, by2=by2, stage=stage)
    filters.lab = _int(args, "lab")
    if user.lab_id:
        if filters.lab not in (None, user.lab_id):
            raise ReportError(_l("You can report only on your own lab."))
        filters.lab = user.lab_id
    for key, model in (("lab", Lab), ("call", Call), ("cohort", Cohort), ("campaign", Campaign)):
        value = filters.lab if key == "lab" else _int(args, key)
        if value is None:
            continue
        obj = db.session.get(model, value)
        lab_id = getattr(obj, "lab_id", None)
        if obj is None or (user.lab_id and key in ("call", "cohort") and lab_id != user.lab_id):
            raise ReportError(_l("Unknown value for the filter “%(name)s”.", name=key))
        setattr(filters, key, value)
        filters.names[key] = _name(obj, key) or value
    filters.date_from = _date(args, "date_from")
    filters.date_to = _date(args, "date_to")
    if filters.date_from and filters.date_to and filters.date_to < filters.date_from:
        raise ReportError(_l("The end date is before the start date."))
    return filters


def filter_choices(user, locale="en"):
    """The labs, calls, cohorts and campaigns a report can be filtered by, as
    ``{key: [(id, name)]}`` for the filter form's selects; staff scoped to a lab
    see only that lab's calls and cohorts. Draft campaigns are left out."""

    labs = db.select(Lab).order_by(Lab.name_en)
    calls = db.select(Call).order_by(Call.opens_at.desc(), Call.id.desc())
    cohorts = db.select(Cohort).order_by(Cohort.starts_on.desc(), Cohort.id.desc())
    if user.lab_id:
        labs = labs.where(Lab.id == user.lab_id)
        calls = calls.where(Call.lab_id == user.lab_id)
        cohorts = cohorts.where(Cohort.lab_id == user.lab_id)
    campaigns = (
        db.select(Campaign.id, Campaign.title)
        .where(Campaign.status != CampaignStatus.DRAFT)
        .order_by(Campaign.title, Campaign.id)
    )
    return {
        "lab": [(lab.id, lab.name(locale)) for lab in db.session.scalars(labs)],
        "call": [(call.id, call.title(locale)) for call in db.session.scalars(calls)],
        "cohort": [(cohort.id, cohort.name) for cohort in db.session.scalars(cohorts)],
        "campaign": [tuple(row) for row in db.session.execute(campaigns)],
    }


def _thresholds(dimension, categories):
    return [SENSITIVE_THRESHOLD if (dimension, c) in queries.SENSITIVE else THRESHOLD for c in categories]


@dataclass
class StageRow:
    stage: str
    label: str
    values: list  # published values per category: int or MARK
    total: object
    percents: list


@dataclass
class Report:
    """What the page, every export and the JSON show: suppressed values only."""

    filters: Filters
    categories: list
    category_labels: list
    funnel: list
    people: list
    cross: dict | None
    money: list
    rule: str
    generated_at: datetime


def _counts(filters_sql, by, by2):
    rows = db.session.execute(queries.stage_counts(filters_sql, by, by2)).all()
    out = {}
    for stage, d1, d2, units, people in rows:
        out[(stage, d1, d2)] = people if stage in queries.PEOPLE else units
    return out


def _grid(counts, stage, rows, cols):
    return [[counts.get((stage, r, c), 0) for c in cols] for r in rows]


def _minus(a, b):
    return [[x - y for x, y in zip(ra, rb, strict=True)] for ra, rb in zip(a, b, strict=True)]


def _stage_row(stage, grid, complements, categories, by):
    table = suppress(
        grid, _thresholds("stage", ["all"]), _thresholds(by, categories), complements=complements
    )
    values = [table.value(0, c) for c in range(len(categories))]
    total = table.value(0, None)
    return StageRow(stage, str(STAGE_LABELS[stage]), values, total, [percentage(v, total) for v in values])


def build_report(filters, user):
    """The suppressed report for ``filters`` (already validated by ``parse_filters``)."""
    ensure("reports.view", user=user)
    by, by2 = filters.by, filters.by2
    categories = list(queries.DIMENSIONS[by])
    locale = str(get_locale() or "en")
    references = filters.references()
    counts = _counts(filters.sql(), by, None)
    bases = [_counts(ref.sql(), by, None) for ref in references]

    def row(stage):
        grid = [[counts.get((stage, c, "all"), 0) for c in categories]]
        complements = [_minus([[base.get((stage, c, "all"), 0) for c in categories]], grid) for base in bases]
        return _stage_row(stage, grid, complements, categories, by)

    funnel = [row(s) for s in queries.STAGES]
    people = [row(s) for s in queries.PEOPLE]
    cross = None
    if by2:
        cols = list(queries.DIMENSIONS[by2])
        c2 = _counts(filters.sql(), by, by2)
        grid = _grid(c2, filters.stage, categories, cols)
        complements = [
            _minus(_grid(_counts(ref.sql(), by, by2), filters.stage, categories, cols), grid)
            for ref in references
        ]
        table = suppress(grid, _thresholds(by, categories), _thresholds(by2, cols), complements=complements)
        cross = {
            "stage": filters.stage,
            "stage_label": str(STAGE_LABELS[filters.stage]),
            "columns": cols,
            "column_labels": [category_label(by2, c, locale) for c in cols],
            "rows": [
                {
                    "label": category_label(by, r, locale),
                    "code": r,
                    "values": [table.value(i, j) for j in range(len(cols))],
                    "total": table.value(i, None),
                }
                for i, r in enumerate(categories)
            ],
            "totals": [table.value(None, j) for j in range(len(cols))],
            "total": table.value(None, None),
        }
    return Report(
        filters=filters,
        categories=categories,
        category_labels=[category_label(by, c, locale) for c in categories],
        funnel=funnel,
        people=people,
        cross=cross,
        money=_money(filters, categories, references),
        rule=str(RULE),
        generated_at=utcnow(),
    )


def _money(filters, categories, references):
    """Per currency: pledged, matched and backers per category. A money cell is
    shown only where the number of campaigns behind it passes suppression."""
    by = filters.by

    def load(sql_filters):
        out = {}
        for currency, d1, campaigns, pledged, matched, backers in db.session.execute(
            queries.money_query(sql_filters, by)
        ):
            out.setdefault(currency, {})[d1] = (
                campaigns,
                int(pledged or 0),
                int(matched or 0),
                int(backers or 0),
            )
        return out

    data = load(filters.sql())
    bases = [load(ref.sql()) for ref in references]
    result = []
    for currency in sorted(data, key=lambda c: (c != "KGS", c)):
        cells = data[currency]
        grid = [[cells.get(c, (0, 0, 0, 0))[0] for c in categories]]
        complements = [
            _minus([[base.get(currency, {}).get(c, (0, 0, 0, 0))[0] for c in categories]], grid)
            for base in bases
        ]
        table = suppress(grid, [THRESHOLD], _thresholds(by, categories), complements=complements)
        measures = []
        for index, (key, label) in enumerate(
            (("pledged", _l("Pledged")), ("matched", _l("Matched")), ("backers", _l("Backers"))), start=1
        ):
            values = [
                MARK if table.is_hidden(0, i) else cells.get(c, (0, 0, 0, 0))[index]
                for i, c in enumerate(categories)
            ]
            total = MARK if table.is_hidden(0, None) else sum(v[index] for v in cells.values())
            measures.append(
                {"key": key, "label": str(label), "values": values, "total": total, "money": key != "backers"}
            )
        campaigns = [table.value(0, i) for i in range(len(categories))]
        measures.insert(
            0,
            {
                "key": "campaigns",
                "label": str(_l("Campaigns with money")),
                "values": campaigns,
                "total": table.value(0, None),
                "money": False,
            },
        )
        result.append({"currency": currency, "measures": measures})
    return result


def table_rows(report, locale="en"):
    """The report as plain rows (header first), the single source for CSV and XLSX."""
    rows = [
        [
            str(_l("Participation report")),
            report.generated_at.astimezone(BISHKEK).isoformat(timespec="minutes"),
        ]
    ]
    rows.append([str(_l("Rule")), report.rule])
    for label, value in report.filters.described():
        rows.append([label, value])
    rows.append([])
    rows.append([str(_l("Stage")), *report.category_labels, str(_l("Total"))])
    for row in [*report.funnel, *report.people]:
        rows.append([row.label, *row.values, row.total])
    # The page's percentages (each category's share of the stage total), hidden by the same rule.
    rows.append([])
    rows.append([str(_l("Share of the stage total (%)")), *report.category_labels])
    for row in [*report.funnel, *report.people]:
        rows.append([row.label, *("" if p is None else p for p in row.percents)])
    for block in report.money:
        rows.append([])
        rows.append(
            [
                str(_l("Money (%(currency)s)", currency=block["currency"])),
                *report.category_labels,
                str(_l("Total")),
            ]
        )
        for measure in block["measures"]:
            values = measure["values"]
            if measure["money"]:
                values = [v if v == MARK else v / 100 for v in values]
                total = measure["total"] if measure["total"] == MARK else measure["total"] / 100
            else:
                total = measure["total"]
            rows.append([measure["label"], *values, total])
    if report.cross:
        cross = report.cross
        rows.append([])
        rows.append(
            [
                f"{cross['stage_label']}: {DIMENSION_LABELS[report.filters.by]} × "
                f"{DIMENSION_LABELS[report.filters.by2]}",
                *cross["column_labels"],
                str(_l("Total")),
            ]
        )
        for row in cross["rows"]:
            rows.append([row["label"], *row["values"], row["total"]])
        rows.append([str(_l("Total")), *cross["totals"], cross["total"]])
    return rows


def _entry(indicator, dimensions, value, **extra):
    return {
        "indicator": indicator,
        "dimensions": dimensions,
        "value": None if value == MARK else value,
        "suppressed": value == MARK,
        **extra,
    }


def iati_json(report):
    """Result values in IATI's shape: one entry per (stage, dimension value), with
    suppressed values as ``null`` and ``"suppressed": true``. Funnel entries carry the
    page's percentage (share of the stage total, ``null`` with ``"percentage_suppressed":
    true`` when hidden); ``cross_totals`` holds the cross-tabulation's margins and
    ``money`` the money table (amounts in major units, like the CSV)."""
    name = IATI_NAMES[report.filters.by]

    def dim(code, dim_name=name):
        return {"name": dim_name, "value": IATI_VALUES.get(code, code)}

    results = []
    for row in [*report.funnel, *report.people]:
        for code, value, percent in zip(report.categories, row.values, row.percents, strict=True):
            results.append(
                _entry(
                    row.stage,
                    [dim(code)],
                    value,
                    percentage=None if percent == MARK else percent,
                    percentage_suppressed=percent == MARK,
                )
            )
        results.append(_entry(row.stage, [], row.total))
    body = {"rule": report.rule, "filters": report.filters.query_args(), "results": results}
    if report.cross:
        cross = report.cross
        name2 = IATI_NAMES[report.filters.by2]
        for row in cross["rows"]:
            for code2, value in zip(cross["columns"], row["values"], strict=True):
                results.append(_entry(cross["stage"], [dim(row["code"]), dim(code2, name2)], value))
        totals = [_entry(cross["stage"], [dim(row["code"])], row["total"]) for row in cross["rows"]]
        totals += [
            _entry(cross["stage"], [dim(code2, name2)], value)
            for code2, value in zip(cross["columns"], cross["totals"], strict=True)
        ]
        totals.append(_entry(cross["stage"], [], cross["total"]))
        body["cross_totals"] = totals
    money = []
    for block in report.money:
        for measure in block["measures"]:

            def amount(value, measure=measure):
                return value / 100 if measure["money"] and value != MARK else value

            extra = {"currency": block["currency"], "measure": measure["key"]}
            for code, value in zip(report.categories, measure["values"], strict=True):
                money.append(_entry("money", [dim(code)], amount(value), **extra))
            money.append(_entry("money", [], amount(measure["total"]), **extra))
    body["money"] = money
    return body


def export_csv(report):
    """CSV bytes of exactly the page's values (UTF-8 with BOM for spreadsheet apps)."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in table_rows(report):
        # Filter values carry names people chose (a campaign title): never a formula.
        writer.writerow([safe_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_xlsx(report):
    """XLSX bytes of exactly the page's values; the rule and filters head the sheet."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Report"
    for row in table_rows(report):
        sheet.append([safe_cell(v) for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def request_pdf(filters, user, locale):
    """Queue a PDF of the report in ``locale`` (en/ru/ky); returns the ``ReportExport``."""
    from wcl.audit.services import record
    from wcl.queue import enqueue_after_commit
    from wcl.reports.models import ReportExport

    ensure("reports.view", user=user)
    if locale not in ("en", "ru", "ky"):
        raise ReportError(_l("Unknown language."))
    export = ReportExport(requested_by_id=user.id, params=filters.query_args(), locale=locale)
    db.session.add(export)
    db.session.flush()
    record("reports.pdf_requested", export, actor=user)
    enqueue_after_commit("wcl.reports.jobs.render_report_pdf", export.id, queue="default", job_timeout=300)
    db.session.commit()
    return export


def render_export(export_id):
    """Render a queued PDF export (idempotent: a finished export is left alone).

    Filters are re-validated and permissions re-checked for the requester, so a
    job run after her access was removed produces nothing."""
    from wcl.accounts.models import User
    from wcl.files.generated import run_render
    from wcl.files.services import store_bytes
    from wcl.receipts.pdf import render_pdf
    from wcl.reports.charts import funnel_chart
    from wcl.reports.models import ReportExport

    def produce(export):
        from flask_babel import force_locale

        user = db.session.get(User, export.requested_by_id)
        with force_locale(export.locale):
            filters = parse_filters(export.params, user)
            report = build_report(filters, user)
            chart = funnel_chart(report, str(_l("Participation by stage")))
            described = filters.described()
        pdf = render_pdf(
            "reports/pdf/report.html",
            export.locale,
            report=report,
            chart=chart,
            described=described,
            mark=MARK,
        )
        return store_bytes(
            pdf, "application/pdf", f"participation-report-{export.id}.pdf", uploaded_by=user.id
        )

    return run_render(ReportExport, export_id, produce)


def export_for(export_id, user):
    """The user's own export, or ``None``."""
    from wcl.reports.models import ReportExport

    ensure("reports.view", user=user)
    export = db.session.get(ReportExport, export_id)
    if export is None or export.requested_by_id != user.id:
        return None
    return export
