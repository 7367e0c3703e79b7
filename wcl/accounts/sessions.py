"""Server-side sessions: a row per signed-in browser.

The cookie (Flask's session, and Flask-Login's remember cookie) carries only a
random token; the row holds its hash, when it expires and when it was last
used. Signing out deletes the row, so a copied cookie stops working at once.
A new token is made at every sign-in. Staff and admins are signed out after
``STAFF_IDLE_TIMEOUT`` seconds without a request; "remember me" lasts
``REMEMBER_COOKIE_DURATION`` (30 days), other sessions ``SESSION_LIFETIME``.

The private helpers flush; the services that sign in (``authenticate``,
``verify_email``, ``reset_password``) commit.
"""

import hashlib
import secrets
from datetime import timedelta
from functools import cache

import sqlalchemy as sa
from flask import current_app

from wcl.accounts.models import User, UserRole, UserSession, remember_role_names
from wcl.accounts.permissions import Role, held_columns, remember_held
from wcl.extensions import db, login_manager
from wcl.time import utcnow

# last_seen_at is written at most this often: not one UPDATE per request.
TOUCH_INTERVAL = timedelta(seconds=60)
IDLE_LIMITED_ROLES = frozenset({str(Role.STAFF), str(Role.ADMIN)})


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def _lifetime(remember):
    if remember:
        return current_app.config["REMEMBER_COOKIE_DURATION"]
    return timedelta(seconds=current_app.config["SESSION_LIFETIME"])


def open_session(user, remember=False):
    """Start a session for ``user`` (flushes); sets ``user.session_token``.

    Her sessions that have expired are deleted on the way.
    """
    now = utcnow()
    db.session.execute(
        db.delete(UserSession).where(UserSession.user_id == user.id, UserSession.expires_at <= now)
    )
    token = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(
            user_id=user.id,
            token_hash=_hash(token),
            remember=bool(remember),
            created_at=now,
            last_seen_at=now,
            expires_at=now + _lifetime(remember),
        )
    )
    db.session.flush()
    user.session_token = token
    return token


def close_sessions(user, keep=None):
    """End every session of ``user`` except the one with token ``keep`` (flushes)."""
    stmt = db.delete(UserSession).where(UserSession.user_id == user.id)
    if keep:
        stmt = stmt.where(UserSession.token_hash != _hash(keep))
    db.session.execute(stmt)
    db.session.flush()


def end_session(token):
    """Sign out the browser holding ``token`` (logout)."""
    if token:
        db.session.execute(db.delete(UserSession).where(UserSession.token_hash == _hash(token)))
    db.session.commit()


def end_all_sessions(user):
    """Sign ``user`` out everywhere ("sign out everywhere")."""
    close_sessions(user)
    db.session.commit()


def purge_expired_sessions():
    """Delete every session past its expiry, and staff and admin sessions idle too long.

    Such a row can never sign anyone in again (``user_for_token`` refuses it);
    without this periodic job it would stay until its owner signed in again,
    which for a browser thrown away is never. Returns how many were deleted.
    """
    now = utcnow()
    idle_since = now - timedelta(seconds=current_app.config["STAFF_IDLE_TIMEOUT"])
    idle_staff = db.select(UserRole.user_id).where(UserRole.role.in_(IDLE_LIMITED_ROLES))
    result = db.session.execute(
        db.delete(UserSession).where(
            db.or_(
                UserSession.expires_at <= now,
                db.and_(UserSession.last_seen_at < idle_since, UserSession.user_id.in_(idle_staff)),
            )
        )
    )
    db.session.commit()
    return result.rowcount


def _idle_limit(role_names):
    if role_names & IDLE_LIMITED_ROLES:
        return timedelta(seconds=current_app.config["STAFF_IDLE_TIMEOUT"])
    return None


@cache
def _session_query():
    # Built once: composing it (the joins, the held permissions' EXISTS) cost more
    # than running it on every signed-in request. Her session is read as columns and
    # her roles as one string: building a session object and a joined-eager roles
    # collection (with its uniquing) cost more than the round trip itself.
    role_names = (
        sa.select(sa.func.aggregate_strings(UserRole.role, ","))
        .where(UserRole.user_id == UserSession.user_id)
        .scalar_subquery()
    )
    return (
        db.select(
            User,
            UserSession.id,
            UserSession.expires_at,
            UserSession.last_seen_at,
            role_names,
            *held_columns(UserSession.user_id),
        )
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == sa.bindparam("token_hash"))
        .options(sa.orm.lazyload(User.roles))
    )


def user_for_token(token):
    """The user signed in with ``token``, or ``None`` (unknown, expired, idle, inactive).

    Flask-Login's user loader. Called at the start of a request (see
    ``accounts.views``), so its commit carries nothing but its own change.
    """
    if not token or len(token) > 100:
        return None
    # One round trip for the session, its user, her roles and the permissions she holds
    # through a relationship: every signed-in request pays for this before anything else.
    found = db.session.execute(_session_query(), {"token_hash": _hash(token)}).first()
    if found is None:
        return None
    user, session_id, expires_at, last_seen_at, role_names = found[:5]
    role_names = frozenset(role_names.split(",") if role_names else ())
    now = utcnow()
    idle = _idle_limit(role_names)
    if expires_at <= now or not user.is_active or (idle is not None and now - last_seen_at > idle):
        db.session.execute(db.delete(UserSession).where(UserSession.id == session_id))
        db.session.commit()
        return None
    if now - last_seen_at >= TOUCH_INTERVAL:
        db.session.execute(
            db.update(UserSession).where(UserSession.id == session_id).values(last_seen_at=now)
        )
        db.session.commit()
    # After the commit above, which expired her row: the names are this request's.
    remember_role_names(user, role_names)
    user.session_token = token
    remember_held(user, found[5:])
    return user


@login_manager.user_loader
def load_user(session_token):
    """Flask-Login's loader: the cookie holds a server-side session's token."""
    return user_for_token(session_token)
