"""Refusals of the events domain."""

from wcl.errors import ServiceError


class EventError(ServiceError):
    """A refused event action (registration, cancellation, check-in, editing)."""
