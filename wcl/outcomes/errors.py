"""The errors outcomes services raise when they refuse an action (see :mod:`wcl.errors`)."""

from wcl.errors import ServiceError


class OutcomesError(ServiceError):
    """A refused outcomes action."""


class LinkError(OutcomesError):
    """A follow-up link that cannot be used: ``reason`` is expired, invalid or used."""

    def __init__(self, message, reason, follow_up=None):
        super().__init__(message)
        self.reason = reason
        self.follow_up = follow_up  # known for a used link: the page speaks her language
