"""Cohorts, enrolments, curriculum sessions, attendance, milestones, check-ins.

The spine columns of ``Cohort`` and ``Enrolment`` are the contract other
domains rely on (campaigns are gated on ``Enrolment.campaign_ready_at`` or
graduation; reports count enrolments). Columns may be added, never renamed.
"""

import sqlalchemy as sa

from wcl.extensions import db
from wcl.text import shown_in, translations_backref
from wcl.time import UTCDateTime, utcnow


class EnrolmentStatus:
    """active → graduated | withdrawn."""

    ACTIVE = "active"
    GRADUATED = "graduated"
    WITHDRAWN = "withdrawn"
    ALL = (ACTIVE, GRADUATED, WITHDRAWN)


class Cohort(db.Model):
    """A group of participants who go through the incubation programme together."""

    __tablename__ = "cohorts"

    id = sa.Column(sa.Integer, primary_key=True)
    lab_id = sa.Column(sa.Integer, sa.ForeignKey("labs.id"), nullable=False, index=True)
    call_id = sa.Column(sa.Integer, sa.ForeignKey("calls.id"), index=True)
    name = sa.Column(sa.String(120), nullable=False)
    starts_on = sa.Column(sa.Date, nullable=False)
    ends_on = sa.Column(sa.Date, nullable=False)
    capacity = sa.Column(sa.Integer, nullable=False, default=30)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    # Where it meets: a place (city, address) with its region, or online.
    is_online = sa.Column(sa.Boolean, nullable=False, default=False, server_default=sa.false())
    location = sa.Column(sa.String(200))
    region = sa.Column(sa.String(8))  # ISO 3166-2:KG code
    # Graduation rules: minimum attendance (percent) and required milestones approved.
    min_attendance_pct = sa.Column(sa.Integer, nullable=False, default=75, server_default="75")
    require_milestones = sa.Column(sa.Boolean, nullable=False, default=True, server_default=sa.true())
    # Mentors are reminded when an active participant has had no check-in for this long.
    checkin_interval_days = sa.Column(sa.Integer, nullable=False, default=14, server_default="14")
    # The language staff write the cohort's texts in (name, sessions, milestones); translations
    # are CohortTranslation, CohortSessionTranslation and MilestoneTranslation rows.
    language = sa.Column(sa.String(2), nullable=False, default="en", server_default="en")

    lab = db.relationship("Lab")

    __table_args__ = (
        sa.CheckConstraint("ends_on >= starts_on", name="ends_after_starts"),
        sa.CheckConstraint("capacity > 0", name="capacity_positive"),
        sa.CheckConstraint("min_attendance_pct BETWEEN 0 AND 100", name="min_attendance_pct"),
        sa.CheckConstraint("checkin_interval_days BETWEEN 1 AND 365", name="checkin_interval_days"),
    )

    def shown(self, field, locale):
        """``name`` for a reader of ``locale`` (a ``wcl.text.Shown``), else the original."""
        return shown_in(self, field, locale, self.language)


class Enrolment(db.Model):
    """A participant in a cohort, with her mentor."""

    __tablename__ = "enrolments"

    id = sa.Column(sa.Integer, primary_key=True)
    cohort_id = sa.Column(sa.Integer, sa.ForeignKey("cohorts.id"), nullable=False, index=True)
    participant_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True)
    mentor_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), index=True)
    application_id = sa.Column(sa.Integer, sa.ForeignKey("applications.id"), unique=True)
    status = sa.Column(sa.String(12), nullable=False, default=EnrolmentStatus.ACTIVE, index=True)
    enrolled_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    graduated_at = sa.Column(UTCDateTime)
    withdrawn_at = sa.Column(UTCDateTime)
    withdrawal_reason = sa.Column(sa.Text)
    campaign_ready_at = sa.Column(UTCDateTime)
    campaign_ready_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))
    # When the mentor was last reminded of an overdue check-in (at most one
    # reminder per check-in interval).
    checkin_reminded_at = sa.Column(UTCDateTime)
    certificate_file_id = sa.Column(sa.Integer, sa.ForeignKey("stored_files.id", ondelete="SET NULL"))
    certificate_issued_at = sa.Column(UTCDateTime)

    cohort = db.relationship("Cohort")
    participant = db.relationship("User", foreign_keys=[participant_id])
    mentor = db.relationship("User", foreign_keys=[mentor_id])
    application = db.relationship("Application")
    certificate_file = db.relationship("StoredFile", foreign_keys=[certificate_file_id])

    __table_args__ = (
        sa.UniqueConstraint("cohort_id", "participant_id"),
        sa.CheckConstraint("status IN ('active','graduated','withdrawn')", name="status"),
    )


class AttendanceStatus:
    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"
    ALL = (PRESENT, ABSENT, EXCUSED)


class MilestoneStatus:
    """Per participant: not_started → submitted → approved | needs_changes (→ submitted)."""

    NOT_STARTED = "not_started"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    NEEDS_CHANGES = "needs_changes"
    ALL = (NOT_STARTED, SUBMITTED, APPROVED, NEEDS_CHANGES)


class CheckInStatus:
    ON_TRACK = "on_track"
    NEEDS_SUPPORT = "needs_support"
    AT_RISK = "at_risk"
    ALL = (ON_TRACK, NEEDS_SUPPORT, AT_RISK)


class CohortSession(db.Model):
    """One meeting of the cohort's curriculum, at a place or online."""

    __tablename__ = "cohort_sessions"

    id = sa.Column(sa.Integer, primary_key=True)
    cohort_id = sa.Column(
        sa.Integer, sa.ForeignKey("cohorts.id", ondelete="CASCADE"), nullable=False, index=True
    )
    title = sa.Column(sa.String(200), nullable=False)
    description = sa.Column(sa.Text)
    starts_at = sa.Column(UTCDateTime, nullable=False, index=True)
    ends_at = sa.Column(UTCDateTime, nullable=False)
    place = sa.Column(sa.String(200))
    link = sa.Column(sa.String(500))
    # Set when the participants' reminder was claimed, so a re-run sends nothing twice.
    reminder_sent_at = sa.Column(UTCDateTime)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)

    cohort = db.relationship("Cohort")
    materials = db.relationship(
        "SessionMaterial",
        back_populates="session",
        order_by="SessionMaterial.id",
        cascade="all, delete-orphan",
    )

    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="ends_after_starts"),)

    def shown(self, field, locale):
        """``title`` or ``description`` for a reader of ``locale``, else the cohort's language."""
        return shown_in(self, field, locale, self.cohort.language)


class SessionMaterial(db.Model):
    """A link or an uploaded file for a session."""

    __tablename__ = "cohort_session_materials"

    id = sa.Column(sa.Integer, primary_key=True)
    session_id = sa.Column(
        sa.Integer, sa.ForeignKey("cohort_sessions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    title = sa.Column(sa.String(200), nullable=False)
    url = sa.Column(sa.String(500))
    file_id = sa.Column(sa.Integer, sa.ForeignKey("stored_files.id", ondelete="SET NULL"))
    added_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)

    session = db.relationship("CohortSession", back_populates="materials")
    file = db.relationship("StoredFile")

    __table_args__ = (sa.CheckConstraint("url IS NOT NULL OR file_id IS NOT NULL", name="url_or_file"),)


class Attendance(db.Model):
    """Whether a participant was at a session (one row per session and enrolment)."""

    __tablename__ = "cohort_attendance"

    id = sa.Column(sa.Integer, primary_key=True)
    session_id = sa.Column(
        sa.Integer, sa.ForeignKey("cohort_sessions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    enrolment_id = sa.Column(
        sa.Integer, sa.ForeignKey("enrolments.id", ondelete="CASCADE"), nullable=False, index=True
    )
    status = sa.Column(sa.String(8), nullable=False)
    marked_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    marked_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("session_id", "enrolment_id"),
        sa.CheckConstraint("status IN ('present','absent','excused')", name="status"),
    )


class Milestone(db.Model):
    """A step every participant of the cohort works towards (idea, prototype, pricing…)."""

    __tablename__ = "cohort_milestones"

    id = sa.Column(sa.Integer, primary_key=True)
    cohort_id = sa.Column(
        sa.Integer, sa.ForeignKey("cohorts.id", ondelete="CASCADE"), nullable=False, index=True
    )
    title = sa.Column(sa.String(200), nullable=False)
    description = sa.Column(sa.Text)
    due_on = sa.Column(sa.Date)
    required = sa.Column(sa.Boolean, nullable=False, default=True)
    position = sa.Column(sa.Integer, nullable=False, default=0)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)

    cohort = db.relationship("Cohort")

    def shown(self, field, locale):
        """``title`` or ``description`` for a reader of ``locale``, else the cohort's language."""
        return shown_in(self, field, locale, self.cohort.language)


class MilestoneProgress(db.Model):
    """One participant's work on one milestone: evidence and the mentor's review.

    No row means ``not_started``.
    """

    __tablename__ = "cohort_milestone_progress"

    id = sa.Column(sa.Integer, primary_key=True)
    milestone_id = sa.Column(
        sa.Integer, sa.ForeignKey("cohort_milestones.id", ondelete="CASCADE"), nullable=False, index=True
    )
    enrolment_id = sa.Column(
        sa.Integer, sa.ForeignKey("enrolments.id", ondelete="CASCADE"), nullable=False, index=True
    )
    status = sa.Column(sa.String(14), nullable=False, default=MilestoneStatus.NOT_STARTED)
    evidence_text = sa.Column(sa.Text)
    evidence_file_id = sa.Column(sa.Integer, sa.ForeignKey("stored_files.id", ondelete="SET NULL"))
    submitted_at = sa.Column(UTCDateTime)
    reviewed_at = sa.Column(UTCDateTime)
    reviewed_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    review_note = sa.Column(sa.Text)

    milestone = db.relationship("Milestone")
    enrolment = db.relationship("Enrolment")
    evidence_file = db.relationship("StoredFile")
    reviewed_by = db.relationship("User")

    __table_args__ = (
        sa.UniqueConstraint("milestone_id", "enrolment_id"),
        sa.CheckConstraint("status IN ('not_started','submitted','approved','needs_changes')", name="status"),
    )


class CheckIn(db.Model):
    """A mentor's dated note about a participant, with how she is doing."""

    __tablename__ = "cohort_checkins"

    id = sa.Column(sa.Integer, primary_key=True)
    enrolment_id = sa.Column(
        sa.Integer, sa.ForeignKey("enrolments.id", ondelete="CASCADE"), nullable=False, index=True
    )
    mentor_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    met_on = sa.Column(sa.Date, nullable=False)
    status = sa.Column(sa.String(14), nullable=False)
    notes = sa.Column(sa.Text)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)

    mentor = db.relationship("User")

    __table_args__ = (sa.CheckConstraint("status IN ('on_track','needs_support','at_risk')", name="status"),)


# Translations (issue 17.13): the campaign_translations shape, one row per (row, locale);
# the original is in the cohort's language. Pages load the reader's row only, with the
# query that loads the rows (``wcl.text.translated_into``).


class CohortTranslation(db.Model):
    """The cohort's name in another language than the cohort's."""

    __tablename__ = "cohort_translations"

    id = sa.Column(sa.Integer, primary_key=True)
    cohort_id = sa.Column(
        sa.Integer, sa.ForeignKey("cohorts.id", ondelete="CASCADE"), nullable=False, index=True
    )
    locale = sa.Column(sa.String(2), nullable=False)
    name = sa.Column(sa.String(120), nullable=False, default="", server_default="")
    updated_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    cohort = db.relationship("Cohort", backref=translations_backref())

    __table_args__ = (
        sa.UniqueConstraint("cohort_id", "locale", name="uq_cohort_translations_locale"),
        sa.CheckConstraint("locale IN ('ky','ru','en')", name="locale"),
    )


class CohortSessionTranslation(db.Model):
    """A session's title and description in another language than the cohort's."""

    __tablename__ = "cohort_session_translations"

    id = sa.Column(sa.Integer, primary_key=True)
    session_id = sa.Column(
        sa.Integer, sa.ForeignKey("cohort_sessions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    locale = sa.Column(sa.String(2), nullable=False)
    title = sa.Column(sa.String(200), nullable=False, default="", server_default="")
    description = sa.Column(sa.Text, nullable=False, default="", server_default="")
    updated_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    session = db.relationship("CohortSession", backref=translations_backref())

    __table_args__ = (
        sa.UniqueConstraint("session_id", "locale", name="uq_cohort_session_translations_locale"),
        sa.CheckConstraint("locale IN ('ky','ru','en')", name="locale"),
    )


class MilestoneTranslation(db.Model):
    """A milestone's title and description in another language than the cohort's."""

    __tablename__ = "cohort_milestone_translations"

    id = sa.Column(sa.Integer, primary_key=True)
    milestone_id = sa.Column(
        sa.Integer, sa.ForeignKey("cohort_milestones.id", ondelete="CASCADE"), nullable=False, index=True
    )
    locale = sa.Column(sa.String(2), nullable=False)
    title = sa.Column(sa.String(200), nullable=False, default="", server_default="")
    description = sa.Column(sa.Text, nullable=False, default="", server_default="")
    updated_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    milestone = db.relationship("Milestone", backref=translations_backref())

    __table_args__ = (
        sa.UniqueConstraint("milestone_id", "locale", name="uq_cohort_milestone_translations_locale"),
        sa.CheckConstraint("locale IN ('ky','ru','en')", name="locale"),
    )
