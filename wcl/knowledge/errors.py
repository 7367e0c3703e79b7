"""The error knowledge bank services raise when they refuse an action."""

from wcl.errors import ServiceError


class KnowledgeError(ServiceError):
    """A refused knowledge bank action."""
