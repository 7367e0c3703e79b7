"""Storing into the inbox once: the shared door of webhooks and bank-statement lines."""

from functools import cache

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from wcl.extensions import db
from wcl.payments.models import WebhookEvent
from wcl.queue import enqueue_after_commit, enqueue_for_inserted
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


def _event_values(provider, event_id, event_type, payload_text):
    return dict(
        provider=provider,
        event_id=event_id[:255],
        type=event_type[:80],
        payload=payload_text,
        received_at=utcnow(),
        attempts=0,
    )


def store_event_with_job(provider, event_id, event_type, payload_text, func_path, queue, job_timeout):
    """``store_event``, and the outbox row of ``func_path(<row id>)`` when the event is new: its row id, or
    ``None`` if it is already there (then no job). Flush only; the job is pushed after the commit.

    On PostgreSQL both rows are written by one statement (a webhook's accept path is its round trips).
    """
    if db.session.get_bind().dialect.name != "postgresql":
        row_id = store_event(provider, event_id, event_type, payload_text)
        if row_id is not None:
            enqueue_after_commit(func_path, row_id, queue=queue, job_timeout=job_timeout)
        return row_id
    values = _event_values(provider, event_id, event_type, payload_text)
    return enqueue_for_inserted(
        _store_event_statement(),
        func_path,
        queue=queue,
        job_timeout=job_timeout,
        params={f"event_{name}": value for name, value in values.items()},
    )


@cache
def _store_event_statement():
    """``INSERT … ON CONFLICT DO NOTHING RETURNING id`` of one event, its values bound per call
    (``event_<column>``): built once, so the statement with its outbox row is built once too."""
    columns = WebhookEvent.__table__.c
    names = ("provider", "event_id", "type", "payload", "received_at", "attempts")
    return (
        pg_insert(WebhookEvent)
        .values({name: sa.bindparam(f"event_{name}", type_=columns[name].type) for name in names})
        .on_conflict_do_nothing(index_elements=["provider", "event_id"])
        .returning(WebhookEvent.id)
    )


def store_event(provider, event_id, event_type, payload_text):
    """Put one event in the inbox once (flush only): its row id, or ``None`` if it is already there.

    Webhooks and bank-statement lines (``provider="bank_transfer"``, the line's
    unique key as the event id) share this door, so each is applied once.
    """
    return insert_ignoring_duplicates(
        WebhookEvent, ["provider", "event_id"], **_event_values(provider, event_id, event_type, payload_text)
    )
