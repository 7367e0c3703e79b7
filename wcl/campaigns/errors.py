"""The errors campaigns services raise when they refuse an action (see :mod:`wcl.errors`)."""

from wcl.errors import ServiceError


class PledgeError(ServiceError):
    """A refused pledge."""


class CampaignError(ServiceError):
    """A refused campaign action."""
