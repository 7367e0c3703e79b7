"""The money report: paid pledges (net of refunds), matching and backers per campaign, read
from the tables kept in step with the pledges (``wcl.reports.maintenance``), grouped per
currency and category with what protection needs (``money_cells``)."""

from datetime import time, timedelta

import sqlalchemy as sa

from wcl.accounts.models import User
from wcl.campaigns.models import Campaign, MatchReservation
from wcl.reports.models import NO_EARLIER_DAY, CampaignDay, CampaignDayBackers, CampaignMoney
from wcl.reports.queries.campaigns import campaign_base
from wcl.reports.queries.common import apply_filters, dimension_expr, event_columns
from wcl.time import BISHKEK


def local_day(bound):
    """The Bishkek date a date filter's bound (a Bishkek midnight, ``Filters.sql``) starts."""
    local = bound.astimezone(BISHKEK)
    if local.timetz().replace(tzinfo=None) != time():
        raise ValueError(f"a report's date bound is a Bishkek midnight, not {bound!r}")
    return local.date()


def paid_money(filters):
    """Per campaign with a paid pledge in the filters' dates: ``(campaign_id, pledged,
    backers)``, the money net of refunds and the distinct backers. Read from the kept
    tables (``wcl.reports.maintenance``), never from the pledges: without dates the
    per-campaign figures; with dates the range's Bishkek days — money adds up over days, and
    a backer is counted on her first day in the range, the one whose previous paid day
    (``since``) is before it (``CampaignDayBackers``), so once however many days she paid."""
    if not (filters.get("date_from") or filters.get("date_to")):
        return sa.select(CampaignMoney.campaign_id, CampaignMoney.pledged, CampaignMoney.backers).where(
            CampaignMoney.backers > 0
        )
    first = (
        local_day(filters["date_from"]) if filters.get("date_from") else NO_EARLIER_DAY + timedelta(days=1)
    )
    money = sa.select(CampaignDay.campaign_id, sa.func.sum(CampaignDay.pledged).label("pledged"))
    money = money.where(CampaignDay.day >= first)
    backers = sa.select(
        CampaignDayBackers.campaign_id, sa.func.sum(CampaignDayBackers.backers).label("backers")
    )
    backers = backers.where(CampaignDayBackers.day >= first, CampaignDayBackers.since < first)
    if filters.get("date_to"):
        money = money.where(CampaignDay.day < local_day(filters["date_to"]))
        backers = backers.where(CampaignDayBackers.day < local_day(filters["date_to"]))
    money = money.group_by(CampaignDay.campaign_id).subquery()
    backers = backers.group_by(CampaignDayBackers.campaign_id).subquery()
    return (
        sa.select(
            backers.c.campaign_id, sa.func.coalesce(money.c.pledged, 0).label("pledged"), backers.c.backers
        )
        .outerjoin(money, money.c.campaign_id == backers.c.campaign_id)
        .where(backers.c.backers > 0)
    )


def money_query(filters, by):
    """Paid pledges, matched amounts and backers per (category, currency), with the
    number of campaign owners behind each cell, their key sum and the largest single
    owner's amounts (what ``wcl.reports.protection`` needs to protect the cell). Dates
    count pledges paid in the range (net of their refunds) and matching reserved in it."""
    base, attrs, ids = campaign_base()
    paid = paid_money(filters).subquery()
    matched = (
        sa.select(MatchReservation.campaign_id, sa.func.sum(MatchReservation.amount).label("matched"))
        .where(MatchReservation.released_at.is_(None))
        .group_by(MatchReservation.campaign_id)
    )
    if filters.get("date_from"):
        matched = matched.where(MatchReservation.created_at >= filters["date_from"])
    if filters.get("date_to"):
        matched = matched.where(MatchReservation.created_at < filters["date_to"])
    matched = matched.subquery()
    rows = base.add_columns(*event_columns("money", attrs, Campaign.starts_at, *ids)).add_columns(
        Campaign.currency.label("currency"),
        sa.func.coalesce(paid.c.pledged, 0).label("pledged"),
        sa.func.coalesce(paid.c.backers, 0).label("backers"),
        sa.func.coalesce(matched.c.matched, 0).label("matched"),
    )
    rows = rows.outerjoin(paid, paid.c.campaign_id == Campaign.id).outerjoin(
        matched, matched.c.campaign_id == Campaign.id
    )
    rows = rows.where(sa.or_(paid.c.campaign_id.isnot(None), matched.c.campaign_id.isnot(None)))
    filters = {k: v for k, v in filters.items() if k not in ("date_from", "date_to")}
    rows = rows.subquery()
    return money_cells(apply_filters(sa.select(rows), rows.c, filters).subquery(), by)


def money_cells(rows, by, amounts=("pledged", "matched"), counts=("backers",)):
    """Group money rows (``currency``, ``person_id``, the person's attributes and
    ``event_at``, the ``amounts`` and ``counts`` columns; one row per campaign or grant)
    per (currency, category): the number of distinct people behind the cell and their
    key sum (what the cell is protected by), the number of rows as ``campaigns``
    (campaigns, grants), the sums, and the largest single person's amounts
    (``largest_<amount>``)."""
    dim = dimension_expr(by, rows.c).label("d1")
    person = (
        sa.select(
            rows.c.currency,
            dim,
            rows.c.person_id,
            sa.func.count().label("campaigns"),
            *[sa.func.sum(rows.c[name]).label(name) for name in (*amounts, *counts)],
        )
        .group_by(rows.c.currency, dim, rows.c.person_id)
        .subquery()
    )
    columns = []
    for name in amounts:
        columns += [
            sa.func.sum(person.c[name]).label(name),
            sa.func.max(person.c[name]).label(f"largest_{name}"),
        ]
    return (
        sa.select(
            person.c.currency,
            person.c.d1,
            sa.func.count().label("people"),
            sa.func.sum(User.cell_key).label("cell_key"),
            sa.func.sum(person.c.campaigns).label("campaigns"),
            *columns,
            *[sa.func.sum(person.c[name]).label(name) for name in counts],
        )
        .join(User, User.id == person.c.person_id)
        .group_by(person.c.currency, person.c.d1)
    )
