"""Follow-ups are scheduled from graduation dates, sent once, reminded once, and never
sent to someone who withdrew consent (a fake clock: every call takes ``now``)."""

from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from tests.helpers import outbox_messages, queued_jobs
from tests.outcomes.conftest import ENROLLED, GRADUATED
from wcl.extensions import db
from wcl.outcomes import services
from wcl.outcomes.models import FollowUp, SurveyRound
from wcl.schedule import PERIODIC_JOBS


def _follow_ups():
    return db.session.execute(sa.select(FollowUp).order_by(FollowUp.user_id, FollowUp.due_at)).scalars().all()


def test_the_job_is_periodic():
    jobs = {job.func_path: job for job in PERIODIC_JOBS}
    assert jobs["wcl.outcomes.jobs.run_follow_ups"].interval <= 24 * 60 * 60


def test_follow_ups_are_scheduled_once_from_the_graduation_date(app_ctx, world):
    assert services.schedule_follow_ups() == 7  # 2 graduates × 3 + 1 baseline
    assert services.schedule_follow_ups() == 0  # idempotent
    due = {(f.user_id, f.kind): f.due_at for f in _follow_ups()}
    assert due[(world.aigul_id, "endline")] == GRADUATED
    assert due[(world.aigul_id, "m6")] == GRADUATED + timedelta(days=182)
    assert due[(world.aigul_id, "m12")] == GRADUATED + timedelta(days=365)
    assert due[(world.saltanat_id, "baseline")] == ENROLLED
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyRound)) == 4


def test_due_follow_ups_are_sent_once_in_her_language_and_reminded_once(app, world, run_jobs):
    with app.app_context():
        services.schedule_follow_ups()
        now = GRADUATED + timedelta(days=183)  # the m6 ones are due; the endline is stale
        assert services.send_due(now) == (2, 0)
        assert services.send_due(now) == (0, 0)  # a re-run sends nothing twice
        assert services.send_due(now + timedelta(days=6)) == (0, 0)
        assert services.send_due(now + timedelta(days=7)) == (0, 2)
        assert services.send_due(now + timedelta(days=30)) == (0, 0)
        assert queued_jobs(app).count("wcl.mail.deliver") == 4
    run_jobs()
    mail = outbox_messages(app)
    to_aigul = [m for m in mail if m["To"] == "aigul@example.org"]
    assert len(to_aigul) == 2
    assert "Бүтүргөндөн 6 ай" in to_aigul[0]["Subject"]
    assert "/follow-up/" in to_aigul[0].get_body().get_content()
    russian = next(m for m in mail if m["To"] == "dina@example.org")
    assert "вопрос" in russian["Subject"]
    # Aigul has a phone number: the short message went to the outbox too.
    sms = list(Path(app.config["OUTBOX_DIR"]).glob("*.sms.txt"))
    assert len(sms) == 2 and all("+996555000111" in p.read_text() for p in sms)


def test_nothing_is_sent_to_someone_who_withdrew_consent(app, world, run_jobs):
    with app.app_context():
        services.schedule_follow_ups()
        services.withdraw_contact(world.dina_id)
        now = GRADUATED + timedelta(days=183)
        assert services.send_due(now) == (1, 0)
        services.withdraw_contact(world.aigul_id)  # after the first email: no reminder
        assert services.send_due(now + timedelta(days=8)) == (0, 0)
        dina = [f for f in _follow_ups() if f.user_id == world.dina_id]
        assert all(f.sent_at is None for f in dina)
    run_jobs()
    assert [m["To"] for m in outbox_messages(app)] == ["aigul@example.org"]


def test_the_periodic_job_schedules_and_sends(app_ctx, world):
    from wcl.outcomes import jobs

    assert jobs.run_follow_ups()["created"] == 7
    result = services.run_follow_ups(now=GRADUATED + timedelta(days=1))
    assert result == {"created": 0, "sent": 2, "reminded": 0}
