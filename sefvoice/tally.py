"""Keeping answer_tally in step with the submitted answers, in SQL.

Each submitted response adds its counts with INSERT ... SELECT ... GROUP BY ... ON CONFLICT
DO UPDATE, inside the transaction that submits it, so the tally can never miss one.
"""

from __future__ import annotations

from sqlalchemy import Date, String, cast, delete, exists, func, literal, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import ColumnElement

from .extensions import db
from .models import Answer, AnswerChoice, AnswerTally, Response, Survey

TALLY_COLUMNS = ["survey_slug", "question_id", "kind", "key", "filled_by", "month", "count"]


def _month():
    """The first day of the submission's month, as each database writes a date."""
    if db.engine.dialect.name == "sqlite":
        return func.date(Response.submitted_at, "start of month")  # 'YYYY-MM-01' text
    return cast(func.date_trunc("month", Response.submitted_at), Date)


def _counts(which: ColumnElement[bool], sign: int) -> list:
    """The four SELECTs ... GROUP BY that count the chosen responses' answers."""
    day, n = _month(), func.count() * sign
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
        select(
            Survey.slug, literal(""), literal("response"), literal(""), Response.filled_by, day, n
        )
        .select_from(Response)
        .join(Survey, Response.survey_id == Survey.id)
        .where(which)
        .group_by(Survey.slug, Response.filled_by, day),
        answers.add_columns(
            *per_answer, literal("answered"), literal(""), Response.filled_by, day, n
        )
        .where(or_(Answer.number.is_not(None), Answer.text.is_not(None), chose))
        .group_by(*per_answer, Response.filled_by, day),
        answers.join(AnswerChoice, AnswerChoice.answer_id == Answer.id)
        .add_columns(
            *per_answer, literal("choice"), AnswerChoice.option_id, Response.filled_by, day, n
        )
        .group_by(*per_answer, AnswerChoice.option_id, Response.filled_by, day),
        answers.add_columns(
            *per_answer, literal("number"), cast(Answer.number, String), Response.filled_by, day, n
        )
        .where(Answer.number.is_not(None))
        .group_by(*per_answer, Answer.number, Response.filled_by, day),
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
