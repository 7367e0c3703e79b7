"""Who reviews what: staff assign reviewers by hand or evenly, and a reviewer may excuse herself.

Each new assignment emails the reviewer (one email per call, however many
she was given) and moves a submitted application to "under review".
"""

from collections import Counter
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy.orm import selectinload

from wcl.accounts.models import User, UserRole
from wcl.accounts.permissions import Role, ensure, in_lab_scope
from wcl.applications.models import Application, AssignmentStatus, CallCoReviewer, ReviewAssignment
from wcl.applications.queries import assignment_of, team_people
from wcl.applications.services._common import S, can_email, fail
from wcl.audit.services import record
from wcl.extensions import db
from wcl.i18n import user_locale
from wcl.links import absolute_url
from wcl.mail import queue_email
from wcl.orgs.models import OrgMembership
from wcl.time import utcnow


def eligible_reviewers(call):
    """Active reviewers whose lab scope covers the call, and the people of the call's
    co-reviewing partner organisations (issue 20), by name."""
    users = db.session.scalars(
        db.select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == str(Role.REVIEWER), User.is_active_account.is_(True))
        .order_by(User.full_name, User.id)
    ).all()
    reviewers = [u for u in users if in_lab_scope(u, call.lab_id)]
    partners = db.session.scalars(
        db.select(User)
        .join(OrgMembership, OrgMembership.user_id == User.id)
        .join(CallCoReviewer, CallCoReviewer.organisation_id == OrgMembership.organisation_id)
        .where(CallCoReviewer.call_id == call.id, User.is_active_account.is_(True))
        .order_by(User.full_name, User.id)
    ).all()
    seen = {u.id for u in reviewers}
    extra = [u for u in dict.fromkeys(partners) if u.id not in seen]
    return sorted(reviewers + extra, key=lambda u: (u.full_name, u.id))


def assignments_for(application):
    """The application's review assignments, oldest first."""
    return db.session.scalars(
        db.select(ReviewAssignment)
        .where(ReviewAssignment.application_id == application.id)
        .options(selectinload(ReviewAssignment.reviewer))
        .order_by(ReviewAssignment.id)
    ).all()


def reviewer_assignments(user, page=1, per_page=20):
    """The reviewer's assignments (to do first), with their applications."""
    order = db.case((ReviewAssignment.status == AssignmentStatus.ASSIGNED, 0), else_=1)
    stmt = (
        db.select(ReviewAssignment)
        .where(ReviewAssignment.reviewer_id == user.id)
        .options(selectinload(ReviewAssignment.application).selectinload(Application.call))
        .order_by(order, ReviewAssignment.assigned_at.desc(), ReviewAssignment.id.desc())
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def _call_loads(call_id):
    """``{reviewer_id: active assignments in the call}``."""
    rows = db.session.execute(
        db.select(ReviewAssignment.reviewer_id, func.count(ReviewAssignment.id))
        .join(Application, Application.id == ReviewAssignment.application_id)
        .where(Application.call_id == call_id, ReviewAssignment.status.in_(AssignmentStatus.ACTIVE))
        .group_by(ReviewAssignment.reviewer_id)
    )
    return dict(rows.all())


def _new_assignment(application, reviewer_id, actor):
    assignment = ReviewAssignment(
        application_id=application.id, reviewer_id=reviewer_id, assigned_by_id=getattr(actor, "id", None)
    )
    db.session.add(assignment)
    db.session.flush()
    record("review.assigned", application, actor=actor, reviewer_id=reviewer_id, assignment_id=assignment.id)
    if application.status == S.SUBMITTED:
        application.status = S.UNDER_REVIEW
        record("application.status_changed", application, actor=actor, old=S.SUBMITTED, new=S.UNDER_REVIEW)
    return assignment


def _queue_review_request_emails(call, reviewer_ids):
    """Tell each reviewer how many applications of ``call`` she was just given.

    One email per reviewer, however many were assigned at once; it names the
    call only (never an applicant, so a blind review stays blind).
    """
    for reviewer_id, count in Counter(reviewer_ids).items():
        reviewer = db.session.get(User, reviewer_id)
        if reviewer is None or not can_email(reviewer):
            continue
        locale = user_locale(reviewer)
        queue_email(
            reviewer.email,
            "applications/review_assigned",
            locale,
            name=reviewer.public_name,
            call_title=call.title(locale),
            count=count,
            link=absolute_url("applications.my_reviews"),
        )


def assign_reviewer(actor, application, reviewer):
    """Staff assign one reviewer by hand."""
    ensure("applications.assign_reviewers", application, user=actor)
    if application.status not in S.IN_REVIEW:
        fail(_l("Only submitted applications that are not decided yet can be reviewed."))
    if reviewer is None or reviewer not in eligible_reviewers(application.call):
        fail(_l("Choose a reviewer."), field="reviewer_id")
    if reviewer.id in team_people(application.id):
        fail(_l("Nobody can review her own application."), field="reviewer_id")
    existing = assignment_of(reviewer.id, application.id)
    if existing is not None:
        if existing.status == AssignmentStatus.CONFLICT:
            fail(
                _l("This reviewer declared a conflict of interest on this application."), field="reviewer_id"
            )
        fail(_l("This reviewer is already assigned."), field="reviewer_id")
    assignment = _new_assignment(application, reviewer.id, actor)
    _queue_review_request_emails(application.call, [reviewer.id])
    db.session.commit()
    return assignment


@dataclass
class AutoAssignResult:
    created: int = 0
    short: list = field(default_factory=list)  # application ids still missing reviewers


def _pick_reviewers(application, pool, loads, taken, how_many):
    """The ``how_many`` least-loaded reviewers of ``pool`` not yet on the application."""
    own = team_people(application.id)  # the applicant, her team, her organisation's people
    candidates = [u for u in pool if u.id not in taken and u.id not in own]
    candidates.sort(key=lambda u: (loads.get(u.id, 0), u.id))
    return candidates[:how_many]


def _undecided_with_assignments(call):
    """``[(application, [its assignments])]`` for the call's applications still in review, oldest first."""
    applications = db.session.scalars(
        db.select(Application)
        .where(Application.call_id == call.id, Application.status.in_(S.IN_REVIEW))
        .order_by(Application.submitted_at, Application.id)
    ).all()
    existing = {}
    for row in db.session.scalars(
        db.select(ReviewAssignment).where(ReviewAssignment.application_id.in_([a.id for a in applications]))
    ):
        existing.setdefault(row.application_id, []).append(row)
    return [(application, existing.get(application.id, [])) for application in applications]


def auto_assign(actor, call):
    """Give every undecided application of ``call`` its required reviewers.

    Each pick is the least-loaded eligible reviewer (fewest active assignments
    in this call), so loads never differ by more than one when every reviewer
    is eligible for every application. Conflicted reviewers are never reused.
    """
    ensure("applications.assign_reviewers", call, user=actor)
    pool = eligible_reviewers(call)
    if not pool:
        fail(_l("There are no reviewers for this lab yet."))
    loads = _call_loads(call.id)
    result = AutoAssignResult()
    assigned_to = []
    for application, rows in _undecided_with_assignments(call):
        active = sum(1 for r in rows if r.status in AssignmentStatus.ACTIVE)
        need = call.reviews_required - active
        if need <= 0:
            continue
        picks = _pick_reviewers(application, pool, loads, {r.reviewer_id for r in rows}, need)
        for reviewer in picks:
            _new_assignment(application, reviewer.id, actor)
            assigned_to.append(reviewer.id)
            loads[reviewer.id] = loads.get(reviewer.id, 0) + 1
            result.created += 1
        if len(picks) < need:
            result.short.append(application.id)
    record("call.reviewers_auto_assigned", call, actor=actor, created=result.created, short=len(result.short))
    _queue_review_request_emails(call, assigned_to)
    db.session.commit()
    return result


def _replace_reviewer(application, reviewer):
    """Assign the least-loaded free reviewer in place of ``reviewer``; ``None`` when nobody is free."""
    taken = set(
        db.session.scalars(
            db.select(ReviewAssignment.reviewer_id).where(ReviewAssignment.application_id == application.id)
        )
    )
    picks = _pick_reviewers(
        application, eligible_reviewers(application.call), _call_loads(application.call_id), taken, 1
    )
    if not picks:
        return None
    replacement = picks[0]
    _new_assignment(application, replacement.id, None)
    record("review.replaced", application, replaced=reviewer.id, reviewer_id=replacement.id)
    _queue_review_request_emails(application.call, [replacement.id])
    return replacement


def declare_conflict(actor, application):
    """The reviewer excuses herself; the least-loaded eligible reviewer replaces her.

    Returns the replacement ``User`` or ``None`` when nobody is free.
    """
    assignment = assignment_of(actor.id, application.id)
    if assignment is None:
        fail(_l("You are not assigned to this application."))
    if assignment.status == AssignmentStatus.CONFLICT:
        fail(_l("You have already declared a conflict of interest on this application."))
    if assignment.status == AssignmentStatus.DONE:
        fail(_l("You have already reviewed this application. Please tell the Lab staff about the conflict."))
    assignment.status = AssignmentStatus.CONFLICT
    assignment.conflict_declared_at = utcnow()
    record("review.conflict_declared", application, actor=actor, assignment_id=assignment.id)
    replacement = None
    if application.status in S.IN_REVIEW:
        replacement = _replace_reviewer(application, actor)
    db.session.commit()
    return replacement
