"""Matching pools: staff set a sponsor's budget, ratio and caps (reservations live in ``matching``)."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from wcl.accounts.permissions import can, ensure, lab_scope
from wcl.audit.services import record
from wcl.campaigns.errors import CampaignError
from wcl.campaigns.models import Campaign, CampaignStatus, MatchingPool
from wcl.campaigns.pledging import max_amount
from wcl.campaigns.queries import campaign_lab
from wcl.campaigns.services._common import _refuse
from wcl.extensions import db
from wcl.locks import lock
from wcl.money import CURRENCIES


def save_pool(actor, data, pool_id=None):
    """Create or edit a matching pool (staff).

    Staff scoped to a lab edit only their lab's pools (every campaign a pool
    matches is of their lab) and attach only their lab's campaigns.
    """
    ensure("matching.manage", user=actor)
    # Locked: a lab campaign's payment or a match may change the pool meanwhile.
    pool = lock(MatchingPool, pool_id) if pool_id else MatchingPool(created_by_id=actor.id)
    if pool is None:
        raise CampaignError(_l("This matching pool does not exist."))
    if pool_id:
        ensure("matching.manage", pool, user=actor)
    sponsor = " ".join(str(data.get("sponsor_name") or "").split())
    if not sponsor or len(sponsor) > 120:
        _refuse(_l("This field is required."), "sponsor_name")
    currency = data.get("currency")
    if currency not in CURRENCIES:
        _refuse(_l("This currency is not accepted."), "currency")
    if pool_id and currency != pool.currency and pool.reserved:
        _refuse(_l("The currency cannot change once matches are reserved."), "currency")
    budget = data.get("budget")
    if not isinstance(budget, int) or budget <= 0 or budget > max_amount(currency):
        _refuse(_l("The amount must be more than zero."), "budget")
    if budget < (pool.reserved or 0):
        _refuse(_l("The budget cannot be less than what is already reserved."), "budget")
    if budget < (pool.from_campaigns or 0):
        _refuse(_l("The budget cannot be less than what the lab's own campaigns put into it."), "budget")
    for name in ("ratio_num", "ratio_den"):
        value = data.get(name)
        if not isinstance(value, int) or not 1 <= value <= 100:
            _refuse(_l("Enter a whole number from 1 to 100."), name)
    for name in ("cap_per_pledge", "cap_per_campaign"):
        value = data.get(name)
        if value is not None and (not isinstance(value, int) or value <= 0):
            _refuse(_l("The amount must be more than zero."), name)
    if not data.get("starts_at") or not data.get("ends_at") or data["ends_at"] <= data["starts_at"]:
        _refuse(_l("The pool must end after it starts."), "ends_on")
    campaigns = db.session.scalars(
        db.select(Campaign).where(Campaign.id.in_(data.get("campaign_ids") or []))
    ).all()
    for campaign in campaigns:
        ensure("matching.manage", campaign, user=actor)
        if campaign.lab_id is not None:
            _refuse(_l("A lab's own campaign feeds a pool; a pool does not match it."), "campaigns")
    pool.sponsor_name = sponsor
    pool.currency = currency
    pool.budget = budget
    pool.ratio_num, pool.ratio_den = data["ratio_num"], data["ratio_den"]
    pool.cap_per_pledge, pool.cap_per_campaign = data.get("cap_per_pledge"), data.get("cap_per_campaign")
    pool.starts_at, pool.ends_at = data["starts_at"], data["ends_at"]
    pool.active = bool(data.get("active", True))
    pool.campaigns = list(campaigns)
    db.session.add(pool)
    db.session.flush()
    record("matching_pool.saved", pool, actor=actor, campaigns=[c.id for c in campaigns], budget=budget)
    db.session.commit()
    return pool


def list_pools(actor):
    """The matching pools ``actor`` may manage (staff scoped to a lab: their lab's),
    with what they have reserved."""
    ensure("matching.manage", user=actor)
    pools = db.session.scalars(
        db.select(MatchingPool)
        .options(sa.orm.selectinload(MatchingPool.campaigns))
        .order_by(MatchingPool.starts_at.desc(), MatchingPool.id.desc())
    ).all()
    return [pool for pool in pools if can("matching.manage", pool, actor)]


def pool_choices(actor):
    """Campaigns ``actor``'s pools may match: not ended or cancelled, of her lab, by title
    (never a lab's own campaign: its money feeds a pool, a pool does not match it)."""
    stmt = (
        db.select(Campaign.id, Campaign.title)
        .where(Campaign.status.not_in(CampaignStatus.ENDED), Campaign.lab_id.is_(None))
        .order_by(Campaign.title)
    )
    return db.session.execute(lab_scope(stmt, actor, campaign_lab(Campaign.id))).all()
