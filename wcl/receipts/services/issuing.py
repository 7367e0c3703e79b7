"""Issuing a receipt (numbered once, in the transaction that creates it), voiding and amending it after refunds."""

import secrets

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from wcl.audit.services import record
from wcl.campaigns.models import Campaign, Pledge, PledgeStatus
from wcl.extensions import db
from wcl.locks import lock
from wcl.receipts.errors import ReceiptError
from wcl.receipts.models import Receipt
from wcl.receipts.numbering import next_number
from wcl.receipts.services._common import (
    _enqueue_render,
    _lock_receipt,
    _matched_amount,
    _payment_method,
    receipt_for_pledge_id,
    receipt_year,
)
from wcl.time import utcnow

# Every pledge that was paid has its receipt: one refunded in full (even before its
# receipt was issued) has it voided. The number is taken either way, so the register
# does not depend on whether the refund or the receipt job came first.
ISSUED_FOR = (PledgeStatus.PAID, PledgeStatus.REFUNDED)


def _new_receipt(pledge):
    """The receipt of ``pledge``, numbered now, with what it says copied from the pledge and campaign."""
    campaign = db.session.get(Campaign, pledge.campaign_id)
    locale = pledge.locale if pledge.locale in current_app.config["LANGUAGES"] else "en"
    year = receipt_year(pledge.paid_at)
    return Receipt(
        pledge_id=pledge.id,
        year=year,
        number=next_number(year),
        issued_at=utcnow(),
        paid_at=pledge.paid_at,
        backer_id=pledge.backer_id,
        donor_name=pledge.backer_name,
        donor_email=pledge.backer_email,
        anonymous=pledge.anonymous,
        amount=pledge.amount,
        currency=pledge.currency,
        matched_amount=_matched_amount(pledge.id),
        # A partial refund made before this job ran is already on the receipt.
        refunded_amount=pledge.refunded_amount,
        campaign_id=campaign.id,
        campaign_title=campaign.title,
        creator_name=campaign.creator_name,
        # In the receipt's language when the reward is translated, else as the creator wrote it.
        reward_title=str(pledge.tier.shown("title", locale)) if pledge.tier is not None else None,
        payment_method=_payment_method(pledge),
        locale=locale,
        code=secrets.token_urlsafe(18),
    )


def issue_receipt(pledge_id):
    """Issue the receipt of a paid (or fully refunded) pledge and queue its PDF; returns the ``Receipt``.

    A pledge refunded in full before this ran gets its receipt issued and voided
    in the same transaction: the same end as when the refund comes after.

    Idempotent: a pledge that already has a receipt gets that one back (never a
    second number). The pledge row is locked, so concurrent issuers of the same
    pledge queue behind each other; the number comes from ``next_number`` in
    this same transaction, so a rollback gives the number back (no gaps).
    Raises ``ReceiptError`` for an unknown or unpaid pledge (nothing changes).
    """
    pledge = lock(Pledge, pledge_id)
    existing = receipt_for_pledge_id(pledge_id) if pledge is not None else None
    if existing is not None:
        db.session.rollback()
        return existing
    if pledge is None or pledge.status not in ISSUED_FOR or pledge.paid_at is None:
        db.session.rollback()
        raise ReceiptError(_l("A receipt is only issued for a paid pledge."))
    receipt = _new_receipt(pledge)
    db.session.add(receipt)
    try:
        db.session.flush()
    except IntegrityError:
        # Only reachable if the pledge lock was bypassed; the constraint still holds.
        db.session.rollback()
        return receipt_for_pledge_id(pledge_id)
    record("receipt.issued", receipt, pledge_id=pledge.id, number=receipt.display_number)
    if pledge.status == PledgeStatus.REFUNDED:
        # Refunded in full before this job ran: numbered and voided at once, exactly as
        # if the job had run first and the refund had voided it (the VOID PDF is not emailed).
        _void(receipt, "refunded")
    _enqueue_render(receipt)
    db.session.commit()
    return receipt


def _void(receipt, reason):
    receipt.voided_at = utcnow()
    receipt.void_reason = reason[:200]
    receipt.refunded_amount = receipt.amount
    receipt.needs_render = True
    record("receipt.voided", receipt, pledge_id=receipt.pledge_id, reason=receipt.void_reason)


def void_receipt(pledge_id, reason="refunded"):
    """Void the receipt of a fully refunded pledge and queue the PDF with its VOID mark.

    The number stays taken. Idempotent; a partly refunded (still paid) pledge
    or a pledge without a receipt changes nothing. Returns the receipt or ``None``.
    """
    pledge = db.session.get(Pledge, pledge_id)
    receipt = receipt_for_pledge_id(pledge_id)
    if pledge is None or receipt is None or pledge.status != PledgeStatus.REFUNDED:
        db.session.rollback()
        return None
    receipt = _lock_receipt(receipt.id)
    if receipt.voided_at is not None:
        db.session.rollback()
        return receipt
    _void(receipt, reason)
    _enqueue_render(receipt)
    db.session.commit()
    return receipt


def amend_receipt(pledge_id):
    """Bring the receipt of a partly refunded pledge up to date and queue a new PDF.

    The receipt keeps its number and states the amount paid, the amount refunded
    and the donation that remains; the sponsor's match is re-read (it shrinks with
    the refund). Idempotent: nothing changes when the receipt already says so.
    Returns the receipt or ``None`` (no receipt, or the pledge is not partly refunded).
    """
    pledge = db.session.get(Pledge, pledge_id)
    receipt = receipt_for_pledge_id(pledge_id)
    if pledge is None or receipt is None or pledge.status != PledgeStatus.PAID or not pledge.refunded_amount:
        db.session.rollback()
        return None
    receipt = _lock_receipt(receipt.id)
    matched = _matched_amount(pledge_id)
    up_to_date = receipt.refunded_amount == pledge.refunded_amount and receipt.matched_amount == matched
    if receipt.is_void or up_to_date:
        db.session.rollback()
        return receipt
    receipt.refunded_amount = pledge.refunded_amount
    receipt.matched_amount = matched
    receipt.needs_render = True
    record(
        "receipt.amended",
        receipt,
        pledge_id=pledge_id,
        refunded_amount=receipt.refunded_amount,
        matched_amount=matched,
    )
    _enqueue_render(receipt)
    db.session.commit()
    return receipt


def apply_refund(pledge_id):
    """After any refund of the pledge: void its receipt (fully refunded) or amend it
    (partly refunded). Idempotent; returns the receipt or ``None``."""
    pledge = db.session.get(Pledge, pledge_id)
    if pledge is not None and pledge.status == PledgeStatus.REFUNDED:
        return void_receipt(pledge_id)
    return amend_receipt(pledge_id)
