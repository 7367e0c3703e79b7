"""Helpers shared by the cohort services (private to the package: not re-exported)."""

from sqlalchemy import case, func

from wcl.accounts.permissions import can
from wcl.cohorts.errors import CohortError
from wcl.cohorts.models import Cohort, Enrolment, EnrolmentStatus
from wcl.extensions import db

PER_PAGE = 50


def refuse(message, field=None):
    # Undo anything flushed so far: a refusal changes nothing.
    db.session.rollback()
    raise CohortError(message, field)


def lock_cohort(cohort_id):
    # The row lock serialises enrolments into one cohort, so two staff clicking
    # at once cannot both take the last place (SQLite serialises writers anyway).
    stmt = (
        db.select(Cohort)
        .where(Cohort.id == cohort_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return db.session.execute(stmt).scalar_one()


def count_seats(cohort_id):
    return db.session.scalar(
        db.select(func.count(Enrolment.id)).where(
            Enrolment.cohort_id == cohort_id, Enrolment.status != EnrolmentStatus.WITHDRAWN
        )
    )


def count_status(column, value):
    return func.coalesce(func.sum(case((column == value, 1), else_=0)), 0)


def sees_whole_cohort(user, obj):
    # Staff see every participant; a mentor only her own.
    return can("cohorts.manage", obj, user=user)
