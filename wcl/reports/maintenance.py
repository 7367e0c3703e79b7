"""Keeps the money report's tables (``wcl.reports.models``: per campaign, and per Bishkek day
of payment) in step with pledges.

A mapper event on ``Pledge`` (insert, update, delete) works out what the flush changes in
the money report's terms — a paid pledge's net amount, and whether its backer gains or loses
a paid pledge on the campaign — and applies it with relative upserts in the same
transaction: ``paid_pledges = paid_pledges + 1`` under the row's lock, so two payments at once
both count, and the backer count moves only when a backer's paid pledges go 0 → 1 or 1 → 0.
Every path that changes a pledge (webhooks, offline payments, refunds, tests' factories) goes
through the ORM, so every path keeps the table right. Works on PostgreSQL and SQLite.

The day tables get the same relative changes, so a date-filtered report sums days instead of
scanning pledges. A pledge's day is its ``paid_at`` in Asia/Bishkek; a refund is applied to
that day (the report counts a pledge paid in the range net of its refunds, whenever refunded).
When a backer's day gains its first paid pledge or loses its last, her days before and after
it are read (under the lock of her ``report_campaign_backers`` row, taken first, so two
changes of one backer's days do not interleave) and ``report_campaign_day_backers`` moves her
between (day, previous day) rows.
"""

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from wcl.campaigns.models import Pledge, PledgeStatus
from wcl.reports.models import (
    NO_EARLIER_DAY,
    CampaignBacker,
    CampaignBackerDay,
    CampaignDay,
    CampaignDayBackers,
    CampaignMoney,
)
from wcl.time import BISHKEK


def backer_key(backer_id, email, pledge_id):
    """Who backed: the account, else the email (case-insensitive), else the pledge itself."""
    if backer_id is not None:
        return f"u{backer_id}"
    if email:
        return f"e{email.lower()}"
    return f"p{pledge_id}"


def payment_day(paid_at):
    """The Bishkek date of a payment (``None`` without a payment time)."""
    return None if paid_at is None else paid_at.astimezone(BISHKEK).date()


def _upsert(connection, model, keys, values):
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    table = model.__table__
    stmt = insert(table).values(**keys, **values)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(keys), set_={name: table.c[name] + stmt.excluded[name] for name in values}
    )
    return connection.execute(stmt.returning(*[table.c[name] for name in values])).one()


def _neighbour_days(connection, campaign_id, backer, day):
    """The backer's paid days on the campaign just before and just after ``day`` (or None)."""
    t = CampaignBackerDay
    mine = sa.and_(t.campaign_id == campaign_id, t.backer == backer, t.paid_pledges > 0)
    before = sa.select(sa.func.max(t.day)).where(mine, t.day < day).scalar_subquery()
    after = sa.select(sa.func.min(t.day)).where(mine, t.day > day).scalar_subquery()
    return connection.execute(sa.select(before, after)).one()


def _move_backer_day(connection, campaign_id, backer, day, step):
    """``day`` became (``step`` +1) or stopped being (−1) a paid day of the backer: the day
    counts her after her previous day, and her next day now follows ``day`` (or, when it is
    removed, her previous day again)."""
    before, after = _neighbour_days(connection, campaign_id, backer, day)
    before = before or NO_EARLIER_DAY
    for when, since, change in ((day, before, step), (after, before, -step), (after, day, step)):
        if when is not None:
            keys = {"day": when, "campaign_id": campaign_id, "since": since}
            _upsert(connection, CampaignDayBackers, keys, {"backers": change})


def _apply(connection, campaign_id, backer, day, pledged, paid):
    """Add ``pledged`` money and ``paid`` (−1, 0, +1) paid pledges of ``backer`` paid on
    ``day`` (``None``: in no day)."""
    backers = 0
    if paid:
        # First: this row's lock serialises every change of this backer on this campaign.
        (count,) = _upsert(
            connection, CampaignBacker, {"campaign_id": campaign_id, "backer": backer}, {"paid_pledges": paid}
        )
        backers = 1 if paid > 0 and count == paid else -1 if paid < 0 and count == 0 else 0
    if pledged or backers:
        _upsert(
            connection, CampaignMoney, {"campaign_id": campaign_id}, {"pledged": pledged, "backers": backers}
        )
    if day is None:
        return
    if pledged:
        _upsert(connection, CampaignDay, {"day": day, "campaign_id": campaign_id}, {"pledged": pledged})
    if paid:
        keys = {"campaign_id": campaign_id, "backer": backer, "day": day}
        (count,) = _upsert(connection, CampaignBackerDay, keys, {"paid_pledges": paid})
        if (paid > 0 and count == paid) or (paid < 0 and count == 0):
            _move_backer_day(connection, campaign_id, backer, day, paid)


def _contribution(status, amount, refunded):
    """(net money, paid pledges) a pledge in this state adds to the report."""
    if status != PledgeStatus.PAID:
        return 0, 0
    return (amount or 0) - (refunded or 0), 1


_WATCHED = ("status", "amount", "refunded_amount", "backer_id", "backer_email", "campaign_id", "paid_at")


def _keep_old_value(target, value, oldvalue, initiator):
    return value


# Load a column's value before it is overwritten (even when it was expired by a commit), so
# the flush sees what the pledge counted for before the change.
for _name in _WATCHED:
    sa.event.listen(getattr(Pledge, _name), "set", _keep_old_value, active_history=True, retval=True)


def _old(target, name):
    history = sa.inspect(target).attrs[name].history
    if history.deleted:
        return history.deleted[0]
    return getattr(target, name)


@sa.event.listens_for(Pledge, "after_insert")
def _inserted(_mapper, connection, target):
    money, paid = _contribution(target.status, target.amount, target.refunded_amount)
    if paid:
        _apply(
            connection,
            target.campaign_id,
            backer_key(target.backer_id, target.backer_email, target.id),
            payment_day(target.paid_at),
            money,
            paid,
        )


@sa.event.listens_for(Pledge, "after_update")
def _updated(_mapper, connection, target):
    old = _contribution(_old(target, "status"), _old(target, "amount"), _old(target, "refunded_amount"))
    new = _contribution(target.status, target.amount, target.refunded_amount)
    old_key = backer_key(_old(target, "backer_id"), _old(target, "backer_email"), target.id)
    new_key = backer_key(target.backer_id, target.backer_email, target.id)
    old_campaign = _old(target, "campaign_id")
    old_day, new_day = payment_day(_old(target, "paid_at")), payment_day(target.paid_at)
    same_place = (old_key, old_campaign, old_day) == (new_key, target.campaign_id, new_day)
    if same_place and old[1] == new[1]:
        if old[0] != new[0]:  # a partial refund of a paid pledge: only its money changes
            _apply(connection, target.campaign_id, new_key, new_day, new[0] - old[0], 0)
        return
    if old[1]:
        _apply(connection, old_campaign, old_key, old_day, -old[0], -1)
    if new[1]:
        _apply(connection, target.campaign_id, new_key, new_day, new[0], 1)


@sa.event.listens_for(Pledge, "after_delete")
def _deleted(_mapper, connection, target):
    money, paid = _contribution(
        _old(target, "status"), _old(target, "amount"), _old(target, "refunded_amount")
    )
    if paid:
        key = backer_key(_old(target, "backer_id"), _old(target, "backer_email"), target.id)
        day = payment_day(_old(target, "paid_at"))
        _apply(connection, _old(target, "campaign_id"), key, day, -money, -1)
