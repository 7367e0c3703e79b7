"""Start an RQ worker for wcl, with RQ's scheduler, inside the app context.

    python -m workers.worker                 # all queues, in priority order
    python -m workers.worker webhooks        # only some queues
    python -m workers.worker --burst         # drain the queues and exit

The worker forks a work horse per job; the SQLAlchemy engine inherited from
the parent is disposed in the child (close=False) so connections are never
shared across processes.
"""

import argparse
import importlib
import os
import pkgutil
import sys

from rq import Worker

from wcl import create_app
from wcl.extensions import db
from wcl.queue import QUEUES, get_queue, redis_connection, set_worker_app


def preload_jobs():
    """Import every domain's ``jobs`` module in the parent process.

    Each job runs in a freshly forked work horse: whatever the parent has not
    imported (e.g. the stripe library) would be imported again for every job.
    """
    import wcl

    for module in pkgutil.iter_modules(wcl.__path__):
        if module.ispkg:
            try:
                importlib.import_module(f"wcl.{module.name}.jobs")
            except ModuleNotFoundError as exc:
                if exc.name != f"wcl.{module.name}.jobs":
                    raise


def build_worker(app, queue_names):
    """An RQ worker listening on ``queue_names`` of the app's Redis."""
    queues = [get_queue(name, app) for name in queue_names]
    return Worker(queues, connection=redis_connection(app))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("queues", nargs="*", default=list(QUEUES), help=f"any of {QUEUES}")
    parser.add_argument("--burst", action="store_true", help="exit when the queues are empty")
    args = parser.parse_args(argv)
    unknown = set(args.queues) - set(QUEUES)
    if unknown:
        parser.error(f"unknown queue(s): {sorted(unknown)}")

    app = create_app()
    if redis_connection(app) is None:
        sys.exit("REDIS_URL is not set: jobs run inline in the web process, no worker is needed.")
    set_worker_app(app)
    preload_jobs()
    with app.app_context():
        engine = db.engine
        os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))
        worker = build_worker(app, args.queues)
        worker.work(with_scheduler=True, burst=args.burst)


if __name__ == "__main__":
    main()
