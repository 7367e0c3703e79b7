"""Lab campaigns' money: what a lab's own campaign moved into (or out of) the pool or fund it feeds.

Re-exported by ``wcl.campaigns.models``; the campaign and its ``lab_id`` /
``feeds_pool_id`` / ``feeds_fund_id`` columns live there.
"""

import sqlalchemy as sa

from wcl.extensions import db
from wcl.time import UTCDateTime, utcnow


class LabMovementKind:
    PAID = "paid"  # a pledge of a lab campaign was paid: its amount flows in
    REFUNDED = "refunded"  # (part of) it was refunded: that much flows out
    ALL = (PAID, REFUNDED)


class LabMovementStatus:
    APPLIED = "applied"
    # A refund that would take the pool below what it reserved (or the fund below
    # what it awarded): recorded and shown to staff, not applied.
    HELD = "held"
    ALL = (APPLIED, HELD)


class LabCampaignMovement(db.Model):
    """Money a lab campaign moved into (or out of) the pool or fund it feeds.

    ``key`` is unique per pledge and kind (``paid-<pledge>``,
    ``refunded-<pledge>-<refunded so far>``): the same payment or refund told
    twice moves the money once.
    """

    __tablename__ = "lab_campaign_movements"

    id = sa.Column(sa.Integer, primary_key=True)
    key = sa.Column(sa.String(80), nullable=False, unique=True)
    campaign_id = sa.Column(sa.Integer, sa.ForeignKey("campaigns.id"), nullable=False, index=True)
    pledge_id = sa.Column(sa.Integer, sa.ForeignKey("pledges.id"), nullable=False, index=True)
    pool_id = sa.Column(sa.Integer, sa.ForeignKey("matching_pools.id"), index=True)
    fund_id = sa.Column(sa.Integer, sa.ForeignKey("grant_funds.id"), index=True)
    kind = sa.Column(sa.String(10), nullable=False)
    status = sa.Column(sa.String(8), nullable=False, default=LabMovementStatus.APPLIED, index=True)
    amount = sa.Column(sa.BigInteger, nullable=False)  # minor units, as models.Money
    currency = sa.Column(sa.String(3), nullable=False)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)

    campaign = db.relationship("Campaign")
    pledge = db.relationship("Pledge")
    pool = db.relationship("MatchingPool")

    __table_args__ = (
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.CheckConstraint("kind IN ('paid','refunded')", name="kind"),
        sa.CheckConstraint("status IN ('applied','held')", name="status"),
        sa.CheckConstraint(
            "(pool_id IS NULL AND fund_id IS NOT NULL) OR (pool_id IS NOT NULL AND fund_id IS NULL)",
            name="one_destination",
        ),
    )

    @property
    def signed_amount(self):
        return self.amount if self.kind == LabMovementKind.PAID else -self.amount
