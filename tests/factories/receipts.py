"""Factories for receipts: a paid pledge ready to receive one."""

from tests.factories.campaigns import CampaignFactory, PledgeFactory
from wcl.campaigns.models import PledgeStatus
from wcl.time import utcnow


def paid_pledge(**fields):
    """A paid pledge (committed), as the payment pipeline leaves it."""
    fields.setdefault("status", PledgeStatus.PAID)
    fields.setdefault("paid_at", utcnow())
    if "campaign" not in fields:
        fields["campaign"] = CampaignFactory()
    return PledgeFactory(**fields)
