"""Reading campaigns for pages: the listing, the public page, backers, updates, "my" pages, staff queue.

Read functions aggregate in SQL and issue a fixed number of queries whatever
the number of pledges, tiers or reservations.
"""

from functools import cache

import sqlalchemy as sa

from wcl.accounts.permissions import can, ensure, lab_condition
from wcl.campaigns import matching, page_extras
from wcl.campaigns.models import (
    Campaign,
    CampaignComment,
    CampaignStatus,
    CampaignTranslation,
    CampaignUpdate,
    CampaignUpdateTranslation,
    MatchReservation,
    Pledge,
    PledgeStatus,
    RewardTier,
    RewardTierTranslation,
)
from wcl.campaigns.queries import (
    campaign_lab,
    campaign_totals,
    lab_destination,
    pledges_of,
    pledges_of_reader,
    reader,
)
from wcl.campaigns.services import rates
from wcl.campaigns.services._common import visible_comments
from wcl.cohorts import queries as cohort_queries
from wcl.extensions import db
from wcl.files.models import StoredFile
from wcl.i18n import current_locale
from wcl.reference import CREATIVE_DOMAIN_CODES, REGION_CODES
from wcl.text import translated_into
from wcl.time import utcnow

BACKERS_ON_PAGE = 20


UPDATES_ON_PAGE = 5


COMMENTS_ON_PAGE = 10


def _visible(campaign, actor):
    return campaign is not None and (campaign.is_public or can("campaigns.view_unpublished", campaign, actor))


def get_campaign(slug, actor=None):
    """The campaign if ``actor`` may see it (public, or its owner, or staff), else ``None``."""
    campaign = db.session.scalar(db.select(Campaign).where(Campaign.slug == slug))
    return campaign if _visible(campaign, actor) else None


def reader_campaign(slug, actor):
    """The campaign ``actor`` may see under ``slug`` and whether she reads its backers-only
    updates (``sees_backer_updates``), in one query; ``(None, False)`` if she may not see it."""
    if not getattr(actor, "is_authenticated", False):
        return get_campaign(slug, actor), False
    by_email, values = reader(actor)
    row = db.session.execute(_reader_campaign_query(by_email), dict(values, slug=slug)).first()
    campaign = row[0] if row is not None else None
    if not _visible(campaign, actor):
        return None, False
    return campaign, bool(row[1]) or can("campaigns.view_unpublished", campaign, actor)


@cache
def _reader_campaign_query(by_email):
    # Built once per shape and run with her values: composing it cost more than running it.
    return db.select(Campaign, _paid_pledge(Campaign.id, pledges_of_reader(by_email))).where(
        Campaign.slug == sa.bindparam("slug")
    )


def _paid_pledge(campaign_id, hers):
    """SQL: is there a paid pledge to the campaign (``campaign_id``: a value or a column)
    among ``hers`` (a ``pledges_of`` condition)?

    Her own, or one made as a guest with the email address she has confirmed
    (as "my pledges" counts them): update emails go to every paid pledge's
    address, so she reads on the site what she was sent.
    """
    return (
        db.select(Pledge.id)
        .where(Pledge.campaign_id == campaign_id, Pledge.status == PledgeStatus.PAID, hers)
        .exists()
    )


def _is_backer(campaign_id, actor):
    """Has ``actor`` a paid pledge to this campaign (one query, see ``_paid_pledge``)?"""
    if not getattr(actor, "is_authenticated", False):
        return False
    return bool(db.session.scalar(db.select(_paid_pledge(campaign_id, pledges_of(actor)))))


def in_language(locale):
    """Loader option: a campaign's translation into ``locale`` only, in the campaign's query
    (``Campaign.shown`` then reads it without a query of its own)."""
    return translated_into(Campaign.translations, CampaignTranslation, locale)


def tier_translation(locale):
    """Loader option: reward tiers with their translation into ``locale``, in the tiers' query."""
    return translated_into(RewardTier.translations, RewardTierTranslation, locale)


def update_translation(locale):
    """Loader option: updates with their translation into ``locale``, in the updates' query."""
    return translated_into(CampaignUpdate.translations, CampaignUpdateTranslation, locale)


def campaign_page(slug, actor=None, now=None, locale="en"):
    """Everything the public page shows, in a fixed number of queries; ``None`` if not visible.

    Totals are aggregated in SQL; the backer list, updates and comments are
    limited, so 3 or 3,000 pledges, 2 or 40 tiers and 0 or 500 comments cost the same.
    The campaign, its totals, budget lines, the translation into ``locale`` and the
    columns other domains registered (``page_extras``: Ashar's figures) come in one query.
    """
    now = now or utcnow()
    extras = page_extras.columns()
    row = (
        db.session.execute(
            db.select(Campaign, *_page_totals(), *page_extras.flat(extras))
            .where(Campaign.slug == slug)
            .options(
                sa.orm.joinedload(Campaign.cover_480),
                sa.orm.joinedload(Campaign.cover_960),
                sa.orm.joinedload(Campaign.budget_lines),
                in_language(locale),
            )
        )
        .unique()
        .first()
    )
    campaign = row[0] if row is not None else None
    if not _visible(campaign, actor):
        return None
    totals = {name: int(value) for name, value in zip(TOTALS, row[1 : 1 + len(TOTALS)], strict=True)}
    banners = (
        matching.banners(campaign.id, campaign.currency, now)
        if campaign.status == CampaignStatus.LIVE
        else []
    )
    total = totals["raised"] + totals["matched"]
    return {
        "campaign": campaign,
        "totals": totals,
        "percent": min(100, total * 100 // campaign.goal_amount),
        "days_left": max(0, (campaign.ends_at - now).days)
        if campaign.status == CampaignStatus.LIVE
        else None,
        "open": campaign.status == CampaignStatus.LIVE and campaign.starts_at <= now < campaign.ends_at,
        **_page_lists(campaign.id, locale),
        "banners": banners,
        "destination": lab_destination(campaign.id, current_locale()),
        "badge": cohort_queries.programme_badge(campaign.owner_id),
        "rates": rates.latest_rates() if campaign.currency == "KGS" else [],
        "sees_backer_updates": sees_backer_updates(campaign, actor),
        "extras": page_extras.build(extras, campaign, totals, row[1 + len(TOTALS) :]),
    }


def _page_lists(campaign_id, locale):
    """The page's tiers, and its latest updates, comments and backers (each list limited);
    tiers and updates come with their translation into ``locale``."""
    tiers = (
        db.session.scalars(
            db.select(RewardTier)
            .where(RewardTier.campaign_id == campaign_id)
            .options(sa.orm.joinedload(RewardTier.pickup_lab), tier_translation(locale))
            .order_by(RewardTier.min_amount, RewardTier.id)
        )
        .unique()
        .all()
    )
    updates = latest_updates(campaign_id, locale)
    comments = latest_comments(campaign_id)
    backers = db.session.execute(
        db.select(Pledge.backer_name, Pledge.anonymous, Pledge.amount, Pledge.paid_at)
        .where(Pledge.campaign_id == campaign_id, Pledge.status == PledgeStatus.PAID)
        .order_by(Pledge.paid_at.desc(), Pledge.id.desc())
        .limit(BACKERS_ON_PAGE)
    ).all()
    return {"tiers": tiers, "updates": updates, "comments": comments, "backers": backers}


def latest_updates(campaign_id, locale):
    """The visible updates the campaign page lists, newest first, each with its
    translation into ``locale`` (one query)."""
    return (
        db.session.scalars(
            db.select(CampaignUpdate)
            .where(CampaignUpdate.campaign_id == campaign_id, CampaignUpdate.hidden_at.is_(None))
            .options(update_translation(locale))
            .order_by(CampaignUpdate.created_at.desc(), CampaignUpdate.id.desc())
            .limit(UPDATES_ON_PAGE)
        )
        .unique()
        .all()
    )


def latest_comments(campaign_id):
    """The visible comments the campaign page lists (one query)."""
    return db.session.scalars(visible_comments(campaign_id).limit(COMMENTS_ON_PAGE)).all()


TOTALS = ("raised", "backers", "matched", "comments")


def _page_totals():
    """The page's figures as scalar subqueries correlated with the campaign row (``TOTALS`` order)."""
    paid = (Pledge.campaign_id == Campaign.id) & (Pledge.status == PledgeStatus.PAID)
    raised = db.select(sa.func.coalesce(sa.func.sum(Pledge.amount - Pledge.refunded_amount), 0)).where(paid)
    backers = db.select(sa.func.count(Pledge.id)).where(paid)
    matched = db.select(sa.func.coalesce(sa.func.sum(MatchReservation.amount), 0)).where(
        MatchReservation.campaign_id == Campaign.id, MatchReservation.released_at.is_(None)
    )
    comments = db.select(sa.func.count(CampaignComment.id)).where(
        CampaignComment.campaign_id == Campaign.id, CampaignComment.hidden_at.is_(None)
    )
    return [q.correlate(Campaign).scalar_subquery() for q in (raised, backers, matched, comments)]


def list_backers(campaign, page=1, per_page=50):
    """Paid pledges of a public campaign, newest first (names only; amounts)."""
    stmt = (
        db.select(Pledge)
        .where(Pledge.campaign_id == campaign.id, Pledge.status == PledgeStatus.PAID)
        .order_by(Pledge.paid_at.desc(), Pledge.id.desc())
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def list_updates(campaign, page=1, per_page=10, locale="en"):
    """A campaign's visible updates, newest first, with their translation into ``locale``."""
    stmt = (
        db.select(CampaignUpdate)
        .where(CampaignUpdate.campaign_id == campaign.id, CampaignUpdate.hidden_at.is_(None))
        .options(update_translation(locale))
        .order_by(CampaignUpdate.created_at.desc(), CampaignUpdate.id.desc())
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def sees_backer_updates(campaign, actor):
    """May ``actor`` read backers-only updates (a paying backer, the creator, staff)?"""
    if not getattr(actor, "is_authenticated", False):
        return False
    return can("campaigns.view_unpublished", campaign, actor) or _is_backer(campaign.id, actor)


SORTS = ("ending", "newest", "near_goal")


def _funded_share():
    """A live campaign's (paid − refunded + matched) / goal, as a correlated SQL expression."""
    raised = (
        db.select(sa.func.coalesce(sa.func.sum(Pledge.amount - Pledge.refunded_amount), 0))
        .where(Pledge.campaign_id == Campaign.id, Pledge.status == PledgeStatus.PAID)
        .correlate(Campaign)
        .scalar_subquery()
    )
    matched = (
        db.select(sa.func.coalesce(sa.func.sum(MatchReservation.amount), 0))
        .where(MatchReservation.campaign_id == Campaign.id, MatchReservation.released_at.is_(None))
        .correlate(Campaign)
        .scalar_subquery()
    )
    return sa.cast(raised + matched, sa.Float) / Campaign.goal_amount


def list_live(region=None, creative_domain=None, page=1, per_page=12, sort="ending", locale="en"):
    """Live campaigns, filtered and sorted (``SORTS``: ending soonest first, newest,
    nearest their goal), with their translation into ``locale``; returns ``(pagination, totals)``."""
    order = {
        "ending": (Campaign.ends_at, Campaign.id),
        "newest": (sa.func.coalesce(Campaign.went_live_at, Campaign.starts_at).desc(), Campaign.id.desc()),
        "near_goal": (_funded_share().desc(), Campaign.ends_at, Campaign.id),
    }[sort if sort in SORTS else "ending"]
    stmt = (
        db.select(Campaign)
        .where(Campaign.status == CampaignStatus.LIVE)
        .options(sa.orm.joinedload(Campaign.cover_480), in_language(locale))
        .order_by(*order)
    )
    if region in REGION_CODES:
        stmt = stmt.where(Campaign.region == region)
    if creative_domain in CREATIVE_DOMAIN_CODES:
        stmt = stmt.where(Campaign.creative_domain == creative_domain)
    pagination = db.paginate(stmt, page=page, per_page=per_page, error_out=False)
    return pagination, campaign_totals([c.id for c in pagination.items])


def my_campaigns(actor):
    """The creator's own campaigns, newest first, with their totals."""
    campaigns = db.session.scalars(
        db.select(Campaign).where(Campaign.owner_id == actor.id).order_by(Campaign.created_at.desc())
    ).all()
    return campaigns, campaign_totals([c.id for c in campaigns])


def review_queue(actor, page=1):
    """Campaigns waiting for staff review (oldest first) and the latest others, in ``actor``'s labs."""
    ensure("campaigns.moderate", user=actor)
    in_lab = lab_condition(actor, campaign_lab(Campaign.id))
    waiting = db.session.scalars(
        db.select(Campaign)
        .where(Campaign.status == CampaignStatus.IN_REVIEW, in_lab)
        .order_by(Campaign.submitted_at)
    ).all()
    others = db.paginate(
        db.select(Campaign)
        .where(Campaign.status != CampaignStatus.IN_REVIEW, in_lab)
        .order_by(Campaign.updated_at.desc(), Campaign.id.desc()),
        page=page,
        per_page=30,
        error_out=False,
    )
    return waiting, others


def pledges_for_user(actor, page=1, per_page=20):
    """ "My pledges": the person's pledges, and guest pledges made with her confirmed email."""
    stmt = (
        db.select(Pledge)
        .where(pledges_of(actor))
        .options(sa.orm.joinedload(Pledge.campaign), sa.orm.joinedload(Pledge.tier))
        .order_by(Pledge.created_at.desc(), Pledge.id.desc())
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def campaign_image(slug, file_id, actor=None):
    """A cover image of a campaign ``actor`` may see (public only with photo consent)."""
    campaign = get_campaign(slug, actor)
    if campaign is None or file_id not in (campaign.cover_id, campaign.cover_480_id, campaign.cover_960_id):
        return None, None
    if not campaign.photo_consent and not can("campaigns.view_unpublished", campaign, actor):
        return None, None
    return campaign, db.session.get(StoredFile, file_id)


def campaign_for_manage(slug, actor):
    """The campaign with its tiers, budget and recent audit, for its creator or staff."""
    campaign = db.session.scalar(db.select(Campaign).where(Campaign.slug == slug))
    if campaign is None or not (
        can("campaigns.edit", campaign, actor) or can("campaigns.moderate", campaign, actor)
    ):
        return None
    return campaign
