"""The errors reports services raise when they refuse an action (see :mod:`wcl.errors`)."""

from wcl.errors import ServiceError


class ReportError(ServiceError):
    """A refused report request."""
