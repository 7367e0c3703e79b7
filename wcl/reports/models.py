"""A PDF report requested by staff and rendered by a job (progress shown on a status page),
and the tables the money report reads instead of the pledges."""

from datetime import date

import sqlalchemy as sa

from wcl.extensions import db
from wcl.files.generated import RenderStatus
from wcl.time import UTCDateTime, utcnow


class ReportExport(db.Model):
    """One requested PDF: the validated query string, the language, and the result file."""

    __tablename__ = "report_exports"

    id = sa.Column(sa.Integer, primary_key=True)
    requested_by_id = sa.Column(
        sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    params = sa.Column(sa.JSON, nullable=False, default=dict)
    locale = sa.Column(sa.String(5), nullable=False, default="en")
    status = sa.Column(sa.String(8), nullable=False, default=RenderStatus.QUEUED)
    file_id = sa.Column(sa.Integer, sa.ForeignKey("stored_files.id", ondelete="SET NULL"))
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    started_at = sa.Column(UTCDateTime)
    finished_at = sa.Column(UTCDateTime)

    file = db.relationship("StoredFile")

    __table_args__ = (sa.CheckConstraint(RenderStatus.CHECK, name="status"),)


class CampaignMoney(db.Model):
    """Per campaign, what the money report reads instead of scanning every pledge: the paid
    pledges' money net of refunds and the number of distinct backers with a paid pledge.

    Maintained on every flush of a ``Pledge`` (``wcl.reports.maintenance``), in the same
    transaction, by relative updates under the row's lock, so concurrent payments add up;
    the migration filled it from the pledges that existed. ``flask check-ledger`` and
    ``tests/reports/test_speed.py`` compare it with the pledges."""

    __tablename__ = "report_campaign_money"

    campaign_id = sa.Column(
        sa.Integer, sa.ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    pledged = sa.Column(sa.BigInteger, nullable=False, default=0, server_default="0")
    backers = sa.Column(sa.Integer, nullable=False, default=0, server_default="0")


class CampaignBacker(db.Model):
    """How many paid pledges each backer (an account, else an email, else the pledge itself)
    has on a campaign: what keeps ``CampaignMoney.backers`` a count of distinct backers."""

    __tablename__ = "report_campaign_backers"

    campaign_id = sa.Column(
        sa.Integer, sa.ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    backer = sa.Column(sa.String(270), primary_key=True)
    paid_pledges = sa.Column(sa.Integer, nullable=False, default=0, server_default="0")


# ``CampaignDayBackers.since`` for a backer's first paid day on a campaign: earlier than any payment.
NO_EARLIER_DAY = date(1900, 1, 1)


class CampaignDay(db.Model):
    """Per Bishkek day of payment and campaign: the money of the pledges paid that day, net of
    their refunds (a refund changes the day its pledge was paid, as a scan of the pledges by
    paid date counts it). A date range's money is the sum of its days.

    The day is the payment's date in Asia/Bishkek (UTC 18:00–24:00 is the next day there),
    the same local midnights the report's date filter uses; a paid pledge without a payment
    time is in no day, as no date range counts it. Kept with ``CampaignMoney`` by
    ``wcl.reports.maintenance``; ``flask check-ledger`` ("report money by day") compares the
    day tables with the pledges."""

    __tablename__ = "report_campaign_days"

    day = sa.Column(sa.Date, primary_key=True)
    campaign_id = sa.Column(
        sa.Integer, sa.ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    pledged = sa.Column(sa.BigInteger, nullable=False, default=0, server_default="0")

    __table_args__ = (sa.Index("ix_report_campaign_days_campaign_id", "campaign_id"),)


class CampaignBackerDay(db.Model):
    """Per campaign, backer and Bishkek day: her paid pledges paid that day. What tells, when
    a backer's day gains its first paid pledge or loses its last, which days of hers come
    before and after it (``CampaignDayBackers``)."""

    __tablename__ = "report_campaign_backer_days"

    campaign_id = sa.Column(
        sa.Integer, sa.ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    backer = sa.Column(sa.String(270), primary_key=True)
    day = sa.Column(sa.Date, primary_key=True)
    paid_pledges = sa.Column(sa.Integer, nullable=False, default=0, server_default="0")


class CampaignDayBackers(db.Model):
    """Distinct backers of a date range without reading a row per backer: per campaign, Bishkek
    day and ``since``, how many backers paid on that day whose previous day with a paid pledge
    on the campaign was ``since`` (``NO_EARLIER_DAY`` for a first day).

    A backer paid in the range [a, b] once, however many days: on her first day in it, the one
    whose previous day is before a. So the range's backers are the sum of ``backers`` over
    days in [a, b] with ``since < a`` — exactly the distinct backers a scan of the pledges
    counts, in about one row per campaign and day (backers who paid once share the
    ``NO_EARLIER_DAY`` row)."""

    __tablename__ = "report_campaign_day_backers"

    day = sa.Column(sa.Date, primary_key=True)
    campaign_id = sa.Column(
        sa.Integer, sa.ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    since = sa.Column(sa.Date, primary_key=True)
    backers = sa.Column(sa.Integer, nullable=False, default=0, server_default="0")

    __table_args__ = (sa.Index("ix_report_campaign_day_backers_campaign_id", "campaign_id"),)
