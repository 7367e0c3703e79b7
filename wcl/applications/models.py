"""Calls for applications and the applications made to them.

The columns here are the contract other domains rely on (cohorts enrol from
accepted applications; reports count by status and submission date, and by
the ``snapshot_*`` demographics copied at submission).
"""

import sqlalchemy as sa

from wcl.applications.team_models import TeamMember, TeamMemberStatus, TeamRole  # noqa: F401  (re-exported)
from wcl.extensions import db
from wcl.time import UTCDateTime, utcnow

LOCALES = ("en", "ru", "ky")


def _localised(row, stem, locale):
    """``row.<stem>_<locale>``, falling back to English when empty."""
    return getattr(row, f"{stem}_{locale}", None) or getattr(row, f"{stem}_en")


class ApplicationStatus:
    """Application states: draft → submitted → under_review → shortlisted →
    accepted | waitlisted | rejected, or withdrawn."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    SHORTLISTED = "shortlisted"
    ACCEPTED = "accepted"
    WAITLISTED = "waitlisted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    ALL = (DRAFT, SUBMITTED, UNDER_REVIEW, SHORTLISTED, ACCEPTED, WAITLISTED, REJECTED, WITHDRAWN)
    # Submitted and not yet decided: reviewers may score these.
    IN_REVIEW = (SUBMITTED, UNDER_REVIEW, SHORTLISTED)
    OUTCOMES = (ACCEPTED, WAITLISTED, REJECTED)


class ApplicantKind:
    INDIVIDUAL = "individual"
    TEAM = "team"
    ORGANISATION = "organisation"
    ALL = (INDIVIDUAL, TEAM, ORGANISATION)


class Call(db.Model):
    """A call for applications to a lab, open between two moments."""

    __tablename__ = "calls"

    id = sa.Column(sa.Integer, primary_key=True)
    lab_id = sa.Column(sa.Integer, sa.ForeignKey("labs.id"), nullable=False, index=True)
    slug = sa.Column(sa.String(80), nullable=False, unique=True)
    title_en = sa.Column(sa.String(200), nullable=False)
    title_ru = sa.Column(sa.String(200), nullable=False)
    title_ky = sa.Column(sa.String(200), nullable=False)
    opens_at = sa.Column(UTCDateTime, nullable=False)
    closes_at = sa.Column(UTCDateTime, nullable=False)
    reviews_required = sa.Column(sa.Integer, nullable=False, default=2)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    description_en = sa.Column(sa.Text, nullable=False, default="", server_default="")
    description_ru = sa.Column(sa.Text, nullable=False, default="", server_default="")
    description_ky = sa.Column(sa.Text, nullable=False, default="", server_default="")
    eligibility_en = sa.Column(sa.Text, nullable=False, default="", server_default="")
    eligibility_ru = sa.Column(sa.Text, nullable=False, default="", server_default="")
    eligibility_ky = sa.Column(sa.Text, nullable=False, default="", server_default="")
    # Blind first pass: reviewers see no name, contacts or file names until shortlisting.
    blind_review = sa.Column(sa.Boolean, nullable=False, default=False, server_default=sa.false())
    created_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    # Who may apply: individuals, teams (of team_min_size..team_max_size people, the
    # lead included) and organisations (through their representative).
    accepts_individuals = sa.Column(sa.Boolean, nullable=False, default=True, server_default=sa.true())
    accepts_teams = sa.Column(sa.Boolean, nullable=False, default=False, server_default=sa.false())
    accepts_organisations = sa.Column(sa.Boolean, nullable=False, default=False, server_default=sa.false())
    team_min_size = sa.Column(sa.Integer, nullable=False, default=2, server_default="2")
    team_max_size = sa.Column(sa.Integer, nullable=False, default=5, server_default="5")

    lab = db.relationship("Lab")
    questions = db.relationship(
        "CallQuestion",
        back_populates="call",
        order_by="CallQuestion.position",
        cascade="all, delete-orphan",
    )
    criteria = db.relationship(
        "RubricCriterion",
        back_populates="call",
        order_by="RubricCriterion.position",
        cascade="all, delete-orphan",
    )

    __table_args__ = (
        sa.CheckConstraint("closes_at > opens_at", name="closes_after_opens"),
        sa.CheckConstraint("reviews_required BETWEEN 1 AND 10", name="reviews_required"),
        sa.CheckConstraint("team_min_size >= 1 AND team_max_size >= team_min_size", name="team_size"),
    )

    def title(self, locale="en"):
        """The title in ``locale`` (falls back to English)."""
        return getattr(self, f"title_{locale}", None) or self.title_en

    def description(self, locale="en"):
        """The description in ``locale`` (falls back to English)."""
        return _localised(self, "description", locale)

    def eligibility(self, locale="en"):
        """Who may apply, in ``locale`` (falls back to English)."""
        return _localised(self, "eligibility", locale)

    def is_open(self, now=None):
        """True between ``opens_at`` (inclusive) and ``closes_at`` (exclusive)."""
        now = now or utcnow()
        return self.opens_at <= now < self.closes_at


class QuestionKind:
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    CHOICE = "choice"
    NUMBER = "number"
    FILE = "file"
    ALL = (SHORT_TEXT, LONG_TEXT, CHOICE, NUMBER, FILE)


class CallQuestion(db.Model):
    """A question of a call, with its label in three languages.

    Choice options are a JSON list of ``{"en": …, "ru": …, "ky": …}``; the
    stored answer is the English text of the option (stable for exports).
    """

    __tablename__ = "call_questions"

    id = sa.Column(sa.Integer, primary_key=True)
    call_id = sa.Column(sa.Integer, sa.ForeignKey("calls.id", ondelete="CASCADE"), nullable=False, index=True)
    position = sa.Column(sa.Integer, nullable=False, default=0)
    kind = sa.Column(sa.String(12), nullable=False)
    label_en = sa.Column(sa.String(300), nullable=False)
    label_ru = sa.Column(sa.String(300), nullable=False, default="")
    label_ky = sa.Column(sa.String(300), nullable=False, default="")
    required = sa.Column(sa.Boolean, nullable=False, default=False)
    options = sa.Column(sa.JSON, nullable=False, default=list)

    call = db.relationship("Call", back_populates="questions")

    __table_args__ = (
        sa.CheckConstraint("kind IN ('short_text','long_text','choice','number','file')", name="kind"),
    )

    def label(self, locale="en"):
        return _localised(self, "label", locale)

    def option_labels(self, locale="en"):
        """``[(stored value, label in locale)]`` for a choice question."""
        return [(o["en"], o.get(locale) or o["en"]) for o in self.options or []]


class RubricCriterion(db.Model):
    """A scoring criterion of a call: weight and an integer score range."""

    __tablename__ = "rubric_criteria"

    id = sa.Column(sa.Integer, primary_key=True)
    call_id = sa.Column(sa.Integer, sa.ForeignKey("calls.id", ondelete="CASCADE"), nullable=False, index=True)
    position = sa.Column(sa.Integer, nullable=False, default=0)
    label_en = sa.Column(sa.String(200), nullable=False)
    label_ru = sa.Column(sa.String(200), nullable=False, default="")
    label_ky = sa.Column(sa.String(200), nullable=False, default="")
    weight = sa.Column(sa.Integer, nullable=False, default=1)
    min_score = sa.Column(sa.Integer, nullable=False, default=1)
    max_score = sa.Column(sa.Integer, nullable=False, default=5)

    call = db.relationship("Call", back_populates="criteria")

    __table_args__ = (
        sa.CheckConstraint("weight BETWEEN 1 AND 100", name="weight"),
        sa.CheckConstraint("max_score > min_score", name="score_range"),
    )

    def label(self, locale="en"):
        return _localised(self, "label", locale)


class Application(db.Model):
    """One woman's application to a call (one per applicant and call)."""

    __tablename__ = "applications"

    id = sa.Column(sa.Integer, primary_key=True)
    call_id = sa.Column(sa.Integer, sa.ForeignKey("calls.id"), nullable=False, index=True)
    applicant_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True)
    status = sa.Column(sa.String(20), nullable=False, default=ApplicationStatus.DRAFT, index=True)
    submitted_at = sa.Column(UTCDateTime)
    decided_at = sa.Column(UTCDateTime)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    # Step 1 ("about you"): how to reach her about this application.
    contact_name = sa.Column(sa.String(120))
    contact_phone = sa.Column(sa.String(32))
    contact_locality = sa.Column(sa.String(120))
    # The highest step of the form saved so far (0 = none); resuming uses it.
    last_saved_step = sa.Column(sa.Integer, nullable=False, default=0, server_default="0")
    withdrawn_at = sa.Column(UTCDateTime)
    # Paper applications typed in by staff, with the applicant's consent on the form.
    entered_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    entered_at = sa.Column(UTCDateTime)
    paper_consent = sa.Column(sa.Boolean, nullable=False, default=False, server_default=sa.false())
    # Demographics as they were at submission (reports count "applied" by these;
    # later edits of the person's answers do not rewrite the past). NULL = not answered.
    snapshot_gender = sa.Column(sa.String(12))
    snapshot_birth_year = sa.Column(sa.Integer)
    snapshot_region = sa.Column(sa.String(8))
    snapshot_settlement = sa.Column(sa.String(8))
    snapshot_creative_domain = sa.Column(sa.String(12))
    snapshot_disability = sa.Column(sa.Boolean)
    # Who applies: one woman, a team (she is its lead) or an organisation (she represents it).
    applicant_kind = sa.Column(
        sa.String(12), nullable=False, default="individual", server_default="individual"
    )
    team_name = sa.Column(sa.String(120))
    organisation_id = sa.Column(
        sa.Integer, sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )

    call = db.relationship("Call")
    organisation = db.relationship("Organisation")
    team_members = db.relationship(
        "TeamMember", back_populates="application", order_by="TeamMember.id", cascade="all, delete-orphan"
    )
    applicant = db.relationship("User", foreign_keys=[applicant_id])
    entered_by = db.relationship("User", foreign_keys=[entered_by_id])
    answers = db.relationship("ApplicationAnswer", back_populates="application", cascade="all, delete-orphan")
    attachments = db.relationship(
        "ApplicationAttachment",
        back_populates="application",
        order_by="ApplicationAttachment.id",
        cascade="all, delete-orphan",
    )

    __table_args__ = (
        sa.UniqueConstraint("call_id", "applicant_id"),
        sa.CheckConstraint(
            "status IN ('draft','submitted','under_review','shortlisted','accepted',"
            "'waitlisted','rejected','withdrawn')",
            name="status",
        ),
        sa.CheckConstraint("entered_by_id IS NULL OR paper_consent", name="paper_consent"),
        sa.CheckConstraint("applicant_kind IN ('individual','team','organisation')", name="applicant_kind"),
        sa.CheckConstraint(
            "(applicant_kind = 'organisation') = (organisation_id IS NOT NULL)", name="organisation_applies"
        ),
    )

    @property
    def is_team(self):
        return self.applicant_kind == ApplicantKind.TEAM

    @property
    def is_paper(self):
        return self.entered_at is not None

    def answer_map(self):
        """``{question_id: value}`` of the saved answers."""
        return {a.question_id: a.value for a in self.answers}


class ApplicationAnswer(db.Model):
    """The answer to one question, stored as plain text (escaped on output)."""

    __tablename__ = "application_answers"

    id = sa.Column(sa.Integer, primary_key=True)
    application_id = sa.Column(
        sa.Integer, sa.ForeignKey("applications.id", ondelete="CASCADE"), nullable=False, index=True
    )
    question_id = sa.Column(
        sa.Integer, sa.ForeignKey("call_questions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    value = sa.Column(sa.Text, nullable=False)
    updated_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    application = db.relationship("Application", back_populates="answers")
    question = db.relationship("CallQuestion")

    __table_args__ = (sa.UniqueConstraint("application_id", "question_id"),)


class AttachmentKind:
    PORTFOLIO = "portfolio"
    ANSWER = "answer"  # the file answering a "file" question
    PAPER_SCAN = "paper_scan"
    ALL = (PORTFOLIO, ANSWER, PAPER_SCAN)


class ApplicationAttachment(db.Model):
    """A stored file belonging to an application (served only through a checked view)."""

    __tablename__ = "application_attachments"

    id = sa.Column(sa.Integer, primary_key=True)
    application_id = sa.Column(
        sa.Integer, sa.ForeignKey("applications.id", ondelete="CASCADE"), nullable=False, index=True
    )
    stored_file_id = sa.Column(sa.Integer, sa.ForeignKey("stored_files.id"), nullable=False, unique=True)
    question_id = sa.Column(sa.Integer, sa.ForeignKey("call_questions.id", ondelete="SET NULL"))
    kind = sa.Column(sa.String(12), nullable=False, default=AttachmentKind.PORTFOLIO)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)

    application = db.relationship("Application", back_populates="attachments")
    stored_file = db.relationship("StoredFile")
    question = db.relationship("CallQuestion")

    __table_args__ = (sa.CheckConstraint("kind IN ('portfolio','answer','paper_scan')", name="kind"),)


class AssignmentStatus:
    ASSIGNED = "assigned"
    CONFLICT = "conflict"
    DONE = "done"
    ALL = (ASSIGNED, CONFLICT, DONE)
    ACTIVE = (ASSIGNED, DONE)


class ReviewAssignment(db.Model):
    """A reviewer asked to review an application; ``conflict`` excuses her."""

    __tablename__ = "review_assignments"

    id = sa.Column(sa.Integer, primary_key=True)
    application_id = sa.Column(
        sa.Integer, sa.ForeignKey("applications.id", ondelete="CASCADE"), nullable=False, index=True
    )
    reviewer_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True)
    status = sa.Column(sa.String(10), nullable=False, default=AssignmentStatus.ASSIGNED)
    assigned_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    assigned_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    conflict_declared_at = sa.Column(UTCDateTime)

    application = db.relationship("Application")
    reviewer = db.relationship("User", foreign_keys=[reviewer_id])

    __table_args__ = (
        sa.UniqueConstraint("application_id", "reviewer_id"),
        sa.CheckConstraint("status IN ('assigned','conflict','done')", name="status"),
    )


class Review(db.Model):
    """One reviewer's scores and comment on one application."""

    __tablename__ = "reviews"

    id = sa.Column(sa.Integer, primary_key=True)
    application_id = sa.Column(
        sa.Integer, sa.ForeignKey("applications.id", ondelete="CASCADE"), nullable=False, index=True
    )
    reviewer_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True)
    comment = sa.Column(sa.Text, nullable=False, default="")
    submitted_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    application = db.relationship("Application")
    reviewer = db.relationship("User", foreign_keys=[reviewer_id])
    scores = db.relationship("ReviewScore", back_populates="review", cascade="all, delete-orphan")

    __table_args__ = (sa.UniqueConstraint("application_id", "reviewer_id"),)


class ReviewScore(db.Model):
    """A score for one rubric criterion (within the criterion's range)."""

    __tablename__ = "review_scores"

    id = sa.Column(sa.Integer, primary_key=True)
    review_id = sa.Column(
        sa.Integer, sa.ForeignKey("reviews.id", ondelete="CASCADE"), nullable=False, index=True
    )
    criterion_id = sa.Column(
        sa.Integer, sa.ForeignKey("rubric_criteria.id", ondelete="CASCADE"), nullable=False, index=True
    )
    score = sa.Column(sa.Integer, nullable=False)

    review = db.relationship("Review", back_populates="scores")
    criterion = db.relationship("RubricCriterion")

    __table_args__ = (sa.UniqueConstraint("review_id", "criterion_id"),)


class Decision(db.Model):
    """A selection decision; several rows when a waitlisted applicant is promoted."""

    __tablename__ = "decisions"

    id = sa.Column(sa.Integer, primary_key=True)
    application_id = sa.Column(
        sa.Integer, sa.ForeignKey("applications.id", ondelete="CASCADE"), nullable=False, index=True
    )
    outcome = sa.Column(sa.String(10), nullable=False)
    note = sa.Column(sa.Text, nullable=False, default="")
    decided_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    decided_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)

    application = db.relationship("Application")
    decided_by = db.relationship("User", foreign_keys=[decided_by_id])

    __table_args__ = (sa.CheckConstraint("outcome IN ('accepted','waitlisted','rejected')", name="outcome"),)


class DecisionTemplate(db.Model):
    """A staff-edited decision email for one outcome in one language.

    Placeholders ``{name}``, ``{call}``, ``{link}`` and ``{note}`` are
    replaced literally (never evaluated as a template language).
    """

    __tablename__ = "decision_templates"

    id = sa.Column(sa.Integer, primary_key=True)
    outcome = sa.Column(sa.String(10), nullable=False)
    locale = sa.Column(sa.String(5), nullable=False)
    subject = sa.Column(sa.String(200), nullable=False)
    body = sa.Column(sa.Text, nullable=False)
    updated_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    updated_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (
        sa.UniqueConstraint("outcome", "locale"),
        sa.CheckConstraint("outcome IN ('accepted','waitlisted','rejected')", name="outcome"),
        sa.CheckConstraint("locale IN ('en','ru','ky')", name="locale"),
    )


class CallCoReviewer(db.Model):
    """A partner organisation named co-reviewer of one call: its people may be
    assigned that call's applications and review them as reviewers do."""

    __tablename__ = "call_co_reviewers"

    id = sa.Column(sa.Integer, primary_key=True)
    call_id = sa.Column(sa.Integer, sa.ForeignKey("calls.id", ondelete="CASCADE"), nullable=False, index=True)
    organisation_id = sa.Column(
        sa.Integer, sa.ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False, index=True
    )
    named_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    named_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)

    call = db.relationship("Call")
    organisation = db.relationship("Organisation")

    __table_args__ = (sa.UniqueConstraint("call_id", "organisation_id"),)
