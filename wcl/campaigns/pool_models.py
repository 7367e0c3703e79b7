"""Matching pools: a sponsor's budget that matches paid pledges, and what it reserved per pledge.

Re-exported by ``wcl.campaigns.models``. Amounts are integer minor units, as there.
"""

import sqlalchemy as sa

from wcl.extensions import db
from wcl.time import UTCDateTime, utcnow

Money = sa.BigInteger  # as wcl.campaigns.models.Money (not imported: models imports this module)


matching_pool_campaigns = sa.Table(
    "matching_pool_campaigns",
    db.metadata,
    sa.Column(
        "pool_id", sa.Integer, sa.ForeignKey("matching_pools.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True),
)


class MatchingPool(db.Model):
    """A sponsor's budget that matches paid pledges at ``ratio_num:ratio_den``.

    ``reserved`` is what current reservations hold; it only changes with the
    pool row locked, and the check constraint refuses overdrawing it.
    """

    __tablename__ = "matching_pools"

    id = sa.Column(sa.Integer, primary_key=True)
    sponsor_name = sa.Column(sa.String(120), nullable=False)
    budget = sa.Column(Money, nullable=False)
    currency = sa.Column(sa.String(3), nullable=False, default="KGS")
    reserved = sa.Column(Money, nullable=False, default=0, server_default="0")
    # Part of ``budget`` that came from lab campaigns' paid pledges, net of refunds
    # (equal to the applied ``LabCampaignMovement`` rows: ``flask check-ledger``).
    from_campaigns = sa.Column(Money, nullable=False, default=0, server_default="0")
    # The sponsor adds ratio_num for every ratio_den the backer gives (1:1 doubles a pledge).
    ratio_num = sa.Column(sa.Integer, nullable=False, default=1)
    ratio_den = sa.Column(sa.Integer, nullable=False, default=1)
    cap_per_pledge = sa.Column(Money)
    cap_per_campaign = sa.Column(Money)
    starts_at = sa.Column(UTCDateTime, nullable=False)
    ends_at = sa.Column(UTCDateTime, nullable=False)
    active = sa.Column(sa.Boolean, nullable=False, default=True)
    created_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)

    campaigns = db.relationship("Campaign", secondary=matching_pool_campaigns, order_by="Campaign.title")

    __table_args__ = (
        sa.CheckConstraint("budget > 0", name="budget_positive"),
        sa.CheckConstraint("reserved >= 0 AND reserved <= budget", name="reserved_within_budget"),
        sa.CheckConstraint("from_campaigns >= 0", name="from_campaigns_not_negative"),
        sa.CheckConstraint("ratio_num > 0 AND ratio_den > 0", name="ratio_positive"),
        sa.CheckConstraint("cap_per_pledge IS NULL OR cap_per_pledge > 0", name="cap_per_pledge_positive"),
        sa.CheckConstraint(
            "cap_per_campaign IS NULL OR cap_per_campaign > 0", name="cap_per_campaign_positive"
        ),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_starts"),
    )

    @property
    def remaining(self):
        return self.budget - self.reserved


class MatchReservation(db.Model):
    """Money a pool reserved for one paid pledge; released (once) on refund."""

    __tablename__ = "match_reservations"

    id = sa.Column(sa.Integer, primary_key=True)
    pool_id = sa.Column(sa.Integer, sa.ForeignKey("matching_pools.id"), nullable=False, index=True)
    pledge_id = sa.Column(sa.Integer, sa.ForeignKey("pledges.id"), nullable=False, index=True)
    campaign_id = sa.Column(sa.Integer, sa.ForeignKey("campaigns.id"), nullable=False, index=True)
    amount = sa.Column(Money, nullable=False)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    released_at = sa.Column(UTCDateTime)

    pool = db.relationship("MatchingPool")

    __table_args__ = (
        sa.UniqueConstraint("pool_id", "pledge_id"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
    )
