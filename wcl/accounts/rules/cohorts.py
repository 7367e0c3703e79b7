"""Object rules for cohorts, their sessions and milestones, support and alumni.

Staff act in their lab, a mentor on her participants, a participant on herself.
"""

from wcl.accounts.rules.roles import M, P, S, has_role, in_lab_scope
from wcl.cohorts.queries import is_enrolled, mentors_in_cohort


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


def cohort_staff(user, obj):
    return has_role(user, S) and in_lab_scope(user, _cohort_of(obj).lab_id)


def cohort_mentor(user, obj):
    # A mentor acts on her own participants' enrolments, and on the cohorts
    # where she mentors someone.
    if not has_role(user, M):
        return False
    enrolment = _enrolment_of(obj)
    if enrolment is not None:
        return enrolment.mentor_id == user.id
    return mentors_in_cohort(_cohort_of(obj).id, user.id)


def cohort_participant(user, obj):
    # A participant acts on her own enrolment and the cohorts she is (still) in.
    if not has_role(user, P):
        return False
    enrolment = _enrolment_of(obj)
    if enrolment is not None:
        return enrolment.participant_id == user.id
    return is_enrolled(_cohort_of(obj).id, user.id)


def lab_or_cohort_staff(user, obj):
    # A lab (its support offers) or a cohort (its participants' support used).
    lab_id = obj.id if obj.__tablename__ == "labs" else _cohort_of(obj).lab_id
    return has_role(user, S) and in_lab_scope(user, lab_id)


def own_graduation(user, enrolment):
    # A graduate's own graduated enrolment: she may open an alumni profile.
    return (
        getattr(enrolment, "__tablename__", None) == "enrolments"
        and enrolment.participant_id == user.id
        and enrolment.status == "graduated"
    )


def own_alumni_profile(user, profile):
    return profile is not None and getattr(profile, "user_id", None) == user.id


def alumni_staff(user, profile):
    # Staff of the lab she graduated from (unscoped staff: every lab).
    return has_role(user, S) and in_lab_scope(user, profile.enrolment.cohort.lab_id)
