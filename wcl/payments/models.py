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
