"""Database set-up that is not a model: SQLite tuning and the 'is it migrated?' check."""

from __future__ import annotations

import select
from datetime import UTC, datetime
from logging import Logger
from zoneinfo import ZoneInfo

from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, event
from sqlalchemy.exc import DBAPIError, DisconnectionError

from .config import MIGRATIONS_DIR

SQLITE_BUSY_MS = 5000  # how long a writer waits for another to finish
LOST_AFTER_THE_PAGE = "database connection lost after the response was made"


class DatabaseNotMigrated(RuntimeError):
    pass


def local_month(stored: str | None, zone: str) -> str | None:
    """'YYYY-MM-01' of the month a naive UTC time (as SQLite stores it) falls in, in `zone`."""
    if stored is None:
        return None
    local = datetime.fromisoformat(stored).replace(tzinfo=UTC).astimezone(ZoneInfo(zone))
    return f"{local:%Y-%m}-01"


def tune_sqlite(engine: Engine) -> None:
    """WAL lets readers and one writer work at once; the busy timeout makes writers queue.
    SQLite has no time zone data, so the tally's local month is a Python function."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.create_function("sefvoice_local_month", 2, local_month, deterministic=True)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def replace_dropped_connections(engine: Engine) -> None:
    """Test each pooled PostgreSQL connection as it is taken from the pool, so that one the
    server dropped while it sat idle (a restart, a failover, pg_terminate_backend, an idle
    timeout) is replaced unseen instead of failing the request.

    SQLAlchemy's pool_pre_ping sends SELECT 1 for this: a round trip on every request, which
    under load cost more of a worker's time than any query (py-spy, 1,000 users). A server
    that ends a connection says so on its socket (its error message, then end of file), so
    the socket is looked at instead: anything to read while the connection is idle means it
    is finished, and the pool opens another (raising DisconnectionError makes it retry).
    SQLite needs nothing: it is a file, not a server that can drop a connection."""
    if engine.dialect.name != "postgresql":
        return

    @event.listens_for(engine, "checkout")
    def _check(dbapi_connection, _record, _proxy) -> None:
        if dbapi_connection.closed or dbapi_connection.broken:
            raise DisconnectionError("the connection was closed")
        readable, _, _ = select.select([dbapi_connection.fileno()], [], [], 0)
        if readable:
            raise DisconnectionError("the server ended the connection while it was idle")


def close_after_the_page(connection: Connection, logger: Logger) -> None:
    """Close a request's connection once its page is made. Closing rolls back, which raises
    on a connection that died meanwhile: the page is whole (an answer already committed),
    so it is still sent, not a bare 500, and the pool replaces the connection."""
    try:
        connection.close()
    except DBAPIError as error:
        logger.warning("%s: %s", LOST_AFTER_THE_PAGE, type(error.orig or error).__name__)


def migration_heads() -> set[str]:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return set(ScriptDirectory.from_config(config).get_heads())


def check_migrated(engine: Engine) -> None:
    """Raise DatabaseNotMigrated, naming the command to run, unless the schema is at head."""
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    if current != migration_heads():
        raise DatabaseNotMigrated(
            f"The database at {engine.url.render_as_string(hide_password=True)} is not up to date"
            f" (it is at {sorted(current) or 'no version'}). Run: sefvoice db upgrade"
        )
