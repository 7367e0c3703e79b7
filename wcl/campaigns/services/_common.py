"""What the campaign services share: limits, finding and refusing (flush only)."""

from flask_babel import lazy_gettext as _l

from wcl.accounts.permissions import ensure
from wcl.audit.services import record
from wcl.campaigns.errors import CampaignError
from wcl.campaigns.models import Campaign, CampaignComment, CampaignStatus
from wcl.extensions import db
from wcl.locks import lock as lock_row
from wcl.time import utcnow

MAX_STORY_CHARS = 20_000


def _get(campaign_id, lock=False):
    campaign = lock_row(Campaign, campaign_id) if lock else db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise CampaignError(_l("This campaign does not exist."))
    return campaign


def _approve(campaign, actor, now):
    """Record ``actor``'s approval of ``campaign``: live now if its start has come, else scheduled."""
    campaign.approved_at = now
    campaign.approved_by_id = actor.id
    if campaign.starts_at <= now:
        campaign.status = CampaignStatus.LIVE
        campaign.went_live_at = now
    else:
        campaign.status = CampaignStatus.SCHEDULED


_refuse = CampaignError.refuse  # roll back what was flushed, then raise: a refusal changes nothing


def _too_long(name, code, limit):
    """Refuse a translation field ``<name>_<code>`` longer than ``limit`` (``wcl.text.typed_translations``)."""
    _refuse(_l("This is too long (at most %(n)d characters).", n=limit), f"{name}_{code}")


def _moderation_reason(reason, message):
    """The reason staff give for hiding something, on one line; refused with
    ``message`` when empty or longer than 300 characters (the column's size)."""
    reason = " ".join((reason or "").split())
    if not reason or len(reason) > 300:
        _refuse(message, "reason")
    return reason


def _hide(actor, item, reason, refusal, action, key):
    """Staff hide a comment or an update (kept, with who hid it and why); idempotent.

    ``refusal`` is shown when the reason is missing or too long; the hiding is
    audited as ``action`` on the item's campaign with ``key`` = the item's id.
    """
    ensure("campaigns.moderate", item.campaign, user=actor)
    reason = _moderation_reason(reason, refusal)
    if item.hidden_at is not None:
        db.session.rollback()
        return item
    item.hidden_at = utcnow()
    item.hidden_by_id = actor.id
    item.hidden_reason = reason
    record(action, item.campaign, actor=actor, **{key: item.id})
    db.session.commit()
    return item


def visible_comments(campaign_id):
    return (
        db.select(CampaignComment)
        .where(CampaignComment.campaign_id == campaign_id, CampaignComment.hidden_at.is_(None))
        .order_by(CampaignComment.created_at.desc(), CampaignComment.id.desc())
    )
