"""Reward stock: held by pending and paid pledges, never oversold.

A unit is taken with one conditional UPDATE, so the database decides who
gets the last unit even with many backers pledging at the same moment; no
read-then-write race is possible. A unit goes back when its pledge fails,
expires or is fully refunded — exactly once, guarded by ``holds_stock`` on
the (row-locked) pledge. Helpers only flush; the caller's service commits.
"""

import sqlalchemy as sa

from wcl.campaigns.models import RewardTier
from wcl.extensions import db

_tiers = RewardTier.__table__


def hold_unit(tier_id):
    """Take one unit of the tier; False if it is sold out."""
    result = db.session.execute(
        sa.update(_tiers)
        .where(
            _tiers.c.id == tier_id,
            sa.or_(_tiers.c.quantity.is_(None), _tiers.c.held < _tiers.c.quantity),
        )
        .values(held=_tiers.c.held + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def release_unit(pledge):
    """Give the pledge's unit back, once. The caller holds the pledge row lock."""
    if not pledge.holds_stock or pledge.tier_id is None:
        return False
    db.session.execute(
        sa.update(_tiers)
        .where(_tiers.c.id == pledge.tier_id, _tiers.c.held > 0)
        .values(held=_tiers.c.held - 1)
        .execution_options(synchronize_session=False)
    )
    pledge.holds_stock = False
    db.session.flush()
    return True
