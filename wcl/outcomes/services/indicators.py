"""The results framework: what each indicator counts, per period, and its published value.

Counting rules (also the methodology text of the open-data page):

* ``women_trained``: participants who graduated in the period (the lab admits women).
* ``businesses_registered``: women who, in a follow-up sent in the period, said their
  business is registered (patent, individual entrepreneur or company); each counted once.
* ``income_up``: women whose income band in a 6- or 12-month follow-up submitted in the
  period is higher than in her endline follow-up (her baseline if she gave no endline).
* ``campaigns_funded``: campaigns that succeeded, ending in the period.
* ``money_raised``: backers' money (paid pledges less refunds) of those campaigns, in som.

A lab's figures count its cohorts (a campaign: its owner's cohort's lab). People are
counted through ``wcl.reports.protection`` (cell keys; small counts hidden); the
money figure is shown only where its number of campaigns is, moved as the reports move it.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from wcl.accounts.models import CELL_KEY_RANGE, Demographics, User
from wcl.campaigns.models import Campaign, CampaignStatus
from wcl.campaigns.queries import campaign_lab, campaign_totals
from wcl.cohorts.models import Cohort, Enrolment, EnrolmentStatus
from wcl.extensions import db
from wcl.outcomes.errors import OutcomesError
from wcl.outcomes.models import INCOME_BANDS, FollowUp, FollowUpKind, Indicator
from wcl.reports.protection import MARK, SENSITIVE_THRESHOLD, THRESHOLD, Cell, publish, publish_amount

REGISTERED = ("patent", "individual", "company")
MONEY_CURRENCY = "KGS"


@dataclass(frozen=True)
class Definition:
    code: str
    label: object
    sdg: str  # SDG target
    money: bool = False


INDICATORS = (
    Definition("women_trained", _l("Women trained (graduated)"), "5.5"),
    Definition("businesses_registered", _l("Women-led businesses registered"), "8.3"),
    Definition("income_up", _l("Women whose income band went up"), "8.5"),
    Definition("campaigns_funded", _l("Campaigns funded"), "8.3"),
    Definition("money_raised", _l("Money raised by campaigns (som)"), "8.3", money=True),
)
BY_CODE = {d.code: d for d in INDICATORS}
SDG_LABELS = {
    "5.5": _l("SDG 5.5: women's full participation and leadership"),
    "8.3": _l("SDG 8.3: entrepreneurship and formalisation of small enterprises"),
    "8.5": _l("SDG 8.5: decent work and equal pay"),
}


@dataclass(frozen=True)
class Period:
    """A reporting period: a year (``2026``) or a quarter (``2026-Q2``); [start, end)."""

    code: str
    start: datetime
    end: datetime

    @property
    def year(self):
        return self.start.year


def parse_period(text):
    """``"2026"`` or ``"2026-Q1"`` → ``Period``; anything else is refused."""
    text = (text or "").strip().upper()
    try:
        if "-Q" in text:
            year, quarter = text.split("-Q")
            year, quarter = int(year), int(quarter)
            if not 1 <= quarter <= 4:
                raise ValueError
            start = datetime(year, 3 * quarter - 2, 1, tzinfo=UTC)
            end = datetime(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1, tzinfo=UTC)
            code = f"{year}-Q{quarter}"
        else:
            year = int(text)
            start, end, code = (
                datetime(year, 1, 1, tzinfo=UTC),
                datetime(year + 1, 1, 1, tzinfo=UTC),
                str(year),
            )
        if not 2000 <= year <= 2100:
            raise ValueError
    except ValueError:
        raise OutcomesError(_l("Choose a year (2026) or a quarter (2026-Q1).")) from None
    return Period(code, start, end)


def quarters(year):
    """The four quarters of ``year``."""
    return [parse_period(f"{year}-Q{q}") for q in range(1, 5)]


def _in(column, period):
    return sa.and_(column >= period.start, column < period.end)


def _lab(lab_id):
    return sa.true() if lab_id is None else Cohort.lab_id == lab_id


def _people(query):
    """Distinct (user id, cell key) of ``query``'s participant ids."""
    ids = query.subquery()
    rows = db.session.execute(sa.select(User.id, User.cell_key).where(User.id.in_(sa.select(ids)))).all()
    return {uid: key for uid, key in rows}


def people(code, period, lab_id=None):
    """{user id: cell key} of the women ``code`` counts in ``period`` (and lab)."""
    enrolled = sa.select(Enrolment.participant_id).join(Cohort, Cohort.id == Enrolment.cohort_id)
    if code == "women_trained":
        return _people(
            enrolled.where(
                Enrolment.status == EnrolmentStatus.GRADUATED,
                _in(Enrolment.graduated_at, period),
                _lab(lab_id),
            )
        )
    answered = enrolled.join(FollowUp, FollowUp.enrolment_id == Enrolment.id).where(
        FollowUp.submitted_at.is_not(None), _in(FollowUp.submitted_at, period), _lab(lab_id)
    )
    if code == "businesses_registered":
        return _people(answered.where(FollowUp.registration.in_(REGISTERED)))
    if code == "income_up":
        return _income_up(period, lab_id)
    raise KeyError(code)


def _income_up(period, lab_id):
    rank = {band: i for i, band in enumerate(INCOME_BANDS)}
    rows = db.session.execute(
        sa.select(
            FollowUp.enrolment_id,
            FollowUp.user_id,
            FollowUp.kind,
            FollowUp.income_band,
            FollowUp.submitted_at,
        )
        .join(Enrolment, Enrolment.id == FollowUp.enrolment_id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(FollowUp.submitted_at.is_not(None), FollowUp.income_band.is_not(None), _lab(lab_id))
    ).all()
    by_enrolment = {}
    for row in rows:
        by_enrolment.setdefault(row.enrolment_id, {})[row.kind] = row
    up = set()
    for answers in by_enrolment.values():
        before = answers.get(FollowUpKind.ENDLINE) or answers.get(FollowUpKind.BASELINE)
        if before is None:
            continue
        for kind in (FollowUpKind.M6, FollowUpKind.M12):
            after = answers.get(kind)
            in_period = after is not None and period.start <= after.submitted_at < period.end
            if in_period and rank[after.income_band] > rank[before.income_band]:
                up.add(after.user_id)
    keys = db.session.execute(sa.select(User.id, User.cell_key).where(User.id.in_(up))).all() if up else []
    return dict(keys)


def funded_campaigns(period, lab_id=None):
    """{campaign id: owner's cell key} of campaigns that succeeded, ending in ``period``."""
    query = (
        sa.select(Campaign.id, User.cell_key)
        .join(User, User.id == Campaign.owner_id)
        .where(
            Campaign.status == CampaignStatus.SUCCEEDED,
            Campaign.currency == MONEY_CURRENCY,
            _in(sa.func.coalesce(Campaign.ended_at, Campaign.ends_at), period),
        )
    )
    if lab_id is not None:
        query = query.where(campaign_lab(Campaign.id) == lab_id)
    return dict(db.session.execute(query).all())


def cell_of(keys):
    """The ``Cell`` of a set of records' cell keys."""
    return Cell(len(keys), sum(keys) % CELL_KEY_RANGE)


def raw_values(period, lab_id=None):
    """{code: (Cell, money or None)}: the true figures before publication (tests and the
    published values below start here; never shown)."""
    out = {}
    for code in ("women_trained", "businesses_registered", "income_up"):
        out[code] = (cell_of(people(code, period, lab_id).values()), None)
    campaigns = funded_campaigns(period, lab_id)
    cell = cell_of(campaigns.values())
    totals = campaign_totals(list(campaigns))
    raised = [t["raised"] for t in totals.values()]
    out["campaigns_funded"] = (cell, None)
    out["money_raised"] = (cell, (sum(raised), max(raised, default=0)))
    return out


def published_values(period, lab_id=None):
    """{code: published value}: counts through the cell-key method; money in som (whole
    units), hidden where the number of campaigns is hidden."""
    out = {}
    for code, (cell, money) in raw_values(period, lab_id).items():
        if money is None:
            out[code] = publish(cell)
            continue
        if publish(cell) == MARK:
            out[code] = MARK
        else:
            out[code] = publish_amount(money[0], money[1], cell) // 100
    return out


SEXES = ("woman", "man", "another", "not_stated")
AGE_BANDS = ("under_25", "25_35", "over_35", "not_stated")


def _band(birth_year, year):
    if birth_year is None:
        return "not_stated"
    age = year - birth_year
    return "under_25" if age < 25 else "25_35" if age <= 35 else "over_35"


def dimensions(code, period, lab_id=None):
    """Sex and age breakdowns of a people indicator: {("sex"|"age", value): published}.
    ``prefer_not`` and unanswered are both "not stated"; "another" has the higher
    threshold, as in the reports."""
    keys = people(code, period, lab_id)
    rows = db.session.execute(
        sa.select(Demographics.user_id, Demographics.gender, Demographics.birth_year).where(
            Demographics.user_id.in_(list(keys))
        )
    ).all()
    demo = {uid: (gender, birth_year) for uid, gender, birth_year in rows}
    groups = {}
    for uid, key in keys.items():
        gender, birth_year = demo.get(uid, (None, None))
        sex = gender if gender in ("woman", "man", "another") else "not_stated"
        groups.setdefault(("sex", sex), []).append(key)
        groups.setdefault(("age", _band(birth_year, period.year)), []).append(key)
    out = {}
    for dim, values in (("sex", SEXES), ("age", AGE_BANDS)):
        for value in values:
            cell = cell_of(groups.get((dim, value), []))
            out[(dim, value)] = publish(cell, SENSITIVE_THRESHOLD if value == "another" else THRESHOLD)
    return out


def targets(lab_id=None):
    """{code: Indicator} baselines and targets for ``lab_id`` (None: the programme),
    the latest target year for each code."""
    rows = db.session.scalars(
        sa.select(Indicator)
        .where(Indicator.lab_id.is_(None) if lab_id is None else Indicator.lab_id == lab_id)
        .order_by(Indicator.target_year)
    ).all()
    return {row.code: row for row in rows}
