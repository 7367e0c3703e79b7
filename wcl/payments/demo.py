"""Demo pledges for the demo campaigns: paid through the real confirmation, some left pending.

Loaded after ``wcl.campaigns.demo``. Idempotent: a campaign that already has
pledges is skipped. Once its first backers have paid, the creator thanks them
in an update, which is emailed to them as it would be in real life.
"""

from wcl.campaigns import services as campaigns
from wcl.campaigns.models import Campaign, Pledge, RewardTier
from wcl.campaigns.pledging import new_pledge
from wcl.extensions import db
from wcl.payments.services.checkout import mark_pledge_paid

# Campaign slug → (amount, index of the reward tier or None, status) per pledge.
PLEDGES = {
    "felt-slippers-from-kochkor": [
        (250_000, 1, "paid"),
        (800_000, 2, "paid"),
        (100_000, None, "paid"),
        (250_000, 1, "pending"),
    ],
    "osh-embroidery-studio": [(100_000, 0, "paid"), (300_000, 1, "paid"), (50_000, None, "pending")],
    "naryn-komuz-workshop": [(150_000, 0, "paid"), (500_000, None, "paid"), (200_000, None, "paid")],
}

BACKERS = ["Aida", "Bakyt", "Cholpon", "Dinara", "Elnura", "Farida"]


def _pledge(campaign, specs):
    tiers = db.session.scalars(
        db.select(RewardTier).where(RewardTier.campaign_id == campaign.id).order_by(RewardTier.id)
    ).all()
    for i, (amount, tier_index, status) in enumerate(specs):
        name = BACKERS[i % len(BACKERS)]
        pledge = new_pledge(
            campaign.id,
            amount=amount,
            currency="KGS",
            provider="sandbox",
            tier_id=tiers[tier_index].id if tier_index is not None else None,
            name=name,
            email=f"{name.lower()}.backer@wcl.example",
            anonymous=i == 2,
            locale="ru" if i % 2 else "ky",
        )
        pledge.provider_ref = f"cs_sb_demo_{pledge.id}"
        db.session.commit()
        if status == "paid":
            mark_pledge_paid(pledge.id, amount, "KGS", source="demo")
    campaigns.post_update(
        campaign.owner,
        campaign.id,
        "Thank you, first backers!",
        "We are already **halfway** there.",
        "public",
    )


def load():
    """Pledge to the demo campaigns that have no pledges yet; returns a sandbox checkout to try."""
    for slug, specs in PLEDGES.items():
        campaign = db.session.scalar(db.select(Campaign).where(Campaign.slug == slug))
        if campaign is not None and not db.session.scalar(
            db.select(Pledge.id).where(Pledge.campaign_id == campaign.id).limit(1)
        ):
            _pledge(campaign, specs)
    pending = db.session.scalar(
        db.select(Pledge.token).where(Pledge.status == "pending", Pledge.provider == "sandbox").limit(1)
    )
    return [f"  sandbox checkout of a pending pledge: /payments/sandbox/{pending}"] if pending else []
