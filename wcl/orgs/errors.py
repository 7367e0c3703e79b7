"""The error organisation and community services raise when they refuse an action."""

from wcl.errors import ServiceError


class OrgError(ServiceError):
    """A refused organisation, partnership or directory action."""
