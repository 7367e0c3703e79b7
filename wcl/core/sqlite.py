"""SQLite settings for the embedded default: foreign keys, WAL, busy timeout.

Web and inline jobs (and a worker, if started) share the file, so WAL mode
and a busy timeout avoid "database is locked" under light concurrency.
"""

from sqlalchemy import event
from sqlalchemy.engine import Engine


def init_app(app):
    """Nothing to bind per app: the listener below applies to SQLite engines."""


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
