"""What the receipt services share: job names and limits, row locks, the payment facts a receipt copies."""

import sqlalchemy as sa

from wcl.campaigns.models import MatchReservation
from wcl.extensions import db
from wcl.locks import lock
from wcl.queue import RECEIPTS, enqueue_after_commit
from wcl.receipts.models import Receipt
from wcl.time import DEFAULT_ZONE

RENDER_JOB = "wcl.receipts.jobs.render_receipt"
EMAIL_JOB = "wcl.receipts.jobs.email_receipt"
STATEMENT_JOB = "wcl.receipts.jobs.render_statement"
# A receipt is one page; a render taking longer than this is stuck (RQ kills it, then retries).
RENDER_TIMEOUT = 90
EMAIL_TIMEOUT = 60
# Guests keep their receipt link for tax season and beyond.
GUEST_LINK_MAX_AGE = 60 * 60 * 24 * 400
# How the money came, as a receipt records it: ``card`` (Stripe), ``sandbox`` (a test payment),
# ``local`` (the Kyrgyz hosted-page provider, named by ``LOCAL_PAY_NAME``), ``bank`` (a bank or QR
# transfer: matched from a statement, or recorded by a coordinator), ``cash`` and ``qr`` (recorded).
# ``online`` is what receipts issued before these names said (any online payment).
PAYMENT_METHODS = ("card", "sandbox", "local", "cash", "bank", "qr", "online")
OFFLINE_METHODS = ("cash", "bank", "qr")
PROVIDER_METHODS = {"stripe": "card", "sandbox": "sandbox", "local": "local", "bank_transfer": "bank"}
PER_PAGE = 50


def _lock_receipt(receipt_id):
    return lock(Receipt, receipt_id)


def _matched_amount(pledge_id):
    # SUM(bigint) is NUMERIC in PostgreSQL: keep money an int (it goes into audit JSON).
    return int(
        db.session.scalar(
            db.select(sa.func.coalesce(sa.func.sum(MatchReservation.amount), 0)).where(
                MatchReservation.pledge_id == pledge_id, MatchReservation.released_at.is_(None)
            )
        )
    )


def _payment_method(pledge):
    if pledge.provider == "offline":
        return pledge.offline_method if pledge.offline_method in OFFLINE_METHODS else "cash"
    return PROVIDER_METHODS.get(pledge.provider, "online")


def receipt_year(moment):
    """The calendar year of a payment, in Kyrgyzstan (a 31 December 23:30 gift counts for that year)."""
    return moment.astimezone(DEFAULT_ZONE).year


def _enqueue_render(receipt):
    enqueue_after_commit(RENDER_JOB, receipt.id, queue=RECEIPTS, job_timeout=RENDER_TIMEOUT)


def _enqueue_email(receipt):
    enqueue_after_commit(EMAIL_JOB, receipt.id, queue=RECEIPTS, job_timeout=EMAIL_TIMEOUT)


def receipt_for_pledge_id(pledge_id):
    return db.session.scalar(db.select(Receipt).where(Receipt.pledge_id == pledge_id))
