"""Start an RQ worker for wcl, with RQ's scheduler, inside the app context.

    python -m workers.worker                 # all queues, in priority order
    python -m workers.worker webhooks        # only some queues
    python -m workers.worker --burst         # drain the queues and exit
    python -m workers.worker --fork receipts  # force a work horse per job
    python -m workers.worker --no-fork default  # force jobs in this process

The default layout is the fast one for each queue. A worker whose queues are
only ``webhooks``, ``receipts`` and ``emails`` runs each job in its own process
(RQ's SimpleWorker), keeping its connection pool, catalogues and fonts warm:
for those many short jobs a fork and a fresh database connection per job cost
more than the job (bench/webhooks.py: 5 events/s forking against 128/s;
bench/receipts.py: 5.6 receipts/s against 25.4/s). A worker that also takes
``default`` (certificates, report PDFs over a whole programme: long, large
renders) forks a work horse per job, so a render that blows up its memory dies
alone; the SQLAlchemy engine inherited from the parent is disposed in the
child (close=False) so connections are never shared across processes. A job that crashes the process
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
# Queues whose jobs are worth a process of their own (long, memory-hungry renders).
ISOLATED_QUEUES = {DEFAULT}


def forks(queue_names, fork=None):
    """Whether a worker on ``queue_names`` forks a work horse per job: as asked
    (``--fork`` / ``--no-fork``), else only when it takes an isolated queue."""
    if fork is not None:
        return fork
    return bool(set(queue_names) & ISOLATED_QUEUES)


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


def add_fork_options(parser):
    """``--fork`` / ``--no-fork`` (``args.fork``: True, False, or None for each queue's default layout)."""
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--no-fork",
        dest="fork",
        action="store_false",
        default=None,
        help="run every job in the worker process",
    )
    mode.add_argument("--fork", dest="fork", action="store_true", help="fork a work horse for every job")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("queues", nargs="*", default=list(QUEUES), help=f"any of {QUEUES}")
    parser.add_argument("--burst", action="store_true", help="exit when the queues are empty")
    add_fork_options(parser)
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
        worker = build_worker(app, args.queues, fork=forks(args.queues, args.fork))
        worker.work(with_scheduler=True, burst=args.burst)


if __name__ == "__main__":
    main()
