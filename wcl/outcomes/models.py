"""Follow-up surveys, consent to follow-up contact, support services, indicators.

Answers are typed columns (not JSON) so that a check constraint refuses an out-of-range
value even if a service forgets to, and so that indicators are plain SQL.
"""

import sqlalchemy as sa

from wcl.extensions import db
from wcl.time import UTCDateTime, utcnow


def _in(column, values, nullable=True):
    listed = ",".join(f"'{v}'" for v in values)
    condition = f"{column} IN ({listed})"
    return f"{column} IS NULL OR {condition}" if nullable else condition


class FollowUpKind:
    """When a follow-up is asked: at enrolment, at graduation, 6 and 12 months after."""

    BASELINE = "baseline"
    ENDLINE = "endline"
    M6 = "m6"
    M12 = "m12"
    ALL = (BASELINE, ENDLINE, M6, M12)


# Monthly income from creative work, in som, lowest first (the order is the "band").
INCOME_BANDS = ("none", "lt5k", "5k_15k", "15k_30k", "30k_60k", "gt60k")
REGISTRATIONS = ("none", "patent", "individual", "company")
MONEY_USED = ("none", "campaign", "grant", "both")
MAX_HOURS = 112
MAX_EMPLOYEES = 500


class SurveyRound(db.Model):
    """One kind of follow-up for one cohort: the unit response rates are counted by."""

    __tablename__ = "survey_rounds"

    id = sa.Column(sa.Integer, primary_key=True)
    cohort_id = sa.Column(sa.Integer, sa.ForeignKey("cohorts.id"), nullable=False, index=True)
    kind = sa.Column(sa.String(8), nullable=False)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)

    cohort = db.relationship("Cohort")

    __table_args__ = (
        sa.UniqueConstraint("cohort_id", "kind", name="uq_survey_rounds_cohort_kind"),
        sa.CheckConstraint(_in("kind", FollowUpKind.ALL, nullable=False), name="kind"),
    )


class FollowUp(db.Model):
    """One person's follow-up: when it is due, sent, reminded, saved and submitted, and
    her answers. ``submitted_at`` set means the link is spent."""

    __tablename__ = "follow_ups"

    id = sa.Column(sa.Integer, primary_key=True)
    round_id = sa.Column(sa.Integer, sa.ForeignKey("survey_rounds.id"), nullable=False, index=True)
    enrolment_id = sa.Column(sa.Integer, sa.ForeignKey("enrolments.id", ondelete="CASCADE"), index=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    kind = sa.Column(sa.String(8), nullable=False)
    due_at = sa.Column(UTCDateTime, nullable=False, index=True)
    sent_at = sa.Column(UTCDateTime)
    reminded_at = sa.Column(UTCDateTime)
    saved_at = sa.Column(UTCDateTime)
    submitted_at = sa.Column(UTCDateTime, index=True)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)

    income_band = sa.Column(sa.String(8))
    hours_per_week = sa.Column(sa.Integer)
    employees_women = sa.Column(sa.Integer)
    employees_men = sa.Column(sa.Integer)
    registration = sa.Column(sa.String(10))
    online_sales = sa.Column(sa.Boolean)
    money_used = sa.Column(sa.String(8))
    recommend = sa.Column(sa.Integer)

    round = db.relationship("SurveyRound")
    enrolment = db.relationship("Enrolment")
    user = db.relationship("User")

    __table_args__ = (
        sa.UniqueConstraint("enrolment_id", "kind", name="uq_follow_ups_enrolment_kind"),
        sa.CheckConstraint(_in("kind", FollowUpKind.ALL, nullable=False), name="kind"),
        sa.CheckConstraint(_in("income_band", INCOME_BANDS), name="income_band"),
        sa.CheckConstraint(_in("registration", REGISTRATIONS), name="registration"),
        sa.CheckConstraint(_in("money_used", MONEY_USED), name="money_used"),
        sa.CheckConstraint(
            f"hours_per_week IS NULL OR hours_per_week BETWEEN 0 AND {MAX_HOURS}", name="hours"
        ),
        sa.CheckConstraint(
            f"employees_women IS NULL OR employees_women BETWEEN 0 AND {MAX_EMPLOYEES}", name="women"
        ),
        sa.CheckConstraint(
            f"employees_men IS NULL OR employees_men BETWEEN 0 AND {MAX_EMPLOYEES}", name="men"
        ),
        sa.CheckConstraint("recommend IS NULL OR recommend BETWEEN 0 AND 10", name="recommend"),
    )


class FollowUpConsent(db.Model):
    """Her answer to "may we contact you after the lab?". No row: the programme's
    agreement covers follow-ups; ``withdrawn_at`` set: nothing is ever sent again."""

    __tablename__ = "follow_up_consents"

    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    version = sa.Column(sa.String(10), nullable=False)
    granted_at = sa.Column(UTCDateTime)
    withdrawn_at = sa.Column(UTCDateTime)
    updated_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    @property
    def id(self):
        """The audit log names a row by ``id``: hers is her user id."""
        return self.user_id


class SupportKind:
    """The gender-sensitive support a lab may offer."""

    CHILDCARE = "childcare"
    TRANSPORT = "transport"
    SAFE_VENUE = "safe_venue"
    FLEXIBLE = "flexible"
    FAMILY_SESSION = "family"
    EQUIPMENT = "equipment"
    ALL = (CHILDCARE, TRANSPORT, SAFE_VENUE, FLEXIBLE, FAMILY_SESSION, EQUIPMENT)


class SupportOffer(db.Model):
    """A support service a lab offers."""

    __tablename__ = "support_offers"

    id = sa.Column(sa.Integer, primary_key=True)
    lab_id = sa.Column(sa.Integer, sa.ForeignKey("labs.id"), nullable=False, index=True)
    kind = sa.Column(sa.String(12), nullable=False)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("lab_id", "kind", name="uq_support_offers_lab_kind"),
        sa.CheckConstraint(_in("kind", SupportKind.ALL, nullable=False), name="kind"),
    )


class SupportUse(db.Model):
    """A participant (through her enrolment) used a support service."""

    __tablename__ = "support_uses"

    id = sa.Column(sa.Integer, primary_key=True)
    enrolment_id = sa.Column(
        sa.Integer, sa.ForeignKey("enrolments.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind = sa.Column(sa.String(12), nullable=False)
    recorded_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("enrolment_id", "kind", name="uq_support_uses_enrolment_kind"),
        sa.CheckConstraint(_in("kind", SupportKind.ALL, nullable=False), name="kind"),
    )


class Indicator(db.Model):
    """A results-framework indicator's baseline and target, for one lab or (``lab_id``
    NULL) the whole programme. What the code counts is fixed in ``services.indicators``."""

    __tablename__ = "indicators"

    id = sa.Column(sa.Integer, primary_key=True)
    code = sa.Column(sa.String(24), nullable=False)
    lab_id = sa.Column(sa.Integer, sa.ForeignKey("labs.id"), index=True)
    baseline_year = sa.Column(sa.Integer, nullable=False)
    baseline_value = sa.Column(sa.BigInteger, nullable=False, default=0)
    target_year = sa.Column(sa.Integer, nullable=False)
    target_value = sa.Column(sa.BigInteger, nullable=False)

    lab = db.relationship("Lab")

    __table_args__ = (
        sa.UniqueConstraint("code", "lab_id", "target_year", name="uq_indicators_code_lab_year"),
        sa.CheckConstraint("baseline_value >= 0 AND target_value >= 0", name="values"),
    )


# --- the annual mapping survey of creative entrepreneurs (anyone may answer) ----------

SETTLEMENTS = ("urban", "rural")
# People working in the business, she included.
BUSINESS_SIZES = ("solo", "2_5", "6_15", "16_plus")
# Yearly turnover in som, lowest first.
TURNOVER_BANDS = ("none", "lt100k", "100k_500k", "500k_2m", "2m_8m", "gt8m")
# Share of sales made abroad, when she exports.
EXPORT_SHARES = ("lt10", "10_50", "gt50")


class MappingResponse(db.Model):
    """One anonymous answer to the year's mapping survey. Published only as protected
    aggregates; ``cell_key`` is drawn for the answer (it has no account). Her email, if
    she wants a copy, is never stored: only a keyed hash, to refuse a second answer
    from the same address in the same year."""

    __tablename__ = "mapping_responses"

    id = sa.Column(sa.Integer, primary_key=True)
    year = sa.Column(sa.Integer, nullable=False, index=True)
    submitted_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    locale = sa.Column(sa.String(5))
    cell_key = sa.Column(sa.SmallInteger, nullable=False)
    consent_version = sa.Column(sa.String(10), nullable=False)
    email_hash = sa.Column(sa.String(64))
    creative_domain = sa.Column(sa.String(12), nullable=False)
    region = sa.Column(sa.String(8), nullable=False)
    settlement = sa.Column(sa.String(8), nullable=False)
    size = sa.Column(sa.String(8), nullable=False)
    turnover_band = sa.Column(sa.String(10), nullable=False)
    employees_women = sa.Column(sa.Integer, nullable=False, default=0)
    employees_men = sa.Column(sa.Integer, nullable=False, default=0)
    exports = sa.Column(sa.Boolean, nullable=False)
    export_share = sa.Column(sa.String(6))

    __table_args__ = (
        sa.UniqueConstraint("year", "email_hash", name="uq_mapping_responses_year_email"),
        sa.CheckConstraint("cell_key >= 0 AND cell_key < 256", name="cell_key_range"),
        sa.CheckConstraint(_in("settlement", SETTLEMENTS, nullable=False), name="settlement"),
        sa.CheckConstraint(_in("size", BUSINESS_SIZES, nullable=False), name="size"),
        sa.CheckConstraint(_in("turnover_band", TURNOVER_BANDS, nullable=False), name="turnover"),
        sa.CheckConstraint(_in("export_share", EXPORT_SHARES), name="export_share"),
        sa.CheckConstraint(f"employees_women BETWEEN 0 AND {MAX_EMPLOYEES}", name="women"),
        sa.CheckConstraint(f"employees_men BETWEEN 0 AND {MAX_EMPLOYEES}", name="men"),
    )


# --- alumni public profiles -------------------------------------------------------------

MAX_LINKS = 3


class AlumniProfile(db.Model):
    """A graduate's opt-in public profile: only what she typed to be shown (a display
    name, a creative domain, a region, a short bio, a few links). Never her village,
    never her demographics. ``visible`` is hers to switch; staff may hide it."""

    __tablename__ = "alumni_profiles"

    id = sa.Column(sa.Integer, primary_key=True)
    user_id = sa.Column(
        sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    enrolment_id = sa.Column(
        sa.Integer, sa.ForeignKey("enrolments.id", ondelete="CASCADE"), nullable=False, index=True
    )
    display_name = sa.Column(sa.String(80), nullable=False)
    creative_domain = sa.Column(sa.String(12))
    region = sa.Column(sa.String(8))
    bio = sa.Column(sa.Text, nullable=False, default="")
    bio_html = sa.Column(sa.Text, nullable=False, default="")
    links = sa.Column(sa.JSON, nullable=False, default=list)
    visible = sa.Column(sa.Boolean, nullable=False, default=True)
    consented_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    hidden_by_staff_at = sa.Column(UTCDateTime)
    hidden_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    enrolment = db.relationship("Enrolment")

    @property
    def listed(self):
        """Shown in the public directory?"""
        return self.visible and self.hidden_by_staff_at is None
