"""What the campaign services share: limits, finding and refusing (flush only)."""

from flask_babel import lazy_gettext as _l

from wcl.campaigns.errors import CampaignError
from wcl.campaigns.models import Campaign, CampaignComment
from wcl.extensions import db

MAX_STORY_CHARS = 20_000


def _get(campaign_id, lock=False):
    stmt = db.select(Campaign).where(Campaign.id == campaign_id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    campaign = db.session.scalar(stmt)
    if campaign is None:
        raise CampaignError(_l("This campaign does not exist."))
    return campaign


def _refuse(message, field=None):
    db.session.rollback()
    raise CampaignError(message, field)


def _moderation_reason(reason, message):
    """The reason staff give for hiding something, on one line; refused with
    ``message`` when empty or longer than 300 characters (the column's size)."""
    reason = " ".join((reason or "").split())
    if not reason or len(reason) > 300:
        _refuse(message, "reason")
    return reason


def visible_comments(campaign_id):
    return (
        db.select(CampaignComment)
        .where(CampaignComment.campaign_id == campaign_id, CampaignComment.hidden_at.is_(None))
        .order_by(CampaignComment.created_at.desc(), CampaignComment.id.desc())
    )
