"""The error grants services raise when they refuse an action (see :mod:`wcl.errors`)."""

from wcl.errors import ServiceError


class GrantError(ServiceError):
    """A refused grant action."""
