"""Database set-up that is not a model: SQLite tuning and the 'is it migrated?' check."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, event

from .config import PROJECT_ROOT

MIGRATIONS_DIR = PROJECT_ROOT / "migrations"


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
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


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
