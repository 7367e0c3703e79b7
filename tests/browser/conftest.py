"""Browser journeys: a real server, real workers, real Chromium.

A module-scoped ``site`` starts gunicorn and two RQ workers on a fresh
PostgreSQL database migrated with ``flask db upgrade`` and a redis-server of its
own (on the machine's shared Redis, any other process on the same queue names
could take its jobs); journeys drive Debian's
Chromium through Playwright (never a downloaded browser). Every page visited is
checked with axe-core and for console errors; screenshots of the key pages go
to ``test-output/screenshots/<viewport>/``.
"""

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Error as PlaywrightError

from bench.harness import free_port, gunicorn_command, processes, wait_healthy, worker_command
from tests.conftest import _database_url
from tests.redis_server import RedisServer

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@dataclass
class Site:
    base_url: str
    env: dict
    outbox: Path
    logs: Path

    def flask(self, *args):
        """Run a ``flask --app wcl`` command against the site's database."""
        result = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wcl", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        return result.stdout

    def wait_for_outbox(self, to, subject_contains="", timeout=60):
        """The newest email to ``to`` (written by a worker), waiting for it to arrive."""
        import email
        from email import policy

        deadline = time.time() + timeout
        while time.time() < deadline:
            for path in sorted(self.outbox.glob("*.eml"), reverse=True):
                message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
                if message["To"] == to and subject_contains in message["Subject"]:
                    return message
            time.sleep(0.2)
        raise AssertionError(f"no email to {to} containing {subject_contains!r}\n{self.log_tails()}")

    def log_tails(self, lines=15):
        """The last lines the site's server and workers printed (for a failure's message)."""
        tails = []
        for path in sorted(self.logs.glob("*.log")):
            tail = path.read_text(errors="replace").splitlines()[-lines:]
            tails.append(f"--- {path.name}\n" + "\n".join(tail))
        return "\n".join(tails)


def _fresh_database(name):
    url = _database_url()
    url = url.set(database=name)
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with RedisServer() as redis_server:
        yield from _site(tmp_path_factory, redis_server.url)


def _site(tmp_path_factory, redis_url):
    base = _database_url()
    db_url = _fresh_database(f"{base.database}_browser")
    port = free_port()
    files = tmp_path_factory.mktemp("site")
    env = dict(
        os.environ,
        WCL_ENV="development",
        DATABASE_URL=db_url,
        REDIS_URL=redis_url,
        SECRET_KEY="browser-tests-secret-key-0123456789abcdef",
        WCL_BASE_URL=f"http://127.0.0.1:{port}",
        WCL_OUTBOX_DIR=str(files / "outbox"),
        WCL_STORAGE_DIR=str(files / "storage"),
        WCL_INSTANCE_DIR=str(files / "instance"),
        PYTHONUNBUFFERED="1",
    )
    site = Site(base_url=env["WCL_BASE_URL"], env=env, outbox=files / "outbox", logs=files / "logs")
    site.flask("db", "upgrade")
    # As in production (docs/deploy.md): in-process workers for webhooks and for receipts and
    # emails, a forking one for default. With one forking worker for every queue, a staff
    # member's statement import (default) waited behind the demo's update emails, a fork each:
    # over the journey's 90 s on a slow day.
    commands = [
        gunicorn_command(port, workers=2),
        worker_command("webhooks", fork=False),
        worker_command("receipts", "emails", fork=False),
        worker_command("default"),
    ]
    with processes(commands, env, log_dir=site.logs):
        wait_healthy(site.base_url)
        yield site


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


class Journey:
    """One person's browser session, checking every page it visits."""

    def __init__(self, browser, site, viewport, who):
        self.site, self.viewport, self.who = site, viewport, who
        self.context = browser.new_context(viewport=VIEWPORTS[viewport], base_url=site.base_url)
        self.page = self.context.new_page()
        self.console_errors = []
        self.page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        self.page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        self.axe_source = AXE_JS.read_text()
        self.checked = set()

    def goto(self, path):
        response = self.page.goto(path)
        self.check()
        return response

    def reload_until(self, text, timeout=90):
        """Reload the page until ``text`` shows (a worker's job changes it)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if text in self.page.content():
                return
            time.sleep(1)
            self.page.reload()
            self.page.wait_for_load_state("load")
        raise AssertionError(f"{text!r} never appeared on {self.page.url}\n{self.site.log_tails()}")

    def check(self, name=None):
        """No console errors; no serious/critical axe violations on this page."""
        # A click on a link returns once the navigation has committed, before the
        # new document has loaded: axe must not run on a page still being replaced.
        self.page.wait_for_load_state("load")
        assert self.console_errors == [], self.console_errors
        url = re.sub(r"/[0-9a-f]{16,}|[?].*$", "", self.page.url)
        if url in self.checked:
            return
        self.checked.add(url)
        for attempt in (1, 2):
            try:
                result = self._axe_violations()
                break
            except PlaywrightError:
                # The document went away under axe (a late redirect): check the page it landed on.
                if attempt == 2:
                    raise
                self.page.wait_for_load_state("load")
        assert result == [], f"{self.page.url}: {result}"

    def _axe_violations(self):
        # evaluate() runs outside the page's CSP, so axe can be injected without weakening it.
        self.page.evaluate(self.axe_source)
        return self.page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".filter(v => ['serious', 'critical'].includes(v.impact))"
            ".map(v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))"
        )

    def page_weight(self, path):
        """Bytes of HTML, CSS and JS transferred to show ``path`` (images and fonts aside)."""
        sizes = []

        def on_response(response):
            if response.request.resource_type in ("document", "stylesheet", "script"):
                sizes.append(len(response.body()))

        self.page.on("response", on_response)
        try:
            self.page.goto(path, wait_until="networkidle")
        finally:
            self.page.remove_listener("response", on_response)
        self.check()
        return sum(sizes)

    def screenshot(self, name):
        folder = SCREENSHOTS / self.viewport
        folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    def close(self):
        assert self.console_errors == [], self.console_errors
        self.context.close()


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request):
    return request.param


@pytest.fixture
def journey(browser, site, viewport):
    opened = []

    def open_journey(who):
        j = Journey(browser, site, viewport, who)
        opened.append(j)
        return j

    yield open_journey
    for j in opened:
        j.close()
