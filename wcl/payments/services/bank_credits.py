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
from wcl.payments.services.inbox import insert_many_ignoring_duplicates, store_event

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


def _pledge_ids_by_reference(references):
    if not references:
        return {}
    rows = db.session.execute(
        db.select(Pledge.provider_ref, Pledge.id).where(
            Pledge.provider == PROVIDER, Pledge.provider_ref.in_(sorted(references))
        )
    )
    return dict(rows.all())


def _candidates(amounts, currency):
    """Pending transfer pledges of these amounts, for suggestions: ``{amount: [(id, day, name)]}``."""
    found = {}
    if not amounts:
        return found
    rows = db.session.execute(
        db.select(Pledge.id, Pledge.amount, Pledge.created_at, Pledge.backer_name)
        .where(
            Pledge.provider == PROVIDER,
            Pledge.status == PledgeStatus.PENDING,
            Pledge.currency == currency,
            Pledge.amount.in_(sorted(amounts)),
        )
        .order_by(Pledge.created_at.desc())
    )
    for row in rows:
        found.setdefault(row.amount, []).append((row.id, row.created_at.date(), row.backer_name or ""))
    return found


def suggest(candidates, booked_on, payer):
    """The pending pledge a line without a usable reference is likely for: made in the ten days
    before it was booked (or the day after), the payer's name breaking ties; ``None`` if unclear."""
    fitting = [
        c for c in candidates if booked_on - timedelta(days=10) <= c[1] <= booked_on + timedelta(days=1)
    ]
    if not fitting:
        return None
    words = set(payer.casefold().split())

    def score(candidate):
        return len(words & set(candidate[2].casefold().split()))

    best = max(fitting, key=score)
    return best[0] if score(best) or len(fitting) == 1 else None


def _sorted(entry, account, pledge_ids, candidates):
    """``(reference, status, reason, pledge id, suggested pledge id)`` of one entry."""
    reference, valid = find_reference(entry.purpose) if entry.amount > 0 else (None, False)
    if entry.amount < 0:
        return reference, LineStatus.DEBIT, None, None, None
    if entry.currency != account.currency:
        return reference, LineStatus.OPEN, "foreign_currency", None, None
    if reference and valid:
        pledge_id = pledge_ids.get(reference)
        return reference, LineStatus.OPEN, AWAITING if pledge_id else "unknown_reference", pledge_id, None
    suggested = suggest(candidates.get(entry.amount, []), entry.booked_on, entry.payer)
    return reference, LineStatus.OPEN, "bad_check_digit" if reference else "no_reference", None, suggested


def store_lines(statement, account, entries):
    """Store a chunk of statement lines, each once (flush only); returns ``(new lines, inbox event ids)``.

    A line already imported (by this or another statement, or twice in this
    one) is skipped by its unique key. A credit with a valid reference of a
    known pledge gets an inbox event, applied by ``process_webhook_event``.
    """
    found = [find_reference(e.purpose) for e in entries if e.amount > 0]
    pledge_ids = _pledge_ids_by_reference({ref for ref, valid in found if valid})
    amounts = {e.amount for e in entries if e.amount > 0 and e.currency == account.currency}
    candidates = _candidates(amounts, account.currency)
    rows, seen = [], set()
    for entry in entries:
        reference, status, reason, pledge_id, suggested = _sorted(entry, account, pledge_ids, candidates)
        key = line_key(account.id, entry, reference)
        if key in seen:
            continue
        seen.add(key)
        rows.append(
            {
                "statement_id": statement.id,
                "account_id": account.id,
                "line_key": key,
                "position": entry.position,
                "booked_on": entry.booked_on,
                "amount": entry.amount,
                "currency": entry.currency,
                "payer": entry.payer,
                "purpose": entry.purpose,
                "reference": reference,
                "status": status,
                "reason": reason,
                "pledge_id": pledge_id,
                "suggested_pledge_id": suggested,
            }
        )
    if not rows:
        return 0, []
    stored = insert_many_ignoring_duplicates(StatementLine, ["line_key"], rows, StatementLine.line_key)
    by_key = {row["line_key"]: row for row in rows}
    events = []
    for line_id, key in stored:
        row = by_key[key]
        if row["reason"] != AWAITING:
            continue
        payload = {
            "id": key,
            "type": EVENT_TYPE,
            "data": {"object": {"line": line_id, "reference": row["reference"]}},
        }
        event_id = store_event(PROVIDER, key, EVENT_TYPE, json.dumps(payload))
        if event_id is not None:
            events.append(event_id)
    return len(stored), events


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
