"""Helpers shared by tests: logging in, CSRF tokens, outbox, workers."""

import email
import re
from email import policy
from pathlib import Path

from rq import SimpleWorker

from wcl.queue import QUEUES, get_queue, redis_connection

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, path):
    """GET ``path`` and return the CSRF token of its first form."""
    response = client.get(path)
    match = CSRF_RE.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {path} (status {response.status_code})"
    return match.group(1)


def post_form(client, path, data, get_path=None, **kwargs):
    """POST ``data`` to ``path`` with a valid CSRF token taken from ``get_path``."""
    data = dict(data)
    data["csrf_token"] = csrf_token(client, get_path or path)
    return client.post(path, data=data, **kwargs)


def login(client, email, password):
    """Sign in through the real form; asserts it worked."""
    response = post_form(client, "/account/login", {"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def signed_in(app, who, password=None):
    """A test client of ``app`` signed in as ``<who>@example.org`` (the factories' password by default)."""
    from tests.factories.accounts import PASSWORD

    client = app.test_client()
    login(client, f"{who}@example.org", password or PASSWORD)
    return client


def outbox_messages(app):
    """Every email written to the outbox, oldest first, as ``EmailMessage``."""
    folder = Path(app.config["OUTBOX_DIR"])
    if not folder.exists():
        return []
    return [
        email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in sorted(folder.glob("*.eml"))
    ]


def message_text(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message, pattern=r"https?://\S+"):
    match = re.search(pattern, message_text(message))
    assert match, "no link in the email"
    return match.group(0)


def queued_jobs(app):
    """Descriptions (dotted names) of the jobs waiting in every queue."""
    with app.app_context():
        return [job.description for name in QUEUES for job in get_queue(name).jobs]


def drain_queues(app):
    """Run every queued job with a real RQ worker (burst mode), in-process."""
    with app.app_context():
        queues = [get_queue(name) for name in QUEUES]
        worker = SimpleWorker(queues, connection=redis_connection())
        worker.work(burst=True)
        return worker


def query_plan(statement, values=None, seqscan=True):
    """PostgreSQL's ``EXPLAIN`` of ``statement`` run with ``values``, as one string.
    ``seqscan=False`` forbids sequential scans where another way exists: on a tiny
    test table it shows whether an index could serve the query at all."""
    import sqlalchemy as sa

    from wcl.extensions import db

    compiled = statement.compile(dialect=db.engine.dialect)
    with db.engine.begin() as conn:
        if not seqscan:
            conn.execute(sa.text("SET LOCAL enable_seqscan = off"))
        rows = conn.exec_driver_sql(f"EXPLAIN {compiled}", compiled.construct_params(values or {}))
        return "\n".join(row[0] for row in rows)
