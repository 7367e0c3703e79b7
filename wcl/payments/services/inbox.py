"""Storing into the inbox once: the shared door of webhooks and bank-statement lines."""

from wcl.extensions import db
from wcl.payments.models import WebhookEvent
from wcl.time import utcnow


def insert_ignoring_duplicates(model, index_elements, **values):
    """INSERT … ON CONFLICT DO NOTHING RETURNING id (PostgreSQL and SQLite): the new row's id, or
    ``None`` when the unique key exists (another delivery or import stored it first). Flushes only."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return db.session.scalar(
        insert(model)
        .values(**values)
        .on_conflict_do_nothing(index_elements=index_elements)
        .returning(model.id)
    )


def insert_many_ignoring_duplicates(model, index_elements, rows, *returning):
    """One multi-row INSERT … ON CONFLICT DO NOTHING; returns ``[(id, *returning)]`` of the rows
    actually inserted (a row whose unique key exists is skipped). Flushes only."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    result = db.session.execute(
        insert(model)
        .values(rows)
        .on_conflict_do_nothing(index_elements=index_elements)
        .returning(model.id, *returning)
    )
    return [tuple(row) for row in result]


def store_event(provider, event_id, event_type, payload_text):
    """Put one event in the inbox once (flush only): its row id, or ``None`` if it is already there.

    Webhooks and bank-statement lines (``provider="bank_transfer"``, the line's
    unique key as the event id) share this door, so each is applied once.
    """
    return insert_ignoring_duplicates(
        WebhookEvent,
        ["provider", "event_id"],
        provider=provider,
        event_id=event_id[:255],
        type=event_type[:80],
        payload=payload_text,
        received_at=utcnow(),
        attempts=0,
    )
