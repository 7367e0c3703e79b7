"""Read-only Ashar lookups that other domains and the permission rules need.

Imports only models (and other domains' queries): never services, never permissions.
"""

import sqlalchemy as sa

from wcl.ashar.models import Beneficiary, CommunityProject, InKindPledge, InKindStatus, ProjectStatus
from wcl.campaigns.models import Campaign
from wcl.campaigns.queries import campaign_totals
from wcl.extensions import db


def project_for_campaign(campaign_id):
    """The community project whose campaign this is, or ``None``."""
    return db.session.scalar(db.select(CommunityProject).where(CommunityProject.campaign_id == campaign_id))


def community_campaign_admitted(campaign_id):
    """The launch gate for community campaigns: ``None`` when the campaign is no community
    project's (the cohort gate applies), else whether staff admitted the project."""
    status = db.session.scalar(
        db.select(CommunityProject.status).where(CommunityProject.campaign_id == campaign_id)
    )
    return None if status is None else status == ProjectStatus.ADMITTED


def project_lab_id(obj):
    """The lab of a project, or of the project an in-kind pledge belongs to."""
    project = obj if isinstance(obj, CommunityProject) else getattr(obj, "project", None)
    return getattr(project, "lab_id", None)


def project_lead_id(obj):
    project = obj if isinstance(obj, CommunityProject) else getattr(obj, "project", None)
    return getattr(project, "lead_id", None)


def beneficiaries(campaign_ids):
    """``{campaign_id: [{"name", "user_id", "share_percent"}, …]}`` for group campaigns;
    a campaign with no rows has one beneficiary, its owner (left to the caller).
    The one statement of who a group campaign's money is for (receipts, reports)."""
    result = {cid: [] for cid in campaign_ids}
    if not campaign_ids:
        return result
    rows = db.session.scalars(
        db.select(Beneficiary)
        .where(Beneficiary.campaign_id.in_(campaign_ids))
        .order_by(Beneficiary.campaign_id, Beneficiary.position, Beneficiary.id)
    )
    for row in rows:
        result[row.campaign_id].append(
            {"name": row.name, "user_id": row.user_id, "share_percent": row.share_percent}
        )
    return result


def beneficiary_count(campaign_ids):
    """How many beneficiaries the campaigns count (a campaign without a group counts one)."""
    groups = beneficiaries(list(campaign_ids))
    return sum(len(rows) or 1 for rows in groups.values())


def inkind_totals(project_id):
    """In-kind value and hours of a project, by status; never added to money."""
    totals = {
        status: {"value": 0, "hours": 0, "count": 0}
        for status in (InKindStatus.PLEDGED, InKindStatus.CONFIRMED)
    }
    for status, value, hours, count in db.session.execute(
        db.select(
            InKindPledge.status,
            sa.func.coalesce(sa.func.sum(InKindPledge.value), 0),
            sa.func.coalesce(sa.func.sum(InKindPledge.hours), 0),
            sa.func.count(InKindPledge.id),
        )
        .where(InKindPledge.project_id == project_id, InKindPledge.status != InKindStatus.DECLINED)
        .group_by(InKindPledge.status)
    ):
        totals[status] = {"value": int(value), "hours": int(hours), "count": count}
    return totals


def progress(campaign_id):
    """What a community campaign's page shows, three figures kept apart: backers' money,
    the match, the in-kind value (pledged and confirmed). ``None`` for other campaigns."""
    project = project_for_campaign(campaign_id)
    if project is None:
        return None
    money = campaign_totals([campaign_id])[campaign_id]
    inkind = inkind_totals(project.id)
    return {
        "project": project,
        "currency": project.campaign.currency,
        "raised": money["raised"],
        "matched": money["matched"],
        "inkind_value": inkind[InKindStatus.PLEDGED]["value"] + inkind[InKindStatus.CONFIRMED]["value"],
        "inkind_confirmed": inkind[InKindStatus.CONFIRMED]["value"],
        "hours": inkind[InKindStatus.PLEDGED]["hours"] + inkind[InKindStatus.CONFIRMED]["hours"],
    }


def page_columns():
    """What the campaign page needs from Ashar, as columns of the campaign's own query
    (correlated with ``Campaign``; see ``wcl.campaigns.page_extras``): the project's
    district and region (NULL: no community project), its in-kind value and hours
    (pledged and confirmed), and whether the campaign names a group of beneficiaries."""
    of_campaign = CommunityProject.campaign_id == Campaign.id
    given = (
        (InKindPledge.project_id == CommunityProject.id)
        & of_campaign
        & (InKindPledge.status != InKindStatus.DECLINED)
    )
    return [
        q.correlate(Campaign).scalar_subquery()
        for q in (
            db.select(CommunityProject.district).where(of_campaign),
            db.select(CommunityProject.region).where(of_campaign),
            db.select(sa.func.coalesce(sa.func.sum(InKindPledge.value), 0)).where(given),
            db.select(sa.func.coalesce(sa.func.sum(InKindPledge.hours), 0)).where(given),
        )
    ] + [sa.exists().where(Beneficiary.campaign_id == Campaign.id).correlate(Campaign)]


def page_figures(campaign, totals, values):
    """``page_columns``' values as the page shows them: ``{"progress", "beneficiaries"}``,
    each ``None`` when the campaign has none. The money figures are the page's own totals
    (the same sums as ``progress``); the beneficiaries cost a query only for a group campaign."""
    district, region, inkind_value, hours, has_group = values
    progress = None
    if district is not None:
        progress = {
            "district": district,
            "region": region,
            "currency": campaign.currency,
            "raised": totals["raised"],
            "matched": totals["matched"],
            "inkind_value": int(inkind_value),
            "hours": int(hours),
        }
    group = beneficiaries([campaign.id])[campaign.id] if has_group else None
    return {"progress": progress, "beneficiaries": group or None}
