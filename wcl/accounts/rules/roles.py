"""Roles and lab scope: the vocabulary every permission rule speaks.

Staff may be scoped to one lab (``user.lab_id``) or see every lab (None); admins
see every lab. Calls, cohorts, campaigns (through their owner's cohort, or the
lab they carry), pools and letters belong to a lab. The lab-scope helpers here
are the one statement of it; ``wcl.accounts.permissions`` re-exports them.
"""

from enum import StrEnum

import sqlalchemy as sa


class Role(StrEnum):
    APPLICANT = "applicant"
    PARTICIPANT = "participant"
    MENTOR = "mentor"
    REVIEWER = "reviewer"
    STAFF = "staff"
    ADMIN = "admin"


ROLES = tuple(Role)
_ROLE_VALUES = frozenset(ROLES)
A, P, M, R, S = Role.APPLICANT, Role.PARTICIPANT, Role.MENTOR, Role.REVIEWER, Role.STAFF


def has_role(user, role):
    """True if ``user`` (possibly anonymous) holds ``role``."""
    # Asked dozens of times a page (the navigation): a set lookup, not an enum
    # construction; a misspelt role is still an error.
    if role not in _ROLE_VALUES:
        raise ValueError(f"{role!r} is not a valid Role")
    return bool(getattr(user, "is_authenticated", False)) and role in user.role_names


def is_admin(user):
    """Does ``user`` hold the admin role (every permission)?"""
    return has_role(user, Role.ADMIN)


def may_mentor(user):
    """May ``user`` be chosen as someone's mentor (an active account with the mentor role)?"""
    return user.is_active and has_role(user, M)


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


def any_of(*rules):
    """A rule that holds when any of ``rules`` holds."""
    return lambda user, obj: any(rule(user, obj) for rule in rules)
