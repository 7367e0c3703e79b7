"""Demo: a past cohort at the Osh lab whose graduates answered their follow-ups, the
lab's support services and who used them, and indicator targets, so the results page,
the support breakdown and the open-data page show figures (not a page of "c").

Twelve women graduated about six and a half months ago: all answered at graduation,
ten answered their 6-month follow-up; the other two are due a reminder.
"""

from datetime import UTC, datetime, timedelta

from wcl.accounts.demo import DEMO_PASSWORD, demo_user
from wcl.accounts.permissions import Role
from wcl.accounts.services import create_user, get_user_by_email, save_demographics
from wcl.cohorts.demo import accepted_application
from wcl.cohorts.models import Cohort, Enrolment, EnrolmentStatus
from wcl.extensions import db
from wcl.labs.models import Lab
from wcl.outcomes.models import FollowUp, FollowUpKind, Indicator, SupportOffer, SupportUse, SurveyRound
from wcl.outcomes.services.followups import AFTER_GRADUATION
from wcl.time import utcnow

COHORT_NAME = "Osh autumn cohort 2025"
# email, name, language, birth year, income at graduation → at 6 months (None: not yet
# answered), registration at 6 months, support used
ALUMNAE = (
    ("alumna1@wcl.example", "Gulnara Asanova", "ky", 1990, "lt5k", "5k_15k", "patent", ("childcare",)),
    ("alumna2@wcl.example", "Aijamal Toroeva", "ky", 1998, "none", "lt5k", "none", ("transport",)),
    ("alumna3@wcl.example", "Bakyt Kyzy Nazira", "ru", 1987, "5k_15k", "15k_30k", "individual", ("childcare", "transport")),
    ("alumna4@wcl.example", "Dilnoza Yusupova", "ru", 2000, "lt5k", "5k_15k", "patent", ("flexible",)),
    ("alumna5@wcl.example", "Elmira Sultanova", "ky", 1993, "none", "none", "none", ("childcare",)),
    ("alumna6@wcl.example", "Feruza Karimova", "en", 1985, "15k_30k", "30k_60k", "company", ()),
    ("alumna7@wcl.example", "Gulbarchyn Ismailova", "ky", 1996, "lt5k", None, None, ("childcare", "flexible")),
    ("alumna8@wcl.example", "Janyl Abdieva", "ky", 2002, "none", None, None, ("transport",)),
    ("alumna9@wcl.example", "Kalia Mamytova", "ky", 1979, "lt5k", "5k_15k", "patent", ("childcare",)),
    ("alumna10@wcl.example", "Mairam Jeenbekova", "ru", 1995, "5k_15k", "5k_15k", "individual", ("childcare",)),
    ("alumna11@wcl.example", "Nazgul Omurova", "ky", 1999, "none", "lt5k", "none", ()),
    ("alumna12@wcl.example", "Rysgul Tashtanova", "ky", 1988, "lt5k", "lt5k", "patent", ("safe_venue",)),
)  # fmt: skip
ANSWERS = {
    "hours_per_week": 20,
    "employees_women": 1,
    "employees_men": 0,
    "online_sales": True,
    "recommend": 9,
}


def _round(cohort_id, kind):
    row = db.session.scalar(
        db.select(SurveyRound).where(SurveyRound.cohort_id == cohort_id, SurveyRound.kind == kind)
    )
    if row is None:
        row = SurveyRound(cohort_id=cohort_id, kind=kind)
        db.session.add(row)
        db.session.flush()
    return row


def _answered(enrolment, kind, due_at, submitted_at, income, registration):
    db.session.add(
        FollowUp(
            round_id=_round(enrolment.cohort_id, kind).id,
            enrolment_id=enrolment.id,
            user_id=enrolment.participant_id,
            kind=kind,
            due_at=due_at,
            sent_at=due_at if submitted_at else None,
            submitted_at=submitted_at,
            saved_at=submitted_at,
            income_band=income if submitted_at else None,
            registration=registration if submitted_at else None,
            money_used=("campaign" if registration not in (None, "none") else "none")
            if submitted_at
            else None,
            **(ANSWERS if submitted_at else {}),
        )
    )


def _targets(osh, year):
    goals = (
        ("women_trained", None, 40, 60),
        ("businesses_registered", None, 5, 25),
        ("income_up", None, 0, 20),
        ("campaigns_funded", None, 2, 12),
        ("money_raised", None, 0, 600_000),
        ("women_trained", osh.id, 15, 20),
    )
    for code, lab_id, baseline, target in goals:
        db.session.add(
            Indicator(
                code=code,
                lab_id=lab_id,
                baseline_year=year - 1,
                baseline_value=baseline,
                target_year=year,
                target_value=target,
            )
        )


def load():
    """Create the past cohort, its graduates' follow-ups, support and targets once."""
    osh = db.session.scalar(db.select(Lab).where(Lab.slug == "osh"))
    mentor = demo_user("mentor@wcl.example")
    if osh is None or mentor is None:
        return ["Outcomes: skipped (run the accounts demo first)."]
    if db.session.scalar(db.select(Cohort).where(Cohort.name == COHORT_NAME)) is not None:
        return ["Outcomes: already loaded (/outcomes/, /open-data/)."]
    now = utcnow()
    graduated_at = datetime.combine((now - timedelta(days=190)).date(), datetime.min.time(), tzinfo=UTC)
    cohort = Cohort(
        lab_id=osh.id,
        name=COHORT_NAME,
        starts_on=(graduated_at - timedelta(days=120)).date(),
        ends_on=graduated_at.date(),
        location="Osh",
    )
    db.session.add(cohort)
    for kind in ("childcare", "transport", "flexible", "safe_venue"):
        db.session.add(SupportOffer(lab_id=osh.id, kind=kind))
    db.session.flush()
    for email, name, locale, birth_year, before, after, registration, support in ALUMNAE:
        user = get_user_by_email(email) or create_user(
            email, DEMO_PASSWORD, name, [Role.PARTICIPANT], locale=locale
        )
        if user.demographics is None:
            save_demographics(user, {"gender": "woman", "birth_year": birth_year, "region": "KG-O"})
        application = accepted_application(user)
        enrolment = Enrolment(
            application_id=application.id,
            cohort_id=cohort.id,
            participant_id=user.id,
            mentor_id=mentor.id,
            status=EnrolmentStatus.GRADUATED,
            enrolled_at=graduated_at - timedelta(days=120),
            graduated_at=graduated_at,
        )
        db.session.add(enrolment)
        db.session.flush()
        for kind in support:
            db.session.add(SupportUse(enrolment_id=enrolment.id, kind=kind))
        _answered(
            enrolment, FollowUpKind.ENDLINE, graduated_at, graduated_at + timedelta(days=2), before, "none"
        )
        m6_due = graduated_at + AFTER_GRADUATION[FollowUpKind.M6]
        _answered(
            enrolment,
            FollowUpKind.M6,
            m6_due,
            m6_due + timedelta(days=3) if after else None,
            after,
            registration,
        )
    _targets(osh, now.year)
    db.session.commit()
    return [f"Outcomes: {len(ALUMNAE)} graduates of {COHORT_NAME} with follow-ups (/outcomes/, /open-data/)."]
