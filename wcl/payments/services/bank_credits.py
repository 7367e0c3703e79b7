"""What a statement line does: sorting each line, and applying a credit that carries a reference.

A credit whose reference is valid goes into the webhook inbox as a
``bank_transfer.credit`` event (its event id is the line's unique key) and is
applied by ``process_webhook_event`` like any provider event: once, with the
pledge locked. Everything else is left ``open`` with a reason, and a suggested
pledge when the amount, the payer's name and the day fit one.
"""

import hashlib
import json
from datetime import timedelta

from wcl.audit.services import record
from wcl.campaigns.models import Pledge, PledgeStatus
from wcl.extensions import db
from wcl.payments.models import LineStatus, StatementLine
from wcl.payments.references import find_reference
from wcl.payments.services._common import AMOUNT_MISMATCH, _apply_paid, _lock_pledge
from wcl.payments.services.inbox import insert_ignoring_duplicates, store_event

PROVIDER = "bank_transfer"
EVENT_TYPE = "bank_transfer.credit"
AWAITING = "awaiting"  # a reference was found; the inbox event has not been applied yet

# Why a line is left for a person, as staff read it.
REASONS = (
    "foreign_currency",
    "unknown_reference",
    "bad_check_digit",
    "no_reference",
    "overpaid",
    "underpaid",
    "already_paid",
    "pledge_closed",
)


def line_key(account_id, entry, reference):
    """The line's unique key: the same booked line hashes the same in every statement that carries it."""
    text = (reference or " ".join(entry.purpose.casefold().split())) + "|" + entry.payer.casefold().strip()
    raw = f"{account_id}|{entry.booked_on.isoformat()}|{entry.amount}|{entry.currency}|{text}|{entry.line_id}"
    return hashlib.sha256(raw.encode()).hexdigest()


def _reference_pledge_id(reference):
    return db.session.scalar(
        db.select(Pledge.id).where(Pledge.provider == PROVIDER, Pledge.provider_ref == reference)
    )


def suggest(amount, currency, booked_on, payer):
    """A pending transfer pledge this money may be for (same amount and currency, made in the days
    before; the payer's name breaks ties), or ``None``."""
    candidates = db.session.execute(
        db.select(Pledge.id, Pledge.backer_name)
        .where(
            Pledge.provider == PROVIDER,
            Pledge.status == PledgeStatus.PENDING,
            Pledge.amount == amount,
            Pledge.currency == currency,
            db.func.date(Pledge.created_at) <= booked_on + timedelta(days=1),
            db.func.date(Pledge.created_at) >= booked_on - timedelta(days=10),
        )
        .order_by(Pledge.created_at.desc())
        .limit(50)
    ).all()
    if not candidates:
        return None
    words = set(payer.casefold().split())

    def score(row):
        return len(words & set((row.backer_name or "").casefold().split()))

    best = max(candidates, key=score)
    return best.id if score(best) or len(candidates) == 1 else None


def store_line(statement, account, entry):
    """Store one statement line once (flush only); returns ``(line id or None, inbox event id or None)``.

    ``None`` as the line id: the line was already imported (by this or another statement).
    """
    reference, valid = find_reference(entry.purpose) if entry.amount > 0 else (None, False)
    status, reason, pledge_id, suggested = LineStatus.OPEN, None, None, None
    if entry.amount < 0:
        status = LineStatus.DEBIT
    elif entry.currency != account.currency:
        reason = "foreign_currency"
    elif reference and valid:
        pledge_id = _reference_pledge_id(reference)
        reason = AWAITING if pledge_id else "unknown_reference"
    else:
        reason = "bad_check_digit" if reference else "no_reference"
        suggested = suggest(entry.amount, entry.currency, entry.booked_on, entry.payer)
    key = line_key(account.id, entry, reference)
    line_id = insert_ignoring_duplicates(
        StatementLine,
        ["line_key"],
        statement_id=statement.id,
        account_id=account.id,
        line_key=key,
        position=entry.position,
        booked_on=entry.booked_on,
        amount=entry.amount,
        currency=entry.currency,
        payer=entry.payer,
        purpose=entry.purpose,
        reference=reference,
        status=status,
        reason=reason,
        pledge_id=pledge_id,
        suggested_pledge_id=suggested,
    )
    if line_id is None or reason != AWAITING:
        return line_id, None
    payload = {"id": key, "type": EVENT_TYPE, "data": {"object": {"line": line_id, "reference": reference}}}
    return line_id, store_event(PROVIDER, key, EVENT_TYPE, json.dumps(payload))


def _lock_line(line_id):
    return db.session.scalar(
        db.select(StatementLine)
        .where(StatementLine.id == line_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def on_bank_credit(obj):
    """Inbox handler: pay the pledge a statement line names (flush only; the inbox commits)."""
    line = _lock_line(obj.get("line")) if isinstance(obj.get("line"), int) else None
    if line is None:
        return "ignored: unknown statement line"
    if line.reason != AWAITING:
        return f"ignored: statement line already {line.status}"
    pledge = _lock_pledge(_reference_pledge_id(line.reference))
    if pledge is None:
        line.reason = "unknown_reference"
        return "ignored: unknown reference"
    line.pledge_id = pledge.id
    outcome = _apply_paid(pledge, line.amount, line.currency, source="statement")
    if outcome.startswith("paid"):
        line.status, line.reason = LineStatus.MATCHED, None
        return outcome
    if outcome == AMOUNT_MISMATCH:
        line.reason = "overpaid" if line.amount > pledge.amount else "underpaid"
    elif outcome.startswith("ignored: pledge already"):
        line.reason = "already_paid"
    else:
        line.reason = "pledge_closed"
    record("statement_line.needs_review", line, reason=line.reason, pledge_id=pledge.id)
    return outcome
