"""Checkout: a backer pledges and is sent to the online provider; confirmations mark it paid or closed."""

from flask_babel import lazy_gettext as _l

from wcl.audit.services import record
from wcl.campaigns.models import Campaign, Pledge, PledgeStatus
from wcl.campaigns.pledging import PledgeError, new_pledge
from wcl.extensions import db
from wcl.links import absolute_url
from wcl.mail import queue_email
from wcl.payments.providers import ProviderError, ProviderUnavailable, checkout_provider, get_provider
from wcl.payments.providers.local import CURRENCY, configured
from wcl.payments.services._common import _apply_closed, _apply_paid, _lock_pledge, log
from wcl.payments.services.bank_transfer import bank_transfer_available, transfer_details


def online_provider_name():
    """The provider online pledges use now; raises ``PledgeError`` if none is available."""
    try:
        return checkout_provider().name
    except ProviderUnavailable:
        log.exception("no online payment provider")
        raise PledgeError(
            _l(
                "Online payment is not available at the moment. Please contact the lab to pay in cash or by transfer."
            )
        ) from None


ONLINE = "online"
LOCAL = "local"
BANK_TRANSFER = "bank_transfer"
METHOD_LABELS = {
    ONLINE: _l("Card or online payment"),
    LOCAL: _l("Kyrgyz bank card or e-wallet"),
    BANK_TRANSFER: _l("Bank or QR transfer"),
}


def _local_available(campaign):
    return configured() and campaign.currency == CURRENCY


def payment_methods(campaign):
    """The ways a backer may pay for ``campaign`` now: ``[(method, label)]``, the online checkout first."""
    methods = []
    try:
        checkout_provider()
        methods.append(ONLINE)
    except ProviderUnavailable:
        pass
    if _local_available(campaign):
        methods.append(LOCAL)
    if bank_transfer_available(campaign):
        methods.append(BANK_TRANSFER)
    return [(m, METHOD_LABELS[m]) for m in methods]


def _provider_for(campaign_id, method):
    if method == BANK_TRANSFER:
        campaign = db.session.get(Campaign, campaign_id)
        if campaign is None or BANK_TRANSFER not in dict(payment_methods(campaign)):
            raise PledgeError(_l("Bank transfer is not available for this campaign."), "method")
        return BANK_TRANSFER
    if method == LOCAL:
        campaign = db.session.get(Campaign, campaign_id)
        if campaign is None or not _local_available(campaign):
            raise PledgeError(
                _l("Payment by Kyrgyz card or e-wallet is not available for this campaign."), "method"
            )
        return LOCAL
    return online_provider_name()


def _email_transfer_instructions(pledge):
    """The backer keeps her reference and the account by email: she may pay from her bank app later."""
    details = transfer_details(pledge)
    if not pledge.backer_email or details is None:
        return
    account = details["account"]
    queue_email(
        pledge.backer_email,
        "payments/transfer_instructions",
        pledge.locale,
        name=pledge.backer_name,
        title=pledge.campaign.title,
        amount=pledge.amount,
        currency=pledge.currency,
        reference=pledge.provider_ref,
        recipient=account.recipient_name,
        bank=account.bank_name,
        account=account.account_number,
        bic=account.bic,
        hold_until=details["hold_until"],
        link=absolute_url("payments.pledge_status", token=pledge.token),
    )


def begin_checkout(pledge):
    """Hand a new pending pledge to its provider; returns the URL to send the backer to.

    Part of the caller's unit of work (flushes; the pledge service commits).
    """
    try:
        url = get_provider(pledge.provider).start_checkout(pledge)
    except (ProviderError, ProviderUnavailable):
        # Nothing is kept: the unit goes back to the tier with the rollback.
        db.session.rollback()
        log.exception("checkout could not be started")
        raise PledgeError(
            _l("Online payment is not available at the moment. Please try again in a few minutes.")
        ) from None
    record("pledge.checkout_started", pledge, provider=pledge.provider)
    return url


def create_pledge(
    campaign_id,
    *,
    amount,
    currency,
    actor=None,
    tier_id=None,
    name=None,
    email=None,
    anonymous=False,
    gender=None,
    locale=None,
    method=ONLINE,
):
    """A backer (``actor`` signed in, or a guest with name and email) pledges; returns ``(pledge, url)``.

    The pledge is created ``pending``, holding a unit of its tier, and handed
    to its provider (``method``: the online checkout, or a bank transfer with a
    reference); ``url`` is where to send the backer to pay. Only
    the provider's confirmation marks it paid.
    """
    try:
        provider = _provider_for(campaign_id, method)
        pledge = new_pledge(
            campaign_id,
            amount=amount,
            currency=currency,
            provider=provider,
            tier_id=tier_id,
            backer=actor if getattr(actor, "is_authenticated", False) else None,
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
    url = begin_checkout(pledge)
    if provider == BANK_TRANSFER:
        _email_transfer_instructions(pledge)
    db.session.commit()
    return pledge, url


def mark_pledge_paid(pledge_id, amount, currency, provider_ref=None, actor=None, source="api"):
    """Confirm a payment of ``amount`` for a pending pledge; returns the outcome text.

    Idempotent: a pledge already paid (or closed) is left as it is.
    """
    pledge = _lock_pledge(pledge_id)
    if pledge is None:
        db.session.rollback()
        return "ignored: unknown pledge"
    outcome = _apply_paid(pledge, amount, currency, provider_ref, actor, source)
    db.session.commit()
    return outcome


def mark_pledge_closed(pledge_id, expired=False, actor=None, source="api"):
    """A pending pledge failed (or expired): close it and give its tier unit back."""
    pledge = _lock_pledge(pledge_id)
    if pledge is None:
        db.session.rollback()
        return "ignored: unknown pledge"
    outcome = _apply_closed(pledge, PledgeStatus.EXPIRED if expired else PledgeStatus.FAILED, actor, source)
    db.session.commit()
    return outcome


def pledge_by_token(token):
    """The pledge behind a checkout/status link, or ``None``."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(db.select(Pledge).where(Pledge.token == token))
