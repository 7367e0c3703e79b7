"""Seed grants in the reports: recipients, grants, amounts awarded and paid out per category."""

from functools import cache

import sqlalchemy as sa

from wcl.accounts.models import Demographics
from wcl.applications.models import Application
from wcl.cohorts.models import Cohort, Enrolment
from wcl.grants.models import Grant, GrantFund, GrantStatus, Tranche, TrancheStatus
from wcl.reports.queries.common import apply_filters, event_columns, snapshot_or_current
from wcl.reports.queries.money import money_cells

# Grants counted in reports: offered to her and not cancelled (an award is offered at once).
COUNTED_GRANTS = (GrantStatus.OFFERED, GrantStatus.ACCEPTED, GrantStatus.ACTIVE, GrantStatus.CLOSED)


def grant_query(filters, by):
    """Seed grants per (currency, category): recipients (distinct people, protected by their
    keys), grants, amounts awarded (the grant's amount) and disbursed (its released
    tranches). A recipient is described like an enrolment: the snapshot of the application
    her grant's enrolment came from, else her current ``Demographics``; her age at the award.
    Filters: the fund's lab, the enrolment's call and cohort, a campaign's owner, and the
    award date."""
    rows = _grant_rows()
    return money_cells(
        apply_filters(sa.select(rows), rows.c, filters).subquery(),
        by,
        amounts=("awarded", "disbursed"),
        counts=(),
    )


@cache
def _grant_rows():
    """One row per counted grant with its recipient's attributes and ids, as a subquery.

    Built once per process (it depends on no filter; filters apply to its columns), as
    ``funnel.events`` is.
    """
    e = sa.orm.aliased(Enrolment)
    co = sa.orm.aliased(Cohort)
    a = sa.orm.aliased(Application)
    d = sa.orm.aliased(Demographics)
    attrs = snapshot_or_current(a, d)
    released = (
        sa.select(Tranche.grant_id, sa.func.sum(Tranche.amount).label("disbursed"))
        .where(Tranche.status == TrancheStatus.RELEASED)
        .group_by(Tranche.grant_id)
        .subquery()
    )
    ids = (GrantFund.lab_id, co.call_id, e.cohort_id, sa.null(), Grant.recipient_id, Grant.id)
    rows = (
        sa.select(
            *event_columns("grants", attrs, Grant.created_at, *ids),
            GrantFund.currency.label("currency"),
            Grant.amount.label("awarded"),
            sa.func.coalesce(released.c.disbursed, 0).label("disbursed"),
        )
        .select_from(Grant)
        .join(GrantFund, GrantFund.id == Grant.fund_id)
        .join(e, e.id == Grant.enrolment_id)
        .join(co, co.id == e.cohort_id)
        .outerjoin(a, a.id == e.application_id)
        .outerjoin(d, d.user_id == Grant.recipient_id)
        .outerjoin(released, released.c.grant_id == Grant.id)
        .where(Grant.status.in_(COUNTED_GRANTS))
        .subquery()
    )
    rows.c  # noqa: B018 (the column collection, set up once)
    return rows
