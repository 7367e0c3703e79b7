"""The demo loader: three live campaigns with pledges and comments, idempotent."""

from wcl.ashar.models import CommunityProject
from wcl.campaigns.models import Campaign, CampaignComment, MatchReservation, Pledge
from wcl.demo import load_demo
from wcl.extensions import db


def test_demo_makes_three_live_campaigns_with_pledges_and_runs_twice(app_ctx):
    lines = load_demo()
    assert any("/campaigns/felt-slippers-from-kochkor" in line for line in lines)
    # Women's campaigns (the lab's own campaign is tested in test_lab_campaign_demo.py, the
    # Ashar community project's in tests/ashar/test_demo.py).
    community = db.select(CommunityProject.campaign_id)
    campaigns = db.session.scalars(
        db.select(Campaign)
        .where(Campaign.lab_id.is_(None), Campaign.id.not_in(community))
        .order_by(Campaign.slug)
    ).all()
    assert [c.status for c in campaigns] == ["live"] * 3
    assert sorted(c.funding_model for c in campaigns) == ["all_or_nothing", "keep_it_all", "keep_it_all"]
    statuses = db.session.scalars(
        db.select(Pledge.status)
        .join(Campaign)
        .where(Campaign.lab_id.is_(None), Campaign.id.not_in(community))
    ).all()
    # Pending: two sandbox checkouts and one bank transfer waiting for the statement (payments demo).
    assert statuses.count("paid") == 8 and statuses.count("pending") == 3
    women = db.select(Campaign.id).where(Campaign.lab_id.is_(None), Campaign.id.not_in(community))
    matched = db.select(db.func.sum(MatchReservation.amount)).where(MatchReservation.campaign_id.in_(women))
    assert db.session.scalar(matched) == 650_000
    owners = {c.owner.email for c in campaigns}
    assert "participant@wcl.example" in owners and len(owners) == 3
    comments = db.session.scalars(db.select(CampaignComment)).all()
    assert len(comments) == 12 and {c.campaign_id for c in comments} == {c.id for c in campaigns}

    # Written in three languages (issue 17.13): two are translated by their creators.
    by_slug = {c.slug: c for c in campaigns}
    felt, studio = by_slug["felt-slippers-from-kochkor"], by_slug["osh-embroidery-studio"]
    assert felt.language == "ky" and set(felt.translations) == {"ru", "en"}
    assert felt.shown("title", "en") == "Felt slippers from Kochkor"
    assert studio.language == "ru" and set(studio.translations) == {"en"}
    shown = studio.shown("story_html", "ky")
    assert shown.fallback and shown.lang == "ru" and "<em>вместе</em>" in shown

    load_demo()
    assert (
        db.session.scalar(db.select(db.func.count(Campaign.id))) == 3 + 1 + 1
    )  # the lab's own, the Ashar project's
    # and four to the lab's own campaign, three to the Ashar project's (payments demo)
    assert db.session.scalar(db.select(db.func.count(Pledge.id))) == 11 + 4 + 3
    assert db.session.scalar(db.select(db.func.count(CampaignComment.id))) == 12
