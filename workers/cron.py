"""Start RQ's cron scheduler, which enqueues wcl's periodic jobs.

    python -m workers.cron

The jobs are listed in ``wcl/schedule.py``. Without Redis there is no cron
process: the web process runs the same schedule (``wcl.schedule.init_app``). Running two schedulers is safe
(every periodic job is idempotent) but wasteful; run one.
"""

import sys

from rq.cron import CronScheduler

from wcl import create_app
from wcl.queue import redis_connection, run_job
from wcl.schedule import PERIODIC_JOBS


def build_scheduler(app):
    """A cron scheduler with every periodic job registered."""
    scheduler = CronScheduler(connection=redis_connection(app))
    for job in PERIODIC_JOBS:
        scheduler.register(
            run_job,
            queue_name=job.queue,
            args=(job.func_path,),
            interval=job.interval,
            job_timeout=job.timeout,
        )
    return scheduler


def main():
    app = create_app()
    if redis_connection(app) is None:
        sys.exit(
            "REDIS_URL is not set: the web process runs the periodic jobs itself "
            "(wcl.schedule.InProcessSchedule), or run `flask --app wcl jobs run-periodic`."
        )
    with app.app_context():
        build_scheduler(app).start()


if __name__ == "__main__":
    main()
