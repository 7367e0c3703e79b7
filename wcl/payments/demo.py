"""Demo pledges for the demo campaigns: paid through the real confirmation, some left pending.

Loaded after ``wcl.campaigns.demo``. Idempotent: a campaign that already has
pledges is skipped. Once its first backers have paid, the creator thanks them
in an update, which is emailed to them as it would be in real life.
"""

from datetime import timedelta

from wcl.accounts.demo import demo_user
from wcl.ashar.demo import PROJECT_TITLE
from wcl.ashar.models import CommunityProject
from wcl.campaigns import services as campaigns
from wcl.campaigns.models import Campaign, MatchingPool, Pledge, RewardTier
from wcl.campaigns.pledging import new_pledge
from wcl.campaigns.queries import campaign_lab_id, pool_lab_id
from wcl.extensions import db
from wcl.payments.models import BankAccount
from wcl.payments.providers.local import mode
from wcl.payments.services.bank_transfer import assign_reference
from wcl.payments.services.checkout import mark_pledge_paid
from wcl.time import utcnow

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

# The creator's thank-you update, in the campaign's language, with translations
# (slug → title, text, {locale: {"title", "body"}}); English where none is given.
UPDATES = {
    "felt-slippers-from-kochkor": (
        "Алгачкы демөөрчүлөргө рахмат!",
        "Биз буга чейин эле **жарымына** жеттик.",
        {
            "ru": {"title": "Спасибо первым спонсорам!", "body": "Мы уже прошли **половину** пути."},
            "en": {"title": "Thank you, first backers!", "body": "We are already **halfway** there."},
        },
    ),
    "osh-embroidery-studio": (
        "Спасибо первым спонсорам!",
        "Мы уже прошли **половину** пути.",
        {"en": {"title": "Thank you, first backers!", "body": "We are already **halfway** there."}},
    ),
}
DEFAULT_UPDATE = ("Thank you, first backers!", "We are already **halfway** there.", {})


def _sandbox_pledge(campaign_id, amount, name, locale, paid=True, tier_id=None, anonymous=False):
    """A demo backer's sandbox pledge; ``paid``: confirmed through the real confirmation,
    as the sandbox checkout does (the match is reserved, a lab campaign feeds its pool)."""
    pledge = new_pledge(
        campaign_id,
        amount=amount,
        currency="KGS",
        provider="sandbox",
        tier_id=tier_id,
        name=name,
        email=f"{name.lower()}.backer@wcl.example",
        anonymous=anonymous,
        locale=locale,
    )
    pledge.provider_ref = f"cs_sb_demo_{pledge.id}"
    db.session.commit()
    if paid:
        mark_pledge_paid(pledge.id, amount, "KGS", source="demo")
    return pledge


def _pledge(campaign, specs):
    tiers = db.session.scalars(
        db.select(RewardTier).where(RewardTier.campaign_id == campaign.id).order_by(RewardTier.id)
    ).all()
    for i, (amount, tier_index, status) in enumerate(specs):
        _sandbox_pledge(
            campaign.id,
            amount,
            BACKERS[i % len(BACKERS)],
            "ru" if i % 2 else "ky",
            paid=status == "paid",
            tier_id=tiers[tier_index].id if tier_index is not None else None,
            anonymous=i == 2,
        )
    title, body, translations = UPDATES.get(campaign.slug, DEFAULT_UPDATE)
    campaigns.post_update(campaign.owner, campaign.id, title, body, "public", translations)


# The Ashar demo's footbridge (loaded before this): villagers and friends abroad give money
# beside the labour pledged, and the Kochkor ayil okmotu matches it 1:1. (amount, name, locale).
ASHAR_PLEDGES = [
    (500_000, "Aizada", "ky"),
    (1_000_000, "Meerim", "ru"),
    (250_000, "Sultan", "en"),
]


def _ashar_demo():
    """Paid money pledges to the Ashar footbridge's campaign, so its page shows money, the
    municipality's match and the in-kind value side by side (idempotent); returns its slug."""
    project = db.session.scalar(db.select(CommunityProject).where(CommunityProject.title == PROJECT_TITLE))
    if project is None:
        return None
    campaign = project.campaign
    if db.session.scalar(db.select(Pledge.id).where(Pledge.campaign_id == campaign.id).limit(1)):
        return campaign.slug
    for amount, name, locale in ASHAR_PLEDGES:
        _sandbox_pledge(campaign.id, amount, name, locale)
    return campaign.slug


# The lab's own campaign (issue 18): it feeds the demo matching pool, so every som
# given to it doubles a woman's campaign. (amount, status) per pledge.
LAB_CAMPAIGN_POOL = "Aiyl Foundation (demo)"
LAB_CAMPAIGN_PLEDGES = [(300_000, "paid"), (150_000, "paid"), (1_000_000, "paid"), (200_000, "pending")]


def _lab_campaign_demo():
    """A lab campaign feeding the demo pool, with some paid pledges (idempotent); returns its slug."""
    pool = db.session.scalar(db.select(MatchingPool).where(MatchingPool.sponsor_name == LAB_CAMPAIGN_POOL))
    if pool is None:
        return None
    campaign = db.session.scalar(db.select(Campaign).where(Campaign.feeds_pool_id == pool.id))
    if campaign is not None:
        return campaign.slug
    lab_id = pool_lab_id(pool)
    if lab_id is None:
        return None
    staff = demo_user("staff@wcl.example")
    campaign = campaigns.create_lab_campaign(
        staff,
        {
            "lab_id": lab_id,
            "pool_id": pool.id,
            "title": "Every som doubles a woman's campaign",
            "summary": "The lab's own campaign: what you give goes into the matching pool "
            "that doubles the backers of women's campaigns.",
            "story": "## Why\n\nThe lab trains women creators; this pool doubles what their backers give.",
            "goal": 20_000_000,
            "currency": "KGS",
            "starts_at": utcnow() - timedelta(days=3),
            "ends_at": utcnow() + timedelta(days=40),
            "funding_model": "keep_it_all",
        },
    )
    campaigns.launch_lab_campaign(staff, campaign.id)
    for i, (amount, status) in enumerate(LAB_CAMPAIGN_PLEDGES):
        name = BACKERS[(i + 3) % len(BACKERS)]
        _sandbox_pledge(campaign.id, amount, name, ("ky", "ru", "en")[i % 3], paid=status == "paid")
    return campaign.slug


def _bank_transfer_demo():
    """A bank account for the lab of the Osh campaign and one pending transfer to it (idempotent)."""
    campaign = db.session.scalar(db.select(Campaign).where(Campaign.slug == "osh-embroidery-studio"))
    if campaign is None:
        return None
    lab_id = campaign_lab_id(campaign.id)
    if not db.session.scalar(db.select(BankAccount.id).where(BankAccount.lab_id == lab_id)):
        db.session.add(
            BankAccount(
                lab_id=lab_id,
                recipient_name="ОФ «Женская творческая лаборатория»",
                bank_name="Демо Банк (Ош)",
                account_number="1180000099990001",
                bic="DEMOKG22",
                currency="KGS",
                qr_format="plain",
                csv_mapping={
                    "date": "Дата",
                    "amount": "Сумма",
                    "currency": "Валюта",
                    "purpose": "Назначение платежа",
                    "payer": "Плательщик",
                    "line_id": "Номер документа",
                    "date_format": "%d.%m.%Y",
                },
            )
        )
        db.session.commit()
    token = db.session.scalar(
        db.select(Pledge.token).where(Pledge.provider == "bank_transfer", Pledge.campaign_id == campaign.id)
    )
    if token is None:
        pledge = new_pledge(
            campaign.id,
            amount=120_000,
            currency="KGS",
            provider="bank_transfer",
            name="Nurzhan",
            email="nurzhan.backer@wcl.example",
            locale="ru",
        )
        assign_reference(pledge)
        db.session.commit()
        token = pledge.token
    return token


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
    lines = [f"  sandbox checkout of a pending pledge: /payments/sandbox/{pending}"] if pending else []
    lab_campaign = _lab_campaign_demo()
    if lab_campaign:
        lines.append(f"  the lab's own campaign, feeding a matching pool: /campaigns/{lab_campaign}")
    ashar = _ashar_demo()
    if ashar:
        lines.append(
            f"  the Ashar footbridge: money, the municipality's match and labour: /campaigns/{ashar}"
        )
    transfer = _bank_transfer_demo()
    if transfer:
        lines.append(f"  a pending bank transfer (reference and QR): /payments/pledges/{transfer}")
    if mode() == "demo":
        lines.append(
            "  Kyrgyz bank card or e-wallet (demo page): choose it on any som campaign's pledge form"
            f" (/campaigns/{next(iter(PLEDGES))}/pledge)"
        )
    return lines
