"""Campaign and payment pages in Russian and Kyrgyz carry no English UI text."""

import pytest

from tests.core.test_i18n import english_words
from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.campaigns import (
    BudgetLineFactory,
    CampaignCommentFactory,
    CampaignFactory,
    CampaignUpdateFactory,
    MatchingPoolFactory,
    PledgeFactory,
    RewardTierFactory,
    ready_participant,
)
from tests.helpers import login
from wcl.extensions import db
from wcl.labs.services import ensure_seed_labs

# Names that stay Latin in every language: brands, formats, currency codes.
KEEP = [
    "WhatsApp",
    "Telegram",
    "Facebook",
    "Markdown",
    "JPEG",
    "PNG",
    "PDF",
    "KGS",
    "USD",
    "EUR",
    "RUB",
    "QR",
]


@pytest.fixture
def world(app):
    with app.app_context():
        ensure_seed_labs()
        owner = ready_participant(email="owner@example.org", full_name="Айгерим", locale=None)
        UserFactory(email="staff@example.org", full_name="Нургуль", roles=["staff"])
        live = CampaignFactory(
            owner=owner, slug="kiyiz", title="Кийиз тапичкелер", summary="Жылуу тапичкелер.", creator_name="Айгерим",
            funding_model="all_or_nothing", story_md="Биз кийиз жасайбыз.", story_html="<p>Биз кийиз жасайбыз.</p>",
        )  # fmt: skip
        RewardTierFactory(campaign=live, title="Тапичке", description="Бир жуп.", quantity=3)
        RewardTierFactory(campaign=live, title="Открытка", description="Рахмат.", quantity=1, held=1)
        BudgetLineFactory(campaign=live, description="Жүн")
        CampaignUpdateFactory(campaign=live, title="Жаңылык", body_html="<p>Жүн келди.</p>")
        CampaignUpdateFactory(campaign=live, title="Жашыруун", body_html="<p>Жүн.</p>", visibility="backers")
        MatchingPoolFactory(campaigns=[live], sponsor_name="Айыл банк")
        CampaignCommentFactory(
            campaign=live, author=UserFactory(full_name="Айжан"), body="Сонун иш!\nИйгилик!"
        )
        PledgeFactory(campaign=live, backer_name="Айда", status="paid", provider="offline", offline_method="cash",
                      provider_ref="2001")  # fmt: skip
        pending = PledgeFactory(campaign=live, backer_name="Бакыт", backer_email="owner@example.org")
        draft = CampaignFactory(owner=owner, slug="karalama", title="Каралама", summary="Кыска.", status="draft",
                               story_md="Биз.")  # fmt: skip
        draft.review_comment = "Сүрөт кошуңуз."
        db.session.commit()
        return {"token": pending.token}


PUBLIC = [
    "/campaigns/",
    "/campaigns/?region=KG-N",
    "/campaigns/kiyiz",
    "/campaigns/kiyiz/pledge",
    "/campaigns/kiyiz/backers",
    "/campaigns/kiyiz/updates",
    "/campaigns/kiyiz/comments",
    "/payments/sandbox/TOKEN",
    "/payments/pledges/TOKEN",
]
OWNER = ["/campaigns/mine", "/campaigns/my-pledges", "/campaigns/new", "/campaigns/karalama/manage",
         "/campaigns/karalama/edit", "/campaigns/kiyiz/manage", "/campaigns/kiyiz"]  # fmt: skip
STAFF = ["/campaigns/review", "/campaigns/matching/", "/campaigns/kiyiz/manage", "/campaigns/karalama/manage",
         "/payments/campaigns/kiyiz/offline", "/payments/campaigns/kiyiz/reconciliation", "/campaigns/kiyiz",
         "/campaigns/kiyiz/comments"]  # fmt: skip


@pytest.mark.parametrize("locale", ["ru", "ky"])
def test_public_campaign_pages_have_no_english(app, client, world, locale):
    for path in PUBLIC:
        response = client.get(path.replace("TOKEN", world["token"]), headers={"Accept-Language": locale})
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert f'lang="{locale}"' in html
        # The thank-you page names the backer's own address (data, not interface).
        assert english_words(html, exclude=[*KEEP, "owner@example.org"]) == [], path


@pytest.mark.parametrize("locale", ["ru", "ky"])
@pytest.mark.parametrize(("email", "paths"), [("owner@example.org", OWNER), ("staff@example.org", STAFF)])
def test_signed_in_campaign_pages_have_no_english(app, client, world, locale, email, paths):
    client.get(f"/language/{locale}")
    login(client, email, PASSWORD)
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert english_words(html, exclude=KEEP + [email]) == [], path
