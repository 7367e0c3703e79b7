"""Refusals of the pitch domain."""

from wcl.errors import ServiceError


class PitchError(ServiceError):
    """A refused pitch-day action (a score out of range, after publishing, by a non-juror …)."""
