"""Reward tiers and updates in three languages (issue 17.13): written in the campaign's
language, with optional translations; a reader sees hers, else the original marked with
its language (campaign page, pledge page, thank-you page, update emails)."""

from tests.campaigns.test_pages import GUEST_QUERIES_AT_MOST, _campaign_with, _rendered_queries
from tests.factories.accounts import PASSWORD
from tests.factories.campaigns import (
    CampaignFactory,
    CampaignUpdateFactory,
    PledgeFactory,
    RewardTierFactory,
    ready_participant,
)
from tests.helpers import login, message_text, outbox_messages, post_form
from wcl.campaigns.models import (
    Campaign,
    CampaignUpdate,
    CampaignUpdateTranslation,
    RewardTier,
    RewardTierTranslation,
)
from wcl.extensions import db

KY_TIER = "Кийиз тапичке"
RU_TIER = "Войлочные тапочки"
KY_UPDATE = "Жүн келди"
RU_UPDATE = "Шерсть приехала"


def _kyrgyz_campaign(slug="kiyiz", owner=None):
    """A campaign written in Kyrgyz whose tier and update have a Russian translation."""
    fields = {"owner": owner} if owner is not None else {}
    campaign = CampaignFactory(slug=slug, language="ky", title="Кийиз", **fields)
    tier = RewardTierFactory(campaign=campaign, title=KY_TIER, description="Колго басылган.")
    tier.translations["ru"] = RewardTierTranslation(
        locale="ru", title=RU_TIER, description="Свалянные вручную."
    )
    update = CampaignUpdateFactory(
        campaign=campaign,
        title=KY_UPDATE,
        body_md="Жүн **келди**.",
        body_html="<p>Жүн <strong>келди</strong>.</p>",
    )
    update.translations["ru"] = CampaignUpdateTranslation(
        locale="ru",
        title=RU_UPDATE,
        body_md="Шерсть **приехала**.",
        body_html="<p>Шерсть <strong>приехала</strong>.</p>",
    )
    db.session.commit()
    return campaign, tier


def _get(client, path, locale):
    response = client.get(path, headers={"Accept-Language": locale})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_russian_reader_sees_the_tier_and_update_in_russian(app, client):
    with app.app_context():
        _kyrgyz_campaign()
    page = _get(client, "/campaigns/kiyiz", "ru")
    assert f"<h3>{RU_TIER}</h3>" in page and "<p>Свалянные вручную.</p>" in page
    assert f"<h3>{RU_UPDATE}</h3>" in page and "<p>Шерсть <strong>приехала</strong>.</p>" in page
    assert KY_TIER not in page and KY_UPDATE not in page
    updates = _get(client, "/campaigns/kiyiz/updates", "ru")
    assert f"<h2>{RU_UPDATE}</h2>" in updates and KY_UPDATE not in updates


def test_an_english_reader_sees_the_kyrgyz_originals_marked(app, client):
    with app.app_context():
        _kyrgyz_campaign()
    page = _get(client, "/campaigns/kiyiz", "en")
    assert f'<h3 lang="ky">{KY_TIER}</h3><p class="lang-note">Written in Kyrgyz</p>' in page
    assert '<p lang="ky">Колго басылган.</p>' in page
    assert f'<h3 lang="ky">{KY_UPDATE}</h3>' in page
    assert '<div lang="ky"><p>Жүн <strong>келди</strong>.</p></div>' in page
    assert RU_TIER not in page and RU_UPDATE not in page


def test_a_kyrgyz_reader_sees_the_originals_without_a_note(app, client):
    with app.app_context():
        _kyrgyz_campaign()
    page = _get(client, "/campaigns/kiyiz", "ky")
    assert f"<h3>{KY_TIER}</h3>" in page and f"<h3>{KY_UPDATE}</h3>" in page
    assert 'class="lang-note"' not in page and RU_TIER not in page


def test_translated_tiers_and_updates_cost_no_query(app, client, count_queries, monkeypatch):
    """Forty translated tiers and translated updates: the same queries in every language
    (each translation comes with its tiers' or updates' query)."""
    monkeypatch.setitem(app.config, "PAGE_CACHE_SECONDS", 0)
    with app.app_context():
        campaign = _campaign_with(3, 40, slug="kiyiz", comments=3, language="ky", title="Кийиз")
        for tier in db.session.scalars(db.select(RewardTier)):
            tier.translations["ru"] = RewardTierTranslation(locale="ru", title=f"Награда {tier.id}")
        for update in db.session.scalars(db.select(CampaignUpdate)):
            update.translations["ru"] = CampaignUpdateTranslation(
                locale="ru", title="Новости", body_md="x", body_html="<p>x</p>"
            )
        assert campaign.id
        db.session.commit()
    counts, pages = {}, {}
    for locale in ("ky", "ru", "en"):
        counts[locale], pages[locale] = _rendered_queries(client, count_queries, "/campaigns/kiyiz", locale)
    assert pages["ru"].count("<h3>Награда ") == 40 and "<h3>Новости</h3>" in pages["ru"]
    assert pages["en"].count('<h3 lang="ky">') >= 40
    assert counts["ky"] == counts["ru"] == counts["en"] == GUEST_QUERIES_AT_MOST, counts


def test_the_creator_adds_a_tier_and_an_update_with_translations(app, client, run_jobs):
    with app.app_context():
        owner = ready_participant(email="creator@example.org")
        campaign = CampaignFactory(owner=owner, slug="kiyiz", language="ky", status="draft")
        slug = campaign.slug
    login(client, "creator@example.org", PASSWORD)
    manage = client.get(f"/campaigns/{slug}/manage").get_data(as_text=True)
    # Folded away; no fieldset for the campaign's own language.
    assert '<details class="translations">' in manage and 'name="tier-title_ru"' in manage
    assert 'name="tier-title_ky"' not in manage
    response = post_form(
        client,
        f"/campaigns/{slug}/tiers",
        {
            "tier-title": KY_TIER,
            "tier-description": "Колго басылган.",
            "tier-min_amount": "1500",
            "tier-delivery": "pickup",
            "tier-title_ru": RU_TIER,
            "tier-description_ru": "",
            "tier-title_en": "",
            "tier-description_en": "",
        },
        get_path=f"/campaigns/{slug}/manage",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    with app.app_context():
        tier = db.session.scalar(db.select(RewardTier))
        assert tier.title == KY_TIER and set(tier.translations) == {"ru"}
        assert tier.translations["ru"].title == RU_TIER and tier.translations["ru"].description == ""
        # Only a title translated: the description falls back to the original.
        assert (
            tier.shown("description", "ru") == "Колго басылган." and tier.shown("description", "ru").fallback
        )

    # Too long a translation: refused, the section open, nothing added.
    response = post_form(
        client,
        f"/campaigns/{slug}/tiers",
        {"tier-title": "Б", "tier-min_amount": "100", "tier-delivery": "pickup", "tier-title_en": "x" * 121},
        get_path=f"/campaigns/{slug}/manage",
    )
    assert response.status_code == 422 and '<details class="translations" open>' in response.get_data(
        as_text=True
    )

    with app.app_context():
        campaign = db.session.get(Campaign, campaign.id)
        campaign.status = "live"
        PledgeFactory(campaign=campaign, status="paid", backer_email="ru@example.org", locale="ru")
        PledgeFactory(campaign=campaign, status="paid", backer_email="en@example.org", locale="en")
        PledgeFactory(campaign=campaign, status="paid", backer_email="ky@example.org", locale="ky")
        db.session.commit()
    response = post_form(
        client,
        f"/campaigns/{slug}/updates",
        {
            "update-title": KY_UPDATE,
            "update-body": "Жүн **келди**.",
            "update-visibility": "public",
            "update-title_ru": RU_UPDATE,
            "update-body_ru": "Шерсть **приехала**. <script>alert(1)</script>",
        },
        get_path=f"/campaigns/{slug}/manage",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    with app.app_context():
        update = db.session.scalar(db.select(CampaignUpdate))
        russian = update.translations["ru"]
        assert "<strong>приехала</strong>" in russian.body_html and "<script" not in russian.body_html
    run_jobs()
    run_jobs()
    # Each backer reads the update in the language of her pledge, else the original.
    by_address = {m["To"]: m for m in outbox_messages(app) if m["To"].endswith("@example.org")}
    assert RU_UPDATE in by_address["ru@example.org"]["Subject"]
    assert "Шерсть **приехала**." in message_text(by_address["ru@example.org"])
    for address in ("en@example.org", "ky@example.org"):
        assert KY_UPDATE in by_address[address]["Subject"] and "Жүн **келди**." in message_text(
            by_address[address]
        )
        assert RU_UPDATE not in message_text(by_address[address])
    # The original in another language says so, in the reader's words; her own language does not.
    assert "Written in Kyrgyz" in message_text(by_address["en@example.org"])
    for address in ("ru@example.org", "ky@example.org"):
        assert "Written in" not in message_text(by_address[address])
        assert "Кыргызча жазылган" not in message_text(by_address[address])


def test_pledge_and_thank_you_pages_name_the_reward_in_the_readers_language(app, client):
    with app.app_context():
        campaign, tier = _kyrgyz_campaign()
        pledge = PledgeFactory(campaign=campaign, tier=tier, status="paid", locale="ru")
        token, tier_id = pledge.token, tier.id
    ru = _get(client, f"/campaigns/kiyiz/pledge?tier={tier_id}", "ru")
    assert f"<span>{RU_TIER}</span>" in ru and KY_TIER not in ru
    en = _get(client, "/campaigns/kiyiz/pledge", "en")
    assert f'<span lang="ky">{KY_TIER}</span>' in en
    status_ru = _get(client, f"/payments/pledges/{token}", "ru")
    assert RU_TIER in status_ru and KY_TIER not in status_ru
    status_en = _get(client, f"/payments/pledges/{token}", "en")
    assert KY_TIER in status_en and "Written in Kyrgyz" in status_en
