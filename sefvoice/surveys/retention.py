"""What is kept and for how long: deleting run-out responses and old free text, withdrawing."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from .. import answer_tally
from ..extensions import db
from ..models import Answer, AnswerChoice, CommentReview, PaperCopy, Response, utcnow
from .codes import normalise_code
from .versions import definition_of


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
        answer_tally.add_responses(Response.id == response.id, sign=-1)
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
