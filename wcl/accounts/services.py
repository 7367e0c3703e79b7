"""Account services: each public function is one unit of work and commits once."""

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from wcl.accounts import passwords, sessions, tokens
from wcl.accounts.errors import AccountError  # noqa: F401  (services.AccountError is the public name)
from wcl.accounts.models import WG_DOMAINS, Demographics, User, UserRole
from wcl.accounts.permissions import Role, ensure
from wcl.audit.services import record
from wcl.extensions import db
from wcl.links import absolute_url
from wcl.mail import queue_email
from wcl.time import utcnow

CONSENT_VERSION = "2026-1"
_ONE_SECOND = timedelta(seconds=1)


def normalise_email(email):
    """Emails compare case-insensitively: store them trimmed and lower-cased."""
    return (email or "").strip().lower()


def get_user_by_email(email):
    """The user with ``email`` (any case), or ``None``."""
    return db.session.scalar(db.select(User).where(User.email == normalise_email(email)))


def _email_taken(email):
    return db.session.scalar(db.select(func.count(User.id)).where(func.lower(User.email) == email)) > 0


def _new_user(email, password, full_name, locale=None, roles=(Role.APPLICANT,)):
    email = normalise_email(email)
    if _email_taken(email):
        raise AccountError(_l("An account with this email already exists."), field="email")
    problem = passwords.password_problem(password, email)
    if problem:
        raise AccountError(problem, field="password")
    user = User(
        email=email,
        password_hash=passwords.hash_password(password),
        full_name=full_name.strip(),
        locale=locale,
    )
    user.roles = [UserRole(role=str(r)) for r in roles]
    db.session.add(user)
    db.session.flush()
    return user


def register_user(email, password, full_name, locale=None):
    """Create an applicant account and send the verification email.

    When the address already has an account, nothing changes: its owner gets
    an email (in her language) saying so, with links to sign in or set a new
    password. The caller answers the same either way and signs nobody in, so
    the form does not tell anyone which addresses have accounts. Returns
    nothing for that reason.
    """
    email = normalise_email(email)
    problem = passwords.password_problem(password, email)
    if problem:  # checked first: a weak password is refused alike for both
        raise AccountError(problem, field="password")
    owner = get_user_by_email(email)
    if owner is None:
        user = _new_applicant_unless_taken(email, password, full_name, locale)
        if user is not None:
            record("user.registered", user, actor=user)
            _queue_verification(user)
            db.session.commit()
            return
        owner = get_user_by_email(email)  # another request registered it meanwhile
    passwords.hash_password(password)  # the same cost as creating an account
    record("user.registration_for_existing_address", owner)
    queue_email(
        owner.email,
        "accounts/already_registered",
        owner.locale,
        name=owner.public_name,
        login_link=absolute_url("accounts.login"),
        reset_link=absolute_url("accounts.forgot_password"),
    )
    db.session.commit()


def _new_applicant_unless_taken(email, password, full_name, locale):
    """A new applicant, or ``None`` when a concurrent registration took the address.

    The insert runs in a savepoint: the unique index, not the earlier lookup,
    decides who wins a race, and the loser's transaction stays usable.
    """
    try:
        with db.session.begin_nested():
            return _new_user(email, password, full_name, locale)
    except (IntegrityError, AccountError):  # the password was checked: only "taken" is left
        return None


def _queue_verification(user):
    token = tokens.make_token(tokens.VERIFY_EMAIL, {"uid": user.id, "email": user.email})
    queue_email(
        user.email,
        "accounts/verify_email",
        user.locale,
        name=user.public_name,
        link=absolute_url("accounts.verify_email", token=token),
    )


def resend_verification(actor):
    """Send a new verification link (no-op if already verified)."""
    if actor.email_verified_at is None:
        _queue_verification(actor)
        db.session.commit()


def _read_link_token(purpose, token, max_age_setting, expired_message):
    try:
        return tokens.read_token(purpose, token, current_app.config[max_age_setting])
    except tokens.TokenError as exc:
        raise AccountError(expired_message if exc.expired else _l("This link is not valid.")) from None


def verify_email(token):
    """Mark the email in ``token`` verified; raises ``AccountError`` if invalid.

    Returns the user, with a new session, when this call verified the address
    (the first use of the link signs her in, since registering does not),
    else ``None``.
    """
    data = _read_link_token(
        tokens.VERIFY_EMAIL,
        token,
        "EMAIL_TOKEN_MAX_AGE",
        _l("This link has expired. Sign in to get a new one."),
    )
    user = db.session.get(User, data.get("uid"))
    if user is None or user.email != data.get("email"):
        raise AccountError(_l("This link is not valid."))
    if user.email_verified_at is not None:
        return None
    user.email_verified_at = utcnow()
    record("user.email_verified", user, actor=user)
    sessions.open_session(user)
    db.session.commit()
    return user


def authenticate(email, password, remember=False):
    """The active user with these credentials, signed in with a new server-side
    session (``user.session_token``), or ``None``. Upgrades old hashes."""
    user = get_user_by_email(email)
    if user is None:
        passwords.verify_password(_DUMMY_HASH, password)  # same cost as a real check
        return None
    if not user.is_active or not passwords.verify_password(user.password_hash, password):
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = utcnow()
    sessions.open_session(user, remember)
    db.session.commit()
    return user


_DUMMY_HASH = passwords.hash_password("not-a-real-password-x9")


def request_password_reset(email):
    """Email a reset link if the account exists; says nothing either way."""
    user = get_user_by_email(email)
    if user is None or not user.is_active:
        return
    token = tokens.make_token(
        tokens.RESET_PASSWORD,
        {"uid": user.id, "pc": int(user.password_changed_at.timestamp())},
    )
    queue_email(
        user.email,
        "accounts/reset_password",
        user.locale,
        name=user.public_name,
        link=absolute_url("accounts.reset_password", token=token),
    )
    record("user.password_reset_requested", user)
    db.session.commit()


def user_for_reset_token(token):
    """The user a reset token is for; raises ``AccountError`` if it is not usable."""
    data = _read_link_token(
        tokens.RESET_PASSWORD, token, "RESET_TOKEN_MAX_AGE", _l("This link has expired. Ask for a new one.")
    )
    user = db.session.get(User, data.get("uid"))
    # A used token is dead: the password-changed stamp inside it no longer matches.
    if user is None or int(user.password_changed_at.timestamp()) != data.get("pc"):
        raise AccountError(_l("This link is not valid."))
    return user


def reset_password(token, new_password):
    """Set a new password from a reset token (single use).

    Every session of the account ends; the user is returned signed in with a
    new one.
    """
    user = user_for_reset_token(token)
    _set_password(user, new_password)
    user.email_verified_at = user.email_verified_at or utcnow()  # the link proved the address
    record("user.password_reset", user, actor=user)
    sessions.close_sessions(user)
    sessions.open_session(user)
    db.session.commit()
    return user


def change_password(actor, current_password, new_password):
    """Change the password after checking the current one; every other session
    of the account ends (this one, ``user.session_token``, stays)."""
    if not passwords.verify_password(actor.password_hash, current_password):
        raise AccountError(_l("Your current password is not correct."), field="current_password")
    _set_password(actor, new_password)
    record("user.password_changed", actor, actor=actor)
    sessions.close_sessions(actor, keep=actor.session_token)
    db.session.commit()


def _set_password(user, new_password):
    problem = passwords.password_problem(new_password, user.email)
    if problem:
        raise AccountError(problem, field="password")
    user.password_hash = passwords.hash_password(new_password)
    # Whole seconds: the stamp is compared in reset tokens.
    now = utcnow().replace(microsecond=0)
    if user.password_changed_at and now <= user.password_changed_at:
        now = user.password_changed_at.replace(microsecond=0) + _ONE_SECOND
    user.password_changed_at = now


def update_profile(actor, full_name, display_name, phone, locale):
    """Save the profile fields the person may edit."""
    actor.full_name = full_name.strip()
    actor.display_name = (display_name or "").strip() or None
    actor.phone = (phone or "").strip() or None
    actor.locale = locale or None
    record("user.profile_updated", actor, actor=actor)
    db.session.commit()


def request_deletion(actor):
    """Record that the person asked for her account to be deleted; notify her."""
    if actor.deletion_requested_at is None:
        actor.deletion_requested_at = utcnow()
        record("user.deletion_requested", actor, actor=actor)
        queue_email(actor.email, "accounts/deletion_requested", actor.locale, name=actor.public_name)
        db.session.commit()


def grant_role(actor, user, role):
    """Give ``user`` a role (admins only); audited."""
    ensure("admin.users", user=actor)
    role = Role(role)
    if role in user.role_names:
        return False
    user.roles.append(UserRole(role=str(role), granted_by_id=actor.id))
    record("role.granted", user, actor=actor, role=str(role))
    db.session.commit()
    return True


def ensure_role(user, role, actor=None):
    """Give ``user`` a role if she lacks it, inside the caller's unit of work.

    For other domains' services (cohorts grant ``participant`` on enrolment):
    audits and flushes, never commits; the caller has checked its own
    permission. Returns True when the role was added.
    """
    role = Role(role)
    if role in user.role_names:
        return False
    user.roles.append(UserRole(role=str(role), granted_by_id=getattr(actor, "id", actor)))
    db.session.flush()
    record("role.granted", user, actor=actor, role=str(role))
    return True


def revoke_role(actor, user, role):
    """Take a role away (admins only); audited. Admins cannot drop their own admin role."""
    ensure("admin.users", user=actor)
    role = Role(role)
    if role == Role.ADMIN and actor.id == user.id:
        raise AccountError(_l("You cannot remove your own admin role."))
    for held in list(user.roles):
        if held.role == role:
            user.roles.remove(held)
            record("role.revoked", user, actor=actor, role=str(role))
            db.session.commit()
            return True
    return False


def create_user(email, password, full_name, roles, verified=True, locale=None):
    """Create an account with roles (CLI and demo data); ``locale`` is the language
    of her emails and certificates (English when ``None``)."""
    user = _new_user(email, password, full_name, locale=locale, roles=roles)
    if verified:
        user.email_verified_at = utcnow()
    record("user.created", user, via="cli", roles=sorted(str(r) for r in roles))
    db.session.commit()
    return user


def save_demographics(actor, answers):
    """Save the person's own answers, with consent recorded (version and time).

    ``answers`` maps field names to values; empty values are stored as NULL
    ("not answered"), which is kept apart from "prefer not to say".
    """
    row = actor.demographics or Demographics(user=actor)
    for name in ("gender", "birth_year", "region", "settlement", "creative_domain"):
        setattr(row, name, answers.get(name) or None)
    for domain in WG_DOMAINS:
        setattr(row, f"wg_{domain}", answers.get(f"wg_{domain}") or None)
    row.consent_version = CONSENT_VERSION
    row.consent_at = utcnow()
    db.session.add(row)
    db.session.flush()
    record("demographics.saved", actor, actor=actor)
    db.session.commit()
    return row


def withdraw_demographics(actor):
    """Delete the person's answers: consent withdrawn."""
    if actor.demographics is not None:
        db.session.delete(actor.demographics)
        record("demographics.withdrawn", actor, actor=actor)
        db.session.commit()


def list_users(page=1, per_page=50, query=None):
    """Users for the admin list, newest first, optionally filtered by email or name."""
    stmt = db.select(User).order_by(User.created_at.desc(), User.id.desc())
    if query:
        like = f"%{query.strip().lower()}%"
        stmt = stmt.where(func.lower(User.email).like(like) | func.lower(User.full_name).like(like))
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)
