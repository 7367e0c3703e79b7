"""The errors applications services raise when they refuse an action (see :mod:`wcl.errors`)."""

from wcl.errors import ServiceError


class ApplicationError(ServiceError):
    """A refused application action; ``errors`` maps several fields (e.g. question ids) to messages."""

    def __init__(self, message, field=None, errors=None):
        super().__init__(message, field)
        self.errors = errors or {}
