"""Keeping answer_tally in step with the submitted answers, in SQL.

Each submitted response adds its counts with INSERT ... SELECT ... GROUP BY ... ON CONFLICT
DO UPDATE, inside the transaction that submits it, so the tally can never miss one.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import Date, String, cast, delete, exists, func, literal, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import ColumnElement

from .extensions import db
from .models import Answer, AnswerChoice, AnswerTally, Response, Survey

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


def _month():
    """The first day of the submission's month in the partnership's time zone (submitted_at
    is naive UTC), as each database writes a date. Terms are made of these months."""
    zone = current_app.config["TIMEZONE"]
    if db.engine.dialect.name == "sqlite":  # no time zone data: see database.local_month
        return func.sefvoice_local_month(Response.submitted_at, zone)  # 'YYYY-MM-01' text
    local = func.timezone(zone, func.timezone("UTC", Response.submitted_at))
    return cast(func.date_trunc("month", local), Date)


def _counts(which: ColumnElement[bool], sign: int) -> list:
    """The four SELECTs ... GROUP BY that count the chosen responses' answers."""
    day, n = _month(), func.count() * sign
    # Grouped by (and written in this order after the answer's own columns) in each SELECT.
    by_whom = [Response.filled_by, Response.channel, day]
    answers = (
        select()
        .select_from(Answer)
        .join(Response, Answer.response_id == Response.id)
        .join(Survey, Response.survey_id == Survey.id)
        .where(which)
    )
    chose = exists().where(AnswerChoice.answer_id == Answer.id)
    per_answer = [Survey.slug, Answer.question_id]
    return [
        select(Survey.slug, literal(""), literal("response"), literal(""), *by_whom, n)
        .select_from(Response)
        .join(Survey, Response.survey_id == Survey.id)
        .where(which)
        .group_by(Survey.slug, *by_whom),
        answers.add_columns(*per_answer, literal("answered"), literal(""), *by_whom, n)
        .where(or_(Answer.number.is_not(None), Answer.text.is_not(None), chose))
        .group_by(*per_answer, *by_whom),
        answers.join(AnswerChoice, AnswerChoice.answer_id == Answer.id)
        .add_columns(*per_answer, literal("choice"), AnswerChoice.option_id, *by_whom, n)
        .group_by(*per_answer, AnswerChoice.option_id, *by_whom),
        answers.add_columns(
            *per_answer, literal("number"), cast(Answer.number, String), *by_whom, n
        )
        .where(Answer.number.is_not(None))
        .group_by(*per_answer, Answer.number, *by_whom),
    ]


def _upsert(select_statement):
    dialect = sqlite if db.engine.dialect.name == "sqlite" else postgresql
    statement = dialect.insert(AnswerTally).from_select(TALLY_COLUMNS, select_statement)
    return statement.on_conflict_do_update(
        index_elements=TALLY_COLUMNS[:-1],
        set_={"count": AnswerTally.count + statement.excluded["count"]},
    )


def add_responses(which: ColumnElement[bool], sign: int = 1) -> None:
    """Add (or with sign=-1, take away) the counts of the submitted responses `which` picks.

    Does not commit: the caller commits with the change the counts describe.
    """
    # Responses an officer set aside (sefvoice.bursts) are kept but not counted.
    submitted = Response.submitted_at.is_not(None) & Response.set_aside_batch_id.is_(None) & which
    for statement in _counts(submitted, sign):
        db.session.execute(_upsert(statement))
    if sign < 0:
        db.session.execute(delete(AnswerTally).where(AnswerTally.count <= 0))


def recount() -> int:
    """Rebuild the whole tally from the answers. Returns the tally rows written."""
    db.session.execute(delete(AnswerTally))
    add_responses(Response.id.is_not(None))
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(AnswerTally))
