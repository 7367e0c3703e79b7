"""Demo campaigns: one all-or-nothing, one keep-it-all, one matched by a sponsor — with a few
comments. Their pledges come from ``wcl.payments.demo`` (loaded next: campaigns never import payments).

Idempotent: campaigns are found by slug and skipped when present. They are
made through the real services (the campaign gate, review, payments and
matching), so the demo shows the same data the app would produce.
"""

from datetime import date, timedelta

from wcl.accounts.demo import DEMO_PASSWORD, demo_user
from wcl.accounts.permissions import Role
from wcl.accounts.services import create_user, save_demographics
from wcl.campaigns import services
from wcl.campaigns.models import Campaign, CampaignComment, MatchingPool
from wcl.cohorts.demo import accepted_application
from wcl.cohorts.models import Cohort, Enrolment
from wcl.cohorts.services import is_campaign_ready
from wcl.extensions import db
from wcl.labs.models import Lab
from wcl.time import utcnow

CREATORS = (
    ("participant@wcl.example", None, None),
    ("jyldyz@wcl.example", "Jyldyz Demo Creator", "osh"),
    ("kanykei@wcl.example", "Kanykei Demo Creator", "kochkor"),
)
DEMO_COHORT = "Demo cohort (campaign-ready)"
CREATOR_DEMOGRAPHICS = {
    "gender": "woman",
    "birth_year": 1994,
    "region": "KG-O",
    "settlement": "urban",
    "creative_domain": "V_ARTS",
}

CAMPAIGNS = [
    {
        "slug": "felt-slippers-from-kochkor",
        "owner": "participant@wcl.example",
        # Written in Kyrgyz, translated into Russian and English by the creator.
        "language": "ky",
        "title": "Кочкордон кийиз тапичкелер",
        "summary": "Жергиликтүү жүндөн колго басылган, шырдак оюмдуу жылуу тапичкелер.",
        "story": (
            "## Биздин устакана\n\nБиз Кочкордо жүн басып жаткан төрт аялбыз, чоң энелерибиз кандай басса, "
            "ошондой басабыз. **Экинчи кийиз басуучу стол** менен Бишкектеги дүкөндөрдүн "
            "буйрутмаларын аткара алабыз.\n\n"
            "- табигый боёктор\n- жергиликтүү жүн\n- ар бир чеберге адилет баа"
        ),
        "translations": {
            "ru": {
                "title": "Войлочные тапочки из Кочкора",
                "summary": "Тёплые тапочки с узором шырдака, свалянные вручную из местной шерсти.",
                "story": (
                    "## Наша мастерская\n\nМы — четыре женщины из Кочкора и валяем шерсть так, как валяли "
                    "наши бабушки. Со **вторым столом для валяния** мы сможем выполнять заказы магазинов "
                    "Бишкека.\n\n- натуральные красители\n- местная шерсть\n- честная цена для каждой мастерицы"
                ),
            },
            "en": {
                "title": "Felt slippers from Kochkor",
                "summary": "Warm shyrdak-pattern slippers, felted by hand from local wool.",
                "story": (
                    "## Our workshop\n\nWe are four women in Kochkor who felt wool the way our grandmothers did. "
                    "With a **second felting table** we can fill the orders from Bishkek shops.\n\n"
                    "- natural dyes\n- local wool\n- a fair price for every felter"
                ),
            },
        },
        "goal": 15_000_000,
        "funding_model": "all_or_nothing",
        "region": "KG-N",
        "creative_domain": "V_ARTS",
        "creator_name": "Aigerim",
        "budget": [("Second felting table", 9_000_000), ("Wool and natural dyes", 6_000_000)],
        # Rewards in Kyrgyz, as the campaign, with their Russian and English translations.
        "tiers": [
            (
                "Ыраазычылык открыткасы",
                50_000,
                None,
                {"ru": {"title": "Открытка с благодарностью"}, "en": {"title": "A thank-you postcard"}},
            ),
            (
                "Бир жуп кийиз тапичке",
                250_000,
                30,
                {
                    "ru": {"title": "Пара войлочных тапочек", "description": "Ваш размер, узор шырдака."},
                    "en": {
                        "title": "A pair of felt slippers",
                        "description": "Your size, a shyrdak pattern.",
                    },
                },
                "Өлчөмүңүзгө жараша, шырдак оюму менен.",
            ),
            ("Шырдак жаздык", 800_000, 5, {"en": {"title": "A shyrdak cushion"}}),
        ],
    },
    {
        "slug": "osh-embroidery-studio",
        "owner": "jyldyz@wcl.example",
        # Written in Russian with an English translation: a Kyrgyz reader sees the Russian, marked.
        "language": "ru",
        "title": "Студия вышивки в Оше",
        "summary": "Занятия вышивкой сюзане для девочек из старого города — в своей комнате.",
        "story": (
            "## Зачем\n\nДевочки с нашей улицы учатся сюзане дома, в одиночку. "
            "В студии они будут учиться *вместе*."
        ),
        "translations": {
            "en": {
                "title": "An embroidery studio in Osh",
                "summary": "Suzani embroidery classes for girls from the old town, in a room of their own.",
                "story": "## Why\n\nGirls in our street learn suzani at home, alone. A studio lets them learn *together*.",
            },
        },
        "goal": 8_000_000,
        "funding_model": "keep_it_all",
        "region": "KG-GO",
        "creative_domain": "CULT_NH",
        "creator_name": "Jyldyz",
        "budget": [("Rent for six months", 5_000_000), ("Frames, threads and needles", 3_000_000)],
        "tiers": [
            ("Ваше имя на стене студии", 100_000, None, {"en": {"title": "Your name on the studio wall"}}),
            ("Вышитая закладка", 300_000, 40, {"en": {"title": "An embroidered bookmark"}}),
        ],
    },
    {
        "slug": "naryn-komuz-workshop",
        "owner": "kanykei@wcl.example",
        "title": "Komuz lessons in Naryn",
        "summary": "A small workshop where young women learn to play and make the komuz.",
        "story": "## Music\n\nEvery som is doubled by our sponsor until the pool runs out.",
        "goal": 6_000_000,
        "funding_model": "keep_it_all",
        "region": "KG-N",
        "creative_domain": "PERF",
        "creator_name": "Kanykei",
        "budget": [("Two komuz for the class", 4_000_000), ("Strings and repairs", 2_000_000)],
        "tiers": [("A recording of the first concert", 150_000, None)],
        "pool": {"sponsor_name": "Aiyl Foundation (demo)", "budget": 5_000_000, "cap_per_pledge": 300_000},
    },
]

# (author's email, text); "owner" is the campaign's creator answering.
COMMENTS = [
    ("applicant@wcl.example", "Beautiful work! Can I visit the workshop when I am in town?"),
    ("owner", "Thank you! Yes, come any Saturday: we will post the address in an update."),
    ("mentor@wcl.example", "Очень красиво. Удачи, девочки!"),
    ("reviewer@wcl.example", "Абдан сонун! Ийгилик каалайм.\nДосторума да жибердим."),
]


def _creator(email, name, lab_slug):
    user = demo_user(email)
    if user is None:
        user = create_user(email, DEMO_PASSWORD, name, [Role.APPLICANT, Role.PARTICIPANT])
    if not is_campaign_ready(user.id):
        enrolled = db.session.scalar(
            db.select(Enrolment).where(Enrolment.participant_id == user.id).order_by(Enrolment.id).limit(1)
        )
        if enrolled is not None:
            # Already a participant (the cohorts demo's Kanykei): her mentor signs her off.
            enrolled.campaign_ready_at = utcnow()
            db.session.commit()
            return user
        if user.demographics is None:
            save_demographics(user, CREATOR_DEMOGRAPHICS)
        # Enrolled from an accepted application like every participant, so the
        # participation report never shows more enrolled than accepted.
        application = accepted_application(user)
        lab = db.session.scalar(db.select(Lab).where(Lab.slug == (lab_slug or "osh")))
        cohort = db.session.scalar(db.select(Cohort).where(Cohort.name == DEMO_COHORT))
        if cohort is None:
            today = date.today()
            cohort = Cohort(
                lab_id=lab.id, name=DEMO_COHORT, starts_on=today - timedelta(days=90), ends_on=today
            )
            db.session.add(cohort)
            db.session.flush()
        db.session.add(
            Enrolment(
                cohort_id=cohort.id,
                participant_id=user.id,
                application_id=application.id,
                campaign_ready_at=utcnow(),
                status="active",
            )
        )
        db.session.commit()
    return user


def _make(spec, staff):
    owner = demo_user(spec["owner"])
    now = utcnow()
    campaign = services.create_campaign(
        owner,
        {
            **{k: spec[k] for k in ("title", "summary", "story", "goal", "funding_model", "region")},
            "creative_domain": spec["creative_domain"],
            "creator_name": spec["creator_name"],
            "language": spec.get("language", "en"),
            "translations": spec.get("translations", {}),
            "currency": "KGS",
            "starts_at": now - timedelta(days=3),
            "ends_at": now + timedelta(days=27),
            "photo_consent": True,
        },
        # No photo: the page shows the campaign's kurak or shyrdak pattern (wcl.campaigns.patterns).
        cover=None,
    )
    campaign.slug = spec["slug"]
    db.session.commit()
    for description, amount in spec["budget"]:
        services.add_budget_line(owner, campaign.id, description, amount)
    for title, amount, quantity, *more in spec["tiers"]:
        translations, description = (list(more) + [{}, ""])[:2]
        services.add_tier(
            owner,
            campaign.id,
            {
                "title": title,
                "description": description,
                "min_amount": amount,
                "quantity": quantity,
                "delivery": "pickup",
                "translations": translations,
            },
        )
    services.submit_campaign(owner, campaign.id)
    services.approve_campaign(staff, campaign.id)
    if "pool" in spec:
        services.save_pool(
            staff,
            {
                **spec["pool"],
                "currency": "KGS",
                "ratio_num": 1,
                "ratio_den": 1,
                "cap_per_campaign": None,
                "starts_at": now - timedelta(days=3),
                "ends_at": now + timedelta(days=60),
                "campaign_ids": [campaign.id],
            },
        )
    return campaign


def _comment(campaign):
    """A few comments through the real service (the creator gets her emails too)."""
    for email, text in COMMENTS:
        author = campaign.owner if email == "owner" else demo_user(email)
        if author is not None:
            services.post_comment(author, campaign.id, text)


def load():
    """Create the demo creators (campaign-ready) and three live campaigns with comments."""
    for email, name, lab_slug in CREATORS:
        _creator(email, name, lab_slug)
    staff = demo_user("staff@wcl.example")
    lines = ["Demo creators (campaign-ready participants, same password):"]
    lines += [f"  {email}" for email, name, _lab in CREATORS if name]
    lines.append("Campaigns:")
    for spec in CAMPAIGNS:
        campaign = db.session.scalar(db.select(Campaign).where(Campaign.slug == spec["slug"]))
        if campaign is None:
            campaign = _make(spec, staff)
        if campaign.is_public and not db.session.scalar(
            db.select(CampaignComment.id).where(CampaignComment.campaign_id == campaign.id).limit(1)
        ):
            _comment(campaign)
        lines.append(f"  /campaigns/{campaign.slug:<32} {campaign.funding_model} ({spec['owner']})")
    if not services.rates.latest_rates():
        # Rates as staff would enter them (som per unit), so backers abroad see approximate amounts.
        for currency, rate in (("USD", 8_745), ("EUR", 9_210), ("RUB", 95)):
            services.rates.save_rate(staff, currency, rate, date.today())
    pools = db.session.scalar(db.select(db.func.count(MatchingPool.id)))
    lines.append(f"  matching pools: {pools} (staff: /campaigns/matching/)")
    return lines
