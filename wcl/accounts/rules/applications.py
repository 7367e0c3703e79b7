"""Object rules for calls, applications, reviews and pitch days.

Staff act on their lab's calls; a reviewer (or a partner's co-reviewer) on what she
is assigned without a conflict; an applicant on her own application.
"""

from wcl.accounts.rules.roles import R, S, has_role, in_lab_scope
from wcl.applications.queries import co_reviewer_clause, co_reviews_call, is_active_reviewer
from wcl.pitch.queries import is_juror


def _call_lab_id(obj):
    call = getattr(obj, "call", None) or obj
    return getattr(call, "lab_id", None)


def staff_in_lab(user, obj):
    return has_role(user, S) and in_lab_scope(user, _call_lab_id(obj))


def active_reviewer(user, application):
    # Assigned to the application and no conflict declared.
    return has_role(user, R) and is_active_reviewer(user.id, application.id)


def active_co_reviewer(user, application):
    # A person of a partner organisation named co-reviewer of the application's call,
    # assigned to it without a conflict (issue 20): she reviews like a reviewer, on that
    # call only, whatever her roles.
    return (
        application is not None
        and getattr(application, "call_id", None) is not None
        and co_reviews_call(user.id, application.call_id)
        and is_active_reviewer(user.id, application.id)
    )


def co_reviewer_person(user_id):
    # SQL on a user id (a value or a column): the session loader asks it in its own query.
    return co_reviewer_clause(user_id)


def own_application(user, application):
    return getattr(application, "applicant_id", None) == user.id


def own_draft(user, application):
    return own_application(user, application) and application.status == "draft"


def pitch_juror(user, day):
    # A seat on the pitch day's jury (anyone named: staff, a partner's people).
    return day is not None and day.id is not None and is_juror(day.id, user.id)
