"""Taking a survey, as plain functions: storing versions, starting, saving, resuming, submitting."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from .. import tally
from ..easyread import Question, SurveyDefinition, parse_survey
from ..extensions import db
from ..models import Answer, AnswerChoice, CommentReview, Response, Survey, utcnow

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
            )
        )
        report.append(f"{definition.slug} v{definition.version}: stored")
    db.session.commit()
    return report


def latest_version(slug: str) -> int:
    return db.session.scalar(select(func.max(Survey.version)).filter_by(slug=slug)) or 0


# Statements every survey page runs, built once: building one costs as much as running it.
CURRENT_SURVEY = (
    select(Survey).where(Survey.slug == bindparam("slug")).order_by(Survey.version.desc()).limit(1)
)
IS_OPEN = CURRENT_SURVEY.with_only_columns(Survey.is_open)
RESPONSE = select(Response).where(Response.id == bindparam("response_id"))
ANSWER_TO = (
    select(Answer)
    .where(Answer.response_id == bindparam("response_id"))
    .where(Answer.question_id == bindparam("question_id"))
    .options(joinedload(Answer.choices))
)


def current_survey(slug: str) -> Survey | None:
    """The newest stored version of a survey; it carries the survey's open/closed state."""
    return db.session.scalar(CURRENT_SURVEY, {"slug": slug})


def response_by_id(response_id: int) -> Response | None:
    """The response (and its survey version) this browser's session holds."""
    return db.session.scalar(RESPONSE, {"response_id": response_id})


def survey_is_open(slug: str) -> bool | None:
    """Whether the survey takes answers now (its newest version says); None: no such survey.
    A column, not the row: every survey page asks."""
    return db.session.scalar(IS_OPEN, {"slug": slug})


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


def definition_of(survey: Survey) -> SurveyDefinition:
    """The survey version's definition, parsed once per process: a stored version never
    changes, and every survey page needs it."""
    return _parsed_definition(survey.id, survey.slug, survey.version, survey.loaded_at)


@lru_cache(maxsize=256)
def _parsed_definition(
    survey_id: int, slug: str, version: int, loaded_at: datetime
) -> SurveyDefinition:
    # Keyed by when the version was stored too: a database made afresh (tests, a reset demo)
    # may hold other wording under the same id, slug and version.
    raw = db.session.scalar(select(Survey.definition).where(Survey.id == survey_id))
    return parse_survey(raw, f"{slug} v{version}")


def normalise_code(typed: str) -> str:
    """What a person types ("k7pm q4tx", "K7PM-Q4TX") as the code it stands for."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def hash_code(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def start_response(survey: Survey, filled_by: str) -> tuple[Response, str]:
    """A new response and its resume code; only the code's hash is stored."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        response = Response(survey=survey, filled_by=filled_by, resume_code_hash=hash_code(code))
        db.session.add(response)
        try:
            db.session.commit()
            return response, code
        except IntegrityError:  # the same code twice: vanishingly rare, so just draw again
            db.session.rollback()


def find_response(code: str) -> Response | None:
    return db.session.scalar(select(Response).filter_by(resume_code_hash=hash_code(code)))


def is_expired(response: Response, keep_days: int, now: datetime | None = None) -> bool:
    """An unfinished response is kept keep_days after its last saved answer."""
    now = now or utcnow()
    return response.submitted_at is None and response.last_saved_at < now - timedelta(
        days=keep_days
    )


def save_answer(
    response: Response,
    question: Question,
    option_ids: list[str] | None = None,
    number: int | None = None,
    text: str | None = None,
) -> Answer:
    """Store (or replace) the answer to one question, in one transaction.

    Sending the same page twice leaves one answer. Nothing given (all None) is a skip.
    """
    for attempt in (1, 2):
        answer = answer_to(response, question.id)
        if answer is None:
            answer = Answer(response_id=response.id, question_id=question.id)
            db.session.add(answer)
        answer.number = number
        answer.text = text
        answer.saved_at = utcnow()
        answer.choices = [
            AnswerChoice(option_id=option_id, position=position)
            for position, option_id in enumerate(option_ids or [])
        ]
        response.last_saved_at = answer.saved_at
        try:
            db.session.commit()
            return answer
        except IntegrityError:
            # Two sends of the same page raced to insert; the second now updates the first's row.
            db.session.rollback()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def answer_to(response: Response, question_id: str) -> Answer | None:
    return db.session.scalar(ANSWER_TO, {"response_id": response.id, "question_id": question_id})


def answers_by_question(response: Response) -> dict[str, Answer]:
    return {answer.question_id: answer for answer in response.answers}


def first_unanswered(definition: SurveyDefinition, answers: dict[str, Answer]) -> Question | None:
    return next((q for q in definition.questions if q.id not in answers), None)


def missing_required(definition: SurveyDefinition, answers: dict[str, Answer]) -> list[Question]:
    """Required questions with no answer (a skip does not count as an answer)."""
    return [
        q
        for q in definition.questions
        if not q.optional and (q.id not in answers or is_skipped(answers[q.id]))
    ]


def is_skipped(answer: Answer) -> bool:
    return not answer.choices and answer.number is None and answer.text is None


def submit_response(response: Response) -> None:
    """Mark the response sent and add it to the feedback tally, in one transaction."""
    if response.submitted_at is None:
        response.submitted_at = utcnow()
        db.session.flush()
        tally.add_responses(Response.id == response.id)
        db.session.commit()


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


def withdraw_response(response: Response) -> None:
    """A respondent takes their answers back: they are deleted and leave the counts."""
    if response.submitted_at is not None:
        tally.add_responses(Response.id == response.id, sign=-1)
    _delete_responses([response.id])
    db.session.commit()


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
        "started_at": response.started_at.isoformat(),
        "last_saved_at": response.last_saved_at.isoformat(),
        "submitted_at": response.submitted_at.isoformat() if response.submitted_at else None,
        "answers": answers,
        "note": "sefvoice keeps no name, e-mail or IP address with a response.",
    }
