"""The errors accounts services raise when they refuse an action (see :mod:`wcl.errors`)."""

from wcl.errors import ServiceError


class AccountError(ServiceError):
    """A refused account action."""
