"""Read-only lookups for outcomes pages (imports only models)."""

import sqlalchemy as sa

from wcl.applications.models import Application
from wcl.cohorts.models import Cohort, Enrolment, EnrolmentStatus
from wcl.extensions import db
from wcl.outcomes.models import AlumniProfile, FollowUp, SupportOffer, SupportUse, SurveyRound


def response_rates(lab_condition):
    """Per cohort and kind: follow-ups sent and answered (``lab_condition`` on Cohort.lab_id).
    Rows: cohort_id, cohort name, kind, sent, answered."""
    query = (
        sa.select(
            Cohort.id,
            Cohort.name,
            SurveyRound.kind,
            sa.func.count(FollowUp.sent_at),
            sa.func.count(FollowUp.submitted_at),
        )
        .join(SurveyRound, SurveyRound.cohort_id == Cohort.id)
        .join(FollowUp, FollowUp.round_id == SurveyRound.id)
        .where(lab_condition)
        .group_by(Cohort.id, Cohort.name, SurveyRound.kind)
        .order_by(Cohort.name, SurveyRound.kind)
    )
    return db.session.execute(query).all()


def lab_offers(lab_id):
    """The support kinds ``lab_id`` offers."""
    return set(db.session.scalars(sa.select(SupportOffer.kind).where(SupportOffer.lab_id == lab_id)))


def cohort_uses(cohort_id):
    """{enrolment_id: {kind, …}} for the cohort's enrolments."""
    rows = db.session.execute(
        sa.select(SupportUse.enrolment_id, SupportUse.kind)
        .join(Enrolment, Enrolment.id == SupportUse.enrolment_id)
        .where(Enrolment.cohort_id == cohort_id)
    ).all()
    out = {}
    for enrolment_id, kind in rows:
        out.setdefault(enrolment_id, set()).add(kind)
    return out


def graduated_enrolment(user_id):
    """``user_id``'s most recent graduated enrolment, or None (who may have a profile)."""
    return db.session.scalar(
        sa.select(Enrolment)
        .where(Enrolment.participant_id == user_id, Enrolment.status == EnrolmentStatus.GRADUATED)
        .order_by(Enrolment.graduated_at.desc(), Enrolment.id.desc())
        .limit(1)
    )


def own_profile(user_id):
    """``user_id``'s alumni profile, or None."""
    return db.session.scalar(sa.select(AlumniProfile).where(AlumniProfile.user_id == user_id))


def known_localities(user_id):
    """The towns or villages she gave on her applications (never shown; used to refuse
    a public profile that would name one)."""
    rows = db.session.scalars(
        sa.select(Application.contact_locality).where(
            Application.applicant_id == user_id, Application.contact_locality.is_not(None)
        )
    )
    return {row.strip() for row in rows if row and row.strip()}


def staff_hidden_profiles(lab_condition):
    """Profiles staff have hidden, of the labs ``lab_condition`` keeps (on Cohort.lab_id)."""
    return db.session.scalars(
        sa.select(AlumniProfile)
        .join(Enrolment, Enrolment.id == AlumniProfile.enrolment_id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(AlumniProfile.hidden_by_staff_at.is_not(None), lab_condition)
        .order_by(AlumniProfile.hidden_by_staff_at.desc())
    ).all()
