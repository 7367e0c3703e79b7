"""The demo cohort: loaded once, with everything the other domains' demos rely on."""

from wcl.accounts.demo import demo_user
from wcl.cohorts.models import Attendance, CheckIn, Cohort, CohortSession, Enrolment, MilestoneProgress
from wcl.cohorts.services import is_campaign_ready
from wcl.demo import DEMO_LOADERS, load_demo
from wcl.extensions import db
from wcl.time import local_today, utcnow


def _count(model, *where):
    return db.session.scalar(db.select(db.func.count(model.id)).where(*where))


def test_demo_cohort(app_ctx):
    assert "wcl.cohorts.demo.load" in DEMO_LOADERS
    load_demo()
    cohort = db.session.scalar(db.select(Cohort))
    assert cohort.lab.slug == "osh"
    assert cohort.starts_on <= local_today() <= cohort.ends_on  # running, not past or future
    participant = demo_user("participant@wcl.example")
    mentor = demo_user("mentor@wcl.example")
    own = db.session.scalar(db.select(Enrolment).where(Enrolment.participant_id == participant.id))
    assert own.cohort_id == cohort.id and own.mentor_id == mentor.id and own.application.status == "accepted"
    assert is_campaign_ready(participant.id)
    assert _count(Enrolment) >= 7
    assert _count(CohortSession) == 6
    assert _count(CohortSession, CohortSession.starts_at < utcnow()) >= 3
    assert _count(Attendance) > 0 and _count(MilestoneProgress) > 0
    assert _count(CheckIn, CheckIn.status == "at_risk") >= 1
    counts = (_count(Enrolment), _count(CohortSession), _count(CheckIn))
    lines = load_demo()
    assert (_count(Enrolment), _count(CohortSession), _count(CheckIn)) == counts
    assert any("already loaded" in line for line in lines)
