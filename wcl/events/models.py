"""Events, their registrations (tickets) and the photos and materials of past events.

A registration holds the contact it was made with (name, email, language) for an
account or a guest alike, so tickets, reminders and the waitlist never need to know
which. Self-identified gender and birth year are stored on a guest's registration
only with her consent (``consent_at``); a signed-in person's answers stay in her
account's ``Demographics``. Both are read only through the reports' disclosure
control, never listed.
"""

import sqlalchemy as sa

from wcl.extensions import db
from wcl.time import UTCDateTime, utcnow


class EventStatus:
    """draft → published → cancelled (a cancelled event stays listed, marked)."""

    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"
    ALL = (DRAFT, PUBLISHED, CANCELLED)


class RegistrationStatus:
    """registered ⇄ waitlisted → cancelled; registered → checked_in."""

    REGISTERED = "registered"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"
    CHECKED_IN = "checked_in"
    ALL = (REGISTERED, WAITLISTED, CANCELLED, CHECKED_IN)
    # Holding a place (counted against the capacity).
    HOLDING = (REGISTERED, CHECKED_IN)
    # Not cancelled: one such registration per email and event.
    ACTIVE = (REGISTERED, WAITLISTED, CHECKED_IN)


class Event(db.Model):
    """A festival, workshop, meetup or pitch day, at a place or online."""

    __tablename__ = "events"

    id = sa.Column(sa.Integer, primary_key=True)
    slug = sa.Column(sa.String(80), nullable=False, unique=True)
    lab_id = sa.Column(sa.Integer, sa.ForeignKey("labs.id"), index=True)
    series = sa.Column(sa.String(120))  # e.g. "Create4 Fall Festival"
    organiser = sa.Column(sa.String(200))  # free text: a partner, the mayor's office …
    title_en = sa.Column(sa.String(200), nullable=False)
    title_ru = sa.Column(sa.String(200), nullable=False)
    title_ky = sa.Column(sa.String(200), nullable=False)
    description_en = sa.Column(sa.Text, nullable=False, default="", server_default="")
    description_ru = sa.Column(sa.Text, nullable=False, default="", server_default="")
    description_ky = sa.Column(sa.Text, nullable=False, default="", server_default="")
    starts_at = sa.Column(UTCDateTime, nullable=False, index=True)
    ends_at = sa.Column(UTCDateTime, nullable=False)
    place = sa.Column(sa.String(200))
    online_url = sa.Column(sa.String(500))
    capacity = sa.Column(sa.Integer)  # None: no limit
    registration_required = sa.Column(sa.Boolean, nullable=False, default=True, server_default=sa.true())
    status = sa.Column(sa.String(12), nullable=False, default=EventStatus.DRAFT, index=True)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    created_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    published_at = sa.Column(UTCDateTime)
    cancelled_at = sa.Column(UTCDateTime)

    lab = db.relationship("Lab")

    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_starts"),
        sa.CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        sa.CheckConstraint("status IN ('draft','published','cancelled')", name="status"),
        sa.CheckConstraint("place IS NOT NULL OR online_url IS NOT NULL", name="place_or_online"),
    )

    def title(self, locale="en"):
        """The title in ``locale`` (falls back to English)."""
        return getattr(self, f"title_{locale}", None) or self.title_en

    def description(self, locale="en"):
        """The description in ``locale`` (falls back to English)."""
        return getattr(self, f"description_{locale}", None) or self.description_en

    def is_past(self, now=None):
        return self.ends_at <= (now or utcnow())

    @property
    def is_published(self):
        return self.status == EventStatus.PUBLISHED


class Registration(db.Model):
    """One person's place (or waitlist spot) at an event: her ticket."""

    __tablename__ = "event_registrations"

    id = sa.Column(sa.Integer, primary_key=True)
    event_id = sa.Column(sa.Integer, sa.ForeignKey("events.id"), nullable=False, index=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    name = sa.Column(sa.String(200), nullable=False)
    email = sa.Column(sa.String(254), nullable=False, index=True)
    locale = sa.Column(sa.String(5), nullable=False, default="en")
    status = sa.Column(sa.String(12), nullable=False, index=True)
    # Typed at the door when the QR cannot be scanned; the QR carries it signed.
    ticket_code = sa.Column(sa.String(16), nullable=False, unique=True)
    # The waitlist is served in this order (then by id).
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    promoted_at = sa.Column(UTCDateTime)
    cancelled_at = sa.Column(UTCDateTime)
    checked_in_at = sa.Column(UTCDateTime)
    checked_in_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    ticket_emailed_at = sa.Column(UTCDateTime)
    reminded_at = sa.Column(UTCDateTime)
    # Disclosure control: the person's permanent key (her account's, or drawn for a guest).
    cell_key = sa.Column(sa.SmallInteger, nullable=False)
    # A guest's optional, self-identified answers, kept only with her consent.
    gender = sa.Column(sa.String(12))
    birth_year = sa.Column(sa.Integer)
    consent_version = sa.Column(sa.String(10))
    consent_at = sa.Column(UTCDateTime)

    event = db.relationship("Event")
    user = db.relationship("User", foreign_keys=[user_id])
    checked_in_by = db.relationship("User", foreign_keys=[checked_in_by_id])

    __table_args__ = (
        sa.CheckConstraint("status IN ('registered','waitlisted','cancelled','checked_in')", name="status"),
        sa.CheckConstraint(
            "gender IS NULL OR gender IN ('woman','man','another','prefer_not')", name="gender"
        ),
        sa.CheckConstraint("birth_year IS NULL OR birth_year BETWEEN 1900 AND 2100", name="birth_year"),
        sa.CheckConstraint(
            "consent_at IS NOT NULL OR (gender IS NULL AND birth_year IS NULL)", name="demographics_consent"
        ),
        sa.CheckConstraint("cell_key >= 0 AND cell_key < 256", name="cell_key_range"),
        sa.CheckConstraint("status <> 'checked_in' OR checked_in_at IS NOT NULL", name="checked_in_has_time"),
    )

    @property
    def display_code(self):
        """The ticket code as printed: two groups of four ("K7M2-XQ4P")."""
        return f"{self.ticket_code[:4]}-{self.ticket_code[4:]}"


class EventMaterial(db.Model):
    """A photo or material of an event (slides, a programme), shown on its page."""

    __tablename__ = "event_materials"

    id = sa.Column(sa.Integer, primary_key=True)
    event_id = sa.Column(
        sa.Integer, sa.ForeignKey("events.id", ondelete="CASCADE"), nullable=False, index=True
    )
    file_id = sa.Column(sa.Integer, sa.ForeignKey("stored_files.id"), nullable=False)
    caption = sa.Column(sa.String(200), nullable=False, default="", server_default="")
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    created_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))

    event = db.relationship("Event")
    file = db.relationship("StoredFile")
