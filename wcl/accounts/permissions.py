"""Who may do what: the one place for roles, named permissions and object checks.

Views use ``@require(permission)``; services re-check with ``ensure`` for
anything a job or CLI command could also call. Object-level rules (a mentor
sees only her own participants, an applicant only her own application) are
functions registered in ``OBJECT_RULES``; each receives the user and the
object and answers True or False. Admins hold every permission.
"""

from enum import StrEnum
from functools import wraps

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from wcl.accounts.models import User
from wcl.applications.queries import co_reviews_call, is_active_reviewer, is_co_reviewer
from wcl.ashar.queries import (
    community_campaign_admitted,
    project_lab_id,
    project_lead_id,
)
from wcl.campaigns.queries import campaign_lab_id
from wcl.cohorts.queries import is_enrolled, mentors_in_cohort
from wcl.extensions import db, login_manager
from wcl.grants.queries import grant_lab_id, grant_recipient_id
from wcl.orgs.queries import is_community_member, is_representative
from wcl.pitch.queries import is_juror


class Role(StrEnum):
    APPLICANT = "applicant"
    PARTICIPANT = "participant"
    MENTOR = "mentor"
    REVIEWER = "reviewer"
    STAFF = "staff"
    ADMIN = "admin"


ROLES = tuple(Role)
A, P, M, R, S = Role.APPLICANT, Role.PARTICIPANT, Role.MENTOR, Role.REVIEWER, Role.STAFF


def has_role(user, role):
    """True if ``user`` (possibly anonymous) holds ``role``."""
    return bool(getattr(user, "is_authenticated", False)) and Role(role) in user.role_names


def is_admin(user):
    return has_role(user, Role.ADMIN)


def may_mentor(user):
    """May ``user`` be chosen as someone's mentor (an active account with the mentor role)?"""
    return user.is_active and has_role(user, M)


# --- lab scope -------------------------------------------------------------------
# Staff may be scoped to one lab (``user.lab_id``) or see every lab (None); admins
# see every lab. Calls, cohorts, campaigns (through their owner's cohort), pools
# and letters belong to a lab. These three helpers are the one statement of it.


def is_unscoped(user):
    """Does ``user`` see every lab (an admin, or staff with no lab)?"""
    return is_admin(user) or getattr(user, "lab_id", None) is None


def in_lab_scope(user, lab_id):
    """Staff scoped to a lab see only that lab; unscoped staff see all."""
    return is_unscoped(user) or lab_id is None or user.lab_id == lab_id


def lab_condition(user, column):
    """A SQL condition keeping rows of ``column`` (a lab id) that ``user`` may see."""
    return sa.true() if is_unscoped(user) else column == user.lab_id


def lab_scope(query, user, column):
    """``query`` narrowed to the labs ``user`` may see (``column`` holds the lab id)."""
    return query if is_unscoped(user) else query.where(column == user.lab_id)


def in_own_lab(user, lab_id):
    """Money and letters: staff scoped to a lab act only on rows of that lab; a row
    of no lab (a campaign whose creator is in no cohort) is for unscoped staff only,
    as ``lab_condition`` keeps it out of her lists."""
    return is_unscoped(user) or (lab_id is not None and lab_id == user.lab_id)


# --- object rules ------------------------------------------------------------------
# A rule answers for non-admins on one object. OBJECT_RULES run after the role
# check passes; OWNER_RULES let an owner act without the role (her own draft,
# her own receipt).


def _own_demographics(user, demographics):
    return demographics is not None and demographics.user_id == user.id


def _own_campaign(user, campaign):
    return campaign is not None and getattr(campaign, "owner_id", None) == user.id


def _may_comment(user, campaign):
    # Any signed-in person with a confirmed email, whatever her roles (a
    # backer's account may hold none), on a public campaign.
    return user.email_verified_at is not None and bool(getattr(campaign, "is_public", False))


def _own_comment(user, comment):
    return comment is not None and getattr(comment, "author_id", None) == user.id


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
    # A mentor acts on her own participants' enrolments, and on the cohorts
    # where she mentors someone.
    if not has_role(user, M):
        return False
    enrolment = _enrolment_of(obj)
    if enrolment is not None:
        return enrolment.mentor_id == user.id
    return mentors_in_cohort(_cohort_of(obj).id, user.id)


def _cohort_participant(user, obj):
    # A participant acts on her own enrolment and the cohorts she is (still) in.
    if not has_role(user, P):
        return False
    enrolment = _enrolment_of(obj)
    if enrolment is not None:
        return enrolment.participant_id == user.id
    return is_enrolled(_cohort_of(obj).id, user.id)


def _call_lab_id(obj):
    call = getattr(obj, "call", None) or obj
    return getattr(call, "lab_id", None)


def _staff_in_lab(user, obj):
    return has_role(user, S) and in_lab_scope(user, _call_lab_id(obj))


def _campaign_id_of(obj):
    # campaigns themselves; pledges and receipts through their campaign
    return obj.id if obj.__tablename__ == "campaigns" else obj.campaign_id


def _pool_in_lab(user, pool):
    # A pool belongs to the lab of the campaigns it matches (all of them); one
    # matching none yet, to its creator's lab.
    if pool.campaigns:
        return all(in_own_lab(user, campaign_lab_id(c.id)) for c in pool.campaigns)
    creator = db.session.get(User, pool.created_by_id) if pool.created_by_id else None
    return creator is not None and in_own_lab(user, creator.lab_id)


def _campaign_staff(user, obj):
    # Staff act on the money of their lab's campaigns (a campaign's lab is its
    # owner's cohort's lab): pledges, refunds, offline payments, receipts, pools.
    if not has_role(user, S):
        return False
    if is_unscoped(user):
        return True
    if obj.__tablename__ == "matching_pools":
        return _pool_in_lab(user, obj)
    # A community project's campaign carries its project's lab (``campaign_lab`` reads it).
    return in_own_lab(user, campaign_lab_id(_campaign_id_of(obj)))


def _lab_campaign_staff(user, obj):
    # The lab's own campaign: staff of that lab (or unscoped staff) create and
    # launch it. ``obj`` is the lab, or the lab campaign itself.
    lab_id = obj.id if obj.__tablename__ == "labs" else getattr(obj, "lab_id", None)
    return has_role(user, S) and lab_id is not None and in_own_lab(user, lab_id)


def _grant_staff(user, obj):
    # Staff act on their lab's grant funds and everything in them; a fund
    # belongs to exactly one lab (``in_own_lab``: unscoped staff see every lab).
    return has_role(user, S) and in_own_lab(user, grant_lab_id(obj))


def _own_grant(user, obj):
    return obj is not None and grant_recipient_id(obj) == user.id


def _bank_staff(user, obj):
    # A lab's bank account, its statements and their lines: staff of that lab;
    # the organisation's own account (no lab): unscoped staff.
    account = getattr(obj, "account", None) or obj
    return has_role(user, S) and in_own_lab(user, getattr(account, "lab_id", None))


def _active_reviewer(user, application):
    # Assigned to the application and no conflict declared.
    return has_role(user, R) and is_active_reviewer(user.id, application.id)


def _active_co_reviewer(user, application):
    # A person of a partner organisation named co-reviewer of the application's call,
    # assigned to it without a conflict (issue 20): she reviews like a reviewer, on that
    # call only, whatever her roles.
    return (
        application is not None
        and getattr(application, "call_id", None) is not None
        and co_reviews_call(user.id, application.call_id)
        and is_active_reviewer(user.id, application.id)
    )


def _co_reviewer_person(user):
    return is_co_reviewer(user.id)


def _own_application(user, application):
    return getattr(application, "applicant_id", None) == user.id


def _own_draft(user, application):
    return _own_application(user, application) and application.status == "draft"


def _own_receipt(user, receipt):
    # Her account's receipts, and guest ones made with her confirmed email
    # (as "My pledges" does).
    if receipt is None:
        return False
    if receipt.backer_id is not None:
        return receipt.backer_id == user.id
    return (
        user.email_verified_at is not None and bool(receipt.donor_email) and receipt.donor_email == user.email
    )


def _event_staff(user, event):
    # Staff act on their lab's events; an event of no lab (a city-wide festival) is
    # for unscoped staff, as money and letters of no lab are.
    return has_role(user, S) and in_own_lab(user, getattr(event, "lab_id", None))


def _org_staff(user, obj):
    # Organisations belong to the whole programme; a partnership (or its document)
    # set to one lab is for that lab's staff and unscoped staff.
    partnership = getattr(obj, "partnership", None) or obj
    return has_role(user, S) and in_lab_scope(user, getattr(partnership, "lab_id", None))


def _org_representative(user, org):
    return org is not None and is_representative(org.id, user.id)


def _community_member(user, _resource):
    # Members-only resources: anyone who joined the community, herself or through
    # an organisation she belongs to (people in the programme hold the roles).
    return user.email_verified_at is not None and is_community_member(user.id)


def _lab_or_cohort_staff(user, obj):
    # A lab (its support offers) or a cohort (its participants' support used).
    lab_id = obj.id if obj.__tablename__ == "labs" else _cohort_of(obj).lab_id
    return has_role(user, S) and in_lab_scope(user, lab_id)


def _ashar_staff(user, obj):
    # A community project (or its in-kind pledges): staff of the project's lab; a
    # project of no lab is for unscoped staff, as money of no lab is.
    return has_role(user, S) and in_own_lab(user, project_lab_id(obj))


def _project_lead(user, obj):
    return obj is not None and project_lead_id(obj) == user.id


def campaign_may_launch(campaign):
    """The launch gate's one exception: a community project's campaign goes to review
    only once staff admitted the project (its lead needs no cohort); any other campaign
    passed the cohort gate when it was created."""
    return community_campaign_admitted(campaign.id) is not False


def _own_graduation(user, enrolment):
    # A graduate's own graduated enrolment: she may open an alumni profile.
    return (
        getattr(enrolment, "__tablename__", None) == "enrolments"
        and enrolment.participant_id == user.id
        and enrolment.status == "graduated"
    )


def _own_alumni_profile(user, profile):
    return profile is not None and getattr(profile, "user_id", None) == user.id


def _alumni_staff(user, profile):
    # Staff of the lab she graduated from (unscoped staff: every lab).
    return has_role(user, S) and in_lab_scope(user, profile.enrolment.cohort.lab_id)


def _pitch_juror(user, day):
    # A seat on the pitch day's jury (anyone named: staff, a partner's people).
    return day is not None and day.id is not None and is_juror(day.id, user.id)


def _any_of(*rules):
    return lambda user, obj: any(rule(user, obj) for rule in rules)


# --- the table ---------------------------------------------------------------------
# permission: (roles that hold it, object rule or None, owner rule or None).
# Admins hold every permission. An empty role set with an owner rule means
# "only the owner".
_ = None
PERMISSIONS = {
    # accounts
    "admin.users": (set(), _, _),
    "demographics.read_raw": (set(), _, _own_demographics),
    "audit.view": ({S}, _, _),
    "jobs.manage": ({S}, _, _),  # failed background jobs: the error, and a retry (unscoped only)
    # applications: staff act on their lab's calls; a reviewer on what she is assigned
    "calls.manage": ({S}, _staff_in_lab, _),
    "applications.apply": ({A, P, M, R, S}, _, _),
    "applications.enter_paper": ({S}, _staff_in_lab, _),
    "applications.view_all": ({S}, _staff_in_lab, _),
    "applications.assign_reviewers": ({S}, _staff_in_lab, _),
    "applications.review": ({R}, _active_reviewer, _active_co_reviewer),
    "applications.decide": ({S}, _staff_in_lab, _),
    "applications.export": ({S}, _staff_in_lab, _),
    "applications.edit_templates": ({S}, _, _),  # unscoped only (below): the letters go to every lab
    "applications.view": (
        {S, R},
        _any_of(_staff_in_lab, _active_reviewer),
        _any_of(_own_application, _active_co_reviewer),
    ),
    "applications.apply_for_organisation": (set(), _, _org_representative),
    "applications.edit": (set(), _, _own_draft),
    "applications.withdraw": (set(), _, _own_application),
    # cohorts: staff in their lab, a mentor on her participants, a participant on herself
    "cohorts.manage": ({S}, _cohort_staff, _),
    "cohorts.mentor": ({M}, _cohort_mentor, _),
    "cohorts.participate": ({P}, _cohort_participant, _),
    "cohorts.view": ({P, M, S}, _any_of(_cohort_staff, _cohort_mentor, _cohort_participant), _),
    "cohorts.attendance": ({M, S}, _any_of(_cohort_staff, _cohort_mentor), _),
    "cohorts.checkin": ({M}, _cohort_mentor, _),
    "cohorts.review": ({M, S}, _any_of(_cohort_staff, _cohort_mentor), _),
    "cohorts.signoff": ({M}, _cohort_mentor, _),
    "cohorts.certificate": ({P, S}, _any_of(_cohort_staff, _cohort_participant), _),
    # campaigns: the creator edits her own; staff moderate their lab's
    "campaigns.create": ({P}, _, _),
    "campaigns.moderate": ({S}, _campaign_staff, _),
    "campaigns.edit": (set(), _, _own_campaign),
    "campaigns.view_unpublished": ({S}, _campaign_staff, _own_campaign),
    "campaigns.post_update": (set(), _, _own_campaign),
    "campaigns.comment": (set(), _, _may_comment),
    "campaigns.delete_comment": (set(), _, _own_comment),
    "matching.manage": ({S}, _campaign_staff, _),
    "campaigns.lab_campaign": ({S}, _lab_campaign_staff, _),  # the lab's own campaign (issue 18)
    # grants: staff act on their lab's funds; the recipient on her own grant
    "grants.manage": ({S}, _grant_staff, _),
    "grants.view": ({S}, _grant_staff, _own_grant),
    "grants.receive": (set(), _, _own_grant),
    "grants.mine": ({P}, _, _),  # the "My grant" link: participants and graduates
    # ashar: staff review their lab's community projects and confirm labour given; any
    # staff enter a municipality's match; the group's lead follows her project; a
    # group campaign's shares are set by its owner or its staff
    "ashar.review": ({S}, _ashar_staff, _),
    "ashar.confirm": ({S}, _ashar_staff, _),
    "ashar.match": ({S}, _, _),
    "ashar.lead": ({S}, _ashar_staff, _project_lead),
    "ashar.beneficiaries": ({S}, _campaign_staff, _own_campaign),
    # payments: staff act on their lab's campaigns
    "payments.record_offline": ({S}, _campaign_staff, _),
    "payments.refund": ({S}, _campaign_staff, _),
    "payments.inbox": ({S}, _, _),  # unscoped only: every lab's events
    # events: staff of the event's lab publish, edit and check people in
    "events.manage": ({S}, _event_staff, _),
    "events.checkin": ({S}, _event_staff, _),
    "payments.bank_accounts": ({S}, _bank_staff, _),  # a lab's account details for transfers
    "payments.statements": ({S}, _bank_staff, _),  # import a lab's bank statements, resolve lines
    # receipts and reports
    "receipts.manage": ({S}, _campaign_staff, _),
    "receipts.view": ({S}, _campaign_staff, _own_receipt),
    "reports.view": ({S}, _campaign_staff, _),  # on a campaign: filter a report by it
    # organisations and partnerships: staff; a partnership of one lab, that lab's staff
    "orgs.manage": ({S}, _org_staff, _),
    "orgs.represent": ({S}, _, _org_representative),  # act for an organisation (its directory entry)
    # knowledge bank: staff publish, mentors suggest; members-only resources for the
    # people in the programme and community members
    "knowledge.manage": ({S}, _, _),
    "knowledge.suggest": ({M, S}, _, _),
    "knowledge.members_only": ({P, M, R, S}, _, _community_member),
    # pitch days: staff of the call's lab run them; jurors score (scores stay with staff)
    "pitch.manage": ({S}, _staff_in_lab, _),
    "pitch.judge": (set(), _, _pitch_juror),
    # outcomes: staff see their lab's follow-ups and results; record their lab's support
    "outcomes.view": ({S}, _, _),
    "outcomes.support": ({S}, _lab_or_cohort_staff, _),
    # alumni profiles: a graduate opts in and keeps her own; staff of her lab may hide one
    "alumni.profile": (set(), _, _own_graduation),  # on her graduated enrolment
    "alumni.edit": (set(), _, _own_alumni_profile),
    "alumni.mine": ({P}, _, _),  # the "My alumni profile" link: participants and graduates
    "alumni.moderate": ({S}, _alumni_staff, _),
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
HELD_WITHOUT_ROLE = {"applications.review": _co_reviewer_person}

# Derived views of the table, for callers that ask one question.
ROLE_PERMISSIONS = {name: roles for name, (roles, _rule, _owner) in PERMISSIONS.items()}
OBJECT_RULES = {name: rule for name, (_roles, rule, _owner) in PERMISSIONS.items() if rule}
OWNER_RULES = {name: owner for name, (_roles, _rule, owner) in PERMISSIONS.items() if owner}


def has_permission(user, permission):
    """Role-level check, without an object."""
    if permission not in ROLE_PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if is_admin(user):
        return True
    if permission in UNSCOPED_ONLY and not is_unscoped(user):
        return False
    if user.role_names & {str(r) for r in ROLE_PERMISSIONS[permission]}:
        return True
    held = HELD_WITHOUT_ROLE.get(permission)
    return bool(held and held(user))


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
