"""Taking a survey, as plain functions: storing versions, starting, saving, resuming, submitting."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from flask import current_app, g
from sqlalchemy import (
    Connection,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import scoped_session

from .. import routing, tally
from ..easyread import Question, SurveyDefinition, parse_survey
from ..extensions import db
from ..models import Answer, AnswerChoice, CommentReview, PaperCopy, Response, Survey, utcnow

# No 0/O, 1/I/L: a code read out over the phone or copied from paper survives.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def store_definitions(definitions: list[SurveyDefinition]) -> list[str]:
    """Store each definition's version if it is new. Returns a line per survey saying what happened.

    A stored version is never changed: new wording must come as a new version, so the
    answers already given keep the meaning they were given with.
    """
    report = []
    for definition in definitions:
        stored = db.session.scalar(
            select(Survey).filter_by(slug=definition.slug, version=definition.version)
        )
        if stored is not None:
            if stored.definition != definition.raw:
                raise ValueError(
                    f"{definition.slug}: version {definition.version} is already stored with other"
                    f" wording. Raise 'version' to {latest_version(definition.slug) + 1}"
                    " to change it."
                )
            report.append(f"{definition.slug} v{definition.version}: unchanged")
            continue
        previous = current_survey(definition.slug)
        db.session.add(
            Survey(
                slug=definition.slug,
                version=definition.version,
                title=definition.title,
                definition=definition.raw,
                is_open=previous.is_open if previous else True,
                opens_at=previous.opens_at if previous else None,
                closes_at=previous.closes_at if previous else None,
            )
        )
        report.append(f"{definition.slug} v{definition.version}: stored")
    db.session.commit()
    return report


def latest_version(slug: str) -> int:
    return db.session.scalar(select(func.max(Survey.version)).filter_by(slug=slug)) or 0


def _transaction_owner() -> Connection | scoped_session:
    """What the survey functions below run on and commit. A survey page has its own Core
    connection (surveys.views.on_own_connection): the ORM session's bookkeeping around a
    page's one to five statements cost more than the statements (bench/pages.py). Anywhere
    else (staff pages, paper entry, the command line, tests) it is the ORM session, so that
    their ORM work and these functions share one transaction."""
    return g.get("survey_connection") or db.session


def connection() -> Connection:
    owner = _transaction_owner()
    return owner if isinstance(owner, Connection) else owner.connection()


def _commit() -> None:
    _transaction_owner().commit()


def _rollback() -> None:
    _transaction_owner().rollback()


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


class SurveyVersion(NamedTuple):
    """Which stored version a response answers: enough to find its definition."""

    id: int
    slug: str
    version: int
    loaded_at: datetime


class HeldResponse(NamedTuple):
    """A response as the survey pages need it, with the saved answer to the question asked
    for (held_response's answer_to), if there is one."""

    id: int
    submitted_at: datetime | None
    last_saved_at: datetime
    survey: SurveyVersion
    saved_answer: SavedAnswer | None = None


def current_survey(slug: str) -> Survey | None:
    """The newest stored version of a survey; it carries the survey's open/closed state and
    schedule (Survey.takes_answers)."""
    return db.session.scalar(CURRENT_SURVEY, {"slug": slug})


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
            "token_hash": _token_hash(token),
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
        "token_hash": _token_hash(token),
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
            _commit()
            return True
        claimed = row is not None
    else:
        claimed = on.scalar(CLAIM_RESPONSE, values) is not None
    if claimed:
        save_answer(held_id, question, option_ids, number, text)
    return claimed


def survey_version(survey_id: int) -> SurveyVersion | None:
    """A stored version by its id (None: no such version), read once per app: a stored
    version never changes."""
    versions = current_app.extensions.setdefault(SURVEY_VERSIONS, {})
    version = versions.get(survey_id)
    if version is None:
        row = connection().execute(SURVEY_VERSION, {"survey_id": survey_id}).first()
        if row is None:
            return None
        version = versions[survey_id] = SurveyVersion(*row)
    return version


SURVEY_VERSIONS = "sefvoice_survey_versions"


def survey_is_open(slug: str) -> bool | None:
    """Whether the survey takes answers now (its newest version says); None: no such survey.
    Asked on its own only when the browser holds no response (held_response asks it too)."""
    return connection().scalar(IS_OPEN, {"slug": slug, "now": utcnow()})


def newest_version(slug: str) -> tuple[SurveyVersion | None, bool | None]:
    """The survey's newest version and whether it takes answers now (None, None: no such
    survey): what a survey's start page needs, without loading the stored definition."""
    row = connection().execute(NEWEST_VERSION, {"slug": slug, "now": utcnow()}).first()
    return (SurveyVersion(*row[:4]), row[4]) if row else (None, None)


def current_surveys() -> list[Survey]:
    newest = (
        select(Survey.slug, func.max(Survey.version).label("version"))
        .group_by(Survey.slug)
        .subquery()
    )
    return list(
        db.session.scalars(
            select(Survey)
            .join(newest, (Survey.slug == newest.c.slug) & (Survey.version == newest.c.version))
            .order_by(Survey.title)
        )
    )


def definition_of(survey: Survey | SurveyVersion) -> SurveyDefinition:
    """The survey version's definition, parsed once per process: a stored version never
    changes, and every survey page needs it."""
    return _parsed_definition(survey.id, survey.slug, survey.version, survey.loaded_at)


@lru_cache(maxsize=256)
def _parsed_definition(
    survey_id: int, slug: str, version: int, loaded_at: datetime
) -> SurveyDefinition:
    # Keyed by when the version was stored too: a database made afresh (tests, a reset demo)
    # may hold other wording under the same id, slug and version.
    raw = connection().scalar(select(SURVEYS.c.definition).where(SURVEYS.c.id == survey_id))
    return parse_survey(raw, f"{slug} v{version}")


def normalise_code(typed: str) -> str:
    """What a person types ("k7pm q4tx", "K7PM-Q4TX") as the code it stands for."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def hash_code(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def new_code() -> str:
    """A random code (a resume code, or a paper copy's reference)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


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
            "holder_token_hash": _token_hash(holder_token) if holder_token else None,
        }
        try:
            response_id = connection().scalar(START_RESPONSE, values)
            _commit()
            return response_id, code
        except IntegrityError:  # the same code twice: vanishingly rare, so just draw again
            _rollback()


def new_token() -> str:
    """A random token for the browser that holds a response (kept in its session instead of
    the code; only its hash is stored)."""
    return secrets.token_urlsafe(16)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hold_response(response_id: int) -> str:
    """A new token (new_token) for the browser that now holds the response: a browser that
    held it before no longer does. Commits."""
    token = new_token()
    db.session.execute(
        update(Response)
        .where(Response.id == response_id)
        .values(holder_token_hash=_token_hash(token))
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
                    RESPONSES.c.holder_token_hash == _token_hash(token),
                )
                .values(resume_code_hash=hash_code(code))
            )
            _commit()
        except IntegrityError:  # the same code twice: vanishingly rare, so just draw again
            _rollback()
            continue
        return code if replaced.rowcount == 1 else None


def find_response(code: str) -> Response | None:
    return db.session.scalar(select(Response).filter_by(resume_code_hash=hash_code(code)))


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
        _commit()
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
    """The options chosen in each answer, as sefvoice.routing takes them."""
    return {question_id: answer.option_ids for question_id, answer in answers.items()}


def first_unanswered(
    definition: SurveyDefinition, answers: dict[str, SavedAnswer]
) -> Question | None:
    """The first question asked of this person (routing) with no answer yet."""
    picked = chosen(answers)
    return next(
        (
            q
            for q in definition.questions
            if q.id not in answers and routing.applies(definition, q, picked)
        ),
        None,
    )


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
        on = connection()
        dropped = select(ANSWERS.c.id).where(
            ANSWERS.c.response_id == response_id, ANSWERS.c.question_id.in_(gone)
        )
        on.execute(delete(CHOICES).where(CHOICES.c.answer_id.in_(dropped)))
        on.execute(
            delete(ANSWERS).where(
                ANSWERS.c.response_id == response_id, ANSWERS.c.question_id.in_(gone)
            )
        )


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
        tally.add_response(on, response_id)
    if commit:
        _commit()


def _delete_responses(ids: list[int]) -> None:
    """Delete responses with their answers and chosen options (no commit)."""
    answer_ids = select(Answer.id).where(Answer.response_id.in_(ids))
    db.session.execute(delete(AnswerChoice).where(AnswerChoice.answer_id.in_(answer_ids)))
    db.session.execute(delete(Answer).where(Answer.response_id.in_(ids)))
    db.session.execute(delete(Response).where(Response.id.in_(ids)))


def delete_expired_responses(keep_days: int, now: datetime | None = None) -> int:
    """Delete unfinished responses whose last answer is older than keep_days. Returns how many."""
    cutoff = (now or utcnow()) - timedelta(days=keep_days)
    expired = select(Response.id).where(
        Response.submitted_at.is_(None), Response.last_saved_at < cutoff
    )
    ids = list(db.session.scalars(expired))
    if ids:
        _delete_responses(ids)
    db.session.commit()
    return len(ids)


def delete_old_free_text(keep_days: int, now: datetime | None = None) -> int:
    """Blank what respondents typed in responses sent more than keep_days ago, with the
    moderated copies. Choices and numbers stay (and so do the counts). Returns how many."""
    cutoff = (now or utcnow()) - timedelta(days=keep_days)
    old = (
        select(Answer.id)
        .join(Response, Answer.response_id == Response.id)
        .where(Answer.text.is_not(None), Response.submitted_at < cutoff)
    )
    ids = list(db.session.scalars(old))
    if ids:
        db.session.execute(delete(CommentReview).where(CommentReview.answer_id.in_(ids)))
        db.session.execute(update(Answer).where(Answer.id.in_(ids)).values(text=None))
    db.session.commit()
    return len(ids)


def delete_old_source_hashes(keep_days: int, now: datetime | None = None) -> int:
    """Blank the source hash of responses sent more than keep_days ago: by then a burst has
    been seen to or not. Returns how many."""
    cutoff = (now or utcnow()) - timedelta(days=keep_days)
    blanked = db.session.execute(
        update(Response)
        .where(Response.source_hash.is_not(None), Response.submitted_at < cutoff)
        .values(source_hash=None)
    )
    db.session.commit()
    return blanked.rowcount


def withdraw_response(response: Response) -> None:
    """A respondent takes their answers back: they are deleted and leave the counts. A paper
    copy keeps the date, so it cannot be entered again."""
    if response.submitted_at is not None:
        tally.add_responses(Response.id == response.id, sign=-1)
    db.session.execute(
        update(PaperCopy)
        .where(PaperCopy.response_id == response.id)
        .values(response_id=None, withdrawn_at=utcnow())
    )
    _delete_responses([response.id])
    db.session.commit()


def withdraw_unentered_copy(typed: str) -> bool:
    """A respondent withdraws a paper copy that has not been entered yet: it is marked, so
    it is refused if it arrives later. False if the code is no such copy."""
    marked = db.session.execute(
        update(PaperCopy)
        .where(
            PaperCopy.reference == normalise_code(typed),
            PaperCopy.entered_at.is_(None),
            PaperCopy.withdrawn_at.is_(None),
        )
        .values(withdrawn_at=utcnow())
    )
    db.session.commit()
    return marked.rowcount == 1


def response_record(response: Response) -> dict:
    """Everything held about one response, in the wording it was answered in."""
    definition = definition_of(response.survey)
    answers = []
    for answer in response.answers:
        question = definition.question(answer.question_id)
        answers.append(
            {
                "question": question.text if question else answer.question_id,
                "chosen": [
                    (question.option(o).label if question and question.option(o) else o)
                    for o in answer.option_ids
                ],
                "number": answer.number,
                "text": answer.text,
                "saved_at": answer.saved_at.isoformat(),
            }
        )
    return {
        "survey": definition.title,
        "survey_version": response.survey.version,
        "filled_by": response.filled_by,
        "channel": response.channel,
        "started_at": response.started_at.isoformat(),
        "last_saved_at": response.last_saved_at.isoformat(),
        "submitted_at": response.submitted_at.isoformat() if response.submitted_at else None,
        "sent_from": response.source_hash,
        "set_aside_from_the_figures": response.set_aside_batch_id is not None,
        "answers": answers,
        "note": (
            "sefvoice keeps no name, e-mail or IP address with a response. sent_from is a"
            " keyed hash of the address it was sent from (not the address), used only to see"
            " many sends from one place."
        ),
    }
