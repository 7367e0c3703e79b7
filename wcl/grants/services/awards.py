"""Awarding a grant from a fund, and closing it with its unused money returned."""

from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l

from wcl.accounts.models import User
from wcl.accounts.permissions import ensure
from wcl.audit.services import record
from wcl.cohorts.models import Enrolment, EnrolmentStatus, Milestone
from wcl.extensions import db
from wcl.grants.models import (
    Grant,
    GrantBudgetLine,
    GrantStatus,
    MovementKind,
    SpendingItem,
    SpendingStatus,
    Tranche,
    TrancheStatus,
)
from wcl.grants.services._common import (
    check_amount,
    check_currency,
    lock_fund,
    lock_grant,
    move,
    one_line,
    refuse,
)
from wcl.grants.services.agreement import print_agreement
from wcl.grants.services.notices import email_awarded
from wcl.time import utcnow

MAX_LINES = 20
MAX_TRANCHES = 10


def _recipient_enrolment(recipient_id, lab_id):
    """Her newest enrolment in a cohort of the fund's lab that she has not left
    (active: a participant; graduated: a graduate)."""
    return db.session.scalar(
        db.select(Enrolment)
        .join(Enrolment.cohort)
        .where(
            Enrolment.participant_id == recipient_id,
            Enrolment.status.in_((EnrolmentStatus.ACTIVE, EnrolmentStatus.GRADUATED)),
            Enrolment.cohort.has(lab_id=lab_id),
        )
        .order_by(Enrolment.id.desc())
        .limit(1)
    )


def _budget_lines(lines, amount, currency):
    if not lines:
        refuse(_l("Add at least one budget line."), "budget_lines")
    if len(lines) > MAX_LINES:
        refuse(_l("At most %(max)d lines.", max=MAX_LINES), "budget_lines")
    made = []
    for position, line in enumerate(lines):
        label = one_line(line.get("label"), 200, "budget_lines")
        made.append(
            GrantBudgetLine(
                label=label,
                amount=check_amount(line.get("amount"), currency, "budget_lines"),
                position=position,
            )
        )
    if sum(line.amount for line in made) != amount:
        refuse(_l("The budget lines must add up to the grant's amount."), "budget_lines")
    return made


def _tranches(tranches, amount, currency, enrolment):
    if not tranches:
        refuse(_l("Add at least one tranche."), "tranches")
    if len(tranches) > MAX_TRANCHES:
        refuse(_l("At most %(max)d tranches.", max=MAX_TRANCHES), "tranches")
    made = []
    for seq, data in enumerate(tranches, start=1):
        milestone_id = data.get("milestone_id")
        text = one_line(data.get("condition_text"), 500, "tranches", required=False)
        if milestone_id:
            milestone = db.session.get(Milestone, milestone_id)
            if milestone is None or milestone.cohort_id != enrolment.cohort_id:
                refuse(_l("This milestone is not one of her cohort's."), "tranches")
        elif not text:
            refuse(_l("Each tranche needs a condition: a milestone or a written condition."), "tranches")
        made.append(
            Tranche(
                seq=seq,
                amount=check_amount(data.get("amount"), currency, "tranches"),
                milestone_id=milestone_id or None,
                condition_text=text,
            )
        )
    if sum(t.amount for t in made) != amount:
        refuse(_l("The tranches must add up to the grant's amount."), "tranches")
    return made


def award_grant(actor, fund_id, data):
    """Award a grant from a fund: amount, purpose, budget lines and tranches; returns the grant.

    ``data`` holds ``recipient_id``, ``amount``, ``currency``, ``purpose``,
    ``language``, ``report_due_on``, ``budget_lines`` (``label``, ``amount``) and
    ``tranches`` (``amount`` and ``milestone_id`` or ``condition_text``). The fund
    row is locked: two awards at once cannot both spend its last som. The grant
    is offered at once: its agreement is printed in her language for her to accept.
    Refused, with nothing changed: an amount above the fund's balance, not positive
    or in a foreign currency; lines or tranches that do not add up; a tranche with
    no condition; a recipient with no enrolment in the fund's lab.
    """
    fund = lock_fund(fund_id)
    ensure("grants.manage", fund, user=actor)
    check_currency(data.get("currency"), fund)
    amount = check_amount(data.get("amount"), fund.currency)
    recipient = (
        db.session.get(User, data.get("recipient_id")) if isinstance(data.get("recipient_id"), int) else None
    )
    enrolment = _recipient_enrolment(recipient.id, fund.lab_id) if recipient is not None else None
    if enrolment is None:
        refuse(_l("A grant goes to a participant or graduate of this lab's cohorts."), "recipient_id")
    purpose = " ".join(str(data.get("purpose") or "").split())
    if not purpose or len(purpose) > 2000:
        refuse(_l("Describe what the grant is for (at most 2000 characters)."), "purpose")
    language = data.get("language") or recipient.locale or "ru"
    if language not in current_app.config["LANGUAGES"]:
        refuse(_l("This choice is not valid. Please reload the page and try again."), "language")
    due = data.get("report_due_on")
    if due is not None and (not isinstance(due, date) or due <= date.today()):
        refuse(_l("The report is due on a date in the future."), "report_due_on")
    lines = _budget_lines(data.get("budget_lines") or [], amount, fund.currency)
    tranches = _tranches(data.get("tranches") or [], amount, fund.currency, enrolment)
    if amount > fund.balance:
        refuse(_l("The fund holds only what is left to award; this grant is more than that."), "amount")
    grant = Grant(
        fund_id=fund.id,
        recipient_id=recipient.id,
        enrolment_id=enrolment.id,
        amount=amount,
        purpose=purpose,
        language=language,
        report_due_on=due,
        status=GrantStatus.OFFERED,
        awarded_by_id=actor.id,
        budget_lines=lines,
        tranches=tranches,
    )
    db.session.add(grant)
    db.session.flush()
    move(fund, MovementKind.AWARDED, amount, actor, grant=grant)
    record("grant.awarded", grant, actor=actor, fund_id=fund.id, amount=amount, tranches=len(tranches))
    print_agreement(grant)
    email_awarded(grant)
    db.session.commit()
    return grant


def close_grant(actor, grant_id, unspent_returned=0, note=None):
    """Close a grant and return its unused money to the fund (one ``returned`` movement).

    What was never released goes back by itself; ``unspent_returned`` is money
    she was paid and gave back (at most what was released and not approved as
    spent). A grant with nothing released is cancelled instead of closed.
    Refused while a release waits for its second approval.
    """
    grant = lock_grant(grant_id)
    ensure("grants.manage", grant, user=actor)
    if grant.status not in GrantStatus.OPEN:
        refuse(_l("This grant is already closed."))
    fund = lock_fund(grant.fund_id)
    if any(t.disbursement is not None and t.status != TrancheStatus.RELEASED for t in grant.tranches):
        refuse(_l("A release is waiting for its second approval; approve it first."))
    released = grant.released_amount
    spent = sum(
        item.amount
        for item in db.session.scalars(
            db.select(SpendingItem).where(
                SpendingItem.grant_id == grant.id, SpendingItem.status == SpendingStatus.APPROVED
            )
        )
    )
    unspent_returned = unspent_returned or 0
    if unspent_returned:
        check_amount(unspent_returned, fund.currency, "unspent_returned")
        if unspent_returned > max(released - spent, 0):
            refuse(
                _l("She can return at most what was paid to her and not yet reported as spent."),
                "unspent_returned",
            )
    total = grant.amount - released + unspent_returned
    note = one_line(note, 300, "note", required=False)
    if total:
        move(fund, MovementKind.RETURNED, total, actor, grant=grant, note=note)
    grant.returned_amount = total
    grant.status = GrantStatus.CLOSED if released else GrantStatus.CANCELLED
    grant.closed_at = utcnow()
    record(f"grant.{grant.status}", grant, actor=actor, returned=total)
    db.session.commit()
    return grant
