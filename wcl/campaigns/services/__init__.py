"""Campaign services, one module per use case; each public function is one unit of work and commits once.

- ``drafts``: create and edit a draft, its budget lines and reward tiers
- ``lifecycle``: review, approval, cancellation, and the periodic start/end of campaigns
- ``updates``: the creator's news, emailed to backers
- ``comments``: comments on public campaigns and their moderation
- ``pools``: matching pools (staff)
- ``lab_campaigns``: the lab's own campaign, feeding a pool or a grant fund (staff)
- ``following``: update emails for followers without an account, and unsubscribing
- ``rates``: staff-entered exchange rates, for approximate amounts shown to backers abroad
- ``pages``: what the listing, public, creator and staff pages read

Pledging lives with payments (``wcl.payments.services.checkout``); read-only
lookups other domains need are in ``wcl.campaigns.queries``. The names below
are re-exported for callers; patch a function in the module that defines it.
"""

from wcl.campaigns.errors import CampaignError
from wcl.campaigns.services import following, lab_campaigns, rates  # noqa: F401  (services.following.*, …)
from wcl.campaigns.services.comments import (
    COMMENTS_PER_PAGE,
    clean_comment,
    delete_comment,
    hide_comment,
    list_comments,
    post_comment,
)
from wcl.campaigns.services.drafts import (
    COVER_WIDTHS,
    MAX_BUDGET_LINES,
    MAX_DURATION_DAYS,
    MAX_TIERS,
    RESERVED_SLUGS,
    add_budget_line,
    add_tier,
    create_campaign,
    may_create_campaign,
    remove_budget_line,
    remove_tier,
    slugify,
    update_campaign,
)
from wcl.campaigns.services.lab_campaigns import (
    create_lab_campaign,
    held_refunds,
    lab_campaigns_for,
    launch_lab_campaign,
)
from wcl.campaigns.services.lifecycle import (
    REFUND_CAMPAIGN_JOB,
    advance_campaign,
    advance_due_campaigns,
    approve_campaign,
    cancel_campaign,
    return_campaign,
    submit_campaign,
)
from wcl.campaigns.services.pages import (
    BACKERS_ON_PAGE,
    COMMENTS_ON_PAGE,
    UPDATES_ON_PAGE,
    campaign_for_manage,
    campaign_image,
    campaign_page,
    get_campaign,
    list_backers,
    list_live,
    list_updates,
    my_campaigns,
    pledges_for_user,
    review_queue,
    sees_backer_updates,
)
from wcl.campaigns.services.pools import list_pools, pool_choices, save_pool
from wcl.campaigns.services.updates import email_update, hide_update, post_update

__all__ = [
    "create_lab_campaign",
    "held_refunds",
    "lab_campaigns_for",
    "launch_lab_campaign",
    "CampaignError",
    "COVER_WIDTHS",
    "MAX_DURATION_DAYS",
    "MAX_TIERS",
    "MAX_BUDGET_LINES",
    "slugify",
    "RESERVED_SLUGS",
    "may_create_campaign",
    "create_campaign",
    "update_campaign",
    "add_budget_line",
    "remove_budget_line",
    "add_tier",
    "remove_tier",
    "REFUND_CAMPAIGN_JOB",
    "submit_campaign",
    "approve_campaign",
    "return_campaign",
    "cancel_campaign",
    "advance_campaign",
    "advance_due_campaigns",
    "post_update",
    "hide_update",
    "email_update",
    "COMMENTS_PER_PAGE",
    "clean_comment",
    "post_comment",
    "hide_comment",
    "delete_comment",
    "list_comments",
    "save_pool",
    "list_pools",
    "pool_choices",
    "BACKERS_ON_PAGE",
    "UPDATES_ON_PAGE",
    "COMMENTS_ON_PAGE",
    "get_campaign",
    "campaign_page",
    "list_backers",
    "list_updates",
    "sees_backer_updates",
    "list_live",
    "my_campaigns",
    "review_queue",
    "pledges_for_user",
    "campaign_image",
    "campaign_for_manage",
]
