"""Seed grants: a lab's fund and its ledger, grants with budget lines and tranches,
disbursements with proof, and the recipient's spending reports.

Amounts are integer minor units (``BigInteger``) in the fund's currency. The
fund's ``balance`` is what is left to award: funded − awarded + returned. It only
changes with the fund row locked, and a check constraint refuses a negative
balance, so even a bug in the code cannot award money the fund does not hold.
Every change is also a ``FundMovement`` row, and ``flask check-ledger`` proves
the balance equals its movements.
"""

import sqlalchemy as sa

from wcl.extensions import db
from wcl.time import UTCDateTime, utcnow

Money = sa.BigInteger


class MovementKind:
    """What a fund movement does to the fund's balance (amounts are always positive).

    ``funded`` (a donor's allocation) adds; ``awarded`` (a grant offered) takes
    away; ``returned`` (unused grant money coming back) adds; ``released`` (a
    tranche paid out of a grant already awarded) leaves the balance alone: it is
    in the ledger so the fund's history shows every som that left.
    """

    FUNDED = "funded"
    AWARDED = "awarded"
    RETURNED = "returned"
    RELEASED = "released"
    # The lab's own campaign feeding the fund: a paid pledge adds (``campaign``),
    # its refund takes away (``refunded``), never below what is awarded.
    CAMPAIGN = "campaign"
    REFUNDED = "refunded"
    ALL = (FUNDED, AWARDED, RETURNED, RELEASED, CAMPAIGN, REFUNDED)
    SIGN = {FUNDED: 1, AWARDED: -1, RETURNED: 1, RELEASED: 0, CAMPAIGN: 1, REFUNDED: -1}


class GrantStatus:
    """draft → offered → accepted → active → closed | cancelled.

    Offered: the agreement is printed and waits for her; accepted: she signed it
    in the app; active: staff countersigned, tranches may be released.
    """

    DRAFT = "draft"
    OFFERED = "offered"
    ACCEPTED = "accepted"
    ACTIVE = "active"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    ALL = (DRAFT, OFFERED, ACCEPTED, ACTIVE, CLOSED, CANCELLED)
    OPEN = (DRAFT, OFFERED, ACCEPTED, ACTIVE)


class TrancheStatus:
    """waiting → approved_condition → released."""

    WAITING = "waiting"
    APPROVED_CONDITION = "approved_condition"
    RELEASED = "released"
    ALL = (WAITING, APPROVED_CONDITION, RELEASED)


class DisbursementMethod:
    BANK_TRANSFER = "bank_transfer"
    CASH = "cash"
    MOBILE_WALLET = "mobile_wallet"
    ALL = (BANK_TRANSFER, CASH, MOBILE_WALLET)


class SpendingStatus:
    """submitted → approved | queried (a queried item may be sent again)."""

    SUBMITTED = "submitted"
    APPROVED = "approved"
    QUERIED = "queried"
    ALL = (SUBMITTED, APPROVED, QUERIED)


def _in(column, values):
    return f"{column} IN ({','.join(repr(v) for v in values)})"


class GrantFund(db.Model):
    """A lab's money for seed grants (a donor's allocation, the lab's campaign)."""

    __tablename__ = "grant_funds"

    id = sa.Column(sa.Integer, primary_key=True)
    lab_id = sa.Column(sa.Integer, sa.ForeignKey("labs.id"), nullable=False, index=True)
    name = sa.Column(sa.String(120), nullable=False)
    currency = sa.Column(sa.String(3), nullable=False, default="KGS")
    balance = sa.Column(Money, nullable=False, default=0, server_default="0")
    created_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)

    lab = db.relationship("Lab")

    __table_args__ = (sa.CheckConstraint("balance >= 0", name="balance_not_negative"),)


class FundMovement(db.Model):
    """One line of a fund's ledger; never changed once written."""

    __tablename__ = "grant_fund_movements"

    id = sa.Column(sa.Integer, primary_key=True)
    fund_id = sa.Column(sa.Integer, sa.ForeignKey("grant_funds.id"), nullable=False, index=True)
    grant_id = sa.Column(sa.Integer, sa.ForeignKey("grants.id"), index=True)
    kind = sa.Column(sa.String(10), nullable=False)
    amount = sa.Column(Money, nullable=False)
    source = sa.Column(sa.String(120))  # who gave the money (funded only)
    actor_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    note = sa.Column(sa.String(300))
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, index=True)

    actor = db.relationship("User")

    __table_args__ = (
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.CheckConstraint(_in("kind", MovementKind.ALL), name="kind"),
    )


class Grant(db.Model):
    """Seed money awarded to a participant or graduate, paid in tranches."""

    __tablename__ = "grants"

    id = sa.Column(sa.Integer, primary_key=True)
    fund_id = sa.Column(sa.Integer, sa.ForeignKey("grant_funds.id"), nullable=False, index=True)
    recipient_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True)
    # Her (not withdrawn) enrolment: milestone conditions are read from it.
    enrolment_id = sa.Column(sa.Integer, sa.ForeignKey("enrolments.id"), nullable=False, index=True)
    amount = sa.Column(Money, nullable=False)
    purpose = sa.Column(sa.Text, nullable=False)
    status = sa.Column(sa.String(10), nullable=False, default=GrantStatus.DRAFT, index=True)
    language = sa.Column(sa.String(5), nullable=False, default="ru")
    report_due_on = sa.Column(sa.Date)
    returned_amount = sa.Column(Money, nullable=False, default=0, server_default="0")
    awarded_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    # The agreement she accepts: the printed PDF and what she typed when she did.
    agreement_file_id = sa.Column(sa.Integer, sa.ForeignKey("stored_files.id", ondelete="SET NULL"))
    agreement_sha256 = sa.Column(sa.String(64))
    accepted_name = sa.Column(sa.String(120))
    accepted_at = sa.Column(UTCDateTime)
    accepted_sha256 = sa.Column(sa.String(64))
    countersigned_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    countersigned_at = sa.Column(UTCDateTime)
    closed_at = sa.Column(UTCDateTime)

    fund = db.relationship("GrantFund")
    recipient = db.relationship("User", foreign_keys=[recipient_id])
    enrolment = db.relationship("Enrolment")
    awarded_by = db.relationship("User", foreign_keys=[awarded_by_id])
    countersigned_by = db.relationship("User", foreign_keys=[countersigned_by_id])
    agreement_file = db.relationship("StoredFile")
    budget_lines = db.relationship(
        "GrantBudgetLine",
        back_populates="grant",
        order_by="GrantBudgetLine.position",
        cascade="all, delete-orphan",
    )
    tranches = db.relationship(
        "Tranche", back_populates="grant", order_by="Tranche.seq", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.CheckConstraint(_in("status", GrantStatus.ALL), name="status"),
        sa.CheckConstraint(
            "returned_amount >= 0 AND returned_amount <= amount", name="returned_within_amount"
        ),
    )

    @property
    def currency(self):
        return self.fund.currency

    @property
    def released_amount(self):
        return sum(t.amount for t in self.tranches if t.status == TrancheStatus.RELEASED)


class GrantBudgetLine(db.Model):
    """What part of a grant buys (a sewing machine, felt, a stall at the fair)."""

    __tablename__ = "grant_budget_lines"

    id = sa.Column(sa.Integer, primary_key=True)
    grant_id = sa.Column(
        sa.Integer, sa.ForeignKey("grants.id", ondelete="CASCADE"), nullable=False, index=True
    )
    label = sa.Column(sa.String(200), nullable=False)
    amount = sa.Column(Money, nullable=False)
    position = sa.Column(sa.Integer, nullable=False, default=0)

    grant = db.relationship("Grant", back_populates="budget_lines")

    __table_args__ = (sa.CheckConstraint("amount > 0", name="amount_positive"),)


class Tranche(db.Model):
    """A part of a grant, released once its condition holds (a milestone approved
    for her in her cohort, or a written condition staff confirm)."""

    __tablename__ = "grant_tranches"

    id = sa.Column(sa.Integer, primary_key=True)
    grant_id = sa.Column(
        sa.Integer, sa.ForeignKey("grants.id", ondelete="CASCADE"), nullable=False, index=True
    )
    seq = sa.Column(sa.Integer, nullable=False)
    amount = sa.Column(Money, nullable=False)
    milestone_id = sa.Column(sa.Integer, sa.ForeignKey("cohort_milestones.id", ondelete="SET NULL"))
    condition_text = sa.Column(sa.String(500))
    status = sa.Column(sa.String(20), nullable=False, default=TrancheStatus.WAITING)
    # Her evidence for a written condition (a milestone's evidence lives in cohorts).
    evidence_text = sa.Column(sa.Text)
    evidence_file_id = sa.Column(sa.Integer, sa.ForeignKey("stored_files.id", ondelete="SET NULL"))
    evidence_submitted_at = sa.Column(UTCDateTime)
    condition_confirmed_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    condition_confirmed_at = sa.Column(UTCDateTime)
    released_at = sa.Column(UTCDateTime)

    grant = db.relationship("Grant", back_populates="tranches")
    milestone = db.relationship("Milestone")
    evidence_file = db.relationship("StoredFile")
    disbursement = db.relationship("Disbursement", back_populates="tranche", uselist=False)

    __table_args__ = (
        sa.UniqueConstraint("grant_id", "seq"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.CheckConstraint(_in("status", TrancheStatus.ALL), name="status"),
        sa.CheckConstraint("milestone_id IS NOT NULL OR condition_text IS NOT NULL", name="has_condition"),
    )


class Disbursement(db.Model):
    """How a tranche was paid: method, reference, proof and who paid; above the
    second-approval limit, a different staff member approves before it counts."""

    __tablename__ = "grant_disbursements"

    id = sa.Column(sa.Integer, primary_key=True)
    tranche_id = sa.Column(sa.Integer, sa.ForeignKey("grant_tranches.id"), nullable=False, unique=True)
    method = sa.Column(sa.String(14), nullable=False)
    reference = sa.Column(sa.String(120), nullable=False)
    proof_file_id = sa.Column(sa.Integer, sa.ForeignKey("stored_files.id"), nullable=False)
    paid_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    approved_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    approved_at = sa.Column(UTCDateTime)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)

    tranche = db.relationship("Tranche", back_populates="disbursement")
    proof_file = db.relationship("StoredFile")
    paid_by = db.relationship("User", foreign_keys=[paid_by_id])
    approved_by = db.relationship("User", foreign_keys=[approved_by_id])

    __table_args__ = (
        sa.CheckConstraint(_in("method", DisbursementMethod.ALL), name="method"),
        sa.CheckConstraint("approved_by_id IS NULL OR approved_by_id <> paid_by_id", name="four_eyes"),
    )


class SpendingItem(db.Model):
    """What she spent against one budget line, with a photo of the receipt."""

    __tablename__ = "grant_spending_items"

    id = sa.Column(sa.Integer, primary_key=True)
    grant_id = sa.Column(
        sa.Integer, sa.ForeignKey("grants.id", ondelete="CASCADE"), nullable=False, index=True
    )
    budget_line_id = sa.Column(sa.Integer, sa.ForeignKey("grant_budget_lines.id"), nullable=False, index=True)
    amount = sa.Column(Money, nullable=False)
    description = sa.Column(sa.String(300), nullable=False)
    receipt_file_id = sa.Column(sa.Integer, sa.ForeignKey("stored_files.id"), nullable=False)
    status = sa.Column(sa.String(10), nullable=False, default=SpendingStatus.SUBMITTED)
    staff_note = sa.Column(sa.String(500))
    reviewed_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at = sa.Column(UTCDateTime)
    submitted_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)

    grant = db.relationship("Grant")
    budget_line = db.relationship("GrantBudgetLine")
    receipt_file = db.relationship("StoredFile")

    __table_args__ = (
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.CheckConstraint(_in("status", SpendingStatus.ALL), name="status"),
    )
