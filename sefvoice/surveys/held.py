"""Responses in progress: starting, holding (by a browser's token), saving answers, sending."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from .. import answer_tally
from ..definitions import Question, SurveyDefinition, routing
from ..extensions import db
from ..models import Answer, Response, Survey, utcnow
from .codes import hash_code, new_code
from .statements import (
    ANSWERS,
    ANSWERS_TO_RESPONSE,
    CHOICES,
    CLAIM_AND_SAVE_FIRST_ANSWER,
    CLAIM_RESPONSE,
    DELETE_CHOICES,
    HELD_RESPONSE,
    HELD_RESPONSE_AND_ANSWER,
    INSERT_CHOICES,
    REPLACE_ANSWER,
    RESPONSES,
    START_RESPONSE,
    SUBMIT,
    commit_transaction,
    connection,
    rollback_transaction,
)
from .versions import SurveyVersion, survey_is_open


class HeldResponse(NamedTuple):
    """A response as the survey pages need it, with the saved answer to the question asked
    for (held_response's answer_to), if there is one."""

    id: int
    submitted_at: datetime | None
    last_saved_at: datetime
    survey: SurveyVersion
    saved_answer: SavedAnswer | None = None


def held_response(
    slug: str, response_id: int | None, token: str | None = None, answer_to: str | None = None
) -> tuple[HeldResponse | None, bool | None]:
    """The response a browser holds with its token (None: none, deleted since, or held by
    another browser now) and whether the survey takes answers now (None: no such survey).
    One query, not two: every survey page asks. With `answer_to` (a question id), the saved
    answer to that question comes in the same query."""
    if response_id is not None and token:
        values = {
            "response_id": response_id,
            "token_hash": token_hash(token),
            "slug": slug,
            "now": utcnow(),
            "question_id": answer_to,
        }
        statement = HELD_RESPONSE if answer_to is None else HELD_RESPONSE_AND_ANSWER
        rows = connection().execute(statement, values).all()
        if rows:
            first = rows[0]
            saved = None
            if answer_to is not None:  # rows end with the answer's id, number, text, an option
                answers = _grouped_answers(row[8:] for row in rows if row[8] is not None)
                saved = answers.get(first[8])
            return HeldResponse(*first[:3], SurveyVersion(*first[3:7]), saved), first[7]
    return None, survey_is_open(slug)


def save_held_answer(
    held_id: int | None,
    token: str | None,
    survey: SurveyVersion,
    keep_days: int,
    question: Question,
    option_ids: list[str] | None = None,
    number: int | None = None,
    text: str | None = None,
) -> bool:
    """Store the answer to `question` in the response of version `survey` that a browser
    holds (`held_id`, with its `token`), after claiming it (CLAIM_RESPONSE); False, and
    nothing stored, when it may not be saved to (none held, held by another browser, sent,
    run out, or its survey not taking answers: held_response and is_expired say which).

    On PostgreSQL the claim and a first answer to the question are one statement
    (CLAIM_AND_SAVE_FIRST_ANSWER): each round trip costs the app more than the database. An
    answer given before is replaced after it, in the same transaction, still claimed."""
    if held_id is None or not token:
        return False
    on, now = connection(), utcnow()
    values = {
        "response_id": held_id,
        "token_hash": token_hash(token),
        "of_survey": survey.id,
        "slug": survey.slug,
        "now": now,
        "kept_since": now - timedelta(days=keep_days),
    }
    if on.dialect.name == "postgresql":
        answer = {"question_id": question.id, "number": number, "text": text}
        answer["option_ids"] = option_ids or []
        row = on.execute(CLAIM_AND_SAVE_FIRST_ANSWER, values | answer).first()
        if row is not None and row[1] is not None:
            commit_transaction()
            return True
        claimed = row is not None
    else:
        claimed = on.scalar(CLAIM_RESPONSE, values) is not None
    if claimed:
        save_answer(held_id, question, option_ids, number, text)
    return claimed


def start_response(
    survey: Survey | SurveyVersion, filled_by: str, holder_token: str | None = None
) -> tuple[int, str]:
    """A new response's id and resume code; only the code's hash is stored. With
    `holder_token` (new_token), the browser starting it holds it from the start: one
    statement and one commit, not a second transaction to hand it over (hold_response)."""
    while True:
        code = new_code()
        values = {
            "survey_id": survey.id,
            "filled_by": filled_by,
            "resume_code_hash": hash_code(code),
            "holder_token_hash": token_hash(holder_token) if holder_token else None,
        }
        try:
            response_id = connection().scalar(START_RESPONSE, values)
            commit_transaction()
            return response_id, code
        except IntegrityError:  # the same code twice: vanishingly rare, so just draw again
            rollback_transaction()


def new_token() -> str:
    """A random token for the browser that holds a response (kept in its session instead of
    the code; only its hash is stored)."""
    return secrets.token_urlsafe(16)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hold_response(response_id: int) -> str:
    """A new token (new_token) for the browser that now holds the response: a browser that
    held it before no longer does. Commits."""
    token = new_token()
    db.session.execute(
        update(Response)
        .where(Response.id == response_id)
        .values(holder_token_hash=token_hash(token))
    )
    db.session.commit()
    return token


def replace_resume_code(response_id: int, token: str) -> str | None:
    """A new resume code for the response this browser holds with `token` (only a code's
    hash is kept, so the old one cannot be shown again; it stops working). None: not held."""
    while True:
        code = new_code()
        try:
            replaced = connection().execute(
                update(RESPONSES)
                .where(
                    RESPONSES.c.id == response_id,
                    RESPONSES.c.holder_token_hash == token_hash(token),
                )
                .values(resume_code_hash=hash_code(code))
            )
            commit_transaction()
        except IntegrityError:  # the same code twice: vanishingly rare, so just draw again
            rollback_transaction()
            continue
        return code if replaced.rowcount == 1 else None


def is_expired(
    response: Response | HeldResponse, keep_days: int, now: datetime | None = None
) -> bool:
    """An unfinished response is kept keep_days after its last saved answer."""
    now = now or utcnow()
    return response.submitted_at is None and response.last_saved_at < now - timedelta(
        days=keep_days
    )


def save_answer(
    response_id: int,
    question: Question,
    option_ids: list[str] | None = None,
    number: int | None = None,
    text: str | None = None,
    commit: bool = True,
) -> int:
    """Store (or replace) the answer to one question, in one transaction. Returns its id.

    Sending the same page twice, even at the same moment, leaves one answer: the row is
    inserted unless (response, question) has one, which is then replaced with its choices
    (a respondent's save has claimed the response first, save_held_answer, so the two take
    turns). Nothing given (all None) is a skip. commit=False leaves it to the caller (a
    staff-entered return is stored all at once).
    """
    on = connection()
    values = {
        "response_id": response_id,
        "question_id": question.id,
        "number": number,
        "text": text,
        "saved_at": utcnow(),
    }
    answer_id = on.scalar(_insert_answer(on.dialect.name), values)
    if answer_id is None:  # answered before: most answers are new, and need no DELETE
        replaced = {**values, "of_response": response_id, "of_question": question.id}
        answer_id = on.scalar(REPLACE_ANSWER, replaced)
        if question.is_choice:  # a number or text question never has choices to replace
            on.execute(DELETE_CHOICES, {"answer_id": answer_id})
    if option_ids:
        on.execute(
            INSERT_CHOICES,
            [
                {"answer_id": answer_id, "option_id": option_id, "position": position}
                for position, option_id in enumerate(option_ids)
            ],
        )
    if commit:
        commit_transaction()
    return answer_id


@lru_cache(maxsize=2)
def _insert_answer(dialect: str):
    """INSERT ... ON CONFLICT (response_id, question_id) DO NOTHING RETURNING id, built once
    in the database's own dialect (SQLite and PostgreSQL spell it the same way): no id back
    means the question was answered before."""
    module = {"sqlite": sqlite, "postgresql": postgresql}[dialect]
    statement = module.insert(ANSWERS).values(
        response_id=bindparam("response_id"),
        question_id=bindparam("question_id"),
        number=bindparam("number"),
        text=bindparam("text"),
        saved_at=bindparam("saved_at"),
    )
    return statement.on_conflict_do_nothing(
        index_elements=[ANSWERS.c.response_id, ANSWERS.c.question_id]
    ).returning(ANSWERS.c.id)


class SavedAnswer(NamedTuple):
    """What the survey pages need of a saved answer (no ORM objects: every page reads some)."""

    option_ids: list[str]
    number: int | None
    text: str | None


def _grouped_answers(rows: Iterable[Sequence]) -> dict:
    """Answers by key, from rows of (key, number, text, one chosen option or None)."""
    answers: dict = {}
    for key, number, text, option_id in rows:
        answer = answers.setdefault(key, SavedAnswer([], number, text))
        if option_id is not None:
            answer.option_ids.append(option_id)
    return answers


def _saved_answers(statement, values: dict) -> dict[str, SavedAnswer]:
    """Answers by question id, from rows of (question id, number, text, one chosen option)."""
    return _grouped_answers(connection().execute(statement, values))


def answers_by_question(response_id: int) -> dict[str, SavedAnswer]:
    return _saved_answers(ANSWERS_TO_RESPONSE, {"response_id": response_id})


def chosen(answers: dict[str, SavedAnswer]) -> dict[str, list[str]]:
    """The options chosen in each answer, as definitions.routing takes them."""
    return {question_id: answer.option_ids for question_id, answer in answers.items()}


def first_unanswered(
    definition: SurveyDefinition, answers: dict[str, SavedAnswer]
) -> Question | None:
    """The first question asked of this person (routing) with no answer yet."""
    picked = chosen(answers)
    unanswered = (q for q in definition.questions if q.id not in answers)
    return next((q for q in unanswered if routing.applies(definition, q, picked)), None)


def missing_required(
    definition: SurveyDefinition, answers: dict[str, SavedAnswer]
) -> list[Question]:
    """Required questions asked of this person with no answer (a skip is not an answer)."""
    picked = chosen(answers)
    return [
        q
        for q in definition.questions
        if not q.optional
        and (q.id not in answers or is_skipped(answers[q.id]))
        and routing.applies(definition, q, picked)
    ]


def drop_routed_out(response_id: int, definition: SurveyDefinition, answers: dict) -> None:
    """Delete the answers to questions this person is no longer asked (an earlier answer
    changed since), so that they count in no figure. Does not commit."""
    gone = [q.id for q in routing.routed_out(definition, chosen(answers)) if q.id in answers]
    if gone:
        of_response = (ANSWERS.c.response_id == response_id) & ANSWERS.c.question_id.in_(gone)
        on = connection()
        on.execute(
            delete(CHOICES).where(CHOICES.c.answer_id.in_(select(ANSWERS.c.id).where(of_response)))
        )
        on.execute(delete(ANSWERS).where(of_response))


def is_skipped(answer: Answer | SavedAnswer) -> bool:
    return not answer.option_ids and answer.number is None and answer.text is None


def source_hash(address: str | None, secret: str) -> str | None:
    """A keyed hash of the address a response is sent from, so that officers can see many
    sends from one place (sefvoice.bursts) without the address being kept. Without the key
    it cannot be turned back into the address by trying every one."""
    if not address:
        return None
    return hmac.new(secret.encode(), f"source\0{address}".encode(), hashlib.sha256).hexdigest()[:32]


def submit_response(response_id: int, source: str | None = None, commit: bool = True) -> None:
    """Mark the response sent (with `source`, the hash of where it came from) and add it to
    the feedback tally, in one transaction. Only the first of two sends at once counts: the
    second finds it already marked. `commit=False` leaves the commit to the caller (a
    return entered by staff is stored whole or not at all)."""
    on = connection()
    marked = on.execute(
        SUBMIT, {"response_id": response_id, "submitted_at": utcnow(), "source_hash": source}
    )
    if marked.rowcount == 1:
        answer_tally.add_response(on, response_id)
    if commit:
        commit_transaction()
