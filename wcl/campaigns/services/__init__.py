"""Campaign services: each public function is one unit of work and commits once.

Lifecycle: draft → in_review → (approved) scheduled | live → succeeded | failed,
or back to draft with staff comments, or cancelled by staff. ``advance_campaign``
(run by a periodic job) moves campaigns live at their start and ends them at
their deadline; an all-or-nothing campaign below its goal fails and asks the
payments side to refund every paid pledge.

Read functions for pages aggregate in SQL and issue a fixed number of queries
whatever the number of pledges, tiers or reservations.
"""

import io
import re
import secrets
import unicodedata
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from PIL import Image

from wcl.accounts.permissions import can, ensure
from wcl.audit.services import record
from wcl.campaigns import matching
from wcl.campaigns.errors import CampaignError  # noqa: F401  (services.CampaignError is the public name)
from wcl.campaigns.markup import render_markdown
from wcl.campaigns.models import (
    MAX_COMMENT_CHARS,
    BudgetLine,
    Campaign,
    CampaignComment,
    CampaignStatus,
    CampaignUpdate,
    Delivery,
    FundingModel,
    MatchingPool,
    MatchReservation,
    Pledge,
    PledgeStatus,
    RewardTier,
    UpdateVisibility,
)
from wcl.campaigns.pledging import PledgeError, max_amount, new_pledge
from wcl.cohorts.services import is_campaign_ready
from wcl.extensions import db
from wcl.files.models import StoredFile
from wcl.files.services import (
    IMAGE_TYPES,
    UploadError,
    delete_stored,
    read_bytes,
    resized_variant,
    save_upload,
    store_bytes,
)
from wcl.links import absolute_url
from wcl.mail import queue_email
from wcl.money import CURRENCIES
from wcl.payments import services as payments
from wcl.queue import EMAILS, enqueue_after_commit
from wcl.reference import CREATIVE_DOMAIN_CODES, REGION_CODES
from wcl.time import utcnow

COVER_WIDTHS = (480, 960)
MAX_DURATION_DAYS = 90
MAX_STORY_CHARS = 20_000
MAX_TIERS = 40
MAX_BUDGET_LINES = 30
BACKERS_ON_PAGE = 20
UPDATES_ON_PAGE = 5
COMMENTS_ON_PAGE = 10
COMMENTS_PER_PAGE = 30


# --- helpers (flush only) ------------------------------------------------------

_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяңөү",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "-",
            "y",
            "-",
            "e",
            "yu",
            "ya",
            "ng",
            "o",
            "u",
        ],
        strict=True,
    )
)


def slugify(text):
    """A URL-safe slug from a title in Kyrgyz, Russian or English."""
    text = "".join(_CYRILLIC.get(ch, ch) for ch in (text or "").lower()).replace("-", " ")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60].strip("-") or "campaign"


# Paths under /campaigns/ that a slug must not shadow.
RESERVED_SLUGS = {"new", "mine", "review", "my-pledges", "matching"}


def _unique_slug(title):
    base = slugify(title)
    taken = base in RESERVED_SLUGS or db.session.scalar(db.select(Campaign.id).where(Campaign.slug == base))
    return f"{base}-{secrets.token_hex(3)}" if taken else base


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


def _clean_fields(data, now):
    """Check the draft's fields; returns the cleaned values or raises ``CampaignError``."""
    text = {k: " ".join(str(data.get(k) or "").split()) for k in ("title", "summary", "creator_name")}
    for name, limit in (("title", 120), ("summary", 300), ("creator_name", 80)):
        if not text[name]:
            raise CampaignError(_l("This field is required."), name)
        if len(text[name]) > limit:
            raise CampaignError(_l("This is too long (at most %(n)d characters).", n=limit), name)
    story = str(data.get("story") or "")
    if len(story) > MAX_STORY_CHARS:
        raise CampaignError(_l("This is too long (at most %(n)d characters).", n=MAX_STORY_CHARS), "story")
    currency = data.get("currency") or "KGS"
    if currency not in CURRENCIES:
        raise CampaignError(_l("This currency is not accepted."), "currency")
    goal = data.get("goal")
    if not isinstance(goal, int) or isinstance(goal, bool) or goal <= 0:
        raise CampaignError(_l("The amount must be more than zero."), "goal")
    if goal > max_amount(currency):
        raise CampaignError(_l("This amount is too large."), "goal")
    starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
    if starts_at is None or ends_at is None:
        raise CampaignError(_l("This field is required."), "starts_on" if starts_at is None else "ends_on")
    if ends_at <= starts_at:
        raise CampaignError(_l("The campaign must end after it starts."), "ends_on")
    if ends_at - starts_at > timedelta(days=MAX_DURATION_DAYS):
        raise CampaignError(_l("A campaign can last at most %(n)d days.", n=MAX_DURATION_DAYS), "ends_on")
    if ends_at <= now:
        raise CampaignError(_l("The end date must be in the future."), "ends_on")
    if data.get("funding_model") not in FundingModel.ALL:
        raise CampaignError(_l("Choose one of the answers."), "funding_model")
    if data.get("region") not in REGION_CODES:
        raise CampaignError(_l("Choose one of the answers."), "region")
    if data.get("creative_domain") not in CREATIVE_DOMAIN_CODES:
        raise CampaignError(_l("Choose one of the answers."), "creative_domain")
    return {
        **text,
        "story_md": story,
        "story_html": render_markdown(story),
        "currency": currency,
        "goal_amount": goal,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "funding_model": data["funding_model"],
        "region": data["region"],
        "creative_domain": data["creative_domain"],
        "photo_consent": bool(data.get("photo_consent")),
    }


def _image_size(data):
    with Image.open(io.BytesIO(data)) as image:
        return image.size


def _save_cover(campaign, file_storage, actor):
    """Store the cleaned cover and its resized copies (for srcset)."""
    stored = save_upload(file_storage, allowed=IMAGE_TYPES, uploaded_by=actor)
    original = read_bytes(stored)
    variants = {}
    for width in COVER_WIDTHS:
        data = resized_variant(original, width)
        w, h = _image_size(data)
        variants[width] = store_bytes(data, "image/jpeg", f"cover-{width}.jpg", actor, w, h)
    old = [f for f in (campaign.cover, campaign.cover_480, campaign.cover_960) if f is not None]
    campaign.cover_id = stored.id
    campaign.cover_480_id = variants[480].id
    campaign.cover_960_id = variants[960].id
    db.session.flush()
    for replaced in old:  # a new cover replaces the old files, on disk too
        delete_stored(replaced)


# --- drafts ------------------------------------------------------------------------


def may_create_campaign(user):
    """Participants who are campaign-ready (graduated or signed off) may start a campaign."""
    return can("campaigns.create", user=user) and is_campaign_ready(user.id)


def create_campaign(actor, data, cover=None, now=None):
    """Create a draft owned by ``actor`` (a campaign-ready participant)."""
    ensure("campaigns.create", user=actor)
    if not is_campaign_ready(actor.id):
        raise CampaignError(
            _l(
                "You can start a campaign once your mentor signs you off as campaign-ready, or after you graduate."
            )
        )
    try:
        fields = _clean_fields(data, now or utcnow())
        campaign = Campaign(owner_id=actor.id, slug=_unique_slug(fields["title"]), **fields)
        db.session.add(campaign)
        db.session.flush()
        if cover is not None and getattr(cover, "filename", ""):
            _save_cover(campaign, cover, actor)
    except UploadError as exc:
        _refuse(exc.message, "cover")
    except CampaignError:
        db.session.rollback()
        raise
    record("campaign.created", campaign, actor=actor)
    db.session.commit()
    return campaign


def update_campaign(actor, campaign_id, data, cover=None, now=None):
    """Save changes to a draft (only the owner; only while it is a draft)."""
    campaign = _get(campaign_id, lock=True)
    ensure("campaigns.edit", campaign, user=actor)
    if not campaign.is_editable:
        _refuse(_l("Only a draft can be changed. Ask staff to return the campaign to you first."))
    try:
        fields = _clean_fields(data, now or utcnow())
        for name, value in fields.items():
            setattr(campaign, name, value)
        if cover is not None and getattr(cover, "filename", ""):
            _save_cover(campaign, cover, actor)
    except UploadError as exc:
        _refuse(exc.message, "cover")
    except CampaignError:
        db.session.rollback()
        raise
    record("campaign.updated", campaign, actor=actor)
    db.session.commit()
    return campaign


def add_budget_line(actor, campaign_id, description, amount):
    """Add a line saying what part of the money buys."""
    campaign = _get(campaign_id, lock=True)
    ensure("campaigns.edit", campaign, user=actor)
    if not campaign.is_editable:
        _refuse(_l("Only a draft can be changed. Ask staff to return the campaign to you first."))
    description = " ".join((description or "").split())
    if not description or len(description) > 200:
        _refuse(_l("Describe what this buys (at most 200 characters)."), "description")
    if not isinstance(amount, int) or amount <= 0 or amount > max_amount(campaign.currency):
        _refuse(_l("The amount must be more than zero."), "amount")
    if len(campaign.budget_lines) >= MAX_BUDGET_LINES:
        _refuse(_l("A budget can have at most %(n)d lines.", n=MAX_BUDGET_LINES))
    line = BudgetLine(
        campaign=campaign, description=description, amount=amount, position=len(campaign.budget_lines)
    )
    db.session.add(line)
    db.session.flush()
    record("campaign.budget_line_added", campaign, actor=actor, line_id=line.id)
    db.session.commit()
    return line


def remove_budget_line(actor, line_id):
    """Remove a budget line from a draft."""
    line = db.session.get(BudgetLine, line_id)
    if line is None:
        raise CampaignError(_l("This line does not exist."))
    campaign = _get(line.campaign_id, lock=True)
    ensure("campaigns.edit", campaign, user=actor)
    if not campaign.is_editable:
        _refuse(_l("Only a draft can be changed. Ask staff to return the campaign to you first."))
    db.session.delete(line)
    record("campaign.budget_line_removed", campaign, actor=actor, line_id=line_id)
    db.session.commit()


def add_tier(actor, campaign_id, data):
    """Add a reward tier to a draft."""
    campaign = _get(campaign_id, lock=True)
    ensure("campaigns.edit", campaign, user=actor)
    if not campaign.is_editable:
        _refuse(_l("Only a draft can be changed. Ask staff to return the campaign to you first."))
    title = " ".join(str(data.get("title") or "").split())
    if not title or len(title) > 120:
        _refuse(_l("Give the reward a short name (at most 120 characters)."), "title")
    description = str(data.get("description") or "").strip()
    if len(description) > 2000:
        _refuse(_l("This is too long (at most %(n)d characters).", n=2000), "description")
    amount = data.get("min_amount")
    if not isinstance(amount, int) or amount <= 0 or amount > max_amount(campaign.currency):
        _refuse(_l("The amount must be more than zero."), "min_amount")
    quantity = data.get("quantity")
    if quantity is not None and (not isinstance(quantity, int) or not 0 < quantity <= 100_000):
        _refuse(_l("Enter how many there are (1 to 100000), or leave it empty for no limit."), "quantity")
    if data.get("delivery") not in Delivery.ALL:
        _refuse(_l("Choose one of the answers."), "delivery")
    if len(campaign.tiers) >= MAX_TIERS:
        _refuse(_l("A campaign can have at most %(n)d rewards.", n=MAX_TIERS))
    tier = RewardTier(
        campaign=campaign,
        title=title,
        description=description,
        min_amount=amount,
        quantity=quantity,
        estimated_delivery=data.get("estimated_delivery"),
        delivery=data["delivery"],
        pickup_lab_id=data.get("pickup_lab_id") or None,
    )
    db.session.add(tier)
    db.session.flush()
    record("campaign.tier_added", campaign, actor=actor, tier_id=tier.id)
    db.session.commit()
    return tier


def remove_tier(actor, tier_id):
    """Remove a reward tier from a draft (a draft has no pledges)."""
    tier = db.session.get(RewardTier, tier_id)
    if tier is None:
        raise CampaignError(_l("This reward does not exist."))
    campaign = _get(tier.campaign_id, lock=True)
    ensure("campaigns.edit", campaign, user=actor)
    if not campaign.is_editable:
        _refuse(_l("Only a draft can be changed. Ask staff to return the campaign to you first."))
    db.session.delete(tier)
    record("campaign.tier_removed", campaign, actor=actor, tier_id=tier_id)
    db.session.commit()


# --- review and lifecycle ------------------------------------------------------------


def submit_campaign(actor, campaign_id, now=None):
    """The creator sends her draft to staff for review."""
    campaign = _get(campaign_id, lock=True)
    ensure("campaigns.edit", campaign, user=actor)
    if campaign.status != CampaignStatus.DRAFT:
        _refuse(_l("This campaign has already been sent for review."))
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
    campaign.approved_at = now
    campaign.approved_by_id = actor.id
    if campaign.starts_at <= now:
        campaign.status = CampaignStatus.LIVE
        campaign.went_live_at = now
    else:
        campaign.status = CampaignStatus.SCHEDULED
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
        payments.request_refunds_for_campaign(campaign.id)
    _notify_owner(campaign, "campaigns/cancelled", comment=reason)
    db.session.commit()
    return campaign


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
    campaign = db.session.scalar(
        db.select(Campaign)
        .where(Campaign.id == campaign_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
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
            payments.request_refunds_for_campaign(campaign.id)
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


# --- pledges -------------------------------------------------------------------------


def create_pledge(
    campaign_id,
    *,
    amount,
    currency,
    backer=None,
    tier_id=None,
    name=None,
    email=None,
    anonymous=False,
    gender=None,
    locale=None,
):
    """A backer (signed in, or a guest with name and email) pledges; returns ``(pledge, url)``.

    The pledge is created ``pending``, holding a unit of its tier, and handed
    to the online provider; ``url`` is where to send the backer to pay. Only
    the provider's confirmation marks it paid.
    """
    try:
        provider = payments.online_provider_name()
        pledge = new_pledge(
            campaign_id,
            amount=amount,
            currency=currency,
            provider=provider,
            tier_id=tier_id,
            backer=backer if getattr(backer, "is_authenticated", False) else None,
            name=name,
            email=email,
            anonymous=anonymous,
            gender=gender,
            locale=locale,
        )
    except PledgeError:
        db.session.rollback()
        raise
    record("pledge.created", pledge, actor=pledge.backer_id, amount=amount, tier_id=tier_id)
    url = payments.begin_checkout(pledge)
    db.session.commit()
    return pledge, url


# --- updates -------------------------------------------------------------------------


def post_update(actor, campaign_id, title, body, visibility):
    """The creator posts news; backers get it by email (a job)."""
    campaign = _get(campaign_id)
    ensure("campaigns.post_update", campaign, user=actor)
    if campaign.status not in CampaignStatus.PUBLIC:
        _refuse(_l("Updates can be posted once the campaign is live."))
    title = " ".join((title or "").split())
    if not title or len(title) > 120:
        _refuse(_l("Give the update a title (at most 120 characters)."), "title")
    body = (body or "").strip()
    if not body or len(body) > MAX_STORY_CHARS:
        _refuse(_l("Write the update (at most %(n)d characters).", n=MAX_STORY_CHARS), "body")
    if visibility not in UpdateVisibility.ALL:
        _refuse(_l("Choose one of the answers."), "visibility")
    update = CampaignUpdate(
        campaign_id=campaign.id,
        author_id=actor.id,
        title=title,
        body_md=body,
        body_html=render_markdown(body),
        visibility=visibility,
    )
    db.session.add(update)
    db.session.flush()
    record("campaign.update_posted", campaign, actor=actor, update_id=update.id)
    enqueue_after_commit("wcl.campaigns.jobs.email_update", update.id, queue=EMAILS, job_timeout=600)
    db.session.commit()
    return update


def _moderation_reason(reason, message):
    """The reason staff give for hiding something, on one line; refused with
    ``message`` when empty or longer than 300 characters (the column's size)."""
    reason = " ".join((reason or "").split())
    if not reason or len(reason) > 300:
        _refuse(message, "reason")
    return reason


def hide_update(actor, update_id, reason, slug=None):
    """Staff hide an update from the page (kept, with who hid it and why).

    With ``slug``, the update must belong to that campaign.
    """
    update = db.session.get(CampaignUpdate, update_id)
    if update is None or (slug is not None and update.campaign.slug != slug):
        raise CampaignError(_l("This update does not exist."))
    ensure("campaigns.moderate", update.campaign, user=actor)
    reason = _moderation_reason(reason, _l("Say why the update is hidden (at most 300 characters)."))
    if update.hidden_at is not None:
        db.session.rollback()
        return update
    update.hidden_at = utcnow()
    update.hidden_by_id = actor.id
    update.hidden_reason = reason
    record("campaign.update_hidden", update.campaign, actor=actor, update_id=update.id)
    db.session.commit()
    return update


def email_update(update_id):
    """Email an update to each backer once, in the language of her pledge (the job's work)."""
    update = db.session.scalar(
        db.select(CampaignUpdate)
        .where(CampaignUpdate.id == update_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if update is None or update.emailed_at is not None or update.hidden_at is not None:
        db.session.rollback()
        return 0
    campaign = db.session.get(Campaign, update.campaign_id)
    rows = db.session.execute(
        db.select(Pledge.backer_email, Pledge.backer_name, Pledge.locale)
        .where(
            Pledge.campaign_id == update.campaign_id,
            Pledge.status == PledgeStatus.PAID,
            Pledge.backer_email.is_not(None),
        )
        .order_by(Pledge.id.desc())
    ).all()
    seen = set()
    link = absolute_url("campaigns.show", slug=campaign.slug)
    for email, name, locale in rows:
        if email in seen:
            continue  # one email per backer, in the language of her latest pledge
        seen.add(email)
        queue_email(
            email,
            "campaigns/update",
            locale,
            name=name,
            title=campaign.title,
            update_title=update.title,
            body=update.body_md,
            link=link,
        )
    update.emailed_at = utcnow()
    record("campaign.update_emailed", campaign, update_id=update.id, recipients=len(seen))
    db.session.commit()
    return len(seen)


# --- comments ------------------------------------------------------------------------

# Control characters other than tab and newline (PostgreSQL refuses NUL in text).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_comment(body):
    """Plain text as stored: newlines normalised, control characters dropped, at most
    one blank line in a row, stripped. Never HTML: pages escape it."""
    text = str(body or "").replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def post_comment(actor, campaign_id, body):
    """A signed-in person with a confirmed email comments on a public campaign.

    The creator is told by email, in her language (not when she comments herself);
    the email names the commenter as others see her, never her email address.
    """
    campaign = _get(campaign_id)
    if not getattr(actor, "is_authenticated", False):
        _refuse(_l("Sign in to comment."))
    if actor.email_verified_at is None:
        _refuse(_l("Confirm your email address before you comment: open the link we sent you."))
    if not campaign.is_public:
        _refuse(_l("Comments open when the campaign is published."))
    body = clean_comment(body)
    if not body:
        _refuse(_l("Write your comment first."), "body")
    if len(body) > MAX_COMMENT_CHARS:
        _refuse(_l("This is too long (at most %(n)d characters).", n=MAX_COMMENT_CHARS), "body")
    ensure("campaigns.comment", campaign, user=actor)
    comment = CampaignComment(campaign_id=campaign.id, author_id=actor.id, body=body)
    db.session.add(comment)
    db.session.flush()
    record("campaign.comment_posted", campaign, actor=actor, comment_id=comment.id)
    if campaign.owner_id != actor.id:
        owner = campaign.owner
        queue_email(
            owner.email,
            "campaigns/comment",
            owner.locale,
            name=owner.public_name,
            title=campaign.title,
            author=actor.public_name,
            body=body,
            link=absolute_url("campaigns.show", slug=campaign.slug) + "#comments",
        )
    db.session.commit()
    return comment


def _comment(comment_id, slug=None):
    comment = db.session.get(CampaignComment, comment_id)
    # A comment reached through another campaign's address does not exist there.
    if comment is None or (slug is not None and comment.campaign.slug != slug):
        raise CampaignError(_l("This comment does not exist."))
    return comment


def hide_comment(actor, comment_id, reason, slug=None):
    """Staff hide a comment from every page (kept, with who hid it and why).

    With ``slug``, the comment must belong to that campaign.
    """
    comment = _comment(comment_id, slug)
    ensure("campaigns.moderate", comment.campaign, user=actor)
    reason = _moderation_reason(reason, _l("Say why the comment is hidden (at most 300 characters)."))
    if comment.hidden_at is not None:
        db.session.rollback()
        return comment
    comment.hidden_at = utcnow()
    comment.hidden_by_id = actor.id
    comment.hidden_reason = reason
    record("campaign.comment_hidden", comment.campaign, actor=actor, comment_id=comment.id)
    db.session.commit()
    return comment


def delete_comment(actor, comment_id, slug=None):
    """The author takes her own comment down (hidden like a moderated one; audited).

    With ``slug``, the comment must belong to that campaign.
    """
    comment = _comment(comment_id, slug)
    ensure("campaigns.delete_comment", comment, user=actor)
    if comment.hidden_at is not None:
        db.session.rollback()
        return comment
    comment.hidden_at = utcnow()
    comment.hidden_by_id = actor.id
    record("campaign.comment_deleted", comment.campaign, actor=actor, comment_id=comment.id)
    db.session.commit()
    return comment


def _visible_comments(campaign_id):
    return (
        db.select(CampaignComment)
        .where(CampaignComment.campaign_id == campaign_id, CampaignComment.hidden_at.is_(None))
        .order_by(CampaignComment.created_at.desc(), CampaignComment.id.desc())
    )


def list_comments(campaign, page=1, per_page=COMMENTS_PER_PAGE):
    """A campaign's visible comments, newest first, with their authors' public names."""
    return db.paginate(_visible_comments(campaign.id), page=page, per_page=per_page, error_out=False)


# --- matching pools ------------------------------------------------------------------


def save_pool(actor, data, pool_id=None):
    """Create or edit a matching pool (staff)."""
    ensure("matching.manage", user=actor)
    pool = db.session.get(MatchingPool, pool_id) if pool_id else MatchingPool(created_by_id=actor.id)
    if pool is None:
        raise CampaignError(_l("This matching pool does not exist."))
    sponsor = " ".join(str(data.get("sponsor_name") or "").split())
    if not sponsor or len(sponsor) > 120:
        _refuse(_l("This field is required."), "sponsor_name")
    currency = data.get("currency")
    if currency not in CURRENCIES:
        _refuse(_l("This currency is not accepted."), "currency")
    if pool_id and currency != pool.currency and pool.reserved:
        _refuse(_l("The currency cannot change once matches are reserved."), "currency")
    budget = data.get("budget")
    if not isinstance(budget, int) or budget <= 0 or budget > max_amount(currency):
        _refuse(_l("The amount must be more than zero."), "budget")
    if budget < (pool.reserved or 0):
        _refuse(_l("The budget cannot be less than what is already reserved."), "budget")
    for name in ("ratio_num", "ratio_den"):
        value = data.get(name)
        if not isinstance(value, int) or not 1 <= value <= 100:
            _refuse(_l("Enter a whole number from 1 to 100."), name)
    for name in ("cap_per_pledge", "cap_per_campaign"):
        value = data.get(name)
        if value is not None and (not isinstance(value, int) or value <= 0):
            _refuse(_l("The amount must be more than zero."), name)
    if not data.get("starts_at") or not data.get("ends_at") or data["ends_at"] <= data["starts_at"]:
        _refuse(_l("The pool must end after it starts."), "ends_on")
    campaigns = db.session.scalars(
        db.select(Campaign).where(Campaign.id.in_(data.get("campaign_ids") or []))
    ).all()
    pool.sponsor_name = sponsor
    pool.currency = currency
    pool.budget = budget
    pool.ratio_num, pool.ratio_den = data["ratio_num"], data["ratio_den"]
    pool.cap_per_pledge, pool.cap_per_campaign = data.get("cap_per_pledge"), data.get("cap_per_campaign")
    pool.starts_at, pool.ends_at = data["starts_at"], data["ends_at"]
    pool.active = bool(data.get("active", True))
    pool.campaigns = list(campaigns)
    db.session.add(pool)
    db.session.flush()
    record("matching_pool.saved", pool, actor=actor, campaigns=[c.id for c in campaigns], budget=budget)
    db.session.commit()
    return pool


def list_pools(actor):
    """Every matching pool with what it has reserved (staff)."""
    ensure("matching.manage", user=actor)
    return db.session.scalars(
        db.select(MatchingPool)
        .options(sa.orm.selectinload(MatchingPool.campaigns))
        .order_by(MatchingPool.starts_at.desc(), MatchingPool.id.desc())
    ).all()


def pool_choices():
    """Campaigns a pool may match: not ended or cancelled, by title."""
    return db.session.execute(
        db.select(Campaign.id, Campaign.title)
        .where(Campaign.status.not_in(CampaignStatus.ENDED))
        .order_by(Campaign.title)
    ).all()


# --- reading -------------------------------------------------------------------------


def campaign_totals(campaign_ids):
    """``{id: {"raised", "backers", "matched"}}`` — two grouped queries for any number of campaigns.

    ``raised`` is backers' money (paid pledges, less partial refunds);
    ``matched`` is what sponsors reserved, shown separately.
    """
    totals = {cid: {"raised": 0, "backers": 0, "matched": 0} for cid in campaign_ids}
    if not campaign_ids:
        return totals
    for cid, raised, backers in db.session.execute(
        db.select(
            Pledge.campaign_id,
            sa.func.coalesce(sa.func.sum(Pledge.amount - Pledge.refunded_amount), 0),
            sa.func.count(Pledge.id),
        )
        .where(Pledge.campaign_id.in_(campaign_ids), Pledge.status == PledgeStatus.PAID)
        .group_by(Pledge.campaign_id)
    ):
        totals[cid].update(raised=int(raised), backers=backers)
    for cid, matched in db.session.execute(
        db.select(MatchReservation.campaign_id, sa.func.sum(MatchReservation.amount))
        .where(MatchReservation.campaign_id.in_(campaign_ids), MatchReservation.released_at.is_(None))
        .group_by(MatchReservation.campaign_id)
    ):
        totals[cid]["matched"] = int(matched)
    return totals


def _visible(campaign, viewer):
    return campaign is not None and (
        campaign.is_public or can("campaigns.view_unpublished", campaign, viewer)
    )


def get_campaign(slug, viewer=None):
    """The campaign if ``viewer`` may see it (public, or its owner, or staff), else ``None``."""
    campaign = db.session.scalar(db.select(Campaign).where(Campaign.slug == slug))
    return campaign if _visible(campaign, viewer) else None


def pledges_of(user):
    """Which pledges are ``user``'s, as a SQL condition: her own, and guest pledges
    made with the email address she has confirmed, however its letters were cased
    when typed. The one rule for "my pledges", backers-only updates and receipts."""
    mine = Pledge.backer_id == user.id
    if user.email_verified_at is not None and user.email:
        mine = mine | (
            Pledge.backer_id.is_(None) & (sa.func.lower(Pledge.backer_email) == user.email.lower())
        )
    return mine


def _is_backer(campaign_id, viewer):
    """Has ``viewer`` a paid pledge to this campaign (one query)?

    Her own, or one made as a guest with the email address she has confirmed
    (as "my pledges" counts them): update emails go to every paid pledge's
    address, so she reads on the site what she was sent. An unconfirmed
    address proves nothing, so it does not count.
    """
    if not getattr(viewer, "is_authenticated", False):
        return False
    return (
        db.session.scalar(
            db.select(Pledge.id)
            .where(Pledge.campaign_id == campaign_id, Pledge.status == PledgeStatus.PAID, pledges_of(viewer))
            .limit(1)
        )
        is not None
    )


def campaign_page(slug, viewer=None, now=None):
    """Everything the public page shows, in a fixed number of queries; ``None`` if not visible.

    Totals are aggregated in SQL; the backer list, updates and comments are
    limited, so 3 or 3,000 pledges, 2 or 40 tiers and 0 or 500 comments cost the same.
    """
    now = now or utcnow()
    campaign = db.session.scalar(
        db.select(Campaign)
        .where(Campaign.slug == slug)
        .options(sa.orm.joinedload(Campaign.cover_480), sa.orm.joinedload(Campaign.cover_960))
    )
    if not _visible(campaign, viewer):
        return None
    totals = _page_totals(campaign.id)
    tiers = db.session.scalars(
        db.select(RewardTier)
        .where(RewardTier.campaign_id == campaign.id)
        .options(sa.orm.joinedload(RewardTier.pickup_lab))
        .order_by(RewardTier.min_amount, RewardTier.id)
    ).all()
    updates = db.session.scalars(
        db.select(CampaignUpdate)
        .where(CampaignUpdate.campaign_id == campaign.id, CampaignUpdate.hidden_at.is_(None))
        .order_by(CampaignUpdate.created_at.desc(), CampaignUpdate.id.desc())
        .limit(UPDATES_ON_PAGE)
    ).all()
    comments = db.session.scalars(_visible_comments(campaign.id).limit(COMMENTS_ON_PAGE)).all()
    backers = db.session.execute(
        db.select(Pledge.backer_name, Pledge.anonymous, Pledge.amount, Pledge.paid_at)
        .where(Pledge.campaign_id == campaign.id, Pledge.status == PledgeStatus.PAID)
        .order_by(Pledge.paid_at.desc(), Pledge.id.desc())
        .limit(BACKERS_ON_PAGE)
    ).all()
    banners = (
        matching.banners(campaign.id, campaign.currency, now)
        if campaign.status == CampaignStatus.LIVE
        else []
    )
    sees_backer_updates = (
        can("campaigns.view_unpublished", campaign, viewer) or _is_backer(campaign.id, viewer)
        if getattr(viewer, "is_authenticated", False)
        else False
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
        "tiers": tiers,
        "updates": updates,
        "comments": comments,
        "backers": backers,
        "banners": banners,
        "sees_backer_updates": sees_backer_updates,
    }


def _page_totals(campaign_id):
    paid = (Pledge.campaign_id == campaign_id) & (Pledge.status == PledgeStatus.PAID)
    raised = db.select(sa.func.coalesce(sa.func.sum(Pledge.amount - Pledge.refunded_amount), 0)).where(paid)
    backers = db.select(sa.func.count(Pledge.id)).where(paid)
    matched = db.select(sa.func.coalesce(sa.func.sum(MatchReservation.amount), 0)).where(
        MatchReservation.campaign_id == campaign_id, MatchReservation.released_at.is_(None)
    )
    comments = db.select(sa.func.count(CampaignComment.id)).where(
        CampaignComment.campaign_id == campaign_id, CampaignComment.hidden_at.is_(None)
    )
    row = db.session.execute(
        db.select(
            raised.scalar_subquery(),
            backers.scalar_subquery(),
            matched.scalar_subquery(),
            comments.scalar_subquery(),
        )
    ).one()
    return {"raised": int(row[0]), "backers": int(row[1]), "matched": int(row[2]), "comments": int(row[3])}


def list_backers(campaign, page=1, per_page=50):
    """Paid pledges of a public campaign, newest first (names only; amounts)."""
    stmt = (
        db.select(Pledge)
        .where(Pledge.campaign_id == campaign.id, Pledge.status == PledgeStatus.PAID)
        .order_by(Pledge.paid_at.desc(), Pledge.id.desc())
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def list_updates(campaign, page=1, per_page=10):
    """A campaign's visible updates, newest first."""
    stmt = (
        db.select(CampaignUpdate)
        .where(CampaignUpdate.campaign_id == campaign.id, CampaignUpdate.hidden_at.is_(None))
        .order_by(CampaignUpdate.created_at.desc(), CampaignUpdate.id.desc())
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def sees_backer_updates(campaign, viewer):
    """May ``viewer`` read backers-only updates (a paying backer, the creator, staff)?"""
    if not getattr(viewer, "is_authenticated", False):
        return False
    return can("campaigns.view_unpublished", campaign, viewer) or _is_backer(campaign.id, viewer)


def list_live(region=None, creative_domain=None, page=1, per_page=12):
    """Live campaigns (ending soonest first), filtered; returns ``(pagination, totals)``."""
    stmt = (
        db.select(Campaign)
        .where(Campaign.status == CampaignStatus.LIVE)
        .options(sa.orm.joinedload(Campaign.cover_480))
        .order_by(Campaign.ends_at, Campaign.id)
    )
    if region in REGION_CODES:
        stmt = stmt.where(Campaign.region == region)
    if creative_domain in CREATIVE_DOMAIN_CODES:
        stmt = stmt.where(Campaign.creative_domain == creative_domain)
    pagination = db.paginate(stmt, page=page, per_page=per_page, error_out=False)
    return pagination, campaign_totals([c.id for c in pagination.items])


def my_campaigns(user):
    """The creator's own campaigns, newest first, with their totals."""
    campaigns = db.session.scalars(
        db.select(Campaign).where(Campaign.owner_id == user.id).order_by(Campaign.created_at.desc())
    ).all()
    return campaigns, campaign_totals([c.id for c in campaigns])


def review_queue(actor, page=1):
    """Campaigns waiting for staff review (oldest first) and the latest others (staff)."""
    ensure("campaigns.moderate", user=actor)
    waiting = db.session.scalars(
        db.select(Campaign).where(Campaign.status == CampaignStatus.IN_REVIEW).order_by(Campaign.submitted_at)
    ).all()
    others = db.paginate(
        db.select(Campaign)
        .where(Campaign.status != CampaignStatus.IN_REVIEW)
        .order_by(Campaign.updated_at.desc(), Campaign.id.desc()),
        page=page,
        per_page=30,
        error_out=False,
    )
    return waiting, others


def pledges_for_user(user, page=1, per_page=20):
    """ "My pledges": the person's pledges, and guest pledges made with her confirmed email."""
    stmt = (
        db.select(Pledge)
        .where(pledges_of(user))
        .options(sa.orm.joinedload(Pledge.campaign), sa.orm.joinedload(Pledge.tier))
        .order_by(Pledge.created_at.desc(), Pledge.id.desc())
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def campaign_image(slug, file_id, viewer=None):
    """A cover image of a campaign ``viewer`` may see (public only with photo consent)."""
    campaign = get_campaign(slug, viewer)
    if campaign is None or file_id not in (campaign.cover_id, campaign.cover_480_id, campaign.cover_960_id):
        return None, None
    if not campaign.photo_consent and not can("campaigns.view_unpublished", campaign, viewer):
        return None, None
    return campaign, db.session.get(StoredFile, file_id)


def campaign_for_manage(slug, viewer):
    """The campaign with its tiers, budget and recent audit, for its creator or staff."""
    campaign = db.session.scalar(db.select(Campaign).where(Campaign.slug == slug))
    if campaign is None or not (
        can("campaigns.edit", campaign, viewer) or can("campaigns.moderate", campaign, viewer)
    ):
        return None
    return campaign
