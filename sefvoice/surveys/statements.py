"""The statements every survey page runs, and the connection they run on."""

from __future__ import annotations

from flask import g
from sqlalchemy import Connection, and_, bindparam, delete, func, insert, or_, select, true, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import scoped_session

from ..extensions import db
from ..models import Answer, AnswerChoice, Response, Survey


def transaction_owner() -> Connection | scoped_session:
    """What the survey functions run on and commit. A survey page has its own Core
    connection (surveys.views.on_own_connection): the ORM session's bookkeeping around a
    page's one to five statements cost more than the statements (bench/pages.py). Anywhere
    else (staff pages, paper entry, the command line, tests) it is the ORM session, so that
    their ORM work and these functions share one transaction."""
    return g.get("survey_connection") or db.session


def connection() -> Connection:
    owner = transaction_owner()
    return owner if isinstance(owner, Connection) else owner.connection()


def commit_transaction() -> None:
    transaction_owner().commit()


def rollback_transaction() -> None:
    transaction_owner().rollback()


# Statements every survey page runs, built once: building one costs as much as running it.
# Core statements on the tables where a page needs a few columns: loading ORM objects, and
# the unit of work when saving, cost more than the database does.
SURVEYS, RESPONSES = Survey.__table__, Response.__table__
ANSWERS, CHOICES = Answer.__table__, AnswerChoice.__table__


def _newest_version(*columns):
    return (
        select(*columns)
        .where(SURVEYS.c.slug == bindparam("slug"))
        .order_by(SURVEYS.c.version.desc())
        .limit(1)
    )


NOW = bindparam("now")
# Survey.takes_answers in SQL: open, and now within the schedule.
TAKES_ANSWERS = and_(
    SURVEYS.c.is_open,
    or_(SURVEYS.c.opens_at.is_(None), SURVEYS.c.opens_at <= NOW),
    or_(SURVEYS.c.closes_at.is_(None), SURVEYS.c.closes_at > NOW),
)
CURRENT_SURVEY = _newest_version(Survey)
IS_OPEN = _newest_version(TAKES_ANSWERS)
NEWEST_VERSION = _newest_version(
    SURVEYS.c.id, SURVEYS.c.slug, SURVEYS.c.version, SURVEYS.c.loaded_at, TAKES_ANSWERS
)
HELD_RESPONSE = (
    select(
        RESPONSES.c.id,
        RESPONSES.c.submitted_at,
        RESPONSES.c.last_saved_at,
        SURVEYS.c.id,
        SURVEYS.c.slug,
        SURVEYS.c.version,
        SURVEYS.c.loaded_at,
        IS_OPEN.scalar_subquery(),
    )
    .join_from(RESPONSES, SURVEYS, RESPONSES.c.survey_id == SURVEYS.c.id)
    .where(
        RESPONSES.c.id == bindparam("response_id"),
        RESPONSES.c.holder_token_hash == bindparam("token_hash"),
    )
)
ANSWERS_TO_RESPONSE = (
    select(ANSWERS.c.question_id, ANSWERS.c.number, ANSWERS.c.text, CHOICES.c.option_id)
    .outerjoin(CHOICES, CHOICES.c.answer_id == ANSWERS.c.id)
    .where(ANSWERS.c.response_id == bindparam("response_id"))
    .order_by(ANSWERS.c.id, CHOICES.c.position)
)
# A question page needs the held response and its saved answer: one round trip, not two.
HELD_RESPONSE_AND_ANSWER = (
    HELD_RESPONSE.add_columns(ANSWERS.c.id, ANSWERS.c.number, ANSWERS.c.text, CHOICES.c.option_id)
    .outerjoin(
        ANSWERS,
        and_(
            ANSWERS.c.response_id == RESPONSES.c.id,
            ANSWERS.c.question_id == bindparam("question_id"),
        ),
    )
    .outerjoin(CHOICES, CHOICES.c.answer_id == ANSWERS.c.id)
    .order_by(CHOICES.c.position)
)
START_RESPONSE = insert(RESPONSES).returning(RESPONSES.c.id)  # the other columns' defaults
DELETE_CHOICES = delete(CHOICES).where(CHOICES.c.answer_id == bindparam("answer_id"))
INSERT_CHOICES = insert(CHOICES)
# Saving an answer starts by claiming the response: one statement checks what the survey
# pages check (held by this browser's token, answering this version, not sent, not run out,
# its survey taking answers now) and sets the response's last-saved time, which locks the
# response until the answer is stored. It stands in for reading the response and then
# touching it: two round trips of a save's seven.
CLAIM_RESPONSE = (
    update(RESPONSES)
    .where(
        RESPONSES.c.id == bindparam("response_id"),
        RESPONSES.c.holder_token_hash == bindparam("token_hash"),
        # Not "survey_id": a key named as a column of the table updated is taken as a value.
        RESPONSES.c.survey_id == bindparam("of_survey"),
        RESPONSES.c.submitted_at.is_(None),
        RESPONSES.c.last_saved_at >= bindparam("kept_since"),
        IS_OPEN.scalar_subquery(),  # the newest version of the survey named by "slug"
    )
    .values(last_saved_at=NOW)
    .returning(RESPONSES.c.id)
)
SURVEY_VERSION = select(SURVEYS.c.id, SURVEYS.c.slug, SURVEYS.c.version, SURVEYS.c.loaded_at).where(
    SURVEYS.c.id == bindparam("survey_id")
)
REPLACE_ANSWER = (
    update(ANSWERS)
    .where(
        ANSWERS.c.response_id == bindparam("of_response"),
        ANSWERS.c.question_id == bindparam("of_question"),
    )
    .values(number=bindparam("number"), text=bindparam("text"), saved_at=bindparam("saved_at"))
    .returning(ANSWERS.c.id)
)
SUBMIT = (
    update(RESPONSES)
    .where(RESPONSES.c.id == bindparam("response_id"), RESPONSES.c.submitted_at.is_(None))
    .values(submitted_at=bindparam("submitted_at"), source_hash=bindparam("source_hash"))
)


def _claim_and_save_first_answer():
    """CLAIM_RESPONSE, and the first answer to a question with its choices, as one statement
    (PostgreSQL's data-modifying WITH; SQLite has none): the save's claim, answer and choices
    in one round trip instead of three. Returns the claimed response's id (no row: not
    claimed) and the answer's (None: the question was answered before, so nothing stored)."""
    claimed = CLAIM_RESPONSE.cte("claimed")
    first_answer = (
        postgresql.insert(ANSWERS)
        .from_select(
            ["response_id", "question_id", "number", "text", "saved_at"],
            select(
                claimed.c.id,
                bindparam("question_id", type_=ANSWERS.c.question_id.type),
                bindparam("number", type_=ANSWERS.c.number.type),
                bindparam("text", type_=ANSWERS.c.text.type),
                NOW,
            ),
        )
        .on_conflict_do_nothing(index_elements=[ANSWERS.c.response_id, ANSWERS.c.question_id])
        .returning(ANSWERS.c.id)
        .cte("first_answer")
    )
    chosen = (
        func.unnest(bindparam("option_ids", type_=postgresql.ARRAY(CHOICES.c.option_id.type)))
        .table_valued("option_id", with_ordinality="place")
        .render_derived()
    )
    choices = insert(CHOICES).from_select(
        ["answer_id", "option_id", "position"],
        select(first_answer.c.id, chosen.c.option_id, chosen.c.place - 1).select_from(
            first_answer.join(chosen, true())
        ),
    )
    return (
        select(claimed.c.id, first_answer.c.id)
        .select_from(claimed.outerjoin(first_answer, true()))
        .add_cte(choices.cte("choices"))
    )


CLAIM_AND_SAVE_FIRST_ANSWER = _claim_and_save_first_answer()
