"""Claiming rows for periodic work, so that a re-run or a second scheduler does it once."""

from wcl.extensions import db


def claim_unstamped(model, stamp, ids, now):
    """Yield each row of ``model`` among ``ids`` whose ``stamp`` column this call sets to ``now``.

    A row is claimed with a conditional UPDATE (``stamp IS NULL`` → ``now``) in the
    caller's transaction: a re-run, or a second scheduler racing this one, finds it
    stamped and skips it, so what the caller does for a claimed row (queue an email
    with the same commit) happens once. Rows stamped meanwhile are skipped silently.
    """
    for row_id in ids:
        claimed = db.session.execute(
            db.update(model).where(model.id == row_id, stamp.is_(None)).values({stamp: now})
        ).rowcount
        if claimed:
            yield db.session.get(model, row_id)
