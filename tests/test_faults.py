"""When the database fails: a plain retry page (503), one log line, nothing saved is lost, and
the next request works without restarting the app."""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from sefvoice.database import LOST_AFTER_THE_PAGE
from sefvoice.extensions import db
from sefvoice.models import Answer, Response

from .conftest import csrf_token, post_form
from .test_taking_a_survey import ALL_ANSWERS, SLUG, answer, start

RETRY_MESSAGE = ("We could not save that just now", "Your earlier answers are safe.")

# Each dialect's way to make one connection refuse every write.
READ_ONLY = {
    "sqlite": "PRAGMA query_only = ON",
    "postgresql": "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
}


@contextmanager
def read_only_database(app: Flask) -> Iterator[None]:
    """Every new connection is read-only, as when the disk is remounted read-only."""
    with app.app_context():
        engine = db.engine

    def make_read_only(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(READ_ONLY[engine.dialect.name])
        cursor.close()
        dbapi_connection.commit()  # PostgreSQL: a SET inside a rolled-back transaction is undone

    event.listen(engine, "connect", make_read_only)
    engine.dispose()  # the pooled connections were writable: open new ones
    try:
        yield
    finally:
        event.remove(engine, "connect", make_read_only)
        engine.dispose()


WRITE = re.compile(r"\s*(INSERT|UPDATE|WITH\b.*\b(INSERT|UPDATE)\b)", re.IGNORECASE | re.DOTALL)


@contextmanager
def next_write_fails(app: Flask, error: Callable[[str], Exception] | None = None) -> Iterator[list]:
    """The next INSERT or UPDATE fails (on its own, or in a WITH: PostgreSQL's one-statement
    save). Without `error`, on PostgreSQL its connection is really terminated by the server
    (pg_terminate_backend) just before; elsewhere `error` is raised."""
    with app.app_context():
        engine = db.engine
    fired: list[str] = []

    def fail(_conn, cursor, statement, _parameters, _context, _executemany) -> None:
        if fired or not WRITE.match(statement):
            return
        fired.append(statement)
        if error is None and engine.dialect.name == "postgresql":
            terminate(engine, cursor.connection.info.backend_pid)
            return
        raise (error or dropped)(statement)

    event.listen(engine, "before_cursor_execute", fail)
    try:
        yield fired
    finally:
        event.remove(engine, "before_cursor_execute", fail)


@contextmanager
def connection_lost_after_the_page(app: Flask) -> Iterator[list]:
    """The request's connection dies once its page is made: on PostgreSQL it is really
    terminated just before the session's closing rollback; elsewhere that rollback fails."""
    with app.app_context():
        engine = db.engine
    fired: list[str] = []

    def lose(connection) -> None:
        if fired:
            return
        fired.append("ROLLBACK")
        if engine.dialect.name == "postgresql":
            terminate(engine, connection.connection.dbapi_connection.info.backend_pid)
            return
        raise dropped("ROLLBACK")

    event.listen(engine, "rollback", lose)
    try:
        yield fired
    finally:
        event.remove(engine, "rollback", lose)


def terminate(engine, backend_pid: int) -> None:
    """End one PostgreSQL connection from outside, as a restart or an admin would."""
    killer = create_engine(engine.url, poolclass=NullPool)
    with killer.begin() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend_pid})
    killer.dispose()


def dropped(statement: str) -> Exception:
    return OperationalError(statement, {}, sqlite3.OperationalError("disk I/O error"))


def stored_answers(app: Flask) -> dict[str, int]:
    """How many rows each question has, over every response."""
    with app.app_context():
        rows = db.session.execute(
            select(Answer.question_id, func.count()).group_by(Answer.question_id)
        )
        return dict(rows.all())


def assert_retry_page(reply, caplog, path: str) -> None:
    assert reply.status_code == 503
    assert reply.headers["Retry-After"].isdigit()
    page = reply.get_data(as_text=True)
    for words in RETRY_MESSAGE:
        assert words in page
    assert "Please try again." in page and f'href="{path}"' in page  # the "Try again" button
    assert "Traceback" not in page and "sqlalchemy" not in page.lower()
    logged = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(logged) == 1, [r.getMessage() for r in logged]
    line = logged[0].getMessage()
    assert "Error" in line and path in line and "\n" not in line
    assert logged[0].exc_info is None  # one line, no stack trace in the log either
    # The page was never made: nothing may say the connection went after it was.
    assert not any(LOST_AFTER_THE_PAGE in r.getMessage() for r in caplog.records)


def test_read_only_database_gives_a_retry_page_and_keeps_earlier_answers(app, client, caplog):
    start(client)
    assert answer(client, "pick-one", "cats").status_code == 302
    with read_only_database(app):
        page = client.get(f"/s/{SLUG}/q/pick-many")  # reading still works
        assert page.status_code == 200
        caplog.clear()
        reply = answer(client, "pick-many", ["bus"])
        assert_retry_page(reply, caplog, f"/s/{SLUG}/q/pick-many")
    assert stored_answers(app) == {"pick-one": 1}
    # Writable again: the same page goes through, with no restart.
    assert answer(client, "pick-many", ["bus"]).status_code == 302
    assert stored_answers(app) == {"pick-one": 1, "pick-many": 1}


def test_dropped_connection_gives_one_retry_page_then_works(app, client, caplog):
    start(client)
    assert answer(client, "pick-one", "dogs").status_code == 302
    with next_write_fails(app) as fired:
        caplog.clear()
        reply = answer(client, "pick-many", ["car"])
        assert fired, "the fault was never injected"
        assert_retry_page(reply, caplog, f"/s/{SLUG}/q/pick-many")
        # The very next request, on the same app, saves.
        assert answer(client, "pick-many", ["car"]).status_code == 302
        assert answer(client, "three-faces", "ok").status_code == 302
    assert stored_answers(app) == {"pick-one": 1, "pick-many": 1, "three-faces": 1}


@pytest.mark.parametrize(
    "message", ["database or disk is full", "database is locked", "attempt to write a readonly"]
)
def test_each_kind_of_database_failure_gives_the_retry_page(app, client, caplog, message):
    def failure(statement: str) -> Exception:
        return OperationalError(statement, {}, sqlite3.OperationalError(message))

    with next_write_fails(app, failure):
        caplog.clear()
        reply = post_form(client, f"/s/{SLUG}", {"filled_by": "me"})
        assert_retry_page(reply, caplog, f"/s/{SLUG}")
    assert message not in reply.get_data(as_text=True)
    start(client)  # and then starting works
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1


def test_failure_while_sending_keeps_every_answer_and_sending_again_works(app, client, caplog):
    start(client)
    for question_id, value in ALL_ANSWERS:
        assert answer(client, question_id, value).status_code == 302
    with next_write_fails(app) as fired:
        caplog.clear()
        reply = post_form(client, f"/s/{SLUG}/check", {})
        assert fired
        assert_retry_page(reply, caplog, f"/s/{SLUG}/check")
    with app.app_context():
        assert db.session.scalar(select(Response.submitted_at)) is None
    assert stored_answers(app) == {question_id: 1 for question_id, _ in ALL_ANSWERS}
    reply = post_form(client, f"/s/{SLUG}/check", {})
    assert reply.status_code == 302 and reply.location.endswith(f"/s/{SLUG}/done")
    with app.app_context():
        assert db.session.scalar(select(Response.submitted_at)) is not None


def test_connection_lost_after_the_page_was_made_still_gives_the_page(app, client, caplog):
    start(client)
    token = csrf_token(client, f"/s/{SLUG}/q/pick-one")
    with connection_lost_after_the_page(app) as fired:
        caplog.clear()
        # A page sent back with an error: made inside the POST's transaction, so the closing
        # rollback has work to do (a page shown by GET reads outside one, on PostgreSQL).
        page = client.post(f"/s/{SLUG}/q/pick-one", data={"csrf_token": token})
        assert fired, "the fault was never injected"
    # The page was whole when the connection went: the respondent gets it, not a 500.
    assert page.status_code == 400 and "Choose one answer" in page.get_data(as_text=True)
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(LOST_AFTER_THE_PAGE in m for m in warned)
    assert answer(client, "pick-one", "cats").status_code == 302  # and the next one works
    assert stored_answers(app) == {"pick-one": 1}


def test_connections_the_server_ended_while_idle_are_replaced_unseen(
    database_url, app, client, caplog
):
    """A restart, failover or idle timeout ends the pooled connections between requests: the
    next pages are shown and answers saved as usual, with no retry page (each connection is
    tested as it leaves the pool: sefvoice.database.replace_dropped_connections)."""
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite is a file: no server can end its connections")
    start(client)
    assert answer(client, "pick-one", "cats").status_code == 302
    with app.app_context():
        engine = db.engine
        pooled = engine.pool.checkedin()
    assert pooled, "the requests left their connection in the pool"
    killer = create_engine(engine.url, poolclass=NullPool)
    with killer.begin() as connection:
        ended = connection.scalar(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        assert ended >= pooled
        # pg_terminate_backend only signals: wait until the ended connections are gone.
        for _ in range(100):
            left = connection.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
            if not left:
                break
            connection.execute(text("SELECT pg_sleep(0.02)"))
    killer.dispose()
    caplog.clear()
    assert client.get(f"/s/{SLUG}/q/pick-many").status_code == 200
    assert answer(client, "pick-many", ["bus"]).status_code == 302
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert stored_answers(app) == {"pick-one": 1, "pick-many": 1}
