"""The pledge state machine the payment services share (flush only; the callers commit).

Pledge states only move forward::

    pending → paid → refunded          (partial refunds: paid, refunded_amount > 0)
    pending → failed | expired

Every transition happens with the pledge row locked (``SELECT … FOR
UPDATE``), is audited, and is idempotent: a second confirmation of a paid
pledge, or an expiry arriving after payment, changes nothing.

``PAID_HOOKS`` and ``REFUNDED_HOOKS`` list jobs to enqueue (with the pledge id)
after a pledge becomes paid / is refunded (receipts issue and void theirs).
"""

import logging

import sqlalchemy as sa

from wcl.audit.services import record
from wcl.campaigns import matching, stock
from wcl.campaigns.models import Campaign, CampaignStatus, Pledge, PledgeStatus
from wcl.extensions import db
from wcl.links import absolute_url
from wcl.mail import queue_email
from wcl.payments.models import Refund
from wcl.payments.services import lab_funding
from wcl.queue import DEFAULT, RECEIPTS, enqueue_after_commit
from wcl.time import utcnow

log = logging.getLogger(__name__)


# Jobs enqueued after commit with ``(pledge_id,)`` when a pledge becomes paid /
# is (partly or fully) refunded. Entries: a dotted job name (runs on the
# "receipts" queue) or a ``(dotted name, queue)`` pair.
PAID_HOOKS: list = ["wcl.receipts.jobs.issue_receipt"]


REFUNDED_HOOKS: list = ["wcl.receipts.jobs.apply_refund"]


_FORWARD = {
    PledgeStatus.PENDING: {PledgeStatus.PAID, PledgeStatus.FAILED, PledgeStatus.EXPIRED},
    PledgeStatus.PAID: {PledgeStatus.REFUNDED},
}


def _lock_pledge(pledge_id):
    return db.session.scalar(
        db.select(Pledge)
        .where(Pledge.id == pledge_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _transition(pledge, new_status, actor=None, **data):
    if new_status not in _FORWARD.get(pledge.status, ()):
        raise ValueError(f"pledge {pledge.id}: {pledge.status} → {new_status} is not allowed")
    previous = pledge.status
    pledge.status = new_status
    record(f"pledge.{new_status}", pledge, actor=actor, previous=previous, **data)


def _enqueue_hooks(hooks, pledge_id):
    for hook in hooks:
        path, queue = (hook, RECEIPTS) if isinstance(hook, str) else hook
        enqueue_after_commit(path, pledge_id, queue=queue, job_timeout=120)


AMOUNT_MISMATCH = "rejected: amount or currency differs from the pledge"


def _payment_mismatch(pledge, amount, currency, actor=None):
    """``AMOUNT_MISMATCH`` (audited) when a payment's amount or currency is not the pledge's, else ``None``."""
    if amount == pledge.amount and (currency or "").upper() == pledge.currency:
        return None
    record(
        "pledge.amount_mismatch",
        pledge,
        actor=actor,
        expected=pledge.amount,
        got=amount,
        currency=(currency or "").upper(),
    )
    return AMOUNT_MISMATCH


def _apply_paid(pledge, amount, currency, provider_ref=None, actor=None, source="webhook"):
    """pending → paid (once): reserve the match, thank the backer, run the hooks."""
    if pledge.status in (PledgeStatus.EXPIRED, PledgeStatus.FAILED):
        # Money arrived for a pledge already closed (its unit may be gone): never
        # silently drop it — staff see it in the audit log and refund it.
        record("pledge.late_payment", pledge, actor=actor, amount=amount, status=pledge.status)
        return f"error: payment for a {pledge.status} pledge needs a refund"
    if pledge.status != PledgeStatus.PENDING:
        return f"ignored: pledge already {pledge.status}"
    mismatch = _payment_mismatch(pledge, amount, currency, actor=actor)
    if mismatch:
        return mismatch
    if provider_ref and not pledge.provider_ref:
        pledge.provider_ref = provider_ref
    pledge.paid_at = utcnow()
    _transition(pledge, PledgeStatus.PAID, actor=actor, source=source, amount=amount)
    matched = matching.reserve_for_pledge(pledge)
    if matched:
        record("pledge.matched", pledge, actor=actor, matched=matched)
    lab_funding.on_paid(pledge, actor=actor)  # the lab's own campaign feeds its pool or fund
    _enqueue_hooks(PAID_HOOKS, pledge.id)
    campaign = db.session.get(Campaign, pledge.campaign_id)
    # Refunds the provider reported before the payment itself (events arrive in
    # any order) were recorded, not applied: they take effect now, once.
    early = int(
        db.session.scalar(
            db.select(sa.func.coalesce(sa.func.sum(Refund.amount), 0)).where(Refund.pledge_id == pledge.id)
        )
    )
    if early:
        _apply_refund(pledge, min(early, pledge.amount), actor=actor, reason="refund_before_payment")
        return f"paid (matched {matched}), then refunded {min(early, pledge.amount)}"
    if pledge.backer_email:
        queue_email(
            pledge.backer_email,
            "campaigns/pledge_paid",
            pledge.locale,
            name=pledge.backer_name,
            title=campaign.title,
            amount=pledge.amount,
            currency=pledge.currency,
            matched=matched,
            link=absolute_url("campaigns.show", slug=campaign.slug),
        )
    if campaign.status in (CampaignStatus.FAILED, CampaignStatus.CANCELLED):
        # Money that arrives after an all-or-nothing failure goes straight back.
        enqueue_after_commit(
            "wcl.payments.jobs.refund_pledge", pledge.id, "campaign_" + campaign.status, queue=DEFAULT
        )
    return f"paid (matched {matched})"


def _apply_closed(pledge, new_status, actor=None, source="webhook"):
    """pending → failed | expired (once): the tier unit goes back."""
    if pledge.status != PledgeStatus.PENDING:
        return f"ignored: pledge already {pledge.status}"
    pledge.closed_at = utcnow()
    _transition(pledge, new_status, actor=actor, source=source)
    stock.release_unit(pledge)
    return new_status


def _apply_refund(pledge, amount, actor=None, reason="requested", **data):
    """Count ``amount`` as refunded on a paid pledge; a full refund closes it (once)."""
    pledge.refunded_amount = pledge.refunded_amount + amount
    if pledge.refunded_amount == pledge.amount:
        pledge.closed_at = utcnow()
        _transition(pledge, PledgeStatus.REFUNDED, actor=actor, reason=reason, amount=amount, **data)
        released = matching.release_for_pledge(pledge)
        if released:
            record("pledge.match_released", pledge, actor=actor, released=released)
        stock.release_unit(pledge)
    else:
        record("pledge.partially_refunded", pledge, actor=actor, reason=reason, amount=amount, **data)
        reduced = matching.reduce_for_pledge(pledge, amount)
        if reduced:
            record("pledge.match_reduced", pledge, actor=actor, released=reduced)
    lab_funding.on_refunded(pledge, amount, actor=actor)
    _enqueue_hooks(REFUNDED_HOOKS, pledge.id)
