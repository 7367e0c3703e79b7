"""The thank-you page is not a dead end (issue 17.9): live status, the receipt as soon
as it exists, how to collect the reward, share links, and following the campaign's
updates without an account, with a one-click way out."""

import re
from urllib.parse import urlsplit

from tests.factories.campaigns import CampaignFactory, CampaignUpdateFactory, PledgeFactory, RewardTierFactory
from tests.factories.programme import LabFactory
from tests.factories.receipts import paid_pledge
from tests.helpers import outbox_messages
from wcl.campaigns import services as campaigns
from wcl.campaigns.models import CampaignFollower
from wcl.extensions import db
from wcl.receipts import services as receipts


def _csrf(html):
    return re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', html
    )


def test_pending_page_says_so_and_is_never_cached(client, app_ctx):
    pledge = PledgeFactory(status="pending")
    db.session.commit()
    response = client.get(f"/payments/pledges/{pledge.token}")
    html = response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert "Waiting for payment" in html and "Check again" in html
    assert "receipt" not in html.lower()


def test_paid_page_links_the_receipt_as_soon_as_it_exists(client, app_ctx):
    pledge = paid_pledge()
    db.session.commit()
    html = client.get(f"/payments/pledges/{pledge.token}").get_data(as_text=True)
    assert "Thank you!" in html and "Your receipt is being prepared" in html
    receipt = receipts.issue_receipt(pledge.id)
    receipts.render_receipt(receipt.id)
    html = client.get(f"/payments/pledges/{pledge.token}").get_data(as_text=True)
    link = re.search(r'href="(http[^"]+/receipts/guest/[^"]+)"', html).group(1)
    response = client.get(urlsplit(link).path)
    assert response.status_code == 200 and response.mimetype == "application/pdf"


def test_reward_pickup_share_links(client, app_ctx):
    lab = LabFactory(name_en="Kochkor")
    tier = RewardTierFactory(title="Felt slippers", delivery="pickup", pickup_lab=lab)
    pledge = PledgeFactory(campaign=tier.campaign, tier=tier, status="pending")
    db.session.commit()
    html = client.get(f"/payments/pledges/{pledge.token}").get_data(as_text=True)
    assert "Your reward: Felt slippers" in html and "Collect it at the Kochkor lab." in html
    assert "Opening hours" in html
    assert "wa.me/?text=" in html and "t.me/share/url" in html


def test_follow_then_one_click_unsubscribe(app, client, app_ctx, run_jobs):
    campaign = CampaignFactory(slug="felt", title="Felt")
    pledge = PledgeFactory(campaign=campaign, status="pending", backer_email="aida@example.org", locale="ru")
    db.session.commit()
    html = client.get(f"/payments/pledges/{pledge.token}").get_data(as_text=True)
    token = _csrf(html)
    token = token.group(1) or token.group(2)
    response = client.post(f"/payments/pledges/{pledge.token}/follow", data={"csrf_token": token})
    assert response.status_code == 302
    assert campaigns.following.is_following(campaign.id, "aida@example.org")
    html = client.get(f"/payments/pledges/{pledge.token}").get_data(as_text=True)
    assert "You will get this campaign's updates by email." in html

    update = CampaignUpdateFactory(campaign=campaign, visibility="public")
    db.session.commit()
    assert campaigns.email_update(update.id) == 1
    run_jobs()
    message = outbox_messages(app)[-1]
    assert message["To"] == "aida@example.org"
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = "/campaigns/unfollow/" + unsubscribe.rsplit("/campaigns/unfollow/", 1)[1]
    page = client.get(path).get_data(as_text=True)
    assert "Stop update emails" in page
    assert campaigns.following.is_following(campaign.id, "aida@example.org")  # a GET changes nothing
    assert client.post(path).status_code == 200  # one click, as mail clients send it (no CSRF token)
    assert not campaigns.following.is_following(campaign.id, "aida@example.org")

    second = CampaignUpdateFactory(campaign=campaign, visibility="public")
    db.session.commit()
    assert campaigns.email_update(second.id) == 0
    assert client.get("/campaigns/unfollow/forged").status_code == 404


def test_a_backer_who_unsubscribes_gets_no_more_updates(app_ctx):
    campaign = CampaignFactory()
    PledgeFactory(campaign=campaign, status="paid", backer_email="b@example.org")
    db.session.commit()
    first = CampaignUpdateFactory(campaign=campaign, visibility="backers")
    db.session.commit()
    assert campaigns.email_update(first.id) == 1
    url = campaigns.following.unfollow_url(campaign.id, "B@example.org")
    campaigns.following.unfollow(url.rsplit("/", 1)[1])
    second = CampaignUpdateFactory(campaign=campaign)
    db.session.commit()
    assert campaigns.email_update(second.id) == 0
    assert db.session.scalar(db.select(CampaignFollower.unsubscribed_at)) is not None


def test_followers_get_public_updates_only(app_ctx):
    campaign = CampaignFactory()
    campaigns.following.follow_campaign(campaign.id, "f@example.org", "ky")
    backers_only = CampaignUpdateFactory(campaign=campaign, visibility="backers")
    db.session.commit()
    assert campaigns.email_update(backers_only.id) == 0
