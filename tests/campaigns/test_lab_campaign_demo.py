"""The demo holds the lab's own campaign feeding the demo matching pool, with paid pledges; the ledger is whole."""

import sqlalchemy as sa

from wcl.campaigns.models import Campaign, LabCampaignMovement, MatchingPool
from wcl.core.ledger import check_ledger
from wcl.demo import load_demo
from wcl.extensions import db


def test_demo_lab_campaign_feeds_the_pool(app_ctx):
    load_demo()
    campaign = db.session.scalar(sa.select(Campaign).where(Campaign.lab_id.is_not(None)))
    assert campaign.status == "live" and campaign.feeds_pool_id is not None
    pool = db.session.get(MatchingPool, campaign.feeds_pool_id)
    moved = db.session.scalars(sa.select(LabCampaignMovement.amount)).all()
    assert len(moved) == 3 and pool.from_campaigns == sum(moved) == 1_450_000
    problems = check_ledger()
    assert all(found == [] for found in problems.values()), problems
    load_demo()  # idempotent
    assert db.session.scalar(sa.select(sa.func.count(LabCampaignMovement.id))) == 3
