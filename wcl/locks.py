"""Row locks for units of work that must not race (money, numbering, stock, once-only emails)."""

from wcl.extensions import db


def lock(model, row_id):
    """The ``model`` row with this id, locked ``FOR UPDATE`` until the transaction ends;
    ``None`` when there is none.

    The row is re-read (``populate_existing``) so that what another transaction
    committed while this one waited for the lock is what the caller sees, not a
    stale copy from the session's identity map.
    """
    return db.session.scalar(
        db.select(model).where(model.id == row_id).with_for_update().execution_options(populate_existing=True)
    )


def lock_or_refuse(model, row_id, refuse, missing):
    """:func:`lock`, or ``refuse(missing)`` (a service's refusal) when there is no such row."""
    row = lock(model, row_id)
    if row is None:
        refuse(missing)
    return row
