"""Jobs are enqueued only after commit, never after rollback; inline mode runs them."""

from tests.core import sample_jobs
from tests.factories.accounts import UserFactory
from tests.helpers import queued_jobs
from wcl import create_app
from wcl.accounts.models import User
from wcl.extensions import db
from wcl.queue import enqueue_after_commit


def test_job_is_enqueued_only_after_commit(app, redis, run_jobs):
    with app.app_context():
        user = UserFactory()
        user.full_name = "Changed"
        enqueue_after_commit("tests.core.sample_jobs.remember", "after-commit")
        assert queued_jobs(app) == []  # nothing before the commit
        db.session.commit()
    assert queued_jobs(app) == ["tests.core.sample_jobs.remember"]
    run_jobs()
    assert redis.lrange("test:remembered", 0, -1) == [b"after-commit"]


def test_no_job_after_rollback(app, redis):
    with app.app_context():
        UserFactory()
        db.session.add(User(email="x@example.org", password_hash="x", full_name="X"))
        enqueue_after_commit("tests.core.sample_jobs.remember", "rolled-back")
        db.session.rollback()
        db.session.commit()  # a later commit must not resurrect the job
    assert queued_jobs(app) == []


def test_jobs_are_inline_exactly_when_no_redis_is_configured(make_app, app):
    from wcl.queue import is_inline

    assert is_inline(make_app(REDIS_URL=None)) is True
    for config in ("development", "production"):
        settings = {
            k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "REDIS_URL", "OUTBOX_DIR", "STORAGE_DIR")
        }
        with_redis = create_app(config, overrides={**settings, "SECRET_KEY": "s" * 48})
        assert is_inline(with_redis) is False, config
        without = create_app(config, overrides={**settings, "SECRET_KEY": "s" * 48, "REDIS_URL": None})
        assert is_inline(without) is True, config


def test_inline_mode_runs_the_job_right_after_commit(make_app):
    inline_app = make_app(REDIS_URL=None)
    sample_jobs.CALLS.clear()
    with inline_app.app_context():
        UserFactory()
        enqueue_after_commit("tests.core.sample_jobs.remember", "inline")
        assert sample_jobs.CALLS == []
        db.session.commit()
        assert sample_jobs.CALLS == ["inline"]


def test_worker_gives_each_job_a_fresh_session(app, run_jobs, redis):
    with app.app_context():
        enqueue_after_commit("tests.core.sample_jobs.remember", "one")
        enqueue_after_commit("tests.core.sample_jobs.remember", "two")
        db.session.commit()
    run_jobs()
    with app.app_context():
        from wcl.queue import get_queue

        assert get_queue("default").failed_job_registry.count == 0
    assert redis.lrange("test:remembered", 0, -1) == [b"one", b"two"]
