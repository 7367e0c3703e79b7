"""The transactional outbox (issue 15.2): no job is lost when Redis is down, none runs twice."""

import io
from datetime import timedelta

import pytest
from rq.job import Job

from tests.core import sample_jobs
from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.campaigns import CampaignFactory
from tests.helpers import csrf_token, login, outbox_messages, post_form, queued_jobs
from wcl.audit.models import AuditEntry
from wcl.extensions import db
from wcl.jobs.models import OutboxJob
from wcl.queue import enqueue_after_commit
from wcl.time import utcnow

DOWN = "redis://127.0.0.1:1/0"  # nothing listens there
REMEMBER = "tests.core.sample_jobs.remember"


@pytest.fixture(autouse=True)
def _reset_samples():
    sample_jobs.CALLS.clear()
    sample_jobs.FAILING.clear()
    yield
    sample_jobs.FAILING.clear()


def _rows():
    return db.session.scalars(db.select(OutboxJob).order_by(OutboxJob.id)).all()


def _sweep(app, minutes=5):
    from wcl.jobs.services import sweep_outbox

    with app.app_context():
        return sweep_outbox(now=utcnow() + timedelta(minutes=minutes))


def test_a_job_is_first_a_row_of_its_transaction_then_pushed_and_marked(app, redis, run_jobs):
    with app.app_context():
        UserFactory()
        enqueue_after_commit(REMEMBER, "rolled back")
        db.session.rollback()
        assert _rows() == []  # the row went with the transaction
        enqueue_after_commit(REMEMBER, "kept", queue="emails", job_timeout=42)
        db.session.commit()
        (row,) = _rows()
        assert (row.name, row.args, row.queue, row.timeout) == (
            REMEMBER,
            {"args": ["kept"], "kwargs": {}},
            "emails",
            42,
        )
        assert row.status == "queued" and row.created_at <= row.enqueued_at and row.attempts == 0
        assert Job.fetch(row.rq_id, connection=redis).description == REMEMBER
    run_jobs()
    with app.app_context():
        (row,) = _rows()
        assert row.status == "done" and row.attempts == 1 and row.finished_at is not None
    assert redis.lrange("test:remembered", 0, -1) == [b"kept"]


def test_redis_down_the_job_waits_in_the_outbox_and_the_sweeper_pushes_it(make_app, app, redis, run_jobs):
    down = make_app(REDIS_URL=DOWN)
    with down.app_context():
        UserFactory()
        enqueue_after_commit(REMEMBER, "delayed")
        db.session.commit()  # Redis refuses the push: no error, the row waits
        (row,) = _rows()
        assert row.status == "pending" and row.enqueued_at is None
    assert queued_jobs(app) == []
    assert _sweep(app, minutes=0) == 0  # too fresh: its own commit may still be pushing it
    assert _sweep(app) == 1
    assert queued_jobs(app) == [REMEMBER]
    assert _sweep(app) == 0  # queued in RQ: never pushed twice
    assert queued_jobs(app) == [REMEMBER]
    run_jobs()
    assert redis.lrange("test:remembered", 0, -1) == [b"delayed"]
    with app.app_context():
        assert [r.status for r in _rows()] == ["done"]


def test_offline_payment_while_redis_is_down_still_gets_its_receipt_and_email(make_app, app, run_jobs):
    """The issue's reproduction: stop Redis, record an offline payment, start Redis."""
    from tests.campaigns.helpers import png_bytes
    from wcl.receipts.models import Receipt

    down = make_app(REDIS_URL=DOWN)
    with down.app_context():
        CampaignFactory(slug="felt")
        UserFactory(email="coord@example.org", roles=["staff"])
    client = down.test_client()
    login(client, "coord@example.org", PASSWORD)
    form = {
        "backer_name": "Gulzat",
        "backer_email": "gulzat@example.org",
        "amount": "1 500",
        "currency": "KGS",
        "tier": "",
        "method": "cash",
        "received_on": utcnow().date().isoformat(),
        "reference": "",
        "proof": (io.BytesIO(png_bytes((300, 200))), "receipt.png"),
        "gender": "woman",
    }
    response = post_form(client, "/payments/campaigns/felt/offline", form, content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        assert {r.status for r in _rows()} == {"pending"}
    _sweep(app)
    run_jobs()
    run_jobs()  # the receipt job queues its email
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Receipt.id))) == 1
        assert [(r.name, r.status, r.last_error) for r in _rows() if r.status != "done"] == []
    assert any("gulzat@example.org" in m["To"] for m in outbox_messages(app))


def test_the_sweeper_re_pushes_a_job_whose_rq_job_vanished(app, redis, run_jobs):
    with app.app_context():
        enqueue_after_commit(REMEMBER, "lost")
        db.session.commit()
    redis.flushdb()  # Redis restarted without its data
    assert queued_jobs(app) == []
    assert _sweep(app) == 1
    assert queued_jobs(app) == [REMEMBER]
    run_jobs()
    assert redis.lrange("test:remembered", 0, -1) == [b"lost"]


def test_a_job_pushed_twice_runs_once(app, redis, run_jobs):
    from wcl.jobs.services import push

    with app.app_context():
        enqueue_after_commit(REMEMBER, "once")
        db.session.commit()
        push(_rows()[0])  # e.g. two sweepers racing
    run_jobs()
    assert redis.lrange("test:remembered", 0, -1) == [b"once"]


def test_failed_job_is_listed_for_staff_and_retried_with_an_audit_entry(app, redis, run_jobs):
    sample_jobs.FAILING.append(True)
    with app.app_context():
        UserFactory(email="staff@example.org", roles=["staff"])
        UserFactory(email="mentor@example.org", roles=["mentor"])
        enqueue_after_commit("tests.core.sample_jobs.flaky", "late", retry=None)
        db.session.commit()
    run_jobs()
    with app.app_context():
        (row,) = _rows()
        assert row.status == "failed" and row.attempts == 1 and "printer on fire" in row.last_error
        row_id = row.id
    assert _sweep(app) == 0  # a failed job waits for a person
    mentor = app.test_client()
    login(mentor, "mentor@example.org", PASSWORD)
    assert mentor.get("/jobs/failed").status_code == 403
    assert 'href="/jobs/failed"' not in mentor.get("/").get_data(as_text=True)
    staff = app.test_client()
    login(staff, "staff@example.org", PASSWORD)
    assert 'href="/jobs/failed"' in staff.get("/").get_data(as_text=True)  # in the staff menu
    page = staff.get("/jobs/failed").get_data(as_text=True)
    assert "tests.core.sample_jobs.flaky" in page and "printer on fire" in page
    assert "late" not in page  # arguments may name a person: never shown
    # POST only, with a CSRF token.
    assert staff.get(f"/jobs/{row_id}/retry").status_code == 405
    assert staff.post(f"/jobs/{row_id}/retry").status_code == 400
    sample_jobs.FAILING.clear()
    token = csrf_token(staff, "/jobs/failed")
    response = staff.post(f"/jobs/{row_id}/retry", data={"csrf_token": token})
    assert response.status_code == 302
    assert queued_jobs(app) == ["tests.core.sample_jobs.flaky"]
    run_jobs()
    assert redis.lrange("test:remembered", 0, -1) == [b"late"]
    with app.app_context():
        assert _rows()[0].status == "done"
        entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "job.retried"))
        assert entry.target_id == row_id and entry.actor_id is not None
    assert "No failed jobs." in staff.get("/jobs/failed").get_data(as_text=True)


def test_a_job_is_retried_by_rq_before_it_counts_as_failed(app, run_jobs):
    sample_jobs.FAILING.append(True)
    with app.app_context():
        enqueue_after_commit("tests.core.sample_jobs.flaky", "x", retry=(1, [600]))
        db.session.commit()
    run_jobs()
    with app.app_context():
        (row,) = _rows()
        assert row.status == "queued" and row.attempts == 1  # RQ retries it


def test_inline_mode_runs_the_job_after_commit_and_marks_the_row_done(make_app):
    inline = make_app(REDIS_URL=None)
    with inline.app_context():
        enqueue_after_commit(REMEMBER, "inline")
        assert sample_jobs.CALLS == []
        db.session.commit()
        assert sample_jobs.CALLS == ["inline"]
        (row,) = _rows()
        assert row.status == "done" and row.attempts == 1


def test_the_sweeper_is_a_periodic_job():
    from wcl.schedule import PERIODIC_JOBS

    assert "wcl.jobs.jobs.sweep_outbox" in [job.func_path for job in PERIODIC_JOBS]


@pytest.mark.parametrize("locale", ["ru", "ky"])
def test_failed_jobs_page_has_no_english(app, locale, run_jobs):
    from tests.core.test_i18n import english_words

    sample_jobs.FAILING.append(True)
    with app.app_context():
        UserFactory(email="s@example.org", full_name="Айгуль", roles=["staff"], locale=locale)
        enqueue_after_commit("tests.core.sample_jobs.flaky", "x", retry=None)
        db.session.commit()
    run_jobs()
    client = app.test_client()
    login(client, "s@example.org", PASSWORD)
    html = client.get("/jobs/failed").get_data(as_text=True)
    # The job's dotted name, queue and error are code, shown as they are.
    exclude = ["tests.core.sample_jobs.flaky", "default", "RuntimeError", "printer", "on", "fire"]
    assert english_words(html, exclude=exclude) == []


def test_a_job_is_written_queued_and_nothing_is_written_after_the_commit(app, redis, count_queries):
    """The row says ``queued`` from its INSERT (when Redis is there to take it): the push after the
    commit is the only thing left, no UPDATE of the row on a connection of its own."""
    with app.app_context():
        UserFactory()
        db.session.commit()
        with count_queries() as statements:
            enqueue_after_commit(REMEMBER, "at once")
            db.session.commit()
        assert [
            s for s in statements if "job_outbox" in s and not s.lstrip().upper().startswith("INSERT")
        ] == []
        (row,) = _rows()
        assert row.status == "queued" and row.enqueued_at == row.created_at
        assert Job.fetch(row.rq_id, connection=redis).description == REMEMBER


def test_a_process_stopped_between_commit_and_push_leaves_a_row_the_sweeper_pushes(
    app, redis, run_jobs, monkeypatch
):
    import wcl.queue

    with app.app_context():
        monkeypatch.setattr(wcl.queue, "has_app_context", lambda: False)  # the push never happens
        enqueue_after_commit(REMEMBER, "stranded")
        db.session.commit()
        monkeypatch.undo()
        assert [r.status for r in _rows()] == ["queued"]
    assert queued_jobs(app) == []
    assert _sweep(app, minutes=0) == 0  # too fresh: its own commit may still be pushing it
    assert _sweep(app) == 1  # RQ has no such job: pushed again
    run_jobs()
    assert redis.lrange("test:remembered", 0, -1) == [b"stranded"]
