"""The errors payments services raise when they refuse an action (see :mod:`wcl.errors`)."""

from wcl.errors import ServiceError


class PaymentError(ServiceError):
    """A refused payment action."""
