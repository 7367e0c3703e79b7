"""The webhook inbox and the refund ledger."""

import sqlalchemy as sa

from wcl.extensions import db
from wcl.time import UTCDateTime, utcnow


class WebhookEvent(db.Model):
    """A provider event, stored before it is acknowledged (the inbox).

    ``(provider, event_id)`` is unique: a redelivered event is not stored
    twice, so it cannot have a second effect.
    """

    __tablename__ = "webhook_events"

    id = sa.Column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    provider = sa.Column(sa.String(20), nullable=False)
    event_id = sa.Column(sa.String(255), nullable=False)
    type = sa.Column(sa.String(80), nullable=False, index=True)
    # The raw body as received (the signature was checked on exactly these bytes).
    payload = sa.Column(sa.Text, nullable=False)
    received_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    processed_at = sa.Column(UTCDateTime, index=True)
    attempts = sa.Column(sa.Integer, nullable=False, default=0, server_default="0")
    last_error = sa.Column(sa.Text)
    # When the sweeper last re-enqueued it (its backoff counts from here).
    last_attempt_at = sa.Column(UTCDateTime)
    # What processing concluded ("paid", "ignored: ...") — for the staff inbox page.
    outcome = sa.Column(sa.String(200))

    __table_args__ = (sa.UniqueConstraint("provider", "event_id"),)


class Refund(db.Model):
    """One refund of (part of) a pledge through its provider.

    ``key`` is the deterministic idempotency key sent to the provider
    (``refund-<pledge>-<n>``): a re-run job asks for the same refund again
    and the provider answers with the one it already made.
    """

    __tablename__ = "payment_refunds"

    id = sa.Column(sa.Integer, primary_key=True)
    pledge_id = sa.Column(sa.Integer, sa.ForeignKey("pledges.id"), nullable=False, index=True)
    key = sa.Column(sa.String(80), nullable=False, unique=True)
    amount = sa.Column(sa.BigInteger, nullable=False)
    currency = sa.Column(sa.String(3), nullable=False)
    provider = sa.Column(sa.String(20), nullable=False)
    provider_ref = sa.Column(sa.String(120))
    reason = sa.Column(sa.String(40), nullable=False)
    requested_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        # A provider's refund (e.g. Stripe's re_…) is recorded once, whichever
        # event (charge.refunded, refund.created, refund.updated) or call told us.
        sa.Index("uq_payment_refunds_provider_ref", "provider", "provider_ref", unique=True),
    )


class BankAccount(db.Model):
    """A lab's bank account for transfers (``lab_id`` NULL: the organisation's own, for labless campaigns).

    Staff set it; backers who choose a bank transfer see it with their
    reference and a QR code in ``qr_format``. ``csv_mapping`` names the columns
    of the bank's CSV/XLSX statements (JSON: ``date``, ``amount``,
    ``currency``, ``purpose``, ``payer``, ``line_id``, ``date_format``).
    """

    __tablename__ = "bank_accounts"

    id = sa.Column(sa.Integer, primary_key=True)
    lab_id = sa.Column(sa.Integer, sa.ForeignKey("labs.id", ondelete="CASCADE"), unique=True)
    recipient_name = sa.Column(sa.String(140), nullable=False)
    bank_name = sa.Column(sa.String(140), nullable=False)
    account_number = sa.Column(sa.String(34), nullable=False)
    bic = sa.Column(sa.String(11), nullable=False, default="")
    currency = sa.Column(sa.String(3), nullable=False, default="KGS")
    qr_format = sa.Column(sa.String(12), nullable=False, default="plain")
    csv_mapping = sa.Column(sa.JSON, nullable=False, default=dict)
    updated_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    updated_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))

    lab = db.relationship("Lab")


class StatementStatus:
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class BankStatement(db.Model):
    """One uploaded statement file and the progress of its import (a job fills the counts)."""

    __tablename__ = "bank_statements"

    id = sa.Column(sa.Integer, primary_key=True)
    account_id = sa.Column(
        sa.Integer, sa.ForeignKey("bank_accounts.id", ondelete="CASCADE"), nullable=False, index=True
    )
    filename = sa.Column(sa.String(200), nullable=False)
    format = sa.Column(sa.String(10), nullable=False)
    content = sa.Column(sa.LargeBinary, nullable=False)
    sha256 = sa.Column(sa.String(64), nullable=False, index=True)
    status = sa.Column(sa.String(10), nullable=False, default=StatementStatus.QUEUED)
    total_lines = sa.Column(sa.Integer, nullable=False, default=0)
    processed_lines = sa.Column(sa.Integer, nullable=False, default=0)
    new_lines = sa.Column(sa.Integer, nullable=False, default=0)
    duplicate_lines = sa.Column(sa.Integer, nullable=False, default=0)
    matched_lines = sa.Column(sa.Integer, nullable=False, default=0)
    error = sa.Column(sa.String(400))
    uploaded_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    finished_at = sa.Column(UTCDateTime)

    account = db.relationship("BankAccount")
    uploaded_by = db.relationship("User")


class LineStatus:
    MATCHED = "matched"  # paid a pledge by its reference
    OPEN = "open"  # needs a person: assign or refund
    ASSIGNED = "assigned"  # staff paid a pledge with it
    REFUNDED = "refunded"  # staff sent the money back
    DEBIT = "debit"  # money going out: not ours to match
    ALL = (MATCHED, OPEN, ASSIGNED, REFUNDED, DEBIT)


class StatementLine(db.Model):
    """One line of a bank statement, stored once whichever statement brought it.

    ``line_key`` (a hash of account, day, amount, currency, reference and the
    bank's own line id) is unique: importing the same statement again, or two
    imports at once, store and apply a line only once. ``amount`` is in minor
    units, negative for money going out.
    """

    __tablename__ = "bank_statement_lines"

    id = sa.Column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    statement_id = sa.Column(
        sa.Integer, sa.ForeignKey("bank_statements.id", ondelete="CASCADE"), nullable=False, index=True
    )
    account_id = sa.Column(sa.Integer, sa.ForeignKey("bank_accounts.id", ondelete="CASCADE"), nullable=False)
    line_key = sa.Column(sa.String(64), nullable=False, unique=True)
    position = sa.Column(sa.Integer, nullable=False)
    booked_on = sa.Column(sa.Date, nullable=False)
    amount = sa.Column(sa.BigInteger, nullable=False)
    currency = sa.Column(sa.String(3), nullable=False)
    payer = sa.Column(sa.String(200), nullable=False, default="")
    purpose = sa.Column(sa.String(400), nullable=False, default="")
    reference = sa.Column(sa.String(20))
    status = sa.Column(sa.String(10), nullable=False, default=LineStatus.OPEN, index=True)
    # Why a person must look at it (unknown_reference, bad_check_digit, amount_mismatch, …).
    reason = sa.Column(sa.String(30))
    pledge_id = sa.Column(sa.Integer, sa.ForeignKey("pledges.id", ondelete="SET NULL"), index=True)
    suggested_pledge_id = sa.Column(sa.Integer, sa.ForeignKey("pledges.id", ondelete="SET NULL"))
    resolved_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    resolved_at = sa.Column(UTCDateTime)

    account = db.relationship("BankAccount")
    pledge = db.relationship("Pledge", foreign_keys=[pledge_id])
    suggested_pledge = db.relationship("Pledge", foreign_keys=[suggested_pledge_id])
    statement = db.relationship("BankStatement")

    __table_args__ = (
        sa.CheckConstraint("amount <> 0", name="amount_nonzero"),
        sa.CheckConstraint("status IN ('matched','open','assigned','refunded','debit')", name="status"),
    )
