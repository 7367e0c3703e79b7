"""The audit log table."""

import sqlalchemy as sa

from wcl.extensions import db
from wcl.time import UTCDateTime, utcnow


class AuditEntry(db.Model):
    """One state change: actor, action (e.g. ``role.granted``), target and details."""

    __tablename__ = "audit_entries"

    id = sa.Column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    actor_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action = sa.Column(sa.String(80), nullable=False, index=True)
    target_type = sa.Column(sa.String(40), nullable=False)
    target_id = sa.Column(sa.Integer)
    data = sa.Column(sa.JSON, nullable=False, default=dict)

    actor = db.relationship("User", foreign_keys=[actor_id])

    __table_args__ = (sa.Index("ix_audit_entries_target", "target_type", "target_id"),)
