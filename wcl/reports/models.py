"""A PDF report requested by staff and rendered by a job (progress shown on a status page)."""

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


class CampaignBackerDay(db.Model):
    """Per campaign, Bishkek day of payment and backer: her paid pledges paid that day and
    their money net of refunds — what a date-filtered money report sums instead of scanning
    the pledges. A range's money is the sum of its days; its backers are the distinct
    ``backer`` values with ``paid_pledges > 0`` on its days, so a backer who paid on two days
    of the range counts once (exactly as a scan of the pledges counts her).

    The day is the payment's date in Asia/Bishkek (UTC 18:00–24:00 is the next day there),
    the same local midnights the report's date filter uses. A refund changes the day the
    refunded pledge was paid, as a scan of the pledges counts it (net of refunds, by paid
    date). Maintained with ``CampaignBacker`` (``wcl.reports.maintenance``); a paid pledge
    without a payment time is in no day, as no date range counts it."""

    __tablename__ = "report_campaign_backer_days"

    day = sa.Column(sa.Date, primary_key=True)
    campaign_id = sa.Column(
        sa.Integer, sa.ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    backer = sa.Column(sa.String(270), primary_key=True)
    paid_pledges = sa.Column(sa.Integer, nullable=False, default=0, server_default="0")
    pledged = sa.Column(sa.BigInteger, nullable=False, default=0, server_default="0")

    # The primary key leads with the day: a date range reads one slice of the index.
    __table_args__ = (sa.Index("ix_report_campaign_backer_days_campaign_id", "campaign_id"),)
