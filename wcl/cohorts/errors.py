"""The errors cohorts services raise when they refuse an action (see :mod:`wcl.errors`)."""

from wcl.errors import ServiceError


class CohortError(ServiceError):
    """A refused cohort action."""
