"""A call's pitch day, its finalists (applications, whatever their kind), jury and scores.

Scores are hidden from everyone but staff until staff publish the results; after
that no score is entered or changed. One score per juror, finalist and criterion
(a second one updates the first, before publishing). A juror who declares a
conflict of interest with a finalist is excused from scoring her.
"""

import sqlalchemy as sa

from wcl.extensions import db
from wcl.time import UTCDateTime, utcnow


class PitchStatus:
    """draft (finalists, jury, live scoring) → published (results public, scores frozen)."""

    DRAFT = "draft"
    PUBLISHED = "published"
    ALL = (DRAFT, PUBLISHED)


class PitchDay(db.Model):
    """A call's finalists pitching at an event before a jury."""

    __tablename__ = "pitch_days"

    id = sa.Column(sa.Integer, primary_key=True)
    call_id = sa.Column(sa.Integer, sa.ForeignKey("calls.id"), nullable=False, index=True)
    event_id = sa.Column(sa.Integer, sa.ForeignKey("events.id"), nullable=False, index=True)
    status = sa.Column(sa.String(10), nullable=False, default=PitchStatus.DRAFT)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    created_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    published_at = sa.Column(UTCDateTime)
    published_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))

    call = db.relationship("Call")
    event = db.relationship("Event")
    finalists = db.relationship(
        "PitchFinalist",
        back_populates="pitch_day",
        order_by="(PitchFinalist.position, PitchFinalist.id)",
        cascade="all, delete-orphan",
    )
    jurors = db.relationship(
        "PitchJuror", back_populates="pitch_day", order_by="PitchJuror.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint("status IN ('draft','published')", name="status"),
        sa.CheckConstraint("status = 'draft' OR published_at IS NOT NULL", name="published_at"),
    )

    @property
    def is_published(self):
        return self.status == PitchStatus.PUBLISHED

    def title(self, locale="en"):
        return self.event.title(locale)


class PitchFinalist(db.Model):
    """An application (individual, team or organisation) pitching in a slot."""

    __tablename__ = "pitch_finalists"

    id = sa.Column(sa.Integer, primary_key=True)
    pitch_day_id = sa.Column(
        sa.Integer, sa.ForeignKey("pitch_days.id", ondelete="CASCADE"), nullable=False, index=True
    )
    application_id = sa.Column(sa.Integer, sa.ForeignKey("applications.id"), nullable=False, index=True)
    position = sa.Column(sa.Integer, nullable=False, default=0)
    slot_at = sa.Column(UTCDateTime)
    is_winner = sa.Column(sa.Boolean, nullable=False, default=False, server_default=sa.false())
    prize = sa.Column(sa.String(200), nullable=False, default="", server_default="")
    prize_amount = sa.Column(sa.BigInteger)  # minor units
    prize_currency = sa.Column(sa.String(3))
    # Printed on the certificate; given when the results are published.
    certificate_code = sa.Column(sa.String(32), unique=True)

    pitch_day = db.relationship("PitchDay", back_populates="finalists")
    application = db.relationship("Application")
    scores = db.relationship("PitchScore", back_populates="finalist", cascade="all, delete-orphan")

    __table_args__ = (
        sa.UniqueConstraint("pitch_day_id", "application_id"),
        sa.CheckConstraint("position >= 0", name="position"),
        sa.CheckConstraint("prize_amount IS NULL OR prize_amount > 0", name="prize_positive"),
        sa.CheckConstraint("(prize_amount IS NULL) = (prize_currency IS NULL)", name="prize_currency"),
    )


class PitchJuror(db.Model):
    """A person on the jury of a pitch day (staff, a partner's people, anyone named)."""

    __tablename__ = "pitch_jurors"

    id = sa.Column(sa.Integer, primary_key=True)
    pitch_day_id = sa.Column(
        sa.Integer, sa.ForeignKey("pitch_days.id", ondelete="CASCADE"), nullable=False, index=True
    )
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True)
    added_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)

    pitch_day = db.relationship("PitchDay", back_populates="jurors")
    user = db.relationship("User")

    __table_args__ = (sa.UniqueConstraint("pitch_day_id", "user_id"),)


class PitchConflict(db.Model):
    """A juror's declared conflict of interest with a finalist: she is excused from scoring her."""

    __tablename__ = "pitch_conflicts"

    id = sa.Column(sa.Integer, primary_key=True)
    juror_id = sa.Column(sa.Integer, sa.ForeignKey("pitch_jurors.id", ondelete="CASCADE"), nullable=False)
    finalist_id = sa.Column(
        sa.Integer, sa.ForeignKey("pitch_finalists.id", ondelete="CASCADE"), nullable=False, index=True
    )
    declared_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (sa.UniqueConstraint("juror_id", "finalist_id"),)


class PitchScore(db.Model):
    """One juror's score of one finalist on one rubric criterion (in the criterion's range)."""

    __tablename__ = "pitch_scores"

    id = sa.Column(sa.Integer, primary_key=True)
    finalist_id = sa.Column(
        sa.Integer, sa.ForeignKey("pitch_finalists.id", ondelete="CASCADE"), nullable=False, index=True
    )
    juror_id = sa.Column(
        sa.Integer, sa.ForeignKey("pitch_jurors.id", ondelete="CASCADE"), nullable=False, index=True
    )
    criterion_id = sa.Column(
        sa.Integer, sa.ForeignKey("rubric_criteria.id", ondelete="CASCADE"), nullable=False, index=True
    )
    score = sa.Column(sa.Integer, nullable=False)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    finalist = db.relationship("PitchFinalist", back_populates="scores")
    juror = db.relationship("PitchJuror")
    criterion = db.relationship("RubricCriterion")

    __table_args__ = (sa.UniqueConstraint("finalist_id", "juror_id", "criterion_id"),)
