"""Community projects: an initiative group proposes, staff admit or reject.

Proposing creates the project and its campaign draft (owned by the group's lead,
who needs no cohort); the campaign goes to review only once staff admit the
project (``wcl.accounts.permissions.campaign_may_launch``). Admission adds the
campaign to the matching pools of every municipal commitment of its territory.
"""

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from wcl.accounts.models import User
from wcl.accounts.permissions import can, ensure
from wcl.ashar.models import CommunityProject, GroupMember, MatchCommitment, ProjectStatus
from wcl.ashar.services._common import CURRENCY, check_amount, email_address, get_locked, one_line, refuse
from wcl.audit.services import record
from wcl.campaigns.markup import render_markdown
from wcl.campaigns.models import Campaign, CampaignStatus, MatchingPool, matching_pool_campaigns
from wcl.campaigns.services import MAX_DURATION_DAYS, RESERVED_SLUGS, slugify
from wcl.extensions import db
from wcl.labs.models import Lab
from wcl.links import absolute_url
from wcl.mail import queue_email
from wcl.reference import CREATIVE_DOMAIN_CODES, REGION_CODES
from wcl.time import utcnow

MAX_MEMBERS = 30
DEFAULT_DAYS = 60


def _unique_slug(title):
    base = (slugify(title) or "ashar")[:70]
    slug = base
    while (
        slug in RESERVED_SLUGS
        or db.session.scalar(db.select(Campaign.id).where(Campaign.slug == slug)) is not None
    ):
        slug = f"{base}-{secrets.token_hex(2)}"
    return slug


def _members(actor, rows):
    """The group: its lead (the actor) and at least one other member, each an account
    or a named person with an email."""
    members = [GroupMember(user_id=actor.id, name=actor.full_name, email=actor.email, is_lead=True)]
    seen = {actor.id}
    for row in rows or ():
        user_id = row.get("user_id")
        if user_id:
            user = db.session.get(User, user_id)
            if user is None:
                refuse(_l("This person does not exist."), "members")
            if user.id in seen:
                continue
            seen.add(user.id)
            members.append(GroupMember(user_id=user.id, name=user.full_name, email=user.email))
            continue
        name = one_line(row.get("name"), 120, "members", required=False)
        if not name:
            continue
        email = email_address(row.get("email"), "members", required=True)
        members.append(GroupMember(name=name, email=email))
    if len(members) < 2:
        refuse(_l("An initiative group has several members: name at least one besides its lead."), "members")
    if len(members) > MAX_MEMBERS:
        refuse(_l("At most %(max)d members fit here.", max=MAX_MEMBERS), "members")
    return members


def _checked_place(data):
    """Where the project is (region, district, village), its lab and creative domain, checked."""
    region = data.get("region")
    if region not in REGION_CODES:
        refuse(_l("Choose a region from the list."), "region")
    district = one_line(data.get("district"), 80, "district")
    village = one_line(data.get("village"), 120, "village")
    lab_id = data.get("lab_id") or None
    if lab_id is not None and db.session.get(Lab, lab_id) is None:
        refuse(_l("Choose a lab from the list."), "lab_id")
    domain = data.get("creative_domain") or "CULT_NH"
    if domain not in CREATIVE_DOMAIN_CODES:
        refuse(_l("Choose a creative domain from the list."), "creative_domain")
    return {
        "region": region,
        "district": district,
        "village": village,
        "lab_id": lab_id,
        "creative_domain": domain,
    }


def propose_project(actor, data, now=None):
    """The lead proposes her group's project; its campaign draft is created with it.

    ``data``: title, summary, budget (tyiyn), currency, region, district, village,
    group_name, lab_id (optional), creative_domain (optional), members
    ([{name, email} | {user_id}]).
    """
    now = now or utcnow()
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        refuse(_l("Sign in to propose a project."))
    title = one_line(data.get("title"), 120, "title")
    summary = one_line(data.get("summary"), 300, "summary")
    budget = check_amount(data.get("budget"), data.get("currency"), "budget")
    place = _checked_place(data)
    group_name = one_line(data.get("group_name"), 80, "group_name")
    members = _members(actor, data.get("members"))
    days = min(int(data.get("days") or DEFAULT_DAYS), MAX_DURATION_DAYS)
    lab_id = place["lab_id"]
    region, district, village = place["region"], place["district"], place["village"]
    campaign = Campaign(
        owner_id=actor.id,
        slug=_unique_slug(title),
        status=CampaignStatus.DRAFT,
        title=title,
        summary=summary,
        story_md=summary,
        story_html=render_markdown(summary),
        goal_amount=budget,
        currency=CURRENCY,
        starts_at=now,
        ends_at=now + timedelta(days=days),
        region=region,
        creative_domain=place["creative_domain"],
        creator_name=group_name,
        community_lab_id=lab_id,  # the campaign's lab (``campaigns.queries.campaign_lab``)
    )
    db.session.add(campaign)
    db.session.flush()
    project = CommunityProject(
        campaign_id=campaign.id,
        lab_id=lab_id,
        lead_id=actor.id,
        title=title,
        budget=budget,
        currency=CURRENCY,
        region=region,
        district=district,
        village=village,
        members=members,
    )
    db.session.add(project)
    db.session.flush()
    record("ashar.project_proposed", project, actor=actor, campaign_id=campaign.id, budget=budget)
    db.session.commit()
    return project


def _decide(actor, project_id, now):
    project = get_locked(CommunityProject, project_id, _l("This project does not exist."))
    ensure("ashar.review", project, user=actor)
    if project.status != ProjectStatus.PROPOSED:
        refuse(_l("This project has already been decided."))
    project.decided_by_id = actor.id
    project.decided_at = now or utcnow()
    return project


def _notify_lead(project, template, **context):
    lead = project.lead
    if not lead.email:
        return
    queue_email(
        lead.email,
        template,
        lead.locale,
        name=lead.public_name,
        title=project.title,
        link=absolute_url("campaigns.manage", slug=project.campaign.slug),
        **context,
    )


def territory_condition(region_column, district_column, region, district):
    """Projects of ``region``/``district`` fall under a commitment of the same region whose
    district is the same (any case) or unset (the whole region)."""
    return (region_column == region) & (
        district_column.is_(None) | (sa.func.lower(district_column) == (district or "").lower())
    )


def link_pools(project, now):
    """Add the project's campaign to the matching pools of its territory's commitments (flushes)."""
    pool_ids = db.session.scalars(
        db.select(MatchCommitment.pool_id)
        .join(MatchingPool, MatchingPool.id == MatchCommitment.pool_id)
        .where(
            territory_condition(
                MatchCommitment.region, MatchCommitment.district, project.region, project.district
            ),
            MatchingPool.ends_at > now,
            MatchingPool.currency == project.currency,
        )
    ).all()
    linked = set(
        db.session.scalars(
            db.select(matching_pool_campaigns.c.pool_id).where(
                matching_pool_campaigns.c.campaign_id == project.campaign_id
            )
        )
    )
    for pool_id in pool_ids:
        if pool_id not in linked:
            db.session.execute(
                matching_pool_campaigns.insert().values(pool_id=pool_id, campaign_id=project.campaign_id)
            )
    db.session.flush()
    return [p for p in pool_ids if p not in linked]


def admit_project(actor, project_id, note=None, now=None):
    """Staff admit a proposed project: its campaign may now go to review, and the
    territory's municipal matches cover it. Audited; the lead gets an email."""
    now = now or utcnow()
    project = _decide(actor, project_id, now)
    project.status = ProjectStatus.ADMITTED
    project.decision_note = one_line(note, 2000, "note", required=False)
    pools = link_pools(project, now)
    record("ashar.project_admitted", project, actor=actor, pools=pools)
    _notify_lead(project, "ashar/admitted")
    db.session.commit()
    return project


def reject_project(actor, project_id, note, now=None):
    """Staff reject a proposed project, saying why; its campaign draft is cancelled."""
    now = now or utcnow()
    project = _decide(actor, project_id, now)
    note = one_line(note, 2000, "note")
    project.status = ProjectStatus.REJECTED
    project.decision_note = note
    campaign = project.campaign
    if campaign.status == CampaignStatus.DRAFT:
        campaign.status = CampaignStatus.CANCELLED
        campaign.cancelled_at = now
        campaign.cancelled_by_id = actor.id
        campaign.ended_at = now
    record("ashar.project_rejected", project, actor=actor)
    _notify_lead(project, "ashar/rejected", comment=note)
    db.session.commit()
    return project


def projects_for(actor, status=None):
    """The projects ``actor`` reviews (staff: their lab's; unscoped: all), newest first."""
    query = db.select(CommunityProject).order_by(
        CommunityProject.created_at.desc(), CommunityProject.id.desc()
    )
    if status:
        query = query.where(CommunityProject.status == status)
    return [p for p in db.session.scalars(query) if can("ashar.review", p, user=actor)]


def my_projects(actor):
    return db.session.scalars(
        db.select(CommunityProject)
        .where(CommunityProject.lead_id == actor.id)
        .order_by(CommunityProject.created_at.desc())
    ).all()
