"""The money pipeline under faults, on the real stack (issue 15's fault test).

PostgreSQL, a Redis server started by this test (so it can stop it), and RQ
workers as subprocesses (one forking, one not). 200 pledges are paid through
signed sandbox webhooks and 50 offline payments are recorded while Redis is
stopped twice (every job queued in it is lost: the Redis here keeps nothing on
disk) and a worker is SIGKILLed mid-work. Afterwards every pledge is paid once,
every receipt and email exists exactly once, receipt numbers are gapless, and
the outbox and the inbox are empty.
"""

import io
import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from tests.campaigns.helpers import png_bytes
from tests.factories.accounts import UserFactory
from tests.factories.campaigns import CampaignFactory, PledgeFactory
from tests.helpers import outbox_messages
from tests.redis_server import RedisServer
from wcl.audit.models import AuditEntry
from wcl.campaigns.models import Pledge, PledgeStatus
from wcl.extensions import db
from wcl.jobs.models import OutboxJob
from wcl.jobs.services import sweep_outbox
from wcl.payments import signatures
from wcl.payments.models import WebhookEvent
from wcl.payments.services import record_offline_payment, sandbox_event, sweep_inbox
from wcl.receipts.models import Receipt
from wcl.time import utcnow

ONLINE, OFFLINE = 200, 50
PROOF = png_bytes((300, 200))
DEADLINE = 240  # seconds for the workers to drain everything, on a loaded 2-core machine


class Workers:
    """Two RQ workers on every queue; a dead one is started again (as a supervisor would)."""

    def __init__(self, app, redis_url):
        self.env = dict(
            os.environ,
            WCL_ENV="development",
            DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
            REDIS_URL=redis_url,
            SECRET_KEY="test-secret-key-0123456789abcdef0123456789",
            WCL_OUTBOX_DIR=app.config["OUTBOX_DIR"],
            WCL_STORAGE_DIR=app.config["STORAGE_DIR"],
        )
        self.processes = {"fork": None, "no-fork": None}

    def _spawn(self, kind):
        args = [sys.executable, "-m", "workers.worker"] + (["--no-fork"] if kind == "no-fork" else [])
        return subprocess.Popen(
            args, env=self.env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    def supervise(self):
        for kind, process in self.processes.items():
            if process is None or process.poll() is not None:
                self.processes[kind] = self._spawn(kind)

    def kill(self, kind):
        """SIGKILL a worker and its work horse (its whole process group)."""
        process = self.processes[kind]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self):
        for process in self.processes.values():
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def _post(client, app, pledge):
    body = json.dumps(sandbox_event(pledge, "pay"), separators=(",", ":")).encode()
    header = signatures.sign(body, app.config["STRIPE_WEBHOOK_SECRET"])
    response = client.post(
        "/webhooks/stripe", data=body, headers={"Stripe-Signature": header}, content_type="application/json"
    )
    assert response.status_code == 200, response.get_data(as_text=True)


def _offline(campaign_id, staff_id, n):
    from wcl.accounts.models import User

    staff = db.session.get(User, staff_id)
    record_offline_payment(
        staff,
        campaign_id,
        amount=50_000 + n,
        currency="KGS",
        method="cash",
        received_on=utcnow().date(),
        reference=f"cash book {n}",
        proof=FileStorage(io.BytesIO(PROOF), f"cash-book-{n}.png", content_type="image/png"),
        backer_name=f"Offline backer {n}",
        backer_email=f"offline{n}@example.org",
        tier_id=None,
        anonymous=False,
        gender="woman",
        locale="ky",
    )


def _count(model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _settled():
    """True when every payment is paid, receipted, rendered and emailed and no job waits."""
    db.session.rollback()
    paid = _count(Pledge, Pledge.status == PledgeStatus.PAID)
    emailed = _count(Receipt, Receipt.emailed_at.is_not(None), Receipt.pdf_id.is_not(None))
    waiting = _count(OutboxJob, OutboxJob.status != "done")
    return paid == ONLINE + OFFLINE and emailed == ONLINE + OFFLINE and waiting == 0


def test_redis_stopped_twice_and_a_worker_killed_lose_nothing_and_double_nothing(make_app):
    redis = RedisServer()
    redis.start()
    app = make_app(REDIS_URL=redis.url)
    workers = Workers(app, redis.url)
    with app.app_context():
        campaign = CampaignFactory(slug="fault", status="live")
        staff_id = UserFactory(email="coord@example.org", roles=["staff"]).id
        pledges = [PledgeFactory(campaign=campaign, amount=100_000 + i) for i in range(ONLINE)]
        db.session.commit()
        campaign_id = campaign.id
        pledge_ids = [p.id for p in pledges]
    client = app.test_client()
    try:
        workers.supervise()
        with app.app_context():
            for i, pledge_id in enumerate(pledge_ids):
                pledge = db.session.get(Pledge, pledge_id)
                if i in (50, 130):  # Redis goes away twice, with everything queued in it
                    redis.stop()
                if i in (90, 170):
                    redis.start()
                    workers.supervise()
                if i == 110:  # mid-work: receipts are rendering and emails sending
                    workers.kill("fork")
                    workers.supervise()
                _post(client, app, pledge)
                if i % 4 == 0:
                    _offline(campaign_id, staff_id, i // 4)
            # What a periodic sweeper does every minute, without waiting the minutes.
            deadline = time.time() + DEADLINE
            while not _settled() and time.time() < deadline:
                workers.supervise()
                later = utcnow() + timedelta(hours=2)
                sweep_outbox(now=later)
                sweep_inbox(now=later)
                time.sleep(1)
            assert _settled(), "not everything was paid, receipted and emailed in time"
    finally:
        workers.stop()
        redis.stop()

    with app.app_context():
        receipts = db.session.scalars(sa.select(Receipt)).all()
        assert len(receipts) == ONLINE + OFFLINE == len({r.pledge_id for r in receipts})
        assert sorted(r.number for r in receipts) == list(range(1, ONLINE + OFFLINE + 1))  # gapless
        for action in ("pledge.paid", "receipt.issued", "receipt.emailed"):
            assert _count(AuditEntry, AuditEntry.action == action) == ONLINE + OFFLINE, action
        assert _count(WebhookEvent, WebhookEvent.processed_at.is_(None)) == 0
        assert _count(OutboxJob, OutboxJob.status != "done") == 0
    receipt_mails = [m for m in outbox_messages(app) if m.get_content_type() == "multipart/mixed"]
    recipients = [m["To"] for m in receipt_mails]
    assert len(recipients) == len(set(recipients)) == ONLINE + OFFLINE  # each donor's receipt exactly once
