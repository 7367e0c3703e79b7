"""Group campaigns: several beneficiaries (an artisan group) with their shares in percent.

The shares add up to 100. They are set while the campaign is a draft (what
backers saw stays as they saw it); receipts and reports read them through
``wcl.ashar.queries.beneficiaries``.
"""

from flask_babel import lazy_gettext as _l

from wcl.accounts.models import User
from wcl.accounts.permissions import ensure
from wcl.ashar.models import Beneficiary
from wcl.ashar.services._common import one_line, refuse
from wcl.audit.services import record
from wcl.campaigns.models import Campaign
from wcl.extensions import db
from wcl.locks import lock

MAX_BENEFICIARIES = 30


def set_beneficiaries(actor, campaign_id, rows):
    """Replace a draft campaign's beneficiaries: ``rows`` of {name | user_id, share_percent}.

    No rows: the campaign is her own again (one beneficiary, its owner).
    """
    campaign = lock(Campaign, campaign_id)
    if campaign is None:
        refuse(_l("This campaign does not exist."))
    ensure("ashar.beneficiaries", campaign, user=actor)
    if not campaign.is_editable:
        refuse(_l("Only a draft can be changed. Ask staff to return the campaign to you first."))
    rows = [
        r for r in rows or () if r.get("user_id") or (r.get("name") or "").strip() or r.get("share_percent")
    ]
    if len(rows) == 1:
        refuse(_l("A group campaign has at least two beneficiaries."), "beneficiaries")
    if len(rows) > MAX_BENEFICIARIES:
        refuse(_l("At most %(max)d beneficiaries fit here.", max=MAX_BENEFICIARIES), "beneficiaries")
    made = []
    for position, row in enumerate(rows):
        share = row.get("share_percent")
        if isinstance(share, bool) or not isinstance(share, int) or not 1 <= share <= 100:
            refuse(_l("Each share is a whole number of percent from 1 to 100."), "beneficiaries")
        user = db.session.get(User, row["user_id"]) if row.get("user_id") else None
        if row.get("user_id") and user is None:
            refuse(_l("This person does not exist."), "beneficiaries")
        name = user.full_name if user is not None else one_line(row.get("name"), 120, "beneficiaries")
        made.append(
            Beneficiary(
                campaign_id=campaign.id,
                user_id=user.id if user else None,
                name=name,
                share_percent=share,
                position=position,
            )
        )
    if made and sum(b.share_percent for b in made) != 100:
        refuse(_l("The shares must add up to 100%."), "beneficiaries")
    db.session.execute(db.delete(Beneficiary).where(Beneficiary.campaign_id == campaign.id))
    db.session.add_all(made)
    db.session.flush()
    record("campaign.beneficiaries_set", campaign, actor=actor, shares=[b.share_percent for b in made])
    db.session.commit()
    return made


def beneficiaries_of(campaign_id):
    return db.session.scalars(
        db.select(Beneficiary).where(Beneficiary.campaign_id == campaign_id).order_by(Beneficiary.position)
    ).all()
