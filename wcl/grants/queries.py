"""Read-only grant lookups the permission rules and other domains need (imports only models)."""

import sqlalchemy as sa

from wcl.cohorts.models import MilestoneProgress, MilestoneStatus
from wcl.extensions import db
from wcl.grants.models import Grant, GrantStatus


def grant_lab_id(obj):
    """The lab a fund, grant, tranche, disbursement or spending item belongs to (its fund's lab)."""
    table = obj.__tablename__
    if table == "grant_funds":
        return obj.lab_id
    if table == "grants":
        return obj.fund.lab_id
    if table == "grant_disbursements":
        return obj.tranche.grant.fund.lab_id
    return obj.grant.fund.lab_id  # tranches, budget lines, spending items


def grant_recipient_id(obj):
    """Whose grant ``obj`` (a grant, tranche or spending item) is; ``None`` for a fund."""
    table = obj.__tablename__
    if table == "grants":
        return obj.recipient_id
    if table in ("grant_tranches", "grant_spending_items", "grant_budget_lines"):
        return obj.grant.recipient_id
    return None


def milestone_approved(milestone_id, enrolment_id):
    """Has the milestone been approved (by her mentor or staff) for this enrolment?"""
    stmt = db.select(MilestoneProgress.id).where(
        MilestoneProgress.milestone_id == milestone_id,
        MilestoneProgress.enrolment_id == enrolment_id,
        MilestoneProgress.status == MilestoneStatus.APPROVED,
    )
    return db.session.scalar(stmt.limit(1)) is not None


def has_grant(user_id):
    """Does ``user_id`` hold a grant that is not cancelled (for the "My grant" link)?"""
    stmt = db.select(Grant.id).where(Grant.recipient_id == user_id, Grant.status != GrantStatus.CANCELLED)
    return db.session.scalar(stmt.limit(1)) is not None


def grant_ids_of(user_id):
    """Ids of ``user_id``'s grants, newest first."""
    return list(
        db.session.scalars(
            db.select(Grant.id).where(Grant.recipient_id == user_id).order_by(sa.desc(Grant.id))
        )
    )
