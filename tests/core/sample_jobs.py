"""Jobs used by the queue tests (enqueued by dotted name, like real ones)."""

from flask import current_app
from redis import Redis

CALLS = []


def remember(value):
    """Record ``value`` in Redis (worker mode) or in CALLS (inline mode)."""
    CALLS.append(value)
    url = current_app.config.get("REDIS_URL")
    if url:
        Redis.from_url(url).rpush("test:remembered", value)


def remember_pid():
    """Record the id of the process the job runs in (worker mode)."""
    import os

    Redis.from_url(current_app.config["REDIS_URL"]).rpush("test:pids", os.getpid())


FAILING = []


def flaky(value):
    """Fail while FAILING holds anything (the test decides), else remember ``value``."""
    if FAILING:
        raise RuntimeError("printer on fire")
    remember(value)
