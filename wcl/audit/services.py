"""Recording audit entries, inside the caller's unit of work."""

from wcl.audit.models import AuditEntry
from wcl.extensions import db


def record(action, target, actor=None, **data):
    """Add an audit entry for ``target`` (a model instance); flushes, never commits.

    ``data`` must not hold personal data beyond ids: the log outlives accounts.
    """
    entry = AuditEntry(
        action=action,
        target_type=target.__tablename__,
        target_id=target.id,
        actor_id=getattr(actor, "id", actor),
        data=data,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def entries_for(target, limit=50):
    """The newest audit entries about ``target``."""
    return db.session.scalars(
        db.select(AuditEntry)
        .where(AuditEntry.target_type == target.__tablename__, AuditEntry.target_id == target.id)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(limit)
    ).all()
