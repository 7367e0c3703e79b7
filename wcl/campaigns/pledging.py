"""Building a pledge: shared by online pledges (campaigns) and offline records (payments).

``new_pledge`` checks everything a backer or coordinator typed, takes a unit of
the tier's stock and adds the pending pledge. It only flushes; on a refusal
it raises ``PledgeError`` and the calling service rolls back, so bad input
changes nothing.
"""

import secrets

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l

from wcl.campaigns import stock
from wcl.campaigns.errors import PledgeError  # noqa: F401  (services.PledgeError is the public name)
from wcl.campaigns.models import Campaign, CampaignStatus, Pledge, PledgeStatus, RewardTier
from wcl.extensions import db
from wcl.money import CURRENCIES, MAX_AMOUNT_MAJOR, exponent
from wcl.time import utcnow

GENDERS = ("woman", "man", "another", "prefer_not")


def max_amount(currency):
    """The largest single pledge accepted, in minor units."""
    return int(MAX_AMOUNT_MAJOR.scaleb(exponent(currency)))


def check_open(campaign, now=None):
    """Raise unless the campaign takes pledges right now."""
    now = now or utcnow()
    if (
        campaign is None
        or campaign.status != CampaignStatus.LIVE
        or not (campaign.starts_at <= now < campaign.ends_at)
    ):
        raise PledgeError(_l("This campaign is not taking pledges."))


def _check_amount(amount, currency, campaign):
    if currency not in CURRENCIES or currency != campaign.currency:
        raise PledgeError(
            _l("This campaign takes pledges in %(currency)s only.", currency=campaign.currency), "currency"
        )
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise PledgeError(_l("The amount must be more than zero."), "amount")
    if amount > max_amount(currency):
        raise PledgeError(_l("This amount is too large."), "amount")


def _check_backer(backer, name, email, require_email):
    if backer is not None:
        return backer.public_name, backer.email
    name = " ".join((name or "").split())
    if not name:
        raise PledgeError(_l("Please tell us your name."), "name")
    if len(name) > 120:
        raise PledgeError(_l("The name is too long."), "name")
    email = (email or "").strip()
    if not email and not require_email:
        return name, None
    try:
        email = validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise PledgeError(_l("Enter a valid email address, like name@example.com."), "email") from None
    return name, email


def new_pledge(
    campaign_id,
    *,
    amount,
    currency,
    provider,
    tier_id=None,
    backer=None,
    name=None,
    email=None,
    anonymous=False,
    gender=None,
    locale=None,
    require_email=True,
    now=None,
):
    """Validate and add a pending pledge holding a unit of its tier (flushes)."""
    campaign = db.session.get(Campaign, campaign_id)
    check_open(campaign, now)
    _check_amount(amount, currency, campaign)
    backer_name, backer_email = _check_backer(backer, name, email, require_email)
    if gender not in (None, "") and gender not in GENDERS:
        raise PledgeError(_l("Choose one of the answers."), "gender")
    languages = current_app.config["LANGUAGES"]
    locale = locale if locale in languages else current_app.config["BABEL_DEFAULT_LOCALE"]

    tier = None
    if tier_id is not None:
        tier = db.session.get(RewardTier, tier_id)
        if tier is None or tier.campaign_id != campaign.id:
            raise PledgeError(_l("Choose one of this campaign's rewards."), "tier")
        if amount < tier.min_amount:
            raise PledgeError(_l("This reward needs a pledge of at least the amount shown."), "amount")
        # The database decides who gets the last unit (a conditional UPDATE).
        if not stock.hold_unit(tier.id):
            raise PledgeError(
                _l("Sorry, this reward is sold out. Choose another or give without a reward."), "tier"
            )

    pledge = Pledge(
        campaign_id=campaign.id,
        tier_id=tier.id if tier else None,
        backer_id=getattr(backer, "id", None),
        backer_name=backer_name,
        backer_email=backer_email,
        anonymous=bool(anonymous),
        gender=gender or None,
        locale=locale,
        amount=amount,
        currency=currency,
        status=PledgeStatus.PENDING,
        holds_stock=tier is not None,
        provider=provider,
        token=secrets.token_urlsafe(24),
    )
    db.session.add(pledge)
    db.session.flush()
    return pledge
