"""The people stages: mentors, reviewers and people in teams (not applicants; each counted once
per person in the scope, described by her current ``Demographics``)."""

import sqlalchemy as sa

from wcl.accounts.models import Demographics
from wcl.applications.models import Application, Call, ReviewAssignment, TeamMember, TeamMemberStatus
from wcl.cohorts.models import Cohort, Enrolment
from wcl.reports.queries.common import event_columns, from_demographics


def _mentors_and_reviewers():
    """Mentors of enrolments and reviewers of applications, once per person and
    scope (lab/call/cohort), described by their current answers."""
    d = sa.orm.aliased(Demographics)
    e = sa.orm.aliased(Enrolment)
    co = sa.orm.aliased(Cohort)
    mentors = (
        sa.select(
            *event_columns(
                "mentors",
                from_demographics(d),
                e.enrolled_at,
                co.lab_id,
                co.call_id,
                e.cohort_id,
                sa.null(),
                e.mentor_id,
            )
        )
        .select_from(e)
        .join(co, co.id == e.cohort_id)
        .outerjoin(d, d.user_id == e.mentor_id)
        .where(e.mentor_id.isnot(None))
    )
    d2 = sa.orm.aliased(Demographics)
    ra = sa.orm.aliased(ReviewAssignment)
    a = sa.orm.aliased(Application)
    c = sa.orm.aliased(Call)
    reviewers = (
        sa.select(
            *event_columns(
                "reviewers",
                from_demographics(d2),
                ra.assigned_at,
                c.lab_id,
                a.call_id,
                sa.null(),
                sa.null(),
                ra.reviewer_id,
            )
        )
        .select_from(ra)
        .join(a, a.id == ra.application_id)
        .join(c, c.id == a.call_id)
        .outerjoin(d2, d2.user_id == ra.reviewer_id)
    )
    return [mentors, reviewers]


def _team_members():
    """People in submitted team applications (issue 20): the lead and every member who
    accepted, described by their current answers (each gave her own, or none). A people
    stage: counted once per person in the scope, however many teams she is in."""
    tm = sa.orm.aliased(TeamMember)
    a = sa.orm.aliased(Application)
    c = sa.orm.aliased(Call)
    d = sa.orm.aliased(Demographics)
    attrs = from_demographics(d)
    return (
        sa.select(
            *event_columns(
                "team_members", attrs, a.submitted_at, c.lab_id, a.call_id, sa.null(), sa.null(), tm.user_id
            )
        )
        .select_from(tm)
        .join(a, a.id == tm.application_id)
        .join(c, c.id == a.call_id)
        .outerjoin(d, d.user_id == tm.user_id)
        .where(tm.status == TeamMemberStatus.ACCEPTED, a.submitted_at.isnot(None))
    )


def people_stages():
    """The mentors, reviewers and team members stages' selects, in ``PEOPLE`` order."""
    return [*_mentors_and_reviewers(), _team_members()]
