"""Users, their roles and their (optional, self-identified) demographics."""

import secrets

import sqlalchemy as sa
from flask_login import UserMixin

from wcl.extensions import db
from wcl.time import UTCDateTime, utcnow

# Every person counted in a report carries a permanent random key in 0..CELL_KEY_RANGE-1;
# ``wcl.reports.protection`` derives each published cell's noise from the sum of its
# people's keys (the cell-key method), so the key must never change once drawn.
CELL_KEY_RANGE = 256


def new_cell_key():
    return secrets.randbelow(CELL_KEY_RANGE)


class User(UserMixin, db.Model):
    """A person with an account. Email is stored lower-cased and unique."""

    __tablename__ = "users"

    id = sa.Column(sa.Integer, primary_key=True)
    email = sa.Column(sa.String(254), nullable=False, unique=True)
    password_hash = sa.Column(sa.String(255), nullable=False)
    full_name = sa.Column(sa.String(120), nullable=False)
    display_name = sa.Column(sa.String(80))
    phone = sa.Column(sa.String(32))
    locale = sa.Column(sa.String(5))
    timezone = sa.Column(sa.String(64))
    lab_id = sa.Column(sa.Integer, sa.ForeignKey("labs.id", ondelete="SET NULL"))
    is_active_account = sa.Column(sa.Boolean, nullable=False, default=True)
    email_verified_at = sa.Column(UTCDateTime)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    last_login_at = sa.Column(UTCDateTime)
    password_changed_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    deletion_requested_at = sa.Column(UTCDateTime)
    cell_key = sa.Column(sa.SmallInteger, nullable=False, default=new_cell_key)

    roles = db.relationship(
        "UserRole",
        back_populates="user",
        cascade="all, delete-orphan",
        lazy="selectin",
        foreign_keys="UserRole.user_id",
    )
    lab = db.relationship("Lab")
    demographics = db.relationship(
        "Demographics", back_populates="user", uselist=False, cascade="all, delete-orphan"
    )

    @property
    def is_active(self):
        return self.is_active_account

    @property
    def role_names(self):
        """The names of the roles she holds (a frozenset)."""
        # The session loader reads them with her row (``remember_role_names``), so a
        # signed-in request needs no roles collection; once the collection itself is
        # loaded (to be changed, say), it is the truth.
        if "roles" not in self.__dict__:
            known = self.__dict__.get("_known_role_names")
            if known is not None:
                return known
        return frozenset(r.role for r in self.roles)

    @property
    def public_name(self):
        """What others see: the display name if set, else the full name."""
        return self.display_name or self.full_name

    __table_args__ = (
        sa.CheckConstraint(f"cell_key >= 0 AND cell_key < {CELL_KEY_RANGE}", name="cell_key_range"),
    )

    # The token of the session this object was loaded for (``wcl.accounts.sessions``);
    # set at sign-in and by the session loader, never stored on the row.
    session_token = None

    def get_id(self):
        """What Flask-Login keeps in the cookie: the server-side session's token."""
        return self.session_token


def remember_role_names(user, names):
    """Keep ``names``, her roles' names read with her row, as ``user.role_names``
    until her row is next expired (a commit, a refresh)."""
    user._known_role_names = frozenset(names)


@sa.event.listens_for(User, "expire")
def _forget_role_names(user, attribute_names):
    # An expired row may come back with other roles: ask the collection again.
    # (``user`` is None when the session expires a row nobody holds any more.)
    if user is not None:
        user.__dict__.pop("_known_role_names", None)


class UserSession(db.Model):
    """One signed-in browser. Only a hash of its token is stored; deleting the
    row signs that browser out (logout, "sign out everywhere", a new password,
    an idle staff session, an expired one)."""

    __tablename__ = "user_sessions"

    id = sa.Column(sa.Integer, primary_key=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    token_hash = sa.Column(sa.String(64), nullable=False, unique=True)
    remember = sa.Column(sa.Boolean, nullable=False, default=False)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    last_seen_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = sa.Column(UTCDateTime, nullable=False)

    user = db.relationship("User")


class UserRole(db.Model):
    """A role held by a user; a user may hold several."""

    __tablename__ = "user_roles"

    id = sa.Column(sa.Integer, primary_key=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    role = sa.Column(sa.String(20), nullable=False)
    granted_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    granted_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))

    user = db.relationship("User", back_populates="roles", foreign_keys=[user_id])

    __table_args__ = (sa.UniqueConstraint("user_id", "role"),)


GENDERS = ("woman", "man", "another", "prefer_not")
SETTLEMENTS = ("urban", "rural")
WG_DOMAINS = ("seeing", "hearing", "walking", "cognition", "selfcare", "communication")
WG_ANSWERS = ("none", "some", "a_lot", "cannot")


class Demographics(db.Model):
    """Optional, self-identified answers, kept only with consent.

    NULL means "not answered"; ``prefer_not`` is an answer. Raw rows are read
    only by the person and admins; reports use aggregates with suppression.
    """

    __tablename__ = "demographics"

    id = sa.Column(sa.Integer, primary_key=True)
    user_id = sa.Column(
        sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    gender = sa.Column(sa.String(12))
    birth_year = sa.Column(sa.Integer)
    region = sa.Column(sa.String(8))
    settlement = sa.Column(sa.String(8))
    creative_domain = sa.Column(sa.String(12))
    wg_seeing = sa.Column(sa.String(8))
    wg_hearing = sa.Column(sa.String(8))
    wg_walking = sa.Column(sa.String(8))
    wg_cognition = sa.Column(sa.String(8))
    wg_selfcare = sa.Column(sa.String(8))
    wg_communication = sa.Column(sa.String(8))
    consent_version = sa.Column(sa.String(10), nullable=False)
    consent_at = sa.Column(UTCDateTime, nullable=False)
    updated_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    user = db.relationship("User", back_populates="demographics")

    __table_args__ = (
        sa.CheckConstraint(
            "gender IS NULL OR gender IN ('woman','man','another','prefer_not')", name="gender"
        ),
        sa.CheckConstraint("settlement IS NULL OR settlement IN ('urban','rural')", name="settlement"),
        sa.CheckConstraint("birth_year IS NULL OR birth_year BETWEEN 1900 AND 2100", name="birth_year"),
    )

    @property
    def has_disability(self):
        """Washington Group: any domain at "a lot of difficulty" or "cannot do"."""
        answers = [getattr(self, f"wg_{d}") for d in WG_DOMAINS]
        if all(a is None for a in answers):
            return None
        return any(a in ("a_lot", "cannot") for a in answers)
