"""A fresh database for a benchmark: a new SQLite file, or a PostgreSQL database emptied."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text


def fresh_database(url: str | None, sqlite_file: Path) -> str:
    """`url` with its public schema wiped (PostgreSQL), or, without a URL, a SQLite file."""
    if url is None:
        return f"sqlite:///{sqlite_file}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url
