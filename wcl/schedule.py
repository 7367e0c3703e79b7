"""Periodic jobs, and the in-process scheduler of the embedded default.

With Redis, ``workers/cron.py`` (RQ's cron scheduler) enqueues each entry by
its dotted name every ``interval`` seconds on its queue. Without Redis (the
embedded default of ``make run``: SQLite, jobs inline) there is no worker and
no cron process, so the web process runs the same schedule itself:
``InProcessSchedule`` runs every due job from a daemon thread, started at the
app's first request. Several web processes on one instance folder share one
state file under a file lock, so a job runs once per interval however many
processes there are. Jobs must be idempotent: two schedulers may both run one.
"""

import json
import logging
import os
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from wcl.queue import DEFAULT, WEBHOOKS, run_job

try:  # POSIX; elsewhere the processes of one instance are not coordinated
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    func_path: str
    interval: int
    queue: str = DEFAULT
    timeout: int = 300


# Domains add their periodic jobs here.
PERIODIC_JOBS: list[PeriodicJob] = [
    PeriodicJob("wcl.cohorts.jobs.send_session_reminders", interval=15 * 60),
    PeriodicJob("wcl.cohorts.jobs.send_checkin_reminders", interval=6 * 60 * 60),
    PeriodicJob("wcl.campaigns.jobs.advance_due_campaigns", 60),
    PeriodicJob("wcl.payments.jobs.expire_stale_pledges", 900),
    PeriodicJob("wcl.payments.jobs.sweep_inbox", 60, queue=WEBHOOKS),
    PeriodicJob("wcl.jobs.jobs.sweep_outbox", 60),
    PeriodicJob("wcl.payments.jobs.reconcile", 60 * 60, timeout=1800),
    PeriodicJob("wcl.payments.jobs.poll_local_pledges", 5 * 60),
    PeriodicJob("wcl.accounts.jobs.purge_expired_sessions", 60 * 60),
    PeriodicJob("wcl.events.jobs.send_event_reminders", 15 * 60),
    PeriodicJob("wcl.outcomes.jobs.run_follow_ups", 60 * 60, timeout=900),
]

DEFAULT_TICK = 30  # seconds between two looks at the schedule


class InProcessSchedule:
    """Runs ``jobs`` in this process when each is due (the embedded default's cron).

    ``run_due(now)`` runs every job whose interval has passed since its last
    run (a job never run is due) and records the run in ``state_path``; ``now``
    is seconds since the epoch (``time.time()`` when left out), so tests drive
    the clock. ``start()`` calls it every ``tick`` seconds from a daemon thread.
    """

    def __init__(self, app, jobs=None, state_path=None, tick=DEFAULT_TICK):
        self.app = app
        self.jobs = list(PERIODIC_JOBS if jobs is None else jobs)
        self.state_path = Path(state_path or Path(app.instance_path) / "schedule-state.json")
        self.tick = tick
        self._stop = threading.Event()
        self._thread = None
        self._start_lock = threading.Lock()

    def run_due(self, now=None):
        """Run the jobs that are due; returns their dotted names (empty when another
        process holds the schedule right now)."""
        now = time.time() if now is None else now
        ran = []
        with self._locked() as held:
            if not held:
                return ran
            state = self._read_state()
            for job in self.jobs:
                last = state.get(job.func_path)
                if last is not None and now - last < job.interval:
                    continue
                self._run(job)
                state[job.func_path] = now
                self._write_state(state)
                ran.append(job.func_path)
        return ran

    def _run(self, job):
        try:
            with self.app.app_context():
                run_job(job.func_path)
        except Exception:
            # One failing job must not stop the others or the thread; the next
            # interval tries again (jobs are idempotent).
            log.exception("periodic job %s failed", job.func_path)
            if self.app.config.get("TESTING") and self.app.config.get("SCHEDULE_RAISE", True):
                raise

    @contextmanager
    def _locked(self):
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        if fcntl is None:  # pragma: no cover
            yield True
            return
        with open(self.state_path.with_suffix(".lock"), "a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _read_state(self):
        try:
            return json.loads(self.state_path.read_text())
        except (OSError, ValueError):
            return {}

    def _write_state(self, state):
        tmp = self.state_path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(state))
        os.replace(tmp, self.state_path)

    def start(self):
        """Start the daemon thread (once); later calls do nothing."""
        with self._start_lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._loop, name="wcl-schedule", daemon=True)
            self._thread.start()
            log.info("in-process schedule started (no REDIS_URL): %d periodic jobs", len(self.jobs))

    @property
    def running(self):
        return self._thread is not None and self._thread.is_alive()

    def stop(self, timeout=10):
        """Stop the thread after the job it is running, if any."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self):
        while not self._stop.is_set():
            try:
                self.run_due()
            except Exception:
                log.exception("in-process schedule failed")
            self._stop.wait(self.tick)


def init_app(app):
    """Without Redis, run the schedule in the web process from its first request.

    ``SCHEDULE_IN_PROCESS``: ``None`` (the default) means "when ``REDIS_URL``
    is unset, outside tests"; ``True``/``False`` force it. ``SCHEDULE_TICK``
    sets the seconds between two looks at the schedule. The thread starts at
    the first request, not here, so CLI commands (``flask db upgrade``) never
    run jobs.
    """
    enabled = app.config.get("SCHEDULE_IN_PROCESS")
    if enabled is None:
        enabled = not app.config.get("REDIS_URL") and not app.config.get("TESTING")
    if not enabled:
        return
    schedule = InProcessSchedule(app, tick=app.config.get("SCHEDULE_TICK", DEFAULT_TICK))
    app.extensions["wcl_schedule"] = schedule

    @app.before_request
    def _start_schedule():
        if schedule._thread is None:
            schedule.start()
