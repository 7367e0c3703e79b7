"""Who may do what: the one place for roles, named permissions and object checks.

Views use ``@require(permission)``; services re-check with ``ensure`` for
anything a job or CLI command could also call. Object-level rules (a mentor
sees only her own participants, an applicant only her own application) are
functions registered in ``OBJECT_RULES``; each receives the user and the
object and answers True or False. Admins hold every permission.
"""

from enum import StrEnum
from functools import wraps

from flask import abort
from flask_login import current_user

from wcl.extensions import login_manager


class Role(StrEnum):
    APPLICANT = "applicant"
    PARTICIPANT = "participant"
    MENTOR = "mentor"
    REVIEWER = "reviewer"
    STAFF = "staff"
    ADMIN = "admin"


ROLES = tuple(Role)
A, P, M, R, S = Role.APPLICANT, Role.PARTICIPANT, Role.MENTOR, Role.REVIEWER, Role.STAFF

# Named permissions → roles that hold them (admins hold all).
ROLE_PERMISSIONS = {
    # accounts
    "admin.users": set(),
    "demographics.read_raw": set(),
    "audit.view": {S},
    "jobs.manage": {S},  # failed background jobs: the error, and a retry
    # applications
    "calls.manage": {S},
    "applications.apply": {A, P, M, R, S},
    "applications.enter_paper": {S},
    "applications.view_all": {S},
    "applications.assign_reviewers": {S},
    "applications.review": {R},
    "applications.decide": {S},
    "applications.export": {S},
    "applications.view": {S, R},  # object rule below; the applicant herself via OWNER_RULES
    "applications.edit": set(),  # only the applicant's own draft (OWNER_RULES)
    "applications.withdraw": set(),  # only the applicant (OWNER_RULES)
    # cohorts (object rules: see the cohorts block below)
    "cohorts.manage": {S},
    "cohorts.mentor": {M},
    "cohorts.participate": {P},
    "cohorts.view": {P, M, S},
    "cohorts.attendance": {M, S},
    "cohorts.checkin": {M},
    "cohorts.review": {M, S},
    "cohorts.signoff": {M},
    "cohorts.certificate": {P, S},
    # campaigns and payments
    "campaigns.create": {P},
    "campaigns.moderate": {S},
    "payments.record_offline": {S},
    "payments.refund": {S},
    "payments.inbox": {S},
    "matching.manage": {S},
    # receipts and reports
    "receipts.manage": {S},
    "reports.view": {S},
}


def has_role(user, role):
    """True if ``user`` (possibly anonymous) holds ``role``."""
    return bool(getattr(user, "is_authenticated", False)) and Role(role) in user.role_names


def is_admin(user):
    return has_role(user, Role.ADMIN)


def has_permission(user, permission):
    """Role-level check, without an object."""
    if permission not in ROLE_PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if is_admin(user):
        return True
    return bool(user.role_names & {str(r) for r in ROLE_PERMISSIONS[permission]})


# --- object-level rules ------------------------------------------------------
# Each domain registers rules here for permissions that depend on the object.
# A rule answers for non-admins; it runs only after the role check passes,
# unless the permission lists the rule in OWNER_RULES (owners without a role).


def in_lab_scope(user, lab_id):
    """Staff scoped to a lab see only that lab; unscoped staff see all."""
    return user.lab_id is None or lab_id is None or user.lab_id == lab_id


def _own_demographics(user, demographics):
    return demographics is not None and demographics.user_id == user.id


OBJECT_RULES = {}
OWNER_RULES = {
    "demographics.read_raw": _own_demographics,
}

# --- campaigns and payments (issue 5) ----------------------------------------
# The creator edits her own campaign, sees it before it is public and posts its
# updates; staff moderate (approve, return, cancel, hide updates and comments), record
# offline payments and manage matching pools (named in ROLE_PERMISSIONS above).


def _own_campaign(user, campaign):
    return campaign is not None and getattr(campaign, "owner_id", None) == user.id


ROLE_PERMISSIONS.update(
    {
        "campaigns.edit": set(),
        "campaigns.view_unpublished": {S},
        "campaigns.post_update": set(),
    }
)
OWNER_RULES.update(
    {
        "campaigns.edit": _own_campaign,
        "campaigns.view_unpublished": _own_campaign,
        "campaigns.post_update": _own_campaign,
    }
)

# --- campaign comments ----------------------------------------------------------
# Anyone signed in with a confirmed email may comment on a public campaign,
# whatever her roles (a backer's account may hold none): a rule on the campaign,
# not a role. The author may delete her own comment; staff hide any comment
# with ``campaigns.moderate``.


def _may_comment(user, campaign):
    return user.email_verified_at is not None and bool(getattr(campaign, "is_public", False))


def _own_comment(user, comment):
    return comment is not None and getattr(comment, "author_id", None) == user.id


ROLE_PERMISSIONS.update({"campaigns.comment": set(), "campaigns.delete_comment": set()})
OWNER_RULES.update({"campaigns.comment": _may_comment, "campaigns.delete_comment": _own_comment})


# --- cohorts -------------------------------------------------------------------
# Objects: Cohort, Enrolment, CohortSession, SessionMaterial, Milestone,
# MilestoneProgress. Staff act within their lab; a mentor only on her own
# participants' enrolments (enrolment.mentor_id == user.id) and on the
# cohorts where she mentors someone; a participant only on her own enrolment
# and the cohorts she is (still) enrolled in.


def _cohort_of(obj):
    table = obj.__tablename__
    if table == "cohorts":
        return obj
    if table == "cohort_milestone_progress":
        return obj.enrolment.cohort
    if table == "cohort_session_materials":
        return obj.session.cohort
    return obj.cohort  # enrolments, cohort_sessions, cohort_milestones


def _enrolment_of(obj):
    table = obj.__tablename__
    if table == "enrolments":
        return obj
    if table == "cohort_milestone_progress":
        return obj.enrolment
    return None


def _cohort_staff(user, obj):
    return has_role(user, S) and in_lab_scope(user, _cohort_of(obj).lab_id)


def _cohort_mentor(user, obj):
    if not has_role(user, M):
        return False
    enrolment = _enrolment_of(obj)
    if enrolment is not None:
        return enrolment.mentor_id == user.id
    from wcl.cohorts.services import mentors_in_cohort

    return mentors_in_cohort(_cohort_of(obj).id, user.id)


def _cohort_participant(user, obj):
    if not has_role(user, P):
        return False
    enrolment = _enrolment_of(obj)
    if enrolment is not None:
        return enrolment.participant_id == user.id
    from wcl.cohorts.services import is_enrolled

    return is_enrolled(_cohort_of(obj).id, user.id)


def _any_of(*rules):
    return lambda user, obj: any(rule(user, obj) for rule in rules)


OBJECT_RULES.update(
    {
        "cohorts.manage": _cohort_staff,
        "cohorts.mentor": _cohort_mentor,
        "cohorts.participate": _cohort_participant,
        "cohorts.view": _any_of(_cohort_staff, _cohort_mentor, _cohort_participant),
        "cohorts.attendance": _any_of(_cohort_staff, _cohort_mentor),
        "cohorts.checkin": _cohort_mentor,
        "cohorts.review": _any_of(_cohort_staff, _cohort_mentor),
        "cohorts.signoff": _cohort_mentor,
        "cohorts.certificate": _any_of(_cohort_staff, _cohort_participant),
    }
)


# --- applications: calls, applications, reviews, decisions --------------------
# Staff act on calls and applications of their lab; a reviewer sees only the
# applications she is assigned to and has not declared a conflict on; the
# applicant sees and edits only her own. Mentors and participants get nothing here.
def _call_lab_id(obj):
    call = getattr(obj, "call", None) or obj
    return getattr(call, "lab_id", None)


def _staff_in_lab(user, obj):
    return has_role(user, Role.STAFF) and in_lab_scope(user, _call_lab_id(obj))


def _active_reviewer(user, application):
    from wcl.applications.services import is_active_reviewer

    return has_role(user, Role.REVIEWER) and is_active_reviewer(user.id, application.id)


def _own_application(user, application):
    return getattr(application, "applicant_id", None) == user.id


def _own_draft(user, application):
    return _own_application(user, application) and application.status == "draft"


OBJECT_RULES.update(
    {
        "calls.manage": _staff_in_lab,
        "applications.enter_paper": _staff_in_lab,
        "applications.view_all": _staff_in_lab,
        "applications.assign_reviewers": _staff_in_lab,
        "applications.decide": _staff_in_lab,
        "applications.export": _staff_in_lab,
        "applications.view": lambda user, app: _staff_in_lab(user, app) or _active_reviewer(user, app),
        "applications.review": _active_reviewer,
    }
)
OWNER_RULES.update(
    {
        "applications.view": _own_application,
        "applications.edit": _own_draft,
        "applications.withdraw": _own_application,
    }
)

# --- receipts (issue 7) --------------------------------------------------------
# A donor sees her own receipts: those of her account, and guest ones made with
# her confirmed email (as "My pledges" does). Staff with receipts.manage see all.


def _own_receipt(user, receipt):
    if receipt is None:
        return False
    if receipt.backer_id is not None:
        return receipt.backer_id == user.id
    return (
        user.email_verified_at is not None and bool(receipt.donor_email) and receipt.donor_email == user.email
    )


ROLE_PERMISSIONS.update({"receipts.view": {S}})
OWNER_RULES.update({"receipts.view": _own_receipt})


def can(permission, obj=None, user=None):
    """May ``user`` (default: the current user) use ``permission`` on ``obj``?"""
    user = current_user if user is None else user
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if is_admin(user):
        return True
    owner_rule = OWNER_RULES.get(permission)
    if obj is not None and owner_rule is not None and owner_rule(user, obj):
        return True
    if not has_permission(user, permission):
        return False
    rule = OBJECT_RULES.get(permission)
    return True if obj is None or rule is None else bool(rule(user, obj))


class PermissionDenied(Exception):
    """Raised by services when the actor may not do this."""


def ensure(permission, obj=None, user=None):
    """Raise ``PermissionDenied`` unless ``can(permission, obj, user)``."""
    if not can(permission, obj, user):
        raise PermissionDenied(permission)


def require(permission):
    """View decorator: log in first, then 403 without the permission."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not has_permission(current_user, permission):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def require_login(view):
    """View decorator: any signed-in user."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return wrapped


def abort_unless(permission, obj=None):
    """In a view: 403 unless the current user may use ``permission`` on ``obj``."""
    if not can(permission, obj):
        abort(403)
