"""A hand-built population of ~40 people whose numbers are worked out by hand in the tests.

Call C1 (lab L1) — applications submitted 2026-03-01:
  20 women: born 2000 ×10 (25–35), 2005 ×6 (18–24), 1980 ×4 (46–60); 12 accepted, 3 shortlisted, 5 rejected.
   8 men, born 1990 (36–45): 2 accepted, 1 shortlisted, 5 submitted.
   6 others (3 "another", 2 "prefer_not", 1 not asked), no birth year: 1 accepted, 5 submitted.
Call C2 (lab L2): 6 women born 2000, region Batken: 3 accepted, 3 submitted.
Call C3 (lab L1): 2 women born 2000, submitted.

Settlement, creative domain and disability (applications' snapshots):
  urban: the 6 C2 women and the last man (submitted); not stated: the 6 others; rural: the rest.
  domain: C1 women 0–9, C2 and C3 women "V_ARTS"; C1 women 10–19 and the men "PERF";
    the 6 others not stated.
  disability "yes" (7 people): C1 women 8 and 9 (accepted, enrolled, below 75 % attendance)
    and the 5 rejected C1 women; the 6 others not stated; everyone else "no".
  People described by Demographics (the woman without an application, mentors, reviewers)
  state none of the three.

Cohort K1 (L1, call C1, 4 sessions): 10 accepted women + 1 woman without an application
  (current Demographics), 2 men, 1 other. Attendance: 8 women 3/4 present, 3 women 2/4, men and
  other 4/4. Graduated: 7 women, 1 man.
Cohort K2 (L2, call C2, 1 session): the 3 accepted C2 women, all present, 2 graduated.
Campaigns: 6 by K1 graduate women (3 live, 3 succeeded), 1 by the graduate man (succeeded).
Pledges: 2 paid × 1000.00 KGS on each women's campaign (+1 pending, +1 refunded ignored),
  1 paid × 500.00 KGS on the man's.
Mentors: 1 woman (K1), 1 woman (K2). Reviewers: 5 women, 1 man, on C1 applications.
People's cell keys are fixed (by creation order), so the protected values are too.
"""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from tests.factories.accounts import DemographicsFactory, UserFactory
from tests.factories.applications import AssignmentFactory
from tests.factories.campaigns import CampaignFactory, PledgeFactory
from tests.factories.cohorts import AttendanceFactory, CohortSessionFactory
from tests.factories.programme import (
    ApplicationFactory,
    CallFactory,
    CohortFactory,
    EnrolmentFactory,
    LabFactory,
)
from wcl.accounts.models import CELL_KEY_RANGE, User
from wcl.extensions import db

SUBMITTED = datetime(2026, 3, 1, 9, tzinfo=UTC)
ENROLLED = datetime(2026, 4, 1, 9, tzinfo=UTC)


def _app(
    call,
    gender,
    birth_year,
    status,
    region="KG-O",
    settlement="rural",
    domain="V_ARTS",
    disability=False,
):
    user = UserFactory(roles=["applicant"])
    return ApplicationFactory(
        call=call,
        applicant=user,
        status=status,
        submitted_at=SUBMITTED,
        snapshot_gender=gender,
        snapshot_birth_year=birth_year,
        snapshot_region=region,
        snapshot_settlement=settlement,
        snapshot_creative_domain=domain,
        snapshot_disability=disability,
    )


def build():
    l1, l2 = LabFactory(), LabFactory()
    c1, c2, c3 = CallFactory(lab=l1), CallFactory(lab=l2), CallFactory(lab=l1)
    k1 = CohortFactory(lab=l1, call_id=c1.id)
    k2 = CohortFactory(lab=l2, call_id=c2.id)
    mentor1, mentor2 = UserFactory(roles=["mentor"]), UserFactory(roles=["mentor"])
    DemographicsFactory(user=mentor1, gender="woman")
    DemographicsFactory(user=mentor2, gender="woman")

    women = []
    for i in range(20):
        birth = 2000 if i < 10 else 2005 if i < 16 else 1980
        status = "accepted" if i < 12 else "shortlisted" if i < 15 else "rejected"
        domain = "V_ARTS" if i < 10 else "PERF"
        disability = i in (8, 9) or i >= 15
        women.append(_app(c1, "woman", birth, status, domain=domain, disability=disability))
    men = [
        _app(
            c1,
            "man",
            1990,
            "accepted" if i < 2 else "shortlisted" if i < 3 else "submitted",
            settlement="urban" if i == 7 else "rural",
            domain="PERF",
        )
        for i in range(8)
    ]
    others = [
        _app(
            c1,
            g,
            None,
            "accepted" if i == 0 else "submitted",
            settlement=None,
            domain=None,
            disability=None,
        )
        for i, g in enumerate(["another", "another", "another", "prefer_not", "prefer_not", None])
    ]
    c2_women = [
        _app(c2, "woman", 2000, "accepted" if i < 3 else "submitted", region="KG-B", settlement="urban")
        for i in range(6)
    ]
    for _ in range(2):
        _app(c3, "woman", 2000, "submitted")

    sessions1 = [
        CohortSessionFactory(cohort=k1, starts_at=ENROLLED + timedelta(days=d)) for d in (1, 8, 15, 22)
    ]
    session2 = CohortSessionFactory(cohort=k2, starts_at=ENROLLED + timedelta(days=1))

    def enrol(cohort, app=None, participant=None, mentor=mentor1, graduated=False):
        return EnrolmentFactory(
            cohort=cohort,
            participant=participant or app.applicant,
            mentor=mentor,
            application_id=getattr(app, "id", None),
            enrolled_at=ENROLLED,
            status="graduated" if graduated else "active",
            graduated_at=ENROLLED + timedelta(days=60) if graduated else None,
        )

    def attend(enrolment, sessions, present):
        for n, session in enumerate(sessions):
            AttendanceFactory(
                session_id=session.id,
                enrolment_id=enrolment.id,
                status="present" if n < present else "absent",
            )

    no_app = UserFactory(roles=["participant"])
    DemographicsFactory(user=no_app, gender="woman", birth_year=1995, region="KG-O")
    k1_women = [enrol(k1, app, graduated=i < 7) for i, app in enumerate(women[:10])]
    k1_women.append(enrol(k1, participant=no_app))
    for i, e in enumerate(k1_women):
        attend(e, sessions1, 3 if i < 8 else 2)
    k1_men = [enrol(k1, app, graduated=i == 0) for i, app in enumerate(men[:2])]
    k1_other = enrol(k1, others[0])
    for e in [*k1_men, k1_other]:
        attend(e, sessions1, 4)
    for i, app in enumerate(c2_women[:3]):
        e = enrol(k2, app, mentor=mentor2, graduated=i < 2)
        attend(e, [session2], 1)

    campaigns = []
    for i in range(6):
        owner = women[i].applicant
        campaign = CampaignFactory(
            owner=owner, status="live" if i < 3 else "succeeded", went_live_at=ENROLLED
        )
        for _ in range(2):
            PledgeFactory(campaign=campaign, amount=100_000, status="paid", paid_at=ENROLLED)
        PledgeFactory(campaign=campaign, amount=70_000, status="pending")
        campaigns.append(campaign)
    PledgeFactory(
        campaign=campaigns[0], amount=90_000, status="refunded", paid_at=ENROLLED, refunded_amount=90_000
    )
    man_campaign = CampaignFactory(owner=men[0].applicant, status="succeeded", went_live_at=ENROLLED)
    PledgeFactory(campaign=man_campaign, amount=50_000, status="paid", paid_at=ENROLLED)

    for i in range(6):
        reviewer = UserFactory(roles=["reviewer"])
        DemographicsFactory(user=reviewer, gender="woman" if i < 5 else "man")
        AssignmentFactory(application=women[i], reviewer=reviewer)

    # Every person's cell key, fixed by creation order so that the protected values the tests
    # expect are the same in every run (in production each key is drawn at random).
    for i, user in enumerate(db.session.scalars(sa.select(User).order_by(User.id))):
        user.cell_key = (i * 89 + 7) % CELL_KEY_RANGE
    db.session.commit()

    return {
        "l1": l1,
        "l2": l2,
        "c1": c1,
        "c2": c2,
        "c3": c3,
        "k1": k1,
        "k2": k2,
        "campaign": campaigns[0],
    }
