"""Campaigns in the reports: the owner's attributes and cohort (``campaign_base``, shared by
the funnel's campaign stages and the money report) and the campaign stages."""

from functools import cache

import sqlalchemy as sa

from wcl.accounts.models import Demographics
from wcl.applications.models import Application
from wcl.campaigns.models import Campaign, CampaignStatus
from wcl.cohorts.models import Cohort, Enrolment
from wcl.reports.queries.common import event_columns, snapshot_or_current

LAUNCHED = (CampaignStatus.LIVE, CampaignStatus.SUCCEEDED, CampaignStatus.FAILED)


def owner_context():
    """Correlated columns tying a campaign to its owner's latest application and
    latest enrolment (for attributes and the lab/call/cohort filters)."""
    latest_app = (
        sa.select(sa.func.max(Application.id))
        .where(Application.applicant_id == Campaign.owner_id, Application.submitted_at.isnot(None))
        .correlate(Campaign)
        .scalar_subquery()
    )
    latest_enrolment = (
        sa.select(Enrolment.cohort_id)
        .where(Enrolment.participant_id == Campaign.owner_id)
        .order_by(Enrolment.enrolled_at.desc(), Enrolment.id.desc())
        .limit(1)
        .correlate(Campaign)
        .scalar_subquery()
    )
    return latest_app, latest_enrolment


@cache
def campaign_base():
    """Campaigns joined to their owner's attributes and cohort; returns (select, attrs, ids).

    Built once per process, as ``funnel.events`` is: it depends on no filter, and a
    statement is immutable (callers extend it into new ones and only read ``attrs``).
    """
    latest_app, latest_enrolment = owner_context()
    a = sa.orm.aliased(Application)
    d = sa.orm.aliased(Demographics)
    co = sa.orm.aliased(Cohort)
    attrs = snapshot_or_current(a, d)
    base = (
        sa.select()
        .select_from(Campaign)
        .outerjoin(a, a.id == latest_app)
        .outerjoin(d, d.user_id == Campaign.owner_id)
        .outerjoin(co, co.id == latest_enrolment)
    )
    # The lab's own campaign (``Campaign.lab_id``) has no creator in a cohort: its
    # owner is the staff member who created it. It is never counted as a woman's
    # campaign, and its money is counted where it goes (as matched money).
    base = base.where(Campaign.lab_id.is_(None))
    # A community project's campaign counts in its project's lab, as ``campaigns.queries
    # .campaign_lab`` says (the same expression on these rows, without another subquery).
    lab_id = sa.func.coalesce(Campaign.community_lab_id, co.lab_id)
    ids = (lab_id, co.call_id, co.id, Campaign.id, Campaign.owner_id, Campaign.id)
    return base, attrs, ids


def campaign_stages():
    base, attrs, ids = campaign_base()
    launched_at = sa.func.coalesce(Campaign.went_live_at, Campaign.starts_at)
    launched = base.add_columns(*event_columns("campaign_launched", attrs, launched_at, *ids)).where(
        Campaign.status.in_(LAUNCHED)
    )
    funded = base.add_columns(
        *event_columns("campaign_funded", attrs, sa.func.coalesce(Campaign.ended_at, launched_at), *ids)
    ).where(Campaign.status == CampaignStatus.SUCCEEDED)
    return [launched, funded]
