"""The errors files services raise when they refuse an action (see :mod:`wcl.errors`)."""

from wcl.errors import ServiceError


class UploadError(ServiceError):
    """A refused upload."""
