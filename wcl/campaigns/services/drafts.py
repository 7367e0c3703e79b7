"""Drafts: a campaign-ready participant creates and edits her campaign, its budget and rewards."""

import io
import re
import secrets
import unicodedata
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from PIL import Image

from wcl.accounts.permissions import can, ensure
from wcl.audit.services import record
from wcl.campaigns.errors import CampaignError
from wcl.campaigns.markup import render_markdown
from wcl.campaigns.models import (
    BudgetLine,
    Campaign,
    CampaignTranslation,
    Delivery,
    FundingModel,
    RewardTier,
    RewardTierTranslation,
)
from wcl.campaigns.pledging import max_amount
from wcl.campaigns.services._common import MAX_STORY_CHARS, _get, _refuse, _too_long
from wcl.cohorts.services import is_campaign_ready
from wcl.extensions import db
from wcl.files.services import (
    IMAGE_TYPES,
    UploadError,
    delete_stored,
    read_bytes,
    resized_variant,
    save_upload,
    store_bytes,
)
from wcl.money import CURRENCIES
from wcl.reference import CREATIVE_DOMAIN_CODES, REGION_CODES
from wcl.text import CYRILLIC_TO_LATIN, LANGUAGES, save_translations, typed_translations
from wcl.time import utcnow

COVER_WIDTHS = (480, 960)


MAX_DURATION_DAYS = 90


MAX_TIERS = 40


MAX_BUDGET_LINES = 30


# A slug breaks words at the hard and soft signs, and spells ё as e.
_CYRILLIC = {**CYRILLIC_TO_LATIN, "ё": "e", "ъ": "-", "ь": "-"}


def slugify(text):
    """A URL-safe slug from a title in Kyrgyz, Russian or English."""
    text = "".join(_CYRILLIC.get(ch, ch) for ch in (text or "").lower()).replace("-", " ")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60].strip("-") or "campaign"


# Paths under /campaigns/ that a slug must not shadow.
RESERVED_SLUGS = {"new", "mine", "review", "my-pledges", "matching", "rates", "lab"}


def _unique_slug(title):
    base = slugify(title)
    taken = base in RESERVED_SLUGS or db.session.scalar(db.select(Campaign.id).where(Campaign.slug == base))
    return f"{base}-{secrets.token_hex(3)}" if taken else base


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
    language = data.get("language") or "en"
    if language not in LANGUAGES:
        raise CampaignError(_l("Choose one of the answers."), "language")
    return {
        "language": language,
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


def _clean_translations(data, language):
    """``{locale: fields}`` of the translations typed (not the original language's);
    ``None`` for a language left empty (its translation is removed)."""
    limits = {"title": (120, True), "summary": (300, True), "story": (MAX_STORY_CHARS, False)}
    cleaned = typed_translations(data.get("translations"), language, limits, _too_long)
    for fields in cleaned.values():
        if fields is not None:
            story = fields.pop("story")
            fields.update(story_md=story, story_html=render_markdown(story))
    return cleaned


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


def may_create_campaign(actor):
    """Participants who are campaign-ready (graduated or signed off) may start a campaign."""
    return can("campaigns.create", user=actor) and is_campaign_ready(actor.id)


def create_campaign(actor, data, cover=None, now=None):
    """Create a draft owned by ``actor`` (a campaign-ready participant)."""
    ensure("campaigns.create", user=actor)
    if not is_campaign_ready(actor.id):
        raise CampaignError(
            _l(
                "You can start a campaign once your mentor signs you off as campaign-ready, or after you graduate."
            )
        )
    campaign = _save_draft(actor, None, data, cover, now)
    record("campaign.created", campaign, actor=actor)
    db.session.commit()
    return campaign


def _save_draft(actor, campaign, data, cover, now):
    """Write the checked fields (and a new cover) onto ``campaign``, or create it when
    ``None``; a refusal rolls everything back (flushes only)."""
    try:
        fields = _clean_fields(data, now or utcnow())
        translations = _clean_translations(data, fields["language"])
        if campaign is None:
            campaign = Campaign(owner_id=actor.id, slug=_unique_slug(fields["title"]), **fields)
            db.session.add(campaign)
            db.session.flush()
        else:
            for name, value in fields.items():
                setattr(campaign, name, value)
        save_translations(campaign.translations, translations, lambda code: CampaignTranslation(locale=code))
        db.session.flush()
        if cover is not None and getattr(cover, "filename", ""):
            _save_cover(campaign, cover, actor)
    except UploadError as exc:
        _refuse(exc.message, "cover")
    except CampaignError:
        db.session.rollback()
        raise
    return campaign


def _editable_draft(actor, campaign_id):
    """The campaign, locked, when ``actor`` may edit it and it is still a draft; else refused."""
    campaign = _get(campaign_id, lock=True)
    ensure("campaigns.edit", campaign, user=actor)
    if not campaign.is_editable:
        _refuse(_l("Only a draft can be changed. Ask staff to return the campaign to you first."))
    return campaign


def _add_part(actor, campaign, part, action, key):
    """Save a new budget line or reward tier of a draft, audited under ``action``."""
    db.session.add(part)
    db.session.flush()
    record(action, campaign, actor=actor, **{key: part.id})
    db.session.commit()
    return part


def _remove_part(actor, model, part_id, missing, action, key):
    """Delete one budget line or reward tier of an editable draft, audited under ``action``."""
    part = db.session.get(model, part_id)
    if part is None:
        raise CampaignError(missing)
    campaign = _editable_draft(actor, part.campaign_id)
    db.session.delete(part)
    record(action, campaign, actor=actor, **{key: part_id})
    db.session.commit()


def update_campaign(actor, campaign_id, data, cover=None, now=None):
    """Save changes to a draft (only the owner; only while it is a draft)."""
    campaign = _save_draft(actor, _editable_draft(actor, campaign_id), data, cover, now)
    record("campaign.updated", campaign, actor=actor)
    db.session.commit()
    return campaign


def add_budget_line(actor, campaign_id, description, amount):
    """Add a line saying what part of the money buys."""
    campaign = _editable_draft(actor, campaign_id)
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
    return _add_part(actor, campaign, line, "campaign.budget_line_added", "line_id")


def remove_budget_line(actor, line_id):
    """Remove a budget line from a draft."""
    _remove_part(
        actor, BudgetLine, line_id, _l("This line does not exist."), "campaign.budget_line_removed", "line_id"
    )


def add_tier(actor, campaign_id, data):
    """Add a reward tier to a draft, with its title and description in other languages
    (``data["translations"]``: ``{locale: {"title", "description"}}``, each optional)."""
    campaign = _editable_draft(actor, campaign_id)
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
    limits = {"title": (120, True), "description": (2000, False)}
    translations = typed_translations(data.get("translations"), campaign.language, limits, _too_long)
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
    save_translations(tier.translations, translations, lambda code: RewardTierTranslation(locale=code))
    return _add_part(actor, campaign, tier, "campaign.tier_added", "tier_id")


def remove_tier(actor, tier_id):
    """Remove a reward tier from a draft (a draft has no pledges)."""
    _remove_part(
        actor, RewardTier, tier_id, _l("This reward does not exist."), "campaign.tier_removed", "tier_id"
    )
