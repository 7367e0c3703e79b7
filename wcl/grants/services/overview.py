"""Read-only views of grants for staff (by status, utilisation, overdue reports) and for her."""

from datetime import date

import sqlalchemy as sa

from wcl.accounts.models import User
from wcl.accounts.permissions import ensure, lab_scope
from wcl.cohorts.models import Cohort, Enrolment, EnrolmentStatus, Milestone
from wcl.cohorts.services.progress import Page
from wcl.extensions import db
from wcl.files.models import StoredFile
from wcl.grants.models import (
    Grant,
    GrantFund,
    GrantStatus,
    SpendingItem,
    SpendingStatus,
    Tranche,
    TrancheStatus,
)


def _released():
    return (
        sa.select(sa.func.coalesce(sa.func.sum(Tranche.amount), 0))
        .where(Tranche.grant_id == Grant.id, Tranche.status == TrancheStatus.RELEASED)
        .scalar_subquery()
    )


def _spent():
    return (
        sa.select(sa.func.coalesce(sa.func.sum(SpendingItem.amount), 0))
        .where(SpendingItem.grant_id == Grant.id, SpendingItem.status == SpendingStatus.APPROVED)
        .scalar_subquery()
    )


def grant_rows(user, status=None, overdue=False, page=1, per_page=50):
    """Grants ``user`` may manage with what was released and approved as spent
    (rows: ``grant``, ``released``, ``spent``), newest first, paginated.

    ``overdue``: active grants whose spending report is due and does not yet
    account for everything released.
    """
    ensure("grants.manage", user=user)
    released, spent = _released().label("released"), _spent().label("spent")
    stmt = (
        sa.select(Grant, released, spent)
        .join(GrantFund, GrantFund.id == Grant.fund_id)
        .options(sa.orm.joinedload(Grant.recipient), sa.orm.joinedload(Grant.fund))
        .order_by(Grant.created_at.desc(), Grant.id.desc())
    )
    stmt = lab_scope(stmt, user, GrantFund.lab_id)
    if status in GrantStatus.ALL:
        stmt = stmt.where(Grant.status == status)
    if overdue:
        stmt = stmt.where(
            Grant.status == GrantStatus.ACTIVE,
            Grant.report_due_on < date.today(),
            _spent() < _released(),
        )
    page = max(page, 1)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
    rows = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).unique().all()
    return Page(items=[tuple(row) for row in rows], page=page, per_page=per_page, total=total)


def status_counts(user):
    """``{status: (count, amount)}`` of the grants ``user`` may manage."""
    ensure("grants.manage", user=user)
    stmt = (
        sa.select(Grant.status, sa.func.count(Grant.id), sa.func.coalesce(sa.func.sum(Grant.amount), 0))
        .join(GrantFund, GrantFund.id == Grant.fund_id)
        .group_by(Grant.status)
    )
    return {s: (n, int(total)) for s, n, total in db.session.execute(lab_scope(stmt, user, GrantFund.lab_id))}


def spending_of(grant):
    """Her spending items, newest first, and per budget line ``{line_id: approved total}``."""
    items = db.session.scalars(
        db.select(SpendingItem)
        .where(SpendingItem.grant_id == grant.id)
        .order_by(SpendingItem.submitted_at.desc(), SpendingItem.id.desc())
    ).all()
    per_line = {}
    for item in items:
        if item.status == SpendingStatus.APPROVED:
            per_line[item.budget_line_id] = per_line.get(item.budget_line_id, 0) + item.amount
    return items, per_line


def grants_of(user):
    """``user``'s own grants (not cancelled), newest first."""
    return db.session.scalars(
        db.select(Grant)
        .where(Grant.recipient_id == user.id, Grant.status != GrantStatus.CANCELLED)
        .order_by(Grant.id.desc())
    ).all()


def recipient_choices(fund):
    """``(user id, name · cohort)`` of the participants and graduates of the fund's lab's cohorts."""
    rows = db.session.execute(
        db.select(User.id, User.full_name, Cohort.name)
        .join(Enrolment, Enrolment.participant_id == User.id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(
            Cohort.lab_id == fund.lab_id,
            Enrolment.status.in_((EnrolmentStatus.ACTIVE, EnrolmentStatus.GRADUATED)),
        )
        .order_by(User.full_name, Cohort.name)
    ).all()
    seen, choices = set(), []
    for user_id, name, cohort in rows:
        if user_id not in seen:
            seen.add(user_id)
            choices.append((user_id, f"{name} · {cohort}"))
    return choices


def milestone_choices(fund):
    """``(milestone id, cohort · title)`` of the milestones of the fund's lab's cohorts."""
    rows = db.session.execute(
        db.select(Milestone.id, Cohort.name, Milestone.title)
        .join(Cohort, Cohort.id == Milestone.cohort_id)
        .where(Cohort.lab_id == fund.lab_id)
        .order_by(Cohort.name, Milestone.position, Milestone.id)
    ).all()
    return [(mid, f"{cohort} · {title}") for mid, cohort, title in rows]


def grant_file(grant, file_id):
    """The stored file ``file_id`` if it belongs to ``grant`` (agreement, evidence, proof, receipt), else None."""
    ids = {grant.agreement_file_id}
    for tranche in grant.tranches:
        ids.add(tranche.evidence_file_id)
        if tranche.disbursement is not None:
            ids.add(tranche.disbursement.proof_file_id)
    ids.update(
        db.session.scalars(db.select(SpendingItem.receipt_file_id).where(SpendingItem.grant_id == grant.id))
    )
    return db.session.get(StoredFile, file_id) if file_id in ids - {None} else None
