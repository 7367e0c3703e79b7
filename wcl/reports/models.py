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
