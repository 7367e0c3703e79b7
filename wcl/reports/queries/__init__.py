"""SQL for the participation reports: every count is a GROUP BY in PostgreSQL.

Each funnel stage is one ``SELECT`` yielding, per counted unit, the attributes
that describe the person at the event date; the stages are glued with
``UNION ALL`` and grouped once by (stage, dimension CASE, dimension CASE).
Nothing is loaded row by row into Python.

Whose attributes:

* applied / shortlisted / accepted: the application's ``snapshot_*`` columns,
  copied at submission, so later edits do not rewrite past reports; one row per
  application. "Shortlisted" is every application ever shortlisted (from its status
  history in the audit log, so those later waitlisted, rejected or withdrawn stay
  counted) plus every accepted one.
* enrolled / attended / graduated: the snapshot of the application the
  enrolment came from; a participant enrolled without an application (paper,
  invited) is described by her current ``Demographics`` row.
* campaigns and money: the owner's latest submitted application snapshot, or
  her current ``Demographics`` when she never applied; one row per campaign.
* mentors and reviewers are not applicants: their current ``Demographics``;
  one row per person.
* people in teams (leads and members of submitted team applications): their current
  ``Demographics``; one row per person, however many teams she is in.

Ages are computed from the birth year and the year of the event (only the year
of birth is stored). Youth is 14–35 (Kyrgyz Law No. 157 "On youth", 2023, which raised
the upper limit from 28); the UN statistical youth band 15–24 is a second breakdown.

Modules: ``common`` (stages, breakdowns, attributes, filters), ``funnel`` (the union of stages
and its grouping), ``campaigns`` and ``people`` (their stages), ``money`` and ``grants``. This
package re-exports what other modules use, so ``from wcl.reports import queries`` and
``queries.stage_counts(…)`` read as before.
"""

from wcl.reports.queries.campaigns import campaign_base, owner_context
from wcl.reports.queries.common import (
    ATTENDANCE_PCT,
    DIMENSIONS,
    NOT_STATED,
    PEOPLE,
    SENSITIVE,
    STAGES,
    YOUTH_BANDS,
    apply_filters,
    dimension_expr,
)
from wcl.reports.queries.funnel import ONE_WAY, events, ever_shortlisted, stage_counts, unit_rows
from wcl.reports.queries.grants import COUNTED_GRANTS, grant_query
from wcl.reports.queries.money import local_day, money_cells, money_query, paid_money

__all__ = [
    "ATTENDANCE_PCT",
    "COUNTED_GRANTS",
    "DIMENSIONS",
    "NOT_STATED",
    "ONE_WAY",
    "PEOPLE",
    "SENSITIVE",
    "STAGES",
    "YOUTH_BANDS",
    "apply_filters",
    "campaign_base",
    "dimension_expr",
    "events",
    "ever_shortlisted",
    "grant_query",
    "local_day",
    "money_cells",
    "money_query",
    "owner_context",
    "paid_money",
    "stage_counts",
    "unit_rows",
]
