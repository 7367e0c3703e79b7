"""Review and lifecycle: draft → in_review → (approved) scheduled | live → succeeded | failed,
or back to draft with staff comments, or cancelled by staff.

``advance_campaign`` (run by a periodic job) moves campaigns live at their start
and ends them at their deadline; an all-or-nothing campaign below its goal fails.
The paid pledges of a failed or cancelled campaign are refunded by the payments
job ``wcl.payments.jobs.refund_campaign``, named by its dotted path: campaigns come
before payments in the domain order and never import it.
"""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from wcl.accounts.permissions import campaign_may_launch, ensure
from wcl.audit.services import record
from wcl.campaigns.models import Campaign, CampaignStatus, FundingModel
from wcl.campaigns.queries import campaign_totals
from wcl.campaigns.services._common import _approve, _get, _refuse
from wcl.extensions import db
from wcl.links import absolute_url
from wcl.locks import lock
from wcl.mail import queue_email
from wcl.queue import DEFAULT, enqueue_after_commit
from wcl.time import utcnow

REFUND_CAMPAIGN_JOB = "wcl.payments.jobs.refund_campaign"


def submit_campaign(actor, campaign_id, now=None):
    """The creator sends her draft to staff for review."""
    campaign = _get(campaign_id, lock=True)
    ensure("campaigns.edit", campaign, user=actor)
    if campaign.status != CampaignStatus.DRAFT:
        _refuse(_l("This campaign has already been sent for review."))
    if not campaign_may_launch(campaign):
        _refuse(_l("Staff must admit the community project before its campaign is sent for review."))
    if not campaign.story_md.strip():
        _refuse(_l("Tell your story before sending the campaign for review."), "story")
    if not campaign.budget_lines:
        _refuse(_l("Add at least one budget line saying what the money buys."))
    if campaign.ends_at <= (now or utcnow()):
        _refuse(_l("The end date must be in the future."), "ends_on")
    campaign.status = CampaignStatus.IN_REVIEW
    campaign.submitted_at = now or utcnow()
    campaign.review_comment = None
    record("campaign.submitted", campaign, actor=actor)
    db.session.commit()
    return campaign


def approve_campaign(actor, campaign_id, now=None):
    """Staff approve a campaign in review: live now if its start has come, else scheduled."""
    now = now or utcnow()
    campaign = _get(campaign_id, lock=True)
    ensure("campaigns.moderate", campaign, user=actor)
    if campaign.status != CampaignStatus.IN_REVIEW:
        _refuse(_l("Only a campaign in review can be approved."))
    if campaign.ends_at <= now:
        _refuse(_l("This campaign's end date has passed: return it to the creator to choose new dates."))
    _approve(campaign, actor, now)
    record("campaign.approved", campaign, actor=actor, status=campaign.status)
    _notify_owner(campaign, "campaigns/approved")
    db.session.commit()
    return campaign


def return_campaign(actor, campaign_id, comment):
    """Staff send a campaign in review back to its creator with comments."""
    campaign = _get(campaign_id, lock=True)
    ensure("campaigns.moderate", campaign, user=actor)
    if campaign.status != CampaignStatus.IN_REVIEW:
        _refuse(_l("Only a campaign in review can be returned."))
    comment = (comment or "").strip()
    if not comment or len(comment) > 4000:
        _refuse(_l("Tell the creator what to change (at most 4000 characters)."), "comment")
    campaign.status = CampaignStatus.DRAFT
    campaign.review_comment = comment
    record("campaign.returned", campaign, actor=actor)
    _notify_owner(campaign, "campaigns/returned", comment=comment)
    db.session.commit()
    return campaign


def cancel_campaign(actor, campaign_id, reason, now=None):
    """Staff cancel a campaign; paid pledges are refunded by a job."""
    campaign = _get(campaign_id, lock=True)
    ensure("campaigns.moderate", campaign, user=actor)
    if campaign.status in CampaignStatus.ENDED:
        _refuse(_l("This campaign has already ended."))
    reason = (reason or "").strip()
    if not reason or len(reason) > 1000:
        _refuse(_l("Say why the campaign is cancelled (at most 1000 characters)."), "reason")
    was_public = campaign.status == CampaignStatus.LIVE
    campaign.status = CampaignStatus.CANCELLED
    campaign.cancelled_at = now or utcnow()
    campaign.cancelled_by_id = actor.id
    campaign.ended_at = campaign.cancelled_at
    record("campaign.cancelled", campaign, actor=actor, reason=reason[:200])
    if was_public:
        _refund_paid_pledges(campaign.id)
    _notify_owner(campaign, "campaigns/cancelled", comment=reason)
    db.session.commit()
    return campaign


def _refund_paid_pledges(campaign_id):
    """After the caller's commit, have payments refund every paid pledge of the campaign."""
    enqueue_after_commit(REFUND_CAMPAIGN_JOB, campaign_id, queue=DEFAULT, job_timeout=1800)


def _notify_owner(campaign, template, **context):
    owner = campaign.owner
    queue_email(
        owner.email,
        template,
        owner.locale,
        name=owner.public_name,
        title=campaign.title,
        link=absolute_url("campaigns.manage", slug=campaign.slug),
        **context,
    )


def advance_campaign(campaign_id, now=None):
    """Start or end one campaign when its time has come (idempotent); returns its status.

    At the deadline: succeeded when keep-it-all, or when backers' money plus
    matched money reaches the goal; otherwise failed — and every paid pledge
    is refunded by ``wcl.payments.jobs.refund_campaign``.
    """
    now = now or utcnow()
    campaign = lock(Campaign, campaign_id)
    if campaign is None:
        db.session.rollback()
        return None
    if campaign.status == CampaignStatus.SCHEDULED and campaign.starts_at <= now:
        campaign.status = CampaignStatus.LIVE
        campaign.went_live_at = now
        record("campaign.live", campaign)
    if campaign.status == CampaignStatus.LIVE and campaign.ends_at <= now:
        totals = campaign_totals([campaign.id])[campaign.id]
        reached = totals["raised"] + totals["matched"] >= campaign.goal_amount
        if campaign.funding_model == FundingModel.KEEP_IT_ALL or reached:
            campaign.status = CampaignStatus.SUCCEEDED
        else:
            campaign.status = CampaignStatus.FAILED
            _refund_paid_pledges(campaign.id)
        campaign.ended_at = now
        record(f"campaign.{campaign.status}", campaign, raised=totals["raised"], matched=totals["matched"])
        _notify_owner(campaign, f"campaigns/{campaign.status}")
    db.session.commit()
    return campaign.status


def advance_due_campaigns(now=None):
    """Advance every campaign due to start or end (the periodic job); returns how many moved."""
    now = now or utcnow()
    ids = db.session.scalars(
        db.select(Campaign.id).where(
            sa.or_(
                (Campaign.status == CampaignStatus.SCHEDULED) & (Campaign.starts_at <= now),
                (Campaign.status == CampaignStatus.LIVE) & (Campaign.ends_at <= now),
            )
        )
    ).all()
    db.session.rollback()
    for campaign_id in ids:
        advance_campaign(campaign_id, now)
    return len(ids)
