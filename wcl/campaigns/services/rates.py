"""Approximate amounts for backers abroad: staff-entered exchange rates with their date.

Only shown, never charged: the pledge is always in KGS. Each currency's latest
rate is used; the page names its date and says "approximately".
"""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from wcl.accounts.permissions import ensure
from wcl.audit.services import record
from wcl.campaigns.errors import CampaignError
from wcl.campaigns.models import ExchangeRate
from wcl.extensions import db

CURRENCIES = ("USD", "RUB", "EUR")


def save_rate(actor, currency, kgs_per_unit, as_of):
    """Staff record a rate: ``kgs_per_unit`` KGS minor units for one unit of ``currency`` on ``as_of``."""
    ensure("rates.manage", user=actor)
    if currency not in CURRENCIES:
        raise CampaignError(_l("Choose one of the answers."), "currency")
    if not kgs_per_unit or kgs_per_unit <= 0:
        raise CampaignError(_l("Enter a rate above zero."), "rate")
    if as_of is None:
        raise CampaignError(_l("Enter the date of the rate."), "as_of")
    rate = ExchangeRate(currency=currency, kgs_per_unit=kgs_per_unit, as_of=as_of, entered_by_id=actor.id)
    db.session.add(rate)
    db.session.flush()
    record("exchange_rate.saved", rate, actor=actor, currency=currency, kgs_per_unit=kgs_per_unit)
    db.session.commit()
    return rate


def latest_rates():
    """``[ExchangeRate]``: the newest rate of each currency (one query reading one row per
    currency, however many rates were entered over the years), in ``CURRENCIES`` order."""
    ranked = db.select(
        ExchangeRate.id,
        sa.func.row_number()
        .over(
            partition_by=ExchangeRate.currency,
            order_by=(ExchangeRate.as_of.desc(), ExchangeRate.id.desc()),
        )
        .label("n"),
    ).subquery()
    rows = db.session.scalars(
        db.select(ExchangeRate).join(ranked, ranked.c.id == ExchangeRate.id).where(ranked.c.n == 1)
    ).all()
    latest = {row.currency: row for row in rows}
    return [latest[c] for c in CURRENCIES if c in latest]


def approximate(amount_kgs, rates):
    """``[(currency, minor units)]`` of a KGS amount at ``rates``, rounded to whole units."""
    out = []
    for rate in rates:
        units = round(amount_kgs / rate.kgs_per_unit)
        out.append((rate.currency, units * 100))
    return out


def recent(limit=20):
    """The latest rates entered, newest first (the staff page)."""
    return db.session.scalars(
        db.select(ExchangeRate).order_by(ExchangeRate.as_of.desc(), ExchangeRate.id.desc()).limit(limit)
    ).all()
