"""A short-lived shared cache of the public campaign pages: whole pages for guests, and
the parts that are the same for everyone in a language for signed-in visitors.

Most visits to a campaign page come from guests following a shared link, and
every one of them would otherwise add up thousands of pledges and render 40
tiers. A guest's page depends only on the data and her language (no session,
no CSRF token, no name), so it is rendered once and kept in Redis.

Freshness: every committed change to a campaign, tier, pledge, update,
comment, budget line, matching pool or match reservation bumps one version
number, and pages are stored stamped with the version read *before* rendering
(and read with the current version in one round trip), so a change that lands
during a render is never hidden. ``PAGE_CACHE_SECONDS`` bounds whatever the
version cannot see (a display name edited, a deadline passing); 0 turns the
cache off. Without Redis there is no cache.

Watched: the models in ``WATCHED``, any table whose name starts with ``campaign`` or
``reward_tier`` or ends with ``_translations`` (so translations of tiers and updates,
and any text the page's loader reads in the reader's language, refresh pages at once
without being listed here), and what other domains ``watch()`` for their page extras.

Signed-in visitors (and guests with a query string or a flashed message) get pages
rendered per request, but from shared parts: ``shared_parts`` keeps the HTML of
everything that does not depend on who reads (tiers, budget, story, figures, updates,
backers, the cards of the list) under the same version and language, and the view
renders only her own parts around them (CSRF tokens, her comment's delete button,
staff forms, the navigation). A part that may depend on the reader is never cached.
"""

import json
import logging
from contextlib import suppress
from functools import wraps
from itertools import chain

from flask import Response, current_app, has_app_context, request, session
from flask_babel import get_locale
from flask_login import current_user
from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.orm import Session

from wcl.campaigns.models import (
    BudgetLine,
    Campaign,
    CampaignComment,
    CampaignTranslation,
    CampaignUpdate,
    ExchangeRate,
    MatchingPool,
    MatchReservation,
    Pledge,
    RewardTier,
)
from wcl.queue import redis_connection

log = logging.getLogger(__name__)

VERSION_KEY = "wcl:pages:version"
_CHANGED = "wcl_public_pages_changed"
PAGE_PREFIX = "wcl:page"
PARTS_PREFIX = "wcl:parts"
WATCHED = {
    Campaign,
    CampaignTranslation,
    RewardTier,
    Pledge,
    CampaignUpdate,
    CampaignComment,
    BudgetLine,
    MatchingPool,
    MatchReservation,
    ExchangeRate,
}
WATCHED_TABLE_PREFIXES = ("campaign", "reward_tier")
WATCHED_TABLE_SUFFIXES = ("_translations",)


def watch(*models):
    """Refresh cached pages after any committed change to ``models`` (another domain's
    figures shown on campaign pages, see ``page_extras``)."""
    WATCHED.update(models)


def _watched(obj):
    if type(obj) in WATCHED:
        return True
    table = getattr(obj, "__tablename__", "") or ""
    return table.startswith(WATCHED_TABLE_PREFIXES) or table.endswith(WATCHED_TABLE_SUFFIXES)


def _redis():
    if not has_app_context() or not current_app.config.get("PAGE_CACHE_SECONDS"):
        return None
    return redis_connection()


def enabled():
    """Is the page cache on (Redis configured and ``PAGE_CACHE_SECONDS`` > 0)?"""
    return _redis() is not None


def bump_version():
    """Make every cached page stale (called after a commit that changed what pages show)."""
    redis = _redis()
    if redis is None:
        return
    try:
        redis.incr(VERSION_KEY)
    except RedisError:
        # The pages expire on their own within PAGE_CACHE_SECONDS.
        log.warning("could not bump the public page cache version")


@event.listens_for(Session, "after_flush")
def _note_changes(session, flush_context):
    if not session.info.get(_CHANGED) and any(
        _watched(obj) for obj in chain(session.new, session.dirty, session.deleted)
    ):
        session.info[_CHANGED] = True


@event.listens_for(Session, "after_commit")
def _after_commit(session):
    if session.info.pop(_CHANGED, False):
        bump_version()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session):
    session.info.pop(_CHANGED, None)


def _cacheable():
    # A guest with nothing waiting for her: no flashed message, no query string
    # (which would let anyone fill the cache with variants).
    return (
        request.method == "GET"
        and not request.query_string
        and not getattr(current_user, "is_authenticated", False)
        and not session.get("_flashes")
    )


def _read(redis, key):
    """``(version, value)``: the current version, and what ``key`` holds if it was stored
    under that version (else ``None``), in one round trip.

    A value starts with the version it was rendered under, read before rendering; one
    from an older version is never returned, and is overwritten by the next render."""
    version, stored = redis.mget(VERSION_KEY, key)
    version = int(version or 0)
    stamp = b"%d:" % version
    if stored is not None and stored.startswith(stamp):
        return version, stored[len(stamp) :]
    return version, None


def _store(redis, key, version, value):
    """Keep ``value`` (bytes) under ``key``, stamped with the ``version`` it was rendered under."""
    with suppress(RedisError):  # unstored is only slower
        redis.set(key, b"%d:" % version + value, ex=current_app.config["PAGE_CACHE_SECONDS"])


def for_guests(view):
    """Serve ``view``'s 200 responses to guests from the cache (see the module docstring)."""

    @wraps(view)
    def cached_view(*args, **kwargs):
        redis = _redis()
        if redis is None or not _cacheable():
            return view(*args, **kwargs)
        key = f"{PAGE_PREFIX}:{get_locale()}:{request.path}"
        try:
            version, html = _read(redis, key)
        except RedisError:
            return view(*args, **kwargs)
        if html is not None:
            response = Response(html, mimetype="text/html")
            response.headers["X-WCL-Page-Cache"] = "hit"
            return response
        response = current_app.make_response(view(*args, **kwargs))
        if response.status_code == 200 and not session.modified and "Set-Cookie" not in response.headers:
            _store(redis, key, version, response.get_data())
        return response

    return cached_view


def shared_parts(name, render):
    """The parts of a page that are the same for every reader in this language: a dict of
    strings from ``render()``, kept under the current version (read before rendering, as
    for whole pages) and ``name`` (which must name everything else they depend on: the
    path, the filters). ``render()`` must not read the visitor, her session or a CSRF
    token. A ``None`` from ``render()`` (nothing to show) is returned and not stored."""
    redis = _redis()
    if redis is None:
        return render()
    key = f"{PARTS_PREFIX}:{get_locale()}:{name}"
    try:
        version, stored = _read(redis, key)
    except RedisError:
        return render()
    if stored is not None:
        return json.loads(stored)
    parts = render()
    if parts is not None:
        _store(redis, key, version, json.dumps(parts).encode())
    return parts
