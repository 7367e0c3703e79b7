"""A hand-counted results fixture for indicator, breakdown and open-data tests.

Lab A: six graduates (February 2026), one withdrawn; lab B: two graduates (May 2026).
Every person's cell key is fixed, so the expected cells are computed by hand below.

Follow-ups of lab A's graduates g1..g5 (endline in February, 6-month in August 2026):

    g1 endline lt5k     → m6 5k_15k   registered: patent       income up
    g2 endline none     → m6 lt5k     not registered           income up
    g3 endline 5k_15k   → m6 5k_15k   individual entrepreneur  same
    g4 baseline none    → m6 lt5k     company                  up (against her baseline)
    g5 endline lt5k     → m6 none     not registered           down
    g6 no follow-ups

Two campaigns of lab A's graduates succeeded in 2026: 10 000 som + 5 000 som paid.
"""

from datetime import UTC, datetime
from types import SimpleNamespace

from tests.factories.accounts import UserFactory
from tests.factories.campaigns import CampaignFactory, PledgeFactory
from tests.factories.programme import CohortFactory, EnrolmentFactory, LabFactory
from wcl.extensions import db
from wcl.outcomes.models import FollowUp, SurveyRound

FEB = datetime(2026, 2, 10, tzinfo=UTC)
MAY = datetime(2026, 5, 10, tzinfo=UTC)
AUG = datetime(2026, 8, 20, tzinfo=UTC)
DEC25 = datetime(2025, 12, 1, tzinfo=UTC)

KEYS_A = [10, 20, 30, 40, 50, 60]  # g1..g6
KEYS_B = [100, 101]
WITHDRAWN_KEY = 7

ANSWERS = {  # g index: (before kind, before band, m6 band, registration)
    0: ("endline", "lt5k", "5k_15k", "patent"),
    1: ("endline", "none", "lt5k", "none"),
    2: ("endline", "5k_15k", "5k_15k", "individual"),
    3: ("baseline", "none", "lt5k", "company"),
    4: ("endline", "lt5k", "none", "none"),
}


def _answer(enrolment, kind, band, registration, when):
    round_ = db.session.execute(
        db.select(SurveyRound).where(SurveyRound.cohort_id == enrolment.cohort_id, SurveyRound.kind == kind)
    ).scalar_one_or_none() or SurveyRound(cohort_id=enrolment.cohort_id, kind=kind)
    db.session.add(round_)
    db.session.flush()
    db.session.add(
        FollowUp(
            round_id=round_.id,
            enrolment_id=enrolment.id,
            user_id=enrolment.participant_id,
            kind=kind,
            due_at=when,
            sent_at=when,
            submitted_at=when,
            income_band=band,
            registration=registration,
            hours_per_week=10,
            employees_women=0,
            employees_men=0,
            online_sales=False,
            money_used="none",
            recommend=8,
        )
    )


def build_results():
    lab_a, lab_b = LabFactory(slug="lab-a", name_en="Lab A"), LabFactory(slug="lab-b", name_en="Lab B")
    cohort_a, cohort_b = CohortFactory(lab=lab_a), CohortFactory(lab=lab_b)
    grads_a = [
        EnrolmentFactory(
            cohort=cohort_a,
            participant=UserFactory(roles=["participant"], cell_key=k),
            status="graduated",
            enrolled_at=DEC25,
            graduated_at=FEB,
        )
        for k in KEYS_A
    ]
    grads_b = [
        EnrolmentFactory(
            cohort=cohort_b,
            participant=UserFactory(roles=["participant"], cell_key=k),
            status="graduated",
            enrolled_at=DEC25,
            graduated_at=MAY,
        )
        for k in KEYS_B
    ]
    EnrolmentFactory(
        cohort=cohort_a,
        participant=UserFactory(roles=["participant"], cell_key=WITHDRAWN_KEY),
        status="withdrawn",
        withdrawn_at=FEB,
    )
    for i, (before_kind, before_band, after_band, registration) in ANSWERS.items():
        when = DEC25 if before_kind == "baseline" else FEB
        _answer(grads_a[i], before_kind, before_band, "none", when)
        _answer(grads_a[i], "m6", after_band, registration, AUG)
    for owner, paid in ((grads_a[0], 1_000_000), (grads_a[1], 500_000)):
        campaign = CampaignFactory(
            owner=owner.participant, status="succeeded", starts_at=MAY, ends_at=AUG, ended_at=AUG
        )
        PledgeFactory(campaign=campaign, amount=paid, status="paid", paid_at=AUG)
    db.session.commit()
    return SimpleNamespace(
        lab_a_id=lab_a.id,
        lab_b_id=lab_b.id,
        cohort_a_id=cohort_a.id,
        grads_a=[e.id for e in grads_a],
        grads_b=[e.id for e in grads_b],
    )
