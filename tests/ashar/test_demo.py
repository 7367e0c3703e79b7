"""The Ashar demo: a Naryn village's project with a municipal match, paid money pledges
(payments demo) and labour pledges, one confirmed with its certificate; its page shows money,
match and in-kind apart; the ledgers still reconcile."""

import re

from wcl.ashar.models import CommunityProject, InKindPledge, MatchCommitment
from wcl.ashar.queries import progress
from wcl.campaigns.models import CampaignStatus, Pledge
from wcl.core.ledger import check_ledger
from wcl.demo import DEMO_LOADERS, load_demo
from wcl.extensions import db


def test_demo_project_with_money_match_and_labour(app_ctx, client):
    assert DEMO_LOADERS.index("wcl.ashar.demo.load") < DEMO_LOADERS.index("wcl.payments.demo.load")
    load_demo()
    project = db.session.scalar(db.select(CommunityProject))
    assert (project.region, project.district, project.status) == ("KG-N", "Kochkor", "admitted")
    assert project.campaign.status == CampaignStatus.LIVE
    commitment = db.session.scalar(db.select(MatchCommitment))
    assert project.campaign_id in {c.id for c in commitment.pool.campaigns}
    pledges = db.session.scalars(db.select(InKindPledge).order_by(InKindPledge.id)).all()
    assert [(p.hours, p.status, p.certificate_id is not None) for p in pledges] == [
        (8, "confirmed", True),
        (16, "pledged", False),
    ]
    paid = db.session.scalars(
        db.select(Pledge.amount).where(Pledge.campaign_id == project.campaign_id, Pledge.status == "paid")
    ).all()
    assert sorted(paid) == [250_000, 500_000, 1_000_000]
    figures = progress(project.campaign_id)
    # Matched 1:1 by the municipality (within its cap); labour beside it, never added to money.
    assert (figures["raised"], figures["matched"], figures["inkind_value"]) == (
        1_750_000,
        1_750_000,
        1_600_000,
    )
    page = client.get(f"/campaigns/{project.campaign.slug}").get_data(as_text=True)
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "Money from backers: KGS 17,500" in text and "Local government match: KGS 17,500" in text
    assert "(declared value, not money): KGS 16,000" in text
    assert all(problems == [] for problems in check_ledger().values()), check_ledger()
    again = load_demo()
    assert any("already loaded" in line for line in again if line.startswith("Ashar"))
    assert db.session.scalar(db.select(db.func.count(CommunityProject.id))) == 1
