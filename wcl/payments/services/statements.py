"""Bank statements: staff upload one, a job imports it line by line, staff resolve what is left.

Upload reads the whole file first: a file that cannot be read is refused with
the reason and nothing is stored. The import job (``import_statement``) stores
each line once by its unique key and applies credits that carry a valid
reference through the webhook inbox, in chunks, committing its progress after
each; it is idempotent, and two imports of the same statement, even at the
same moment, pay a pledge once. Lines a person must look at stay ``open``.
"""

import hashlib

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from wcl.accounts.permissions import ensure
from wcl.audit.services import record
from wcl.extensions import db
from wcl.payments.errors import PaymentError
from wcl.payments.models import BankAccount, BankStatement, LineStatus, StatementLine, StatementStatus
from wcl.payments.references import find_reference
from wcl.payments.services._common import _apply_paid, _lock_pledge, log
from wcl.payments.services.bank_credits import AWAITING, store_lines
from wcl.payments.services.bank_transfer import mapping_of, pledge_by_reference
from wcl.payments.services.webhooks import process_webhook_event
from wcl.payments.statements import StatementError, parse_statement
from wcl.queue import DEFAULT, enqueue_after_commit
from wcl.time import utcnow

CHUNK = 500
# The reason of an over-payment's remainder, once staff accepted the rest for its pledge.
EXCESS = "excess"


def upload_statement(actor, account_id, filename, data):
    """Staff upload a statement for ``account_id``; it is read at once (refused with the reason if it
    cannot be) and imported by a job. Returns the statement."""
    account = db.session.get(BankAccount, account_id)
    if account is None:
        raise PaymentError(_l("This bank account does not exist."))
    ensure("payments.statements", account, user=actor)
    try:
        if len(data) > current_app.config.get("STATEMENT_MAX_BYTES", 8 * 1024 * 1024):
            raise StatementError(_l("The file is too large."))
        fmt, entries = parse_statement(data, filename, account, mapping_of(account))
    except StatementError:
        db.session.rollback()
        raise
    statement = BankStatement(
        account_id=account.id,
        filename=(filename or "statement")[:200],
        format=fmt,
        content=data,
        sha256=hashlib.sha256(data).hexdigest(),
        total_lines=len(entries),
        uploaded_by_id=actor.id,
    )
    db.session.add(statement)
    db.session.flush()
    record(
        "statement.uploaded", statement, actor=actor, account_id=account.id, format=fmt, lines=len(entries)
    )
    enqueue_after_commit("wcl.payments.jobs.import_statement", statement.id, queue=DEFAULT, job_timeout=3600)
    db.session.commit()
    return statement


def _lock_statement(statement_id):
    return db.session.scalar(
        db.select(BankStatement)
        .where(BankStatement.id == statement_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _finish(statement_id, **values):
    counts = db.session.execute(
        db.select(
            sa.func.count(StatementLine.id),
            sa.func.count(StatementLine.id).filter(StatementLine.status == LineStatus.MATCHED),
        ).where(StatementLine.statement_id == statement_id)
    ).one()
    db.session.execute(
        sa.update(BankStatement)
        .where(BankStatement.id == statement_id)
        .values(new_lines=counts[0], matched_lines=counts[1], **values)
    )
    db.session.commit()


def import_statement(statement_id):
    """Import a stored statement: store each line once, apply the credits with a reference.

    Progress (``processed_lines``) is committed after every chunk for the
    statement page. Idempotent: a second run finds its lines stored and skips them.
    Returns the statement's status.
    """
    statement = _lock_statement(statement_id)
    if statement is None or statement.status in (StatementStatus.DONE, StatementStatus.FAILED):
        db.session.rollback()
        return getattr(statement, "status", "missing")
    statement.status = StatementStatus.RUNNING
    account = statement.account
    try:
        _fmt, entries = parse_statement(statement.content, statement.filename, account, mapping_of(account))
    except StatementError as exc:
        statement.status, statement.error, statement.finished_at = (
            StatementStatus.FAILED,
            str(exc)[:400],
            utcnow(),
        )
        db.session.commit()
        return statement.status
    db.session.commit()
    duplicates = 0
    for start in range(0, len(entries), CHUNK):
        chunk = entries[start : start + CHUNK]
        stored, events = store_lines(statement, account, chunk)
        duplicates += len(chunk) - stored
        db.session.commit()
        for event_id in events:
            process_webhook_event(event_id)
        _finish(statement_id, processed_lines=min(start + CHUNK, len(entries)), duplicate_lines=duplicates)
    _finish(statement_id, status=StatementStatus.DONE, finished_at=utcnow())
    log.info("statement %s imported: %s lines, %s already known", statement_id, len(entries), duplicates)
    return StatementStatus.DONE


def statements_for(actor, account_id, page=1, per_page=20):
    """An account's statements, newest first, with the number of its lines still open."""
    account = db.session.get(BankAccount, account_id)
    ensure("payments.statements", account, user=actor)
    stmt = (
        db.select(BankStatement)
        .where(BankStatement.account_id == account_id)
        .order_by(BankStatement.id.desc())
    )
    pagination = db.paginate(stmt, page=page, per_page=per_page, error_out=False)
    open_lines = db.session.scalar(
        db.select(sa.func.count(StatementLine.id)).where(
            StatementLine.account_id == account_id,
            StatementLine.status == LineStatus.OPEN,
            StatementLine.reason != AWAITING,
        )
    )
    return pagination, open_lines


def statement_view(actor, statement_id, page=1, per_page=50):
    """A statement and its lines that need a person (open ones first), for staff."""
    statement = db.session.get(BankStatement, statement_id)
    if statement is None:
        return None, None
    ensure("payments.statements", statement, user=actor)
    stmt = (
        db.select(StatementLine)
        .where(StatementLine.statement_id == statement_id, StatementLine.status != LineStatus.DEBIT)
        .options(sa.orm.joinedload(StatementLine.pledge), sa.orm.joinedload(StatementLine.suggested_pledge))
        .order_by((StatementLine.status == LineStatus.OPEN).desc(), StatementLine.position)
    )
    return statement, db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def _open_line(actor, line_id):
    line = db.session.scalar(
        db.select(StatementLine)
        .where(StatementLine.id == line_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if line is None:
        raise PaymentError(_l("This statement line does not exist."))
    ensure("payments.statements", line, user=actor)
    if line.status != LineStatus.OPEN or line.reason == AWAITING:
        raise PaymentError(_l("This line is already resolved. Nothing was changed."))
    return line


def assign_line(actor, line_id, reference):
    """Staff pay a pending transfer pledge (by its reference) with an open line of the same amount."""
    try:
        line = _open_line(actor, line_id)
        found, valid = find_reference(reference)
        if not valid:
            raise PaymentError(_l("This reference is not valid: check every character."), "reference")
        pledge = pledge_by_reference(found)
        if pledge is None:
            raise PaymentError(_l("No transfer pledge has this reference."), "reference")
        pledge = _lock_pledge(pledge.id)
        if pledge.status != "pending":
            raise PaymentError(_l("This pledge is not waiting for a payment."), "reference")
        if (line.amount, line.currency) != (pledge.amount, pledge.currency):
            raise PaymentError(
                _l("The line's amount is not the pledge's: refund the line and ask for a new pledge."),
                "reference",
            )
    except PaymentError:
        db.session.rollback()
        raise
    _apply_paid(pledge, line.amount, line.currency, actor=actor, source="statement_assigned")
    line.status, line.pledge_id = LineStatus.ASSIGNED, pledge.id
    line.resolved_by_id, line.resolved_at = actor.id, utcnow()
    record("statement_line.assigned", line, actor=actor, pledge_id=pledge.id, reason=line.reason)
    db.session.commit()
    return line


def _excess_line(line, excess):
    """The part of an over-paying line beyond its pledge, as an open line of its own (flush only).

    Its key derives from the line's, so it is made once; the line keeps the rest,
    and the two still add up to what the bank booked."""
    key = hashlib.sha256(f"{line.line_key}|excess".encode()).hexdigest()
    extra = StatementLine(
        statement_id=line.statement_id,
        account_id=line.account_id,
        line_key=key,
        position=line.position,
        booked_on=line.booked_on,
        amount=excess,
        currency=line.currency,
        payer=line.payer,
        purpose=line.purpose,
        reference=line.reference,
        status=LineStatus.OPEN,
        reason=EXCESS,
        pledge_id=line.pledge_id,
    )
    db.session.add(extra)
    line.amount -= excess
    db.session.flush()
    return extra


def accept_line(actor, line_id):
    """Staff decide on a line that paid more or less than its pledge (the line names the pledge).

    Over-payment: the pledge is paid at its own amount and the excess becomes an
    open line (reason ``excess``) to refund or assign. Under-payment: the pledge
    is lowered to what arrived and paid, as a partial payment; refused when its
    reward needs more. Either decision is audited; nothing changes on a refusal.
    """
    try:
        line = _open_line(actor, line_id)
        if line.reason not in ("overpaid", "underpaid") or line.pledge_id is None:
            raise PaymentError(_l("Only a payment of more or less than its pledge can be accepted here."))
        pledge = _lock_pledge(line.pledge_id)
        if pledge is None or pledge.status != "pending" or line.currency != pledge.currency:
            raise PaymentError(_l("This pledge is not waiting for a payment."))
        received, pledged = line.amount, pledge.amount
        if received < pledged and pledge.tier is not None and received < pledge.tier.min_amount:
            raise PaymentError(
                _l(
                    "The amount received is less than the pledge's reward needs: refund the line or keep it open."
                )
            )
    except PaymentError:
        db.session.rollback()
        raise
    if received > pledged:
        extra = _excess_line(line, received - pledged)
        record(
            "statement_line.overpayment_accepted",
            line,
            actor=actor,
            pledge_id=pledge.id,
            received=received,
            excess=extra.amount,
            excess_line_id=extra.id,
            currency=line.currency,
        )
    else:
        pledge.amount = received
        record(
            "pledge.amount_reduced", pledge, actor=actor, previous=pledged, amount=received, line_id=line.id
        )
        record(
            "statement_line.underpayment_accepted",
            line,
            actor=actor,
            pledge_id=pledge.id,
            pledged=pledged,
            received=received,
            currency=line.currency,
        )
    _apply_paid(pledge, pledge.amount, pledge.currency, actor=actor, source="statement_accepted")
    line.status, line.reason = LineStatus.ASSIGNED, None
    line.resolved_by_id, line.resolved_at = actor.id, utcnow()
    db.session.commit()
    return line


def refund_line(actor, line_id):
    """Staff record that an open line's money was sent back to the payer (audited)."""
    try:
        line = _open_line(actor, line_id)
    except PaymentError:
        db.session.rollback()
        raise
    line.status = LineStatus.REFUNDED
    line.resolved_by_id, line.resolved_at = actor.id, utcnow()
    record(
        "statement_line.refunded",
        line,
        actor=actor,
        amount=line.amount,
        currency=line.currency,
        reason=line.reason,
    )
    db.session.commit()
    return line
