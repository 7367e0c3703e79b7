"""The Ashar demo: a Naryn village's project with a municipal match and labour pledges,
one confirmed with its certificate; the ledgers still reconcile."""

from wcl.ashar.models import CommunityProject, InKindPledge, MatchCommitment
from wcl.campaigns.models import CampaignStatus
from wcl.core.ledger import check_ledger
from wcl.demo import DEMO_LOADERS, load_demo
from wcl.extensions import db


def test_demo_project_with_match_and_labour(app_ctx):
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
    assert all(problems == [] for problems in check_ledger().values()), check_ledger()
    again = load_demo()
    assert any("already loaded" in line for line in again if line.startswith("Ashar"))
    assert db.session.scalar(db.select(db.func.count(CommunityProject.id))) == 1
