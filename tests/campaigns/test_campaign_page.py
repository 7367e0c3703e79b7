"""The campaign page a first-time backer trusts (issue 17.8): cover first, the creator's
badge from the cohort gate, rewards that fill in the amount, share and report links,
a sticky back bar, light and still served from the page cache."""

import re

from tests.factories.campaigns import BudgetLineFactory, CampaignFactory, RewardTierFactory
from tests.factories.programme import CohortFactory, EnrolmentFactory, LabFactory
from wcl.cohorts.models import EnrolmentStatus
from wcl.extensions import db
from wcl.time import utcnow

CAMPAIGN_LIMIT = 60 * 1024


def _graduate_campaign():
    lab = LabFactory(name_en="Osh", name_ru="Ош", name_ky="Ош")
    cohort = CohortFactory(lab=lab)
    owner = EnrolmentFactory(
        cohort=cohort, status=EnrolmentStatus.GRADUATED, graduated_at=utcnow()
    ).participant
    campaign = CampaignFactory(owner=owner, slug="felt")
    BudgetLineFactory(campaign=campaign)
    tier = RewardTierFactory(campaign=campaign, title="Felt slippers", min_amount=250_000)
    db.session.commit()
    return campaign, tier, cohort.starts_on.year


def test_cover_comes_first_then_the_graduate_badge(client, app_ctx):
    _campaign, _tier, year = _graduate_campaign()
    html = client.get("/campaigns/felt").get_data(as_text=True)
    assert html.index('class="cover') < html.index("<h1>")
    assert f"Graduate of the Osh lab, {year} cohort" in html
    assert "What the money buys" in html


def test_a_campaign_ready_participant_is_shown_as_such(client, app_ctx):
    owner = EnrolmentFactory(campaign_ready_at=utcnow()).participant
    CampaignFactory(owner=owner, slug="ready")
    db.session.commit()
    html = client.get("/campaigns/ready").get_data(as_text=True)
    assert "signed off by her mentor as ready to launch" in html and "Graduate of" not in html


def test_choosing_a_reward_fills_in_its_amount_without_javascript(client, app_ctx):
    _campaign, tier, _year = _graduate_campaign()
    html = client.get("/campaigns/felt").get_data(as_text=True)
    assert f'href="/campaigns/felt/pledge?tier={tier.id}"' in html
    form = client.get(f"/campaigns/felt/pledge?tier={tier.id}").get_data(as_text=True)
    assert re.search(rf'value="{tier.id}"[^>]*checked|checked[^>]*value="{tier.id}"', form)
    assert re.search(r'id="amount"[^>]*value="2500"|value="2500"[^>]*id="amount"', form)


def test_share_report_and_back_bar_without_third_party_scripts(client, app_ctx):
    _graduate_campaign()
    html = client.get("/campaigns/felt").get_data(as_text=True)
    assert "wa.me/?text=" in html and "t.me/share/url" in html and "mailto:?subject=" in html
    assert all(src.startswith("/") for src in re.findall(r'<script[^>]*src="([^"]+)"', html))
    assert re.search(r'href="mailto:[^"?]+\?subject=[^"]*">Report a problem with this campaign', html)
    assert 'class="back-bar"' in html and html.count("Back this campaign") == 2


def test_campaign_page_weighs_under_60_kb_and_is_cached_for_guests(client, app_ctx):
    _graduate_campaign()
    first = client.get("/campaigns/felt")
    html = first.get_data()
    loaded = set(
        re.findall(rb'(?:href|src)="(/(?:static|campaigns)/[^"]+\.(?:css|js|svg|png|jpg|webp))"', html)
    )
    assert any(u.endswith(b".css") for u in loaded) and any(b"pattern" in u for u in loaded)
    weight = len(html) + sum(len(client.get(u.decode()).get_data()) for u in loaded)
    assert weight < CAMPAIGN_LIMIT, weight
    assert client.get("/campaigns/felt").headers.get("X-WCL-Page-Cache") == "hit"


def test_list_sorts_newest_ending_soon_and_near_goal(client, app_ctx):
    from datetime import timedelta

    from tests.factories.campaigns import PledgeFactory

    now = utcnow()
    old = CampaignFactory(
        title="Old and ending", went_live_at=now - timedelta(days=20), ends_at=now + timedelta(days=2)
    )
    new = CampaignFactory(
        title="Newly live", went_live_at=now - timedelta(days=1), ends_at=now + timedelta(days=40)
    )
    near = CampaignFactory(
        title="Nearly there", went_live_at=now - timedelta(days=5), ends_at=now + timedelta(days=20)
    )
    PledgeFactory(campaign=near, amount=near.goal_amount * 9 // 10, status="paid", paid_at=now)
    PledgeFactory(campaign=old, amount=old.goal_amount // 10, status="paid", paid_at=now)
    db.session.commit()

    def order(sort):
        html = client.get(f"/campaigns/?sort={sort}").get_data(as_text=True)
        return [t for t in re.findall(r'<h2><a href="[^"]+">([^<]+)</a>', html)]

    assert order("ending") == ["Old and ending", "Nearly there", "Newly live"]
    assert order("newest") == ["Newly live", "Nearly there", "Old and ending"]
    assert order("near_goal") == ["Nearly there", "Old and ending", "Newly live"]
    assert order("nonsense") == order("ending")
    assert new.id  # (the newest is the last one ending)


def test_empty_list_points_to_the_open_call(client, app_ctx):
    html = client.get("/campaigns/").get_data(as_text=True)
    assert "No campaign is raising money right now." in html
    assert 'href="/calls/"' in html and "See the open calls" in html
