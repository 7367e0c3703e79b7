"""Two web servers and two workers on separate "hosts" sharing one PostgreSQL and one Redis.

Each process runs in its own network namespace (made here with ``ip netns`` and a veth pair),
so it reaches the database and Redis over a network link, as on separate machines: a small
TCP relay on the host side of each link forwards to the local PostgreSQL and Redis. Backers
pledge through one web server and pay through the sandbox checkout of the other; both workers
process the events. The ledger must be exact and no job may run twice.
"""

import contextlib
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
import sqlalchemy as sa
from redis import Redis
from rq import Worker

from tests.factories.campaigns import CampaignFactory
from wcl.audit.models import AuditEntry
from wcl.campaigns.models import Pledge, PledgeStatus
from wcl.extensions import db
from wcl.jobs.models import OutboxJob
from wcl.receipts.models import Receipt

ROOT = Path(__file__).resolve().parents[2]
PLEDGES = 24
DB_PORT, REDIS_PORT = 15432, 16379
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _namespaces_refused():
    """Why this machine cannot make a network namespace (None when ``ip netns add`` works).

    The test skips only for this reason: try it, as the test itself would."""
    if shutil.which("ip") is None:
        return "`ip` (iproute2) is not installed"
    probe = f"wclprobe{os.getpid()}"
    made = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True)
    if made.returncode != 0:
        return f"`ip netns add` failed here: {made.stderr.strip() or made.returncode}"
    subprocess.run(["ip", "netns", "del", probe], capture_output=True)
    return None


REFUSED = _namespaces_refused()
pytestmark = pytest.mark.skipif(REFUSED is not None, reason=f"network namespaces unavailable: {REFUSED}")


class Relay:
    """Forward TCP connections from ``listen`` to ``target`` (one thread per connection)."""

    def __init__(self, listen, target):
        self.target = target
        self.server = socket.create_server(listen)
        self.server.settimeout(0.2)
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while self.running:
            try:
                client, _ = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def close(self):
        self.running = False
        self.server.close()


def _ip(*args, netns=None):
    command = ["ip", *(["netns", "exec", netns, "ip"] if netns else []), *args]
    subprocess.run(command, check=True, capture_output=True)


class Host:
    """A network namespace linked to this machine by a veth pair: ``outside`` ↔ ``inside`` address."""

    def __init__(self, name, subnet):
        self.name = name
        self.outside, self.inside = f"{subnet}.1", f"{subnet}.2"
        self.link = f"v{secrets.token_hex(3)}"
        _ip("netns", "add", name)
        _ip("link", "add", self.link, "type", "veth", "peer", "name", f"{self.link}p")
        _ip("link", "set", f"{self.link}p", "netns", name)
        _ip("addr", "add", f"{self.outside}/24", "dev", self.link)
        _ip("link", "set", self.link, "up")
        _ip("addr", "add", f"{self.inside}/24", "dev", f"{self.link}p", netns=name)
        _ip("link", "set", f"{self.link}p", "up", netns=name)
        _ip("link", "set", "lo", "up", netns=name)
        self.relays = []

    def run(self, args, env):
        return subprocess.Popen(
            ["ip", "netns", "exec", self.name, *args],
            env=env,
            cwd=ROOT,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def remove(self):
        for relay in self.relays:
            relay.close()
        subprocess.run(["ip", "link", "del", self.link], capture_output=True)
        subprocess.run(["ip", "netns", "del", self.name], capture_output=True)


def _wait_for(url, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} never answered")


class Browser:
    """A backer's browser: cookies, and forms posted with their CSRF token."""

    def __init__(self):
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, url):
        with self.opener.open(url, timeout=30) as response:
            return response.geturl(), response.read().decode()

    def submit(self, url, fields):
        _, page = self.get(url)
        data = urllib.parse.urlencode({**fields, "csrf_token": CSRF_RE.search(page).group(1)}).encode()
        with self.opener.open(url, data=data, timeout=30) as response:
            return response.geturl(), response.read().decode()


def test_two_web_servers_and_two_workers_on_separate_hosts_keep_the_ledger_exact(app, tmp_path):
    database = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    redis_url = urllib.parse.urlsplit(app.config["REDIS_URL"])
    with app.app_context():
        CampaignFactory(slug="shared", title="Shared felt", status="live")
        db.session.commit()
    prefix = f"wcl{os.getpid() % 10000}"
    subnet = f"10.{200 + os.getpid() % 50}"
    hosts, processes = [], []
    try:
        for i, role in enumerate(("web1", "web2", "work1", "work2"), start=1):
            host = Host(f"{prefix}{role}", f"{subnet}.{i}")
            hosts.append(host)
            # On ports of their own: the local servers may listen on every address.
            host.relays = [
                Relay((host.outside, DB_PORT), (database.host, database.port or 5432)),
                Relay((host.outside, REDIS_PORT), (redis_url.hostname, redis_url.port or 6379)),
            ]
        shared = tmp_path / "shared"

        def env(host):
            return dict(
                os.environ,
                WCL_ENV="testing",
                WCL_TEST_DATABASE_URL=database.set(host=host.outside, port=DB_PORT).render_as_string(
                    hide_password=False
                ),
                WCL_TEST_REDIS_URL=redis_url._replace(netloc=f"{host.outside}:{REDIS_PORT}").geturl(),
                WCL_OUTBOX_DIR=str(shared / "outbox"),
                WCL_STORAGE_DIR=str(shared / "files"),
            )

        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        for host in hosts[:2]:
            processes.append(
                host.run(
                    [
                        gunicorn,
                        "--workers",
                        "1",
                        "--threads",
                        "4",
                        "--bind",
                        f"{host.inside}:8000",
                        "wcl:create_app()",
                    ],
                    env(host),
                )
            )
        for host in hosts[2:]:
            processes.append(host.run([sys.executable, "-m", "workers.worker", "--no-fork"], env(host)))
        webs = [f"http://{host.inside}:8000" for host in hosts[:2]]
        for web in webs:
            _wait_for(f"{web}/healthz")

        def backer(n):
            browser = Browser()
            pledge_on, pay_on = webs[n % 2], webs[(n + 1) % 2]
            url, _ = browser.submit(
                f"{pledge_on}/campaigns/shared/pledge",
                {
                    "tier": "",
                    "amount": str(1000 + n),
                    "currency": "KGS",
                    "name": f"Backer {n}",
                    "email": f"b{n}@example.org",
                },
            )
            token = url.rstrip("/").rsplit("/", 1)[-1]
            browser.submit(f"{pay_on}/payments/sandbox/{token}", {"pay": "1"})

        threads = [threading.Thread(target=backer, args=(n,)) for n in range(PLEDGES)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

        deadline = time.time() + 180
        with app.app_context():
            while time.time() < deadline:
                db.session.rollback()
                done = db.session.scalar(
                    sa.select(sa.func.count()).select_from(Receipt).where(Receipt.emailed_at.is_not(None))
                )
                waiting = db.session.scalar(
                    sa.select(sa.func.count()).select_from(OutboxJob).where(OutboxJob.status != "done")
                )
                if done == PLEDGES and not waiting:
                    break
                time.sleep(0.5)
            paid = db.session.scalar(
                sa.select(sa.func.count()).select_from(Pledge).where(Pledge.status == PledgeStatus.PAID)
            )
            assert paid == PLEDGES
            assert sorted(db.session.scalars(sa.select(Receipt.number))) == list(range(1, PLEDGES + 1))
            for action in ("pledge.paid", "receipt.issued", "receipt.rendered", "receipt.emailed"):
                count = db.session.scalar(
                    sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
                )
                assert count == PLEDGES, action  # no job ran twice with effect
            assert (
                db.session.scalar(
                    sa.select(sa.func.count()).select_from(OutboxJob).where(OutboxJob.status != "done")
                )
                == 0
            )
        # The operator's reconciliation (receipt numbers, refunds, pools, stock, stored files) holds.
        ledger = subprocess.run(
            [str(Path(sys.executable).with_name("flask")), "check-ledger"],
            cwd=ROOT,
            env=dict(
                os.environ,
                FLASK_APP="wcl",
                WCL_ENV="testing",
                WCL_TEST_DATABASE_URL=database.render_as_string(hide_password=False),
                WCL_STORAGE_DIR=str(shared / "files"),
            ),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert ledger.returncode == 0, ledger.stdout + ledger.stderr
        # Both workers did part of the work.
        connection = Redis.from_url(app.config["REDIS_URL"])
        done_by = [w.successful_job_count for w in Worker.all(connection=connection)]
        assert len(done_by) == 2 and all(done_by), done_by
    finally:
        for process in processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, 9)
            process.wait(timeout=10)
        for host in hosts:
            host.remove()
