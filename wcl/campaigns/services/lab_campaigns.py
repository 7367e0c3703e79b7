"""The lab's own campaign (issue 18): staff raise money for the lab itself.

A lab campaign belongs to a lab (``Campaign.lab_id``), not to a participant: no
cohort gate and no review, staff of that lab (or unscoped staff) create and
launch it. Its paid pledges, net of refunds, flow into one matching pool or one
grant fund of the same lab and currency (``wcl.payments.services.lab_funding``
moves the money as pledges are paid and refunded).
"""

from flask_babel import lazy_gettext as _l

from wcl.accounts.permissions import ensure, is_unscoped, lab_scope
from wcl.audit.services import record
from wcl.campaigns.errors import CampaignError
from wcl.campaigns.models import (
    Campaign,
    CampaignStatus,
    LabCampaignMovement,
    LabMovementStatus,
    MatchingPool,
)
from wcl.campaigns.queries import pool_lab_id
from wcl.campaigns.services._common import _approve, _get, _refuse
from wcl.campaigns.services.drafts import _clean_fields, _unique_slug
from wcl.extensions import db
from wcl.grants.models import GrantFund
from wcl.labs.models import Lab
from wcl.time import utcnow

# A lab campaign has no creative domain of its own; reports count it apart.
LAB_CAMPAIGN_DOMAIN = "CULT_NH"


def _destination(lab, currency, pool_id, fund_id):
    """The pool or fund the campaign feeds: exactly one, of ``lab``, in ``currency``."""
    if bool(pool_id) == bool(fund_id):
        _refuse(_l("Choose where the money goes: a matching pool or a grant fund."), "destination")
    if pool_id:
        pool = db.session.get(MatchingPool, pool_id) if isinstance(pool_id, int) else None
        if pool is None:
            _refuse(_l("This matching pool does not exist."), "destination")
        if pool_lab_id(pool) != lab.id:
            _refuse(_l("This matching pool belongs to another lab."), "destination")
        target = pool
    else:
        fund = db.session.get(GrantFund, fund_id) if isinstance(fund_id, int) else None
        if fund is None:
            _refuse(_l("This grant fund does not exist."), "destination")
        if fund.lab_id != lab.id:
            _refuse(_l("This grant fund belongs to another lab."), "destination")
        target = fund
    if target.currency != currency:
        _refuse(
            _l(
                "The campaign and where its money goes must be in the same currency (%(currency)s).",
                currency=target.currency,
            ),
            "currency",
        )
    return pool_id or None, fund_id or None


def create_lab_campaign(actor, data, now=None):
    """Create a lab's own campaign as a draft (staff of that lab); returns it.

    ``data``: the campaign's fields as for a participant's draft (title, summary,
    story, goal, currency, starts_at, ends_at, funding_model), plus ``lab_id``
    and one of ``pool_id`` / ``fund_id``. ``creator_name`` defaults to the lab's
    name, ``region`` to the lab's region. Refused, with nothing changed, for a
    lab she does not work for, a pool or fund of another lab or currency.
    """
    ensure("campaigns.lab_campaign", user=actor)
    lab_id = data.get("lab_id")
    lab = db.session.get(Lab, lab_id) if isinstance(lab_id, int) else None
    if lab is None:
        _refuse(_l("Choose a lab."), "lab_id")
    ensure("campaigns.lab_campaign", lab, user=actor)
    values = dict(data)
    values.setdefault("creator_name", lab.name(actor.locale or "en"))
    values.setdefault("region", lab.region)
    values.setdefault("creative_domain", LAB_CAMPAIGN_DOMAIN)
    try:
        fields = _clean_fields(values, now or utcnow())
    except CampaignError:
        db.session.rollback()
        raise
    pool_id, fund_id = _destination(lab, fields["currency"], data.get("pool_id"), data.get("fund_id"))
    campaign = Campaign(
        owner_id=actor.id,
        lab_id=lab.id,
        feeds_pool_id=pool_id,
        feeds_fund_id=fund_id,
        slug=_unique_slug(fields["title"]),
        **fields,
    )
    db.session.add(campaign)
    db.session.flush()
    record("campaign.lab_created", campaign, actor=actor, lab_id=lab.id, pool_id=pool_id, fund_id=fund_id)
    db.session.commit()
    return campaign


def launch_lab_campaign(actor, campaign_id, now=None):
    """Staff of its lab launch a lab campaign: live at once if its start has come, else scheduled."""
    now = now or utcnow()
    campaign = _get(campaign_id, lock=True)
    if campaign.lab_id is None:
        _refuse(_l("Only a lab's own campaign is launched here."))
    ensure("campaigns.lab_campaign", campaign, user=actor)
    if campaign.status != CampaignStatus.DRAFT:
        _refuse(_l("This campaign has already been launched."))
    if campaign.ends_at <= now:
        _refuse(_l("The end date must be in the future."), "ends_on")
    _approve(campaign, actor, now)
    record("campaign.lab_launched", campaign, actor=actor, status=campaign.status)
    db.session.commit()
    return campaign


def lab_campaigns_for(actor):
    """The lab campaigns ``actor`` may manage (staff scoped to a lab: her lab's), newest first."""
    ensure("campaigns.lab_campaign", user=actor)
    stmt = db.select(Campaign).where(Campaign.lab_id.is_not(None)).order_by(Campaign.id.desc())
    return db.session.scalars(lab_scope(stmt, actor, Campaign.lab_id)).all()


def held_refunds(actor):
    """Refunds of lab campaigns' pledges held back (they would have taken a pool below
    what it reserved, or a fund below what it awarded), newest first, in her labs."""
    ensure("campaigns.lab_campaign", user=actor)
    stmt = (
        db.select(LabCampaignMovement)
        .join(Campaign, Campaign.id == LabCampaignMovement.campaign_id)
        .where(LabCampaignMovement.status == LabMovementStatus.HELD)
        .order_by(LabCampaignMovement.id.desc())
    )
    return db.session.scalars(lab_scope(stmt, actor, Campaign.lab_id)).all()


def form_choices(actor, locale="en"):
    """The labs she may create a lab campaign for, and the pools and funds it may feed
    (``pool:<id>`` / ``fund:<id>``; the service re-checks lab and currency)."""
    ensure("campaigns.lab_campaign", user=actor)
    labs = db.session.scalars(lab_scope(db.select(Lab).order_by(Lab.id), actor, Lab.id)).all()
    pools = [
        p
        for p in db.session.scalars(db.select(MatchingPool).order_by(MatchingPool.sponsor_name)).all()
        if is_unscoped(actor) or pool_lab_id(p) == actor.lab_id
    ]
    funds = db.session.scalars(
        lab_scope(db.select(GrantFund).order_by(GrantFund.name), actor, GrantFund.lab_id)
    ).all()
    destinations = [(f"pool:{p.id}", f"{p.sponsor_name} ({p.currency})") for p in pools]
    destinations += [(f"fund:{f.id}", f"{f.name} ({f.currency})") for f in funds]
    return [(lab.id, lab.name(locale)) for lab in labs], destinations
