"""Keeping answer_tally in step with the submitted answers, in SQL.

Each submitted response adds its counts with one INSERT ... SELECT ... GROUP BY ... ON
CONFLICT DO UPDATE, inside the transaction that submits it, so the tally can never miss one.
"""

from __future__ import annotations

from functools import lru_cache

from flask import current_app
from sqlalchemy import (
    Connection,
    Date,
    String,
    bindparam,
    cast,
    delete,
    exists,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.dml import Insert

from .extensions import db
from .models import Answer, AnswerChoice, AnswerTally, Response, Survey

# Core tables, not the ORM classes: an INSERT ... SELECT on a mapped class goes through the
# ORM's bulk-insert path, which costs more than the statement on every send.
TALLY, RESPONSES, SURVEYS = AnswerTally.__table__, Response.__table__, Survey.__table__
ANSWERS, CHOICES = Answer.__table__, AnswerChoice.__table__

TALLY_COLUMNS = [
    "survey_slug",
    "question_id",
    "kind",
    "key",
    "filled_by",
    "channel",
    "month",
    "count",
]


def _month(dialect: str, zone: str):
    """The first day of the submission's month in the partnership's time zone (submitted_at
    is naive UTC), as each database writes a date. Terms are made of these months."""
    if dialect == "sqlite":  # no time zone data: see database.local_month
        return func.sefvoice_local_month(RESPONSES.c.submitted_at, zone)  # 'YYYY-MM-01' text
    local = func.timezone(zone, func.timezone("UTC", RESPONSES.c.submitted_at))
    return cast(func.date_trunc("month", local), Date)


def _counts(which: ColumnElement[bool], sign: int, dialect: str, zone: str):
    """The chosen responses' counts, as one SELECT: four GROUP BYs (the responses, the
    questions answered, each option chosen, each number given) put together with UNION ALL."""
    day, n = _month(dialect, zone), func.count() * sign
    # Grouped by (and written in this order after the answer's own columns) in each SELECT.
    by_whom = [RESPONSES.c.filled_by, RESPONSES.c.channel, day]
    answers = (
        select()
        .select_from(ANSWERS)
        .join(RESPONSES, ANSWERS.c.response_id == RESPONSES.c.id)
        .join(SURVEYS, RESPONSES.c.survey_id == SURVEYS.c.id)
        .where(which)
    )
    chose = exists().where(CHOICES.c.answer_id == ANSWERS.c.id)
    per_answer = [SURVEYS.c.slug, ANSWERS.c.question_id]
    number = ANSWERS.c.number
    return union_all(
        select(SURVEYS.c.slug, literal(""), literal("response"), literal(""), *by_whom, n)
        .select_from(RESPONSES)
        .join(SURVEYS, RESPONSES.c.survey_id == SURVEYS.c.id)
        .where(which)
        .group_by(SURVEYS.c.slug, *by_whom),
        answers.add_columns(*per_answer, literal("answered"), literal(""), *by_whom, n)
        .where(or_(number.is_not(None), ANSWERS.c.text.is_not(None), chose))
        .group_by(*per_answer, *by_whom),
        answers.join(CHOICES, CHOICES.c.answer_id == ANSWERS.c.id)
        .add_columns(*per_answer, literal("choice"), CHOICES.c.option_id, *by_whom, n)
        .group_by(*per_answer, CHOICES.c.option_id, *by_whom),
        answers.add_columns(*per_answer, literal("number"), cast(number, String), *by_whom, n)
        .where(number.is_not(None))
        .group_by(*per_answer, number, *by_whom),
    ).subquery()


def _upsert(which: ColumnElement[bool], sign: int, dialect: str, zone: str) -> Insert:
    counts = _counts(which, sign, dialect, zone)
    # SQLite reads "ON CONFLICT" after a bare FROM as a join's ON: the WHERE settles it.
    rows = select(*counts.c).where(true())
    module = sqlite if dialect == "sqlite" else postgresql
    statement = module.insert(TALLY).from_select(TALLY_COLUMNS, rows)
    return statement.on_conflict_do_update(
        index_elements=TALLY_COLUMNS[:-1],
        set_={"count": TALLY.c.count + statement.excluded["count"]},
    )


def _submitted(which: ColumnElement[bool]) -> ColumnElement[bool]:
    # Responses an officer set aside (sefvoice.bursts) are kept but not counted.
    return RESPONSES.c.submitted_at.is_not(None) & RESPONSES.c.set_aside_batch_id.is_(None) & which


def add_responses(which: ColumnElement[bool], sign: int = 1) -> None:
    """Add (or with sign=-1, take away) the counts of the submitted responses `which` picks.

    Does not commit: the caller commits with the change the counts describe.
    """
    zone = current_app.config["TIMEZONE"]
    db.session.execute(_upsert(_submitted(which), sign, db.engine.dialect.name, zone))
    if sign < 0:
        db.session.execute(delete(TALLY).where(TALLY.c.count <= 0))


def add_response(connection: Connection, response_id: int) -> None:
    """Add the counts of one response just sent, on the connection that marked it sent
    (add_responses for one, with its statement built once: every send runs it). Does not
    commit."""
    statement = _one_response_upsert(connection.dialect.name, current_app.config["TIMEZONE"])
    connection.execute(statement, {"response_id": response_id})


@lru_cache(maxsize=4)
def _one_response_upsert(dialect: str, zone: str) -> Insert:
    return _upsert(_submitted(RESPONSES.c.id == bindparam("response_id")), 1, dialect, zone)


def recount() -> int:
    """Rebuild the whole tally from the answers. Returns the tally rows written."""
    db.session.execute(delete(TALLY))
    add_responses(RESPONSES.c.id.is_not(None))
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(TALLY))
