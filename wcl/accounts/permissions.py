"""Who may do what: the one place for roles, named permissions and object checks.

Views use ``@require(permission)``; services re-check with ``ensure`` for
anything a job or CLI command could also call. Object-level rules (a mentor
sees only her own participants, an applicant only her own application) are
functions registered in ``OBJECT_RULES``; each receives the user and the
object and answers True or False. Admins hold every permission.

The rules themselves live in ``wcl.accounts.rules`` by domain (roles and lab
scope in ``rules.roles``); this module holds the one table naming every
permission, and re-exports what callers import from here.
"""

from functools import cache, wraps

from flask import abort, g, has_request_context
from flask_login import current_user

from wcl.accounts.rules.applications import (
    active_co_reviewer,
    active_reviewer,
    co_reviewer_person,
    own_application,
    own_draft,
    pitch_juror,
    staff_in_lab,
)
from wcl.accounts.rules.campaigns import (
    bank_staff,
    campaign_staff,
    grant_staff,
    lab_campaign_staff,
    may_comment,
    own_campaign,
    own_comment,
    own_grant,
    own_receipt,
)
from wcl.accounts.rules.cohorts import (
    alumni_staff,
    cohort_mentor,
    cohort_participant,
    cohort_staff,
    lab_or_cohort_staff,
    own_alumni_profile,
    own_graduation,
)
from wcl.accounts.rules.community import (
    ashar_staff,
    campaign_may_launch,
    community_member,
    event_staff,
    org_representative,
    org_staff,
    own_demographics,
    project_lead,
)
from wcl.accounts.rules.roles import (
    ROLES,
    A,
    M,
    P,
    R,
    Role,
    S,
    any_of,
    has_role,
    in_lab_scope,
    in_own_lab,
    is_admin,
    is_unscoped,
    lab_condition,
    lab_scope,
    may_mentor,
)
from wcl.extensions import db, login_manager

# What callers import from here: the table and its checks, and the roles and
# lab-scope helpers of ``wcl.accounts.rules.roles``.
__all__ = [
    "HELD_WITHOUT_ROLE",
    "OBJECT_RULES",
    "OWNER_RULES",
    "PERMISSIONS",
    "ROLES",
    "ROLE_PERMISSIONS",
    "UNSCOPED_ONLY",
    "PermissionDenied",
    "Role",
    "abort_unless",
    "campaign_may_launch",
    "can",
    "ensure",
    "has_permission",
    "has_role",
    "in_lab_scope",
    "in_own_lab",
    "is_admin",
    "is_unscoped",
    "lab_condition",
    "lab_scope",
    "may_mentor",
    "require",
    "require_login",
]


# --- the table ---------------------------------------------------------------------
# permission: (roles that hold it, object rule or None, owner rule or None).
# Admins hold every permission. An empty role set with an owner rule means
# "only the owner".
_ = None
PERMISSIONS = {
    # accounts
    "admin.users": (set(), _, _),
    "demographics.read_raw": (set(), _, own_demographics),
    "audit.view": ({S}, _, _),
    "jobs.manage": ({S}, _, _),  # failed background jobs: the error, and a retry (unscoped only)
    # applications: staff act on their lab's calls; a reviewer on what she is assigned
    "calls.manage": ({S}, staff_in_lab, _),
    "applications.apply": ({A, P, M, R, S}, _, _),
    "applications.enter_paper": ({S}, staff_in_lab, _),
    "applications.view_all": ({S}, staff_in_lab, _),
    "applications.assign_reviewers": ({S}, staff_in_lab, _),
    "applications.review": ({R}, active_reviewer, active_co_reviewer),
    "applications.decide": ({S}, staff_in_lab, _),
    "applications.export": ({S}, staff_in_lab, _),
    "applications.edit_templates": ({S}, _, _),  # unscoped only (below): the letters go to every lab
    "applications.view": (
        {S, R},
        any_of(staff_in_lab, active_reviewer),
        any_of(own_application, active_co_reviewer),
    ),
    "applications.apply_for_organisation": (set(), _, org_representative),
    "applications.edit": (set(), _, own_draft),
    "applications.withdraw": (set(), _, own_application),
    # cohorts: staff in their lab, a mentor on her participants, a participant on herself
    "cohorts.manage": ({S}, cohort_staff, _),
    "cohorts.mentor": ({M}, cohort_mentor, _),
    "cohorts.participate": ({P}, cohort_participant, _),
    "cohorts.view": ({P, M, S}, any_of(cohort_staff, cohort_mentor, cohort_participant), _),
    "cohorts.attendance": ({M, S}, any_of(cohort_staff, cohort_mentor), _),
    "cohorts.checkin": ({M}, cohort_mentor, _),
    "cohorts.review": ({M, S}, any_of(cohort_staff, cohort_mentor), _),
    "cohorts.signoff": ({M}, cohort_mentor, _),
    "cohorts.certificate": ({P, S}, any_of(cohort_staff, cohort_participant), _),
    # campaigns: the creator edits her own; staff moderate their lab's
    "campaigns.create": ({P}, _, _),
    "campaigns.moderate": ({S}, campaign_staff, _),
    "campaigns.edit": (set(), _, own_campaign),
    "campaigns.view_unpublished": ({S}, campaign_staff, own_campaign),
    "campaigns.post_update": (set(), _, own_campaign),
    "campaigns.comment": (set(), _, may_comment),
    "campaigns.delete_comment": (set(), _, own_comment),
    "matching.manage": ({S}, campaign_staff, _),
    "campaigns.lab_campaign": ({S}, lab_campaign_staff, _),  # the lab's own campaign (issue 18)
    # grants: staff act on their lab's funds; the recipient on her own grant
    "grants.manage": ({S}, grant_staff, _),
    "grants.view": ({S}, grant_staff, own_grant),
    "grants.receive": (set(), _, own_grant),
    "grants.mine": ({P}, _, _),  # the "My grant" link: participants and graduates
    # ashar: staff review their lab's community projects and confirm labour given; any
    # staff enter a municipality's match; the group's lead follows her project; a
    # group campaign's shares are set by its owner or its staff
    "ashar.review": ({S}, ashar_staff, _),
    "ashar.confirm": ({S}, ashar_staff, _),
    "ashar.match": ({S}, _, _),
    "ashar.lead": ({S}, ashar_staff, project_lead),
    "ashar.beneficiaries": ({S}, campaign_staff, own_campaign),
    # payments: staff act on their lab's campaigns
    "payments.record_offline": ({S}, campaign_staff, _),
    "payments.refund": ({S}, campaign_staff, _),
    "payments.inbox": ({S}, _, _),  # unscoped only: every lab's events
    # events: staff of the event's lab publish, edit and check people in
    "events.manage": ({S}, event_staff, _),
    "events.checkin": ({S}, event_staff, _),
    "payments.bank_accounts": ({S}, bank_staff, _),  # a lab's account details for transfers
    "payments.statements": ({S}, bank_staff, _),  # import a lab's bank statements, resolve lines
    # receipts and reports
    "receipts.manage": ({S}, campaign_staff, _),
    "receipts.view": ({S}, campaign_staff, own_receipt),
    "reports.view": ({S}, campaign_staff, _),  # on a campaign: filter a report by it
    # organisations and partnerships: staff; a partnership of one lab, that lab's staff
    "orgs.manage": ({S}, org_staff, _),
    "orgs.represent": ({S}, _, org_representative),  # act for an organisation (its directory entry)
    # knowledge bank: staff publish, mentors suggest; members-only resources for the
    # people in the programme and community members
    "knowledge.manage": ({S}, _, _),
    "knowledge.suggest": ({M, S}, _, _),
    "knowledge.members_only": ({P, M, R, S}, _, community_member),
    # pitch days: staff of the call's lab run them; jurors score (scores stay with staff)
    "pitch.manage": ({S}, staff_in_lab, _),
    "pitch.judge": (set(), _, pitch_juror),
    # outcomes: staff see their lab's follow-ups and results; record their lab's support
    "outcomes.view": ({S}, _, _),
    "outcomes.support": ({S}, lab_or_cohort_staff, _),
    # alumni profiles: a graduate opts in and keeps her own; staff of her lab may hide one
    "alumni.profile": (set(), _, own_graduation),  # on her graduated enrolment
    "alumni.edit": (set(), _, own_alumni_profile),
    "alumni.mine": ({P}, _, _),  # the "My alumni profile" link: participants and graduates
    "alumni.moderate": ({S}, alumni_staff, _),
    # site content: the info pages and the exchange rates shown to backers abroad
    "pages.edit": ({S}, _, _),
    "rates.manage": ({S}, _, _),
}
del _

# Permissions whose pages show or act on every lab at once (nothing in them
# belongs to one lab): staff scoped to a lab do not hold them, whatever the table
# says. Decision letters are one text for every lab's applicants; the failed-jobs
# page shows any job's arguments and errors (email addresses, names) and reruns
# it; the webhook inbox lists every lab's payment events.
UNSCOPED_ONLY = frozenset(
    {"applications.edit_templates", "jobs.manage", "payments.inbox", "pages.edit", "rates.manage"}
)

# Permissions held through a relationship rather than a role: the people of a partner
# organisation named co-reviewer of a call review like reviewers (issue 20), so the
# role-level check (``require``) lets them in; the object rules above decide on what.
# Each maps to a SQL condition on a user id, so the session loader answers them all in
# the query that loads her (``held_columns``), not one query each per request.
HELD_WITHOUT_ROLE = {"applications.review": co_reviewer_person}

# Derived views of the table, for callers that ask one question.
ROLE_PERMISSIONS = {name: roles for name, (roles, _rule, _owner) in PERMISSIONS.items()}
ROLE_NAMES = {name: frozenset(str(r) for r in roles) for name, roles in ROLE_PERMISSIONS.items()}
OBJECT_RULES = {name: rule for name, (_roles, rule, _owner) in PERMISSIONS.items() if rule}
OWNER_RULES = {name: owner for name, (_roles, _rule, owner) in PERMISSIONS.items() if owner}


@cache
def _held_by_roles(role_names, unscoped):
    """The permissions roles ``role_names`` hold at role level (a user scoped to a lab
    when not ``unscoped``): the table read once per combination, not per question."""
    if Role.ADMIN in role_names:
        return frozenset(ROLE_PERMISSIONS)
    return frozenset(
        name
        for name, roles in ROLE_NAMES.items()
        if role_names & roles and (unscoped or name not in UNSCOPED_ONLY)
    )


def has_permission(user, permission):
    """Role-level check, without an object."""
    if permission not in ROLE_PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    unscoped = is_unscoped(user)
    if permission in _held_by_roles(frozenset(user.role_names), unscoped):
        return True
    if permission in UNSCOPED_ONLY and not unscoped:
        return False
    held = HELD_WITHOUT_ROLE.get(permission)
    return bool(held and _held_in_request(held, permission, user))


def role_signature(user):
    """What every check without an object depends on for ``user``: ``None`` unless she is
    signed in and active, else her roles, whether she sees every lab and the permissions
    she holds through a relationship. Users with one signature get one answer from
    ``can(permission)`` and ``has_permission`` for every permission (the navigation is
    kept per signature, ``wcl.core.navigation``)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    held = tuple(has_permission(user, permission) for permission in HELD_WITHOUT_ROLE)
    return frozenset(user.role_names), is_unscoped(user), held


def held_columns(user_id):
    """SQL columns answering every ``HELD_WITHOUT_ROLE`` permission for ``user_id`` (a
    column of the caller's query), in that table's order: see ``remember_held``."""
    return [held(user_id).label(f"held_{n}") for n, held in enumerate(HELD_WITHOUT_ROLE.values())]


def remember_held(user, answers):
    """Keep for this request the answers of ``held_columns`` read with ``user``."""
    if has_request_context():
        kept = g.setdefault("_held_permissions", {})
        kept.update(
            {(permission, user.id): bool(a) for permission, a in zip(HELD_WITHOUT_ROLE, answers, strict=True)}
        )


def _held_in_request(held, permission, user):
    # The navigation asks "may she review" on every page: answered once per request
    # and user, by the session loader's own query when it loaded her.
    def ask():
        return bool(db.session.scalar(db.select(held(user.id))))

    if not has_request_context():
        return ask()
    answers = g.setdefault("_held_permissions", {})
    key = (permission, user.id)
    if key not in answers:
        answers[key] = ask()
    return answers[key]


def can(permission, obj=None, user=None):
    """May ``user`` (default: the current user) use ``permission`` on ``obj``?"""
    # The proxy costs a lookup on every attribute read: take the user once.
    user = current_user._get_current_object() if user is None else user
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


def get_or_abort(model, row_id, permission):
    """In a view: the ``model`` row with this id; 404 when there is none, 403 unless the
    current user may use ``permission`` on it."""
    row = db.session.get(model, row_id)
    if row is None:
        abort(404)
    abort_unless(permission, row)
    return row
