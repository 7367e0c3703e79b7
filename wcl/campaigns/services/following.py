"""Following a campaign: its updates by email without an account, and a one-click way out.

The thank-you page offers to follow with the address the pledge was made with
(the pledge's secret token proves it is hers), so nobody can sign someone else
up. Every update email carries a signed link that stops update emails from that
campaign to that address, backers' included (RFC 8058 one-click from mail clients).
"""

from flask_babel import lazy_gettext as _l

from wcl.accounts.tokens import TokenError, make_token, read_token
from wcl.campaigns.errors import CampaignError
from wcl.campaigns.models import Campaign, CampaignFollower
from wcl.extensions import db
from wcl.links import absolute_url
from wcl.time import utcnow

UNFOLLOW = "campaign-unfollow"
# An unsubscribe link must keep working in an old email.
UNFOLLOW_MAX_AGE = 60 * 60 * 24 * 365 * 10


def _row(campaign_id, email):
    return db.session.scalar(
        db.select(CampaignFollower).where(
            CampaignFollower.campaign_id == campaign_id, CampaignFollower.email == email
        )
    )


def follow_campaign(campaign_id, email, locale="en"):
    """``email`` gets the campaign's public updates (again, if she had unsubscribed)."""
    email = (email or "").strip().lower()
    if not email or db.session.get(Campaign, campaign_id) is None:
        raise CampaignError(_l("This campaign cannot be followed."))
    row = _row(campaign_id, email)
    if row is None:
        db.session.add(CampaignFollower(campaign_id=campaign_id, email=email, locale=locale))
    else:
        row.unsubscribed_at = None
        row.locale = locale
    db.session.commit()


def is_following(campaign_id, email):
    """Does ``email`` get this campaign's updates as a follower?"""
    row = _row(campaign_id, (email or "").strip().lower())
    return row is not None and row.unsubscribed_at is None


def unfollow_url(campaign_id, email):
    """The signed link that stops update emails from this campaign to ``email``."""
    token = make_token(UNFOLLOW, {"c": campaign_id, "e": email.strip().lower()})
    return absolute_url("campaigns.unfollow", token=token)


def read_unfollow_token(token):
    """``(campaign, email)`` named by an unsubscribe link, or ``None`` if it is not ours."""
    try:
        data = read_token(UNFOLLOW, token, UNFOLLOW_MAX_AGE)
    except TokenError:
        return None
    campaign = db.session.get(Campaign, data.get("c"))
    return None if campaign is None else (campaign, data.get("e"))


def unfollow(token):
    """Stop update emails from the link's campaign to its address (idempotent); the campaign."""
    found = read_unfollow_token(token)
    if found is None:
        raise CampaignError(_l("This link is not valid."))
    campaign, email = found
    row = _row(campaign.id, email)
    if row is None:
        # A backer who never followed: remember her "no" so backer emails stop too.
        row = CampaignFollower(campaign_id=campaign.id, email=email)
        db.session.add(row)
    row.unsubscribed_at = row.unsubscribed_at or utcnow()
    db.session.commit()
    return campaign


def opted_out(campaign_id):
    """Addresses that asked for no update emails from this campaign."""
    return set(
        db.session.scalars(
            db.select(CampaignFollower.email).where(
                CampaignFollower.campaign_id == campaign_id, CampaignFollower.unsubscribed_at.is_not(None)
            )
        )
    )


def followers(campaign_id):
    """``[(email, locale)]`` of the campaign's current followers."""
    return db.session.execute(
        db.select(CampaignFollower.email, CampaignFollower.locale).where(
            CampaignFollower.campaign_id == campaign_id, CampaignFollower.unsubscribed_at.is_(None)
        )
    ).all()
