"""Start an RQ worker for wcl, with RQ's scheduler, inside the app context.

    python -m workers.worker                 # all queues, in priority order
    python -m workers.worker webhooks        # only some queues
    python -m workers.worker --burst         # drain the queues and exit
    python -m workers.worker --no-fork webhooks  # run jobs in this process

By default the worker forks a work horse per job; the SQLAlchemy engine
inherited from the parent is disposed in the child (close=False) so
connections are never shared across processes. ``--no-fork`` runs each job in
the worker process itself (RQ's SimpleWorker), keeping its connection pool
warm: for the many tiny jobs of the webhooks queue the fork and the fresh
database connection cost more than the job. A job that crashes the process
takes the worker with it; its supervisor restarts it, RQ fails the abandoned
job and the inbox sweeper re-enqueues the event. The job timeout still holds
(SIGALRM in the main thread).
"""

import argparse
import importlib
import os
import pkgutil
import sys

from rq import SimpleWorker, Worker

from wcl import create_app
from wcl.extensions import db
from wcl.queue import DEFAULT, QUEUES, RECEIPTS, get_queue, redis_connection, set_worker_app

# Queues whose jobs print PDFs (receipts; certificates and report exports on default).
PDF_QUEUES = {RECEIPTS, DEFAULT}


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


def warm_up(app, pdf=False):
    """Do once in the worker what every job would otherwise redo.

    A forked work horse inherits the parent's memory: with the catalogues, the
    locale data and the compiled templates loaded here (and, for queues that
    print PDFs, WeasyPrint and the bundled fonts), a job starts with them ready
    instead of re-reading them, which costs more than most jobs.
    """
    from wcl import i18n

    with app.app_context():
        i18n.warm_up()
        for name in app.jinja_env.list_templates():
            app.jinja_env.get_template(name)
        if pdf:
            from wcl.pdf import warm_up as warm_pdf

            warm_pdf()


def build_worker(app, queue_names, fork=True):
    """An RQ worker listening on ``queue_names`` of the app's Redis.

    ``fork=False`` runs jobs in the worker's own process (see the module docstring).
    """
    queues = [get_queue(name, app) for name in queue_names]
    worker_class = Worker if fork else SimpleWorker
    return worker_class(queues, connection=redis_connection(app))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("queues", nargs="*", default=list(QUEUES), help=f"any of {QUEUES}")
    parser.add_argument("--burst", action="store_true", help="exit when the queues are empty")
    parser.add_argument(
        "--no-fork", action="store_true", help="run jobs in the worker process (no work horse per job)"
    )
    args = parser.parse_args(argv)
    unknown = set(args.queues) - set(QUEUES)
    if unknown:
        parser.error(f"unknown queue(s): {sorted(unknown)}")

    app = create_app()
    if redis_connection(app) is None:
        sys.exit("REDIS_URL is not set: jobs run inline in the web process, no worker is needed.")
    set_worker_app(app)
    preload_jobs()
    warm_up(app, pdf=bool(set(args.queues) & PDF_QUEUES))
    with app.app_context():
        engine = db.engine
        os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))
        worker = build_worker(app, args.queues, fork=not args.no_fork)
        worker.work(with_scheduler=True, burst=args.burst)


if __name__ == "__main__":
    main()
