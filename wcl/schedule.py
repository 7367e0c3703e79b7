"""Periodic jobs, started by ``workers/cron.py`` (RQ's cron scheduler).

Each entry runs the job by its dotted name every ``interval`` seconds on its
queue. Jobs must be idempotent: two schedulers may both enqueue one run.
"""

from dataclasses import dataclass

from wcl.queue import DEFAULT, WEBHOOKS


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
    PeriodicJob("wcl.accounts.jobs.purge_expired_sessions", 60 * 60),
]
