"""Free-text comments and their moderation, as plain functions.

A comment is an answer with text in a submitted response. An officer reads what was typed,
then approves it (with a redacted text, a theme and a charter principle) or rejects it.
Forum reps, the bulletin and the feedback tab only ever get approved comments' redacted
text. A comment nobody has reviewed has no CommentReview row, so the queue is an anti-join.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..auth import audit
from ..definitions import Question
from ..extensions import db
from ..models import REVIEW_STATUSES, Answer, CommentReview, Response, Survey, User, utcnow
from ..surveys.versions import charter, definition_of
from .redaction import redact


class ReviewError(ValueError):
    pass


@dataclass(frozen=True)
class Comment:
    """A comment as an officer sees it: with the words as they were typed."""

    answer_id: int
    text: str
    survey_title: str
    question: Question  # in the survey version it was answered in
    submitted_at: datetime
    review: CommentReview | None

    @property
    def question_text(self) -> str:
        return self.question.text

    @property
    def outcome(self) -> int:
        """The SEF outcome it is filed under: the officer's choice, else its question's."""
        return (self.review and self.review.outcome) or self.question.outcome

    @property
    def principle(self) -> str:
        """The charter principle it is about: the officer's choice, else its question's."""
        return (self.review and self.review.principle) or self.question.principle

    @property
    def suggested(self) -> str:
        """The redaction an officer starts from."""
        return redact(self.text)


@dataclass(frozen=True)
class ApprovedComment:
    """An approved comment as reps see it. `text` is the redacted text, never what was typed."""

    text: str
    survey_title: str
    question_text: str
    theme: str
    principle: str | None  # a charter principle id, chosen by the officer
    outcome: int  # the question's SEF outcome, in the survey version it was answered in
    submitted_at: datetime


def comment_query(*columns) -> Select:
    """Answers with text in submitted responses, with their survey version and review (if any)."""
    return (
        select(*columns)
        .select_from(Answer)
        .join(Response, Answer.response_id == Response.id)
        .join(Survey, Response.survey_id == Survey.id)
        .outerjoin(CommentReview, CommentReview.answer_id == Answer.id)
        .where(
            Response.submitted_at.is_not(None),
            Response.set_aside_batch_id.is_(None),  # set aside from the figures (bursts)
            Answer.text.is_not(None),
            func.trim(Answer.text) != "",
        )
    )


def _questions(where: ColumnElement[bool]) -> dict[tuple[int, str], Question]:
    """(survey version id, question id) -> question, parsing each version once, not per row."""
    surveys = db.session.scalars(select(Survey).where(where))
    return {(s.id, q.id): q for s in surveys for q in definition_of(s).questions}


def for_officers(query: Select) -> list[Comment]:
    rows = db.session.execute(
        query.add_columns(
            Answer.id,
            Answer.text,
            Answer.question_id,
            Response.survey_id,
            Response.submitted_at,
            Survey.title,
            CommentReview,
        ).options(selectinload(CommentReview.reviewer))  # one query for every reviewer shown
    ).all()
    questions = _questions(Survey.id.in_(sorted({row.survey_id for row in rows})))
    return [
        Comment(
            answer_id=row.id,
            text=row.text,
            survey_title=row.title,
            question=questions[row.survey_id, row.question_id],
            submitted_at=row.submitted_at,
            review=row.CommentReview,
        )
        for row in rows
    ]


def pending_comments(limit: int) -> list[Comment]:
    """Comments nobody has reviewed yet, oldest first."""
    return for_officers(
        comment_query()
        .where(CommentReview.id.is_(None))
        .order_by(Response.submitted_at, Answer.id)
        .limit(limit)
    )


def count_pending() -> int:
    return db.session.scalar(comment_query(func.count()).where(CommentReview.id.is_(None)))


def reviewed_comments(limit: int) -> list[Comment]:
    """Reviewed comments, most recently reviewed first, so that a decision can be changed."""
    return for_officers(
        comment_query()
        .where(CommentReview.id.is_not(None))
        .order_by(CommentReview.reviewed_at.desc(), CommentReview.id.desc())
        .limit(limit)
    )


def get_comment(answer_id: int) -> Comment | None:
    """The comment with this answer id; None if that answer is not a comment."""
    found = for_officers(comment_query().where(Answer.id == answer_id))
    return found[0] if found else None


def review_comment(
    answer_id: int,
    status: str,
    redacted_text: str,
    theme: str,
    principle: str | None,
    reviewer: User,
    outcome: int | None = None,
) -> CommentReview:
    """Approve or reject a comment, or change an earlier decision. An approval with no
    principle or outcome takes its question's. The review and its audit event are committed
    together. Raises ReviewError for anything that cannot be stored."""
    if status not in REVIEW_STATUSES:
        raise ReviewError(f"status must be one of {', '.join(REVIEW_STATUSES)}, not {status!r}")
    if principle is not None and principle not in charter().principles:
        raise ReviewError(f"{principle!r} is not a charter principle")
    if outcome is not None and outcome not in charter().outcomes:
        raise ReviewError(f"{outcome!r} is not a SEF outcome")
    comment = get_comment(answer_id)
    if comment is None:
        raise ReviewError(f"answer {answer_id} is not a comment in a sent response")
    if status == "approved":
        principle = principle or comment.question.principle
        outcome = outcome or comment.question.outcome
    review = db.session.scalar(select(CommentReview).filter_by(answer_id=answer_id))
    before = f" (was {review.status})" if review and review.status != status else ""
    review_is_new = review is None
    if review is None:
        review = CommentReview(answer_id=answer_id)
        db.session.add(review)
    theme = theme.strip()
    review.status = status
    review.redacted_text = redacted_text.strip()
    review.theme = theme[:1].upper() + theme[1:]  # "transport" and "Transport" are one theme
    review.principle = principle
    review.outcome = outcome
    review.reviewer_id = reviewer.id
    review.reviewed_at = utcnow()
    try:
        # Ids only: the audit log must not hold what a family wrote.
        audit.record(
            "moderate comment",
            f"comment {answer_id}: {status}{before}; theme {review.theme!r};"
            f" principle {principle or 'none'}; outcome {outcome or 'none'}",
            actor=reviewer.email,
        )
    except IntegrityError:
        if not review_is_new:
            raise
        # Another officer's first review of this comment was stored a moment before: this
        # decision, the later one, goes over it, as it would have a second later.
        db.session.rollback()
        return review_comment(answer_id, status, redacted_text, theme, principle, reviewer, outcome)
    return review


def review_many(
    answer_ids: list[int],
    status: str,
    theme: str,
    reviewer: User,
    principle: str | None = None,
    outcome: int | None = None,
) -> int:
    """Approve or reject many comments from the queue at once, each with its suggested
    redaction (the text the officer was shown beside it) and, unless given, its question's
    principle and outcome. Comments reviewed meanwhile are left as they are. Returns how
    many were reviewed; raises ReviewError, saving nothing, for a bad id or no theme."""
    if status == "approved" and not theme.strip():
        raise ReviewError("Enter a theme for the comments you approve.")
    found = {c.answer_id: c for c in for_officers(comment_query().where(Answer.id.in_(answer_ids)))}
    missing = sorted(set(answer_ids) - set(found))
    if missing:
        raise ReviewError(f"answer {missing[0]} is not a comment in a sent response")
    waiting = [found[i] for i in dict.fromkeys(answer_ids) if found[i].review is None]
    for comment in waiting:
        review_comment(
            comment.answer_id, status, comment.suggested, theme, principle, reviewer, outcome
        )
    return len(waiting)


def _answered_under_outcome(outcome: int) -> ColumnElement[bool]:
    """Answers to a question tied to this SEF outcome, in the survey version it was answered in."""
    by_version = defaultdict(list)
    for (survey_id, question_id), question in _questions(true()).items():
        if question.type == "text" and question.outcome == outcome:
            by_version[survey_id].append(question_id)
    return or_(
        false(),
        *(
            and_(Response.survey_id == survey_id, Answer.question_id.in_(question_ids))
            for survey_id, question_ids in by_version.items()
        ),
    )


def filed_under(outcome: int) -> ColumnElement[bool]:
    """Comments filed under this SEF outcome: by the officer, else by their question."""
    return or_(
        CommentReview.outcome == outcome,
        and_(CommentReview.outcome.is_(None), _answered_under_outcome(outcome)),
    )


def approved_comments(
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    outcome: int | None = None,
    principle: str | None = None,
    theme: str | None = None,
    survey_slug: str | None = None,
    limit: int | None = None,
) -> list[ApprovedComment]:
    """Approved comments, newest first: only their redacted text.

    start and end (e.g. from Term.bounds()) keep those sent at or after start and before end.
    """
    query = (
        comment_query(
            Answer.question_id,
            Response.survey_id,
            Response.submitted_at,
            Survey.title,
            CommentReview.redacted_text,
            CommentReview.theme,
            CommentReview.principle,
            CommentReview.outcome,
        )
        .where(CommentReview.status == "approved")
        .order_by(Response.submitted_at.desc(), Answer.id.desc())
        .limit(limit)
    )
    if start is not None:
        query = query.where(Response.submitted_at >= start)
    if end is not None:
        query = query.where(Response.submitted_at < end)
    if outcome is not None:
        query = query.where(filed_under(outcome))
    if principle is not None:
        query = query.where(CommentReview.principle == principle)
    if theme is not None:
        query = query.where(CommentReview.theme == theme)
    if survey_slug is not None:
        query = query.where(Survey.slug == survey_slug)
    rows = db.session.execute(query).all()
    questions = _questions(Survey.id.in_(sorted({row.survey_id for row in rows})))
    return [
        ApprovedComment(
            text=row.redacted_text,
            survey_title=row.title,
            question_text=questions[row.survey_id, row.question_id].text,
            theme=row.theme,
            principle=row.principle,
            outcome=row.outcome or questions[row.survey_id, row.question_id].outcome,
            submitted_at=row.submitted_at,
        )
        for row in rows
    ]


def themes() -> list[str]:
    """The themes of approved comments, for the reps' filter and the officers' suggestions."""
    return list(
        db.session.scalars(
            select(CommentReview.theme)
            .where(CommentReview.status == "approved", CommentReview.theme != "")
            .distinct()
            .order_by(CommentReview.theme)
        )
    )


QUOTES_PER_OUTCOME = 3
QUOTE_LENGTH = 300  # longer comments are quoted only when no shorter one is left


def quotes_for(start: datetime, end: datetime, outcome: int) -> list[ApprovedComment]:
    """The comments a bulletin quotes for an outcome, from those sent in [start, end): one
    per theme (so the quotes say different things), fullest first but short enough to
    quote, newest first among equals."""
    comments = approved_comments(start=start, end=end, outcome=outcome, limit=500)
    ranked = sorted(
        comments,
        key=lambda c: (len(c.text) > QUOTE_LENGTH, -len(c.text), -c.submitted_at.timestamp()),
    )
    by_theme: dict[str, ApprovedComment] = {}
    for comment in ranked:
        by_theme.setdefault(comment.theme.lower(), comment)
    return list(by_theme.values())[:QUOTES_PER_OUTCOME]


def approved_by_theme(before: datetime, themes: set[str] | None = None) -> dict[str, int]:
    """Approved comments filed under each theme (those in `themes`, or every theme), from
    responses sent before `before`."""
    if themes is not None and not themes:
        return {}
    query = comment_query(CommentReview.theme, func.count()).where(
        CommentReview.status == "approved",
        CommentReview.theme.is_not(None),
        Response.submitted_at < before,
    )
    if themes is not None:
        query = query.where(CommentReview.theme.in_(sorted(themes)))
    return dict(db.session.execute(query.group_by(CommentReview.theme)).all())
