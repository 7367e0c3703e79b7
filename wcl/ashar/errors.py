"""The error Ashar services raise when they refuse an action (see :mod:`wcl.errors`)."""

from wcl.errors import ServiceError


class AsharError(ServiceError):
    """A refused Ashar action."""
