"""The embedded default (SQLite, no Redis, inline jobs) runs the periodic jobs in
the web process: campaigns go live, end, and all-or-nothing failures are refunded
with nothing but ``make run``."""

import time
from datetime import timedelta

import pytest

from tests.factories.accounts import UserFactory
from tests.factories.campaigns import PledgeFactory, ready_participant
from wcl import create_app
from wcl.campaigns import services as campaigns
from wcl.campaigns.models import Campaign, CampaignStatus, Pledge
from wcl.extensions import db
from wcl.payments import services as payments
from wcl.payments.models import Refund
from wcl.schedule import PERIODIC_JOBS, InProcessSchedule
from wcl.time import utcnow


@pytest.fixture
def embedded(tmp_path):
    """An app configured as `make run` configures it: a SQLite file, no Redis."""
    app = create_app(
        "testing",
        overrides={
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'wcl.sqlite3'}",
            "REDIS_URL": None,
            "JOBS_INLINE": True,
            "OUTBOX_DIR": str(tmp_path / "outbox"),
            "STORAGE_DIR": str(tmp_path / "files"),
            "SCHEDULE_IN_PROCESS": True,
            "SCHEDULE_TICK": 0.05,
        },
    )
    app.extensions["wcl_schedule"].state_path = tmp_path / "schedule-state.json"
    with app.app_context():
        db.create_all()
    yield app
    app.extensions["wcl_schedule"].stop()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _approved_campaign(funding_model="all_or_nothing"):
    now = utcnow()
    owner = ready_participant()
    staff = UserFactory(roles=["staff"])
    campaign = campaigns.create_campaign(
        owner,
        {
            "title": "Felt slippers from Kochkor",
            "summary": "Warm slippers, made by hand.",
            "story": "We make **felt**.",
            "goal": 5_000_000,
            "currency": "KGS",
            "starts_at": now + timedelta(days=2),
            "ends_at": now + timedelta(days=32),
            "funding_model": funding_model,
            "region": "KG-N",
            "creative_domain": "V_ARTS",
            "creator_name": "Aigul",
            "photo_consent": True,
        },
    )
    campaigns.add_budget_line(owner, campaign.id, "Wool", 3_000_000)
    campaigns.submit_campaign(owner, campaign.id)
    campaigns.approve_campaign(staff, campaign.id)
    assert campaign.status == CampaignStatus.SCHEDULED
    return campaign.id


def _move(campaign_id, **dates):
    db.session.execute(db.update(Campaign).where(Campaign.id == campaign_id).values(**dates))
    db.session.commit()


def test_embedded_default_runs_the_whole_campaign_lifecycle(embedded):
    schedule = InProcessSchedule(embedded, state_path=embedded.extensions["wcl_schedule"].state_path)
    with embedded.app_context():
        campaign_id = _approved_campaign()
        pledge = PledgeFactory(campaign=db.session.get(Campaign, campaign_id), amount=200_000)
        _move(campaign_id, starts_at=utcnow() - timedelta(minutes=1))

        t0 = time.time()
        # First look: every periodic job is due once; the campaign goes live.
        assert schedule.run_due(now=t0) == [job.func_path for job in PERIODIC_JOBS]
        db.session.expire_all()
        assert db.session.get(Campaign, campaign_id).status == CampaignStatus.LIVE

        payments.mark_pledge_paid(pledge.id, 200_000, "KGS")
        _move(campaign_id, ends_at=utcnow() - timedelta(seconds=1))
        # Within the minute nothing is due again.
        assert schedule.run_due(now=t0 + 30) == []
        db.session.expire_all()
        assert db.session.get(Campaign, campaign_id).status == CampaignStatus.LIVE

        # A minute later the campaign ends below its goal: failed, and refunded.
        assert "wcl.campaigns.jobs.advance_due_campaigns" in schedule.run_due(now=t0 + 61)
        db.session.expire_all()
        assert db.session.get(Campaign, campaign_id).status == CampaignStatus.FAILED
        assert db.session.get(Pledge, pledge.id).status == "refunded"
        assert db.session.scalar(db.select(db.func.count(Refund.id))) == 1


def test_the_schedule_thread_starts_at_the_first_request_and_moves_campaigns(embedded):
    schedule = embedded.extensions["wcl_schedule"]
    with embedded.app_context():
        campaign_id = _approved_campaign()
        _move(campaign_id, starts_at=utcnow() - timedelta(minutes=1))
    assert not schedule.running  # building the app (or a CLI command) runs nothing
    embedded.test_client().get("/")
    assert schedule.running
    with embedded.app_context():
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            db.session.expire_all()
            if db.session.get(Campaign, campaign_id).status == CampaignStatus.LIVE:
                break
            time.sleep(0.05)
        assert db.session.get(Campaign, campaign_id).status == CampaignStatus.LIVE


def test_two_processes_share_one_schedule(embedded, tmp_path):
    state = tmp_path / "shared.json"
    first, second = (InProcessSchedule(embedded, jobs=[], state_path=state) for _ in range(2))
    job = PERIODIC_JOBS[2]  # advance_due_campaigns: harmless on an empty database
    first.jobs = second.jobs = [job]
    assert first.run_due(now=1000) == [job.func_path]
    assert second.run_due(now=1010) == []  # the other process ran it ten seconds ago
    with first._locked() as held:
        assert held
        assert second.run_due(now=5000) == []  # the other process holds the schedule


@pytest.mark.parametrize(
    "config, overrides, expected",
    [
        ("development", {"REDIS_URL": None}, True),
        ("development", {"REDIS_URL": "redis://127.0.0.1:6379/15"}, False),  # workers.cron runs it
        ("testing", {"REDIS_URL": None}, False),  # tests drive the schedule themselves
    ],
)
def test_the_schedule_runs_in_process_only_without_redis(tmp_path, config, overrides, expected):
    app = create_app(config, overrides={"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db", **overrides})
    assert ("wcl_schedule" in app.extensions) is expected
