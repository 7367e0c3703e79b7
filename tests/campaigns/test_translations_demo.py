"""The demo has translated content (issue 17.13): a Kyrgyz campaign's rewards and update in
Russian and English, the cohort's name, sessions and milestones in Kyrgyz and Russian, and
receipts that name the reward in the backer's language."""

from wcl.campaigns.models import Campaign, CampaignUpdate, RewardTier
from wcl.cohorts.models import Cohort, CohortSession, Milestone
from wcl.demo import load_demo
from wcl.extensions import db
from wcl.receipts.models import Receipt


def test_demo_content_is_translated(app_ctx, run_jobs):
    load_demo()
    run_jobs()
    kochkor = db.session.scalar(db.select(Campaign).where(Campaign.slug == "felt-slippers-from-kochkor"))
    tiers = db.session.scalars(
        db.select(RewardTier).where(RewardTier.campaign_id == kochkor.id).order_by(RewardTier.id)
    ).all()
    slippers = tiers[1]
    assert slippers.shown("title", "ky") == "Бир жуп кийиз тапичке"
    assert slippers.shown("title", "ru") == "Пара войлочных тапочек"
    assert slippers.shown("description", "en") == "Your size, a shyrdak pattern."
    cushion = tiers[2]
    assert cushion.shown("title", "ru").fallback and cushion.shown("title", "ru").lang == "ky"
    update = db.session.scalar(db.select(CampaignUpdate).where(CampaignUpdate.campaign_id == kochkor.id))
    assert (
        set(update.translations) == {"ru", "en"}
        and update.shown("title", "en") == "Thank you, first backers!"
    )

    cohort = db.session.scalar(db.select(Cohort).where(Cohort.name == "Osh spring cohort 2026"))
    assert (
        cohort.shown("name", "ky") == "Ош, 2026-жылдын жазгы тобу"
        and cohort.shown("name", "en") == cohort.name
    )
    session = db.session.scalar(db.select(CohortSession).where(CohortSession.title == "Costs and prices"))
    assert session.shown("title", "ru") == "Расходы и цены"
    milestone = db.session.scalar(db.select(Milestone).where(Milestone.title == "Pricing"))
    assert milestone.shown("title", "ky") == "Баа коюу"

    # Receipts of the Kochkor rewards name them in the backer's language.
    receipts = db.session.scalars(
        db.select(Receipt).where(Receipt.campaign_id == kochkor.id, Receipt.reward_title.is_not(None))
    ).all()
    titles = {(r.locale, r.reward_title) for r in receipts}
    assert titles and all(
        t
        in {
            ("ky", "Бир жуп кийиз тапичке"),
            ("ru", "Пара войлочных тапочек"),
            ("ky", "Шырдак жаздык"),
            ("ru", "Шырдак жаздык"),
        }
        for t in titles
    ), titles
