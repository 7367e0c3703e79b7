"""Receipts: one per paid pledge, numbered gaplessly per calendar year.

What the PDF says is copied onto the row when the receipt is issued (donor
name, campaign title, creator name, amounts), so a later edit of the campaign
or the account never changes a receipt that was already handed out. A voided
receipt keeps its number for ever; numbers are never reused.
"""

import sqlalchemy as sa

from wcl.extensions import db
from wcl.files.generated import RenderStatus
from wcl.receipts.numbering import ReceiptSequence, format_number  # noqa: F401  (metadata)
from wcl.time import UTCDateTime, utcnow

Money = sa.BigInteger


class Receipt(db.Model):
    """A donor receipt for one paid pledge."""

    __tablename__ = "receipts"

    id = sa.Column(sa.Integer, primary_key=True)
    pledge_id = sa.Column(sa.Integer, sa.ForeignKey("pledges.id"), nullable=False, unique=True)
    year = sa.Column(sa.Integer, nullable=False)
    number = sa.Column(sa.Integer, nullable=False)
    issued_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    paid_at = sa.Column(UTCDateTime, nullable=False)
    # Snapshots of what the receipt certifies.
    backer_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    donor_name = sa.Column(sa.String(120), nullable=False)
    donor_email = sa.Column(sa.String(254))
    anonymous = sa.Column(sa.Boolean, nullable=False, default=False)
    amount = sa.Column(Money, nullable=False)
    currency = sa.Column(sa.String(3), nullable=False)
    matched_amount = sa.Column(Money, nullable=False, default=0)
    # Given back to the donor so far; a partial refund amends the receipt (the
    # donation is ``amount - refunded_amount``), a full one voids it.
    refunded_amount = sa.Column(Money, nullable=False, default=0, server_default="0")
    campaign_id = sa.Column(sa.Integer, sa.ForeignKey("campaigns.id"), nullable=False, index=True)
    campaign_title = sa.Column(sa.String(120), nullable=False)
    creator_name = sa.Column(sa.String(80), nullable=False)
    # The reward chosen, named in the receipt's language as it was when issued (None: no reward).
    reward_title = sa.Column(sa.String(120))
    payment_method = sa.Column(sa.String(20), nullable=False)
    locale = sa.Column(sa.String(5), nullable=False, default="en")
    # Printed in the QR code; long and random so codes cannot be guessed or enumerated.
    code = sa.Column(sa.String(64), nullable=False, unique=True)
    pdf_id = sa.Column(sa.Integer, sa.ForeignKey("stored_files.id", ondelete="SET NULL"))
    # True until the PDF matches the row (new, voided, or a template change).
    needs_render = sa.Column(sa.Boolean, nullable=False, default=True)
    rendered_at = sa.Column(UTCDateTime)
    render_attempts = sa.Column(sa.Integer, nullable=False, default=0)
    # Set before each render and cleared after it: a render killed by its
    # timeout leaves it behind for staff to see on the register.
    last_error = sa.Column(sa.String(500))
    emailed_at = sa.Column(UTCDateTime)
    voided_at = sa.Column(UTCDateTime)
    void_reason = sa.Column(sa.String(200))

    pledge = db.relationship("Pledge")
    pdf = db.relationship("StoredFile")

    __table_args__ = (
        sa.UniqueConstraint("year", "number"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.CheckConstraint("matched_amount >= 0", name="matched_not_negative"),
        sa.CheckConstraint("number > 0", name="number_positive"),
        sa.CheckConstraint(
            "refunded_amount >= 0 AND refunded_amount <= amount", name="refunded_within_amount"
        ),
        sa.Index("ix_receipts_year_campaign", "year", "campaign_id"),
    )

    @property
    def net_amount(self):
        """What the donor gave and kept given: the amount less any partial refund."""
        return self.amount - (self.refunded_amount or 0)

    @property
    def donated_amount(self):
        """The donation the receipt states: the net amount, or for a void receipt
        the amount it was issued for (shown under its VOID mark)."""
        return self.amount if self.is_void else self.net_amount

    @property
    def is_partly_refunded(self):
        return bool(self.refunded_amount) and not self.is_void

    @property
    def display_number(self):
        return format_number(self.year, self.number)

    @property
    def is_void(self):
        return self.voided_at is not None

    @property
    def public_name(self):
        from flask_babel import gettext as _

        return _("Anonymous") if self.anonymous else self.donor_name


class AnnualStatement(db.Model):
    """A donor's requested PDF of one year's receipts, rendered by a job.

    Rendered again on each request (receipts may have been voided or amended
    since); the donor follows its progress on a status page.
    """

    __tablename__ = "annual_statements"

    id = sa.Column(sa.Integer, primary_key=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    year = sa.Column(sa.Integer, nullable=False)
    locale = sa.Column(sa.String(5), nullable=False, default="en")
    status = sa.Column(sa.String(8), nullable=False, default=RenderStatus.QUEUED)
    file_id = sa.Column(sa.Integer, sa.ForeignKey("stored_files.id", ondelete="SET NULL"))
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    finished_at = sa.Column(UTCDateTime)

    file = db.relationship("StoredFile")

    __table_args__ = (sa.CheckConstraint(RenderStatus.CHECK, name="status"),)
