"""Report parameters: validated from a query string (or a saved export), held to the
user's lab, and the choices the filter form offers."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from wcl.accounts.permissions import can, lab_scope
from wcl.applications.models import Call
from wcl.campaigns.models import Campaign, CampaignStatus
from wcl.campaigns.queries import campaign_lab
from wcl.cohorts.models import Cohort
from wcl.extensions import db
from wcl.labs.models import Lab
from wcl.reports import queries
from wcl.reports.errors import ReportError
from wcl.reports.services.labels import DIMENSION_LABELS, STAGE_LABELS
from wcl.time import DEFAULT_ZONE as BISHKEK
from wcl.time import date_filter


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
            rows.append((_l("From"), date_filter(self.date_from)))
        if self.date_to:
            rows.append((_l("To"), date_filter(self.date_to)))
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
        if (
            obj is None
            or (user.lab_id and key in ("call", "cohort") and lab_id != user.lab_id)
            or (key == "campaign" and not can("reports.view", obj, user))
        ):
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
    see only that lab's calls, cohorts and campaigns. Draft campaigns are left out."""

    labs = db.select(Lab).order_by(Lab.name_en)
    calls = db.select(Call).order_by(Call.opens_at.desc(), Call.id.desc())
    cohorts = db.select(Cohort).order_by(Cohort.starts_on.desc(), Cohort.id.desc())
    if user.lab_id:
        labs = labs.where(Lab.id == user.lab_id)
        calls = calls.where(Call.lab_id == user.lab_id)
        cohorts = cohorts.where(Cohort.lab_id == user.lab_id)
    campaigns = lab_scope(
        db.select(Campaign.id, Campaign.title)
        .where(Campaign.status != CampaignStatus.DRAFT)
        .order_by(Campaign.title, Campaign.id),
        user,
        campaign_lab(Campaign.id),
    )
    return {
        "lab": [(lab.id, lab.name(locale)) for lab in db.session.scalars(labs)],
        "call": [(call.id, call.title(locale)) for call in db.session.scalars(calls)],
        "cohort": [(cohort.id, cohort.name) for cohort in db.session.scalars(cohorts)],
        "campaign": [tuple(row) for row in db.session.execute(campaigns)],
    }
