"""The errors the job outbox services raise when they refuse an action (see :mod:`wcl.errors`)."""

from wcl.errors import ServiceError


class JobError(ServiceError):
    """A refused action on a job (e.g. retrying one that has not failed)."""
