"""Where a person lands after signing in: her own work, not the home page.

Staff land on the calls they manage, a mentor on her cohort, a reviewer on her
queue, a participant on her progress, an applicant on her applications.
"""

from flask import url_for

from wcl.accounts.permissions import has_permission
from wcl.cohorts import queries as cohort_queries


def landing_url(user):
    """The page ``user`` sees first after signing in (when no ``next`` is asked for)."""
    if has_permission(user, "applications.view_all"):
        return url_for("applications.staff_calls")
    if has_permission(user, "cohorts.mentor"):
        cohorts = cohort_queries.mentored_cohort_ids(user.id)
        if len(cohorts) == 1:
            return url_for("cohorts.dashboard", cohort_id=cohorts[0])
        if cohorts:
            return url_for("cohorts.index")
    if has_permission(user, "applications.review"):
        return url_for("applications.my_reviews")
    if has_permission(user, "cohorts.participate"):
        enrolments = cohort_queries.current_enrolment_ids(user.id)
        if len(enrolments) == 1:
            return url_for("cohorts.enrolment", enrolment_id=enrolments[0])
        if enrolments:
            return url_for("cohorts.index")
    if has_permission(user, "applications.apply"):
        return url_for("applications.mine")
    return url_for("core.index")
