"""Account jobs. Each is idempotent and has its service's name."""

from wcl.accounts import sessions


def purge_expired_sessions():
    """Periodic (hourly): delete sessions that can no longer sign anyone in."""
    return sessions.purge_expired_sessions()
