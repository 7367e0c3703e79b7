"""The errors receipts services raise when they refuse an action (see :mod:`wcl.errors`)."""

from wcl.errors import ServiceError


class ReceiptError(ServiceError):
    """A refused receipt action."""
