"""The officers' view of the comment queue: filters and search, the next comment to read,
and similar comments grouped so that a group can be approved at once.

Similarity is rapidfuzz's token-sort ratio on the words as typed (case, punctuation and word
order ignored): near-duplicates group, comments that merely share a topic do not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from urllib.parse import urlencode

from rapidfuzz import fuzz, process, utils
from sqlalchemy import Select, and_, func, or_, select

from ..extensions import db
from ..models import Answer, CommentReview, Response, Survey
from ..release.service import terms_with_responses
from ..surveys.versions import charter, current_surveys, definition_of
from ..terms import Term, calendar
from .comments import Comment, comment_query, filed_under, for_officers, themes

STATUSES = {"waiting": "Waiting", "approved": "Approved", "rejected": "Set aside", "all": "All"}
SEARCH_LENGTH = 200
SIMILAR = 88  # token-sort ratio (0-100) at which two comments count as the same point
APPROVED_COMPARED = 2000  # the newest approved comments a group's theme is looked up in


class FilterError(ValueError):
    pass


@dataclass(frozen=True)
class QueueFilter:
    """Which comments an officer is looking at. Empty fields do not filter."""

    status: str = "waiting"
    term: Term | None = None
    survey: str = ""  # a survey's slug
    question: str = ""  # a question's id
    outcome: int | None = None
    theme: str = ""
    text: str = ""  # words the comment contains, typed or redacted

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> QueueFilter:
        """The filter in a query string; FilterError says what to change."""
        status = args.get("status") or "waiting"
        if status not in STATUSES:
            raise FilterError(f"Choose a status: {', '.join(STATUSES.values()).lower()}.")
        term = None
        if args.get("term"):
            try:
                term = calendar().named(args["term"])
            except ValueError as error:
                raise FilterError(f"Choose a term: {error}.") from error
        outcome = None
        if args.get("outcome"):
            numbers = [str(n) for n in charter().outcomes]
            if args["outcome"] not in numbers:
                raise FilterError(f"Choose an outcome: {', '.join(numbers)}.")
            outcome = int(args["outcome"])
        text = (args.get("text") or "").strip()
        if len(text) > SEARCH_LENGTH:
            raise FilterError(f"Search for at most {SEARCH_LENGTH} characters.")
        return cls(
            status=status,
            term=term,
            survey=(args.get("survey") or "").strip(),
            question=(args.get("question") or "").strip(),
            outcome=outcome,
            theme=(args.get("theme") or "").strip(),
            text=text,
        )

    def as_args(self) -> dict[str, str]:
        """The query string's fields, leaving out those that do not filter."""
        chosen = {**asdict(self), "term": self.term.name if self.term else ""}
        if self.outcome is not None:
            chosen["outcome"] = str(self.outcome)
        if self.status == "waiting":
            chosen["status"] = ""
        return {name: value for name, value in chosen.items() if value}

    @property
    def query_string(self) -> str:
        return urlencode(self.as_args())

    def where(self, query: Select) -> Select:
        if self.status == "waiting":
            query = query.where(CommentReview.id.is_(None))
        elif self.status != "all":
            query = query.where(CommentReview.status == self.status)
        if self.term is not None:
            start, end = self.term.bounds()
            query = query.where(Response.submitted_at >= start, Response.submitted_at < end)
        if self.survey:
            query = query.where(Survey.slug == self.survey)
        if self.question:
            query = query.where(Answer.question_id == self.question)
        if self.outcome is not None:
            query = query.where(filed_under(self.outcome))
        if self.theme:
            query = query.where(CommentReview.theme == self.theme)
        if self.text:
            query = query.where(
                or_(
                    Answer.text.icontains(self.text, autoescape=True),
                    CommentReview.redacted_text.icontains(self.text, autoescape=True),
                )
            )
        return query

    def order(self, query: Select) -> Select:
        """Waiting comments oldest first; reviewed ones most recently reviewed first."""
        if self.status in ("approved", "rejected"):
            return query.order_by(CommentReview.reviewed_at.desc(), CommentReview.id.desc())
        return query.order_by(Response.submitted_at, Answer.id)


def find(chosen: QueueFilter, limit: int) -> tuple[list[Comment], int]:
    """The first `limit` comments the filter keeps, and how many it keeps in all."""
    total = db.session.scalar(chosen.where(comment_query(func.count())))
    return for_officers(chosen.order(chosen.where(comment_query())).limit(limit)), total


def next_waiting(chosen: QueueFilter, after: Comment) -> Comment | None:
    """The waiting comment an officer reads after `after`, in the same filters: the next
    one sent after it, else the oldest still waiting; None when none is left."""
    waiting = replace(chosen, status="waiting")
    query = waiting.order(waiting.where(comment_query())).where(Answer.id != after.answer_id)
    later = or_(
        Response.submitted_at > after.submitted_at,
        and_(Response.submitted_at == after.submitted_at, Answer.id > after.answer_id),
    )
    found = for_officers(query.where(later).limit(1)) or for_officers(query.limit(1))
    return found[0] if found else None


@dataclass
class Group:
    """Comments that say the same thing, and the theme of approved comments like them."""

    comments: list[Comment] = field(default_factory=list)
    theme: str = ""

    @property
    def key(self) -> int:
        return self.comments[0].answer_id


def _approved_themes() -> list[tuple[str, str]]:
    """(redacted text, theme) of the newest approved comments."""
    rows = db.session.execute(
        select(CommentReview.redacted_text, CommentReview.theme)
        .where(CommentReview.status == "approved", CommentReview.theme != "")
        .order_by(CommentReview.reviewed_at.desc())
        .limit(APPROVED_COMPARED)
    )
    return [tuple(row) for row in rows]


def similar_groups(found: list[Comment]) -> list[Group]:
    """The comments in groups of near-duplicates, in the order of each group's first."""
    groups: list[Group] = []
    leaders: list[str] = []
    for comment in found:
        match = process.extractOne(
            comment.text,
            leaders,
            scorer=fuzz.token_sort_ratio,
            processor=utils.default_process,
            score_cutoff=SIMILAR,
        )
        if match is None:
            groups.append(Group([comment]))
            leaders.append(comment.text)
        else:
            groups[match[2]].comments.append(comment)
    approved = _approved_themes()
    for group in groups:
        match = process.extractOne(
            group.comments[0].suggested,
            [text for text, _ in approved],
            scorer=fuzz.token_sort_ratio,
            processor=utils.default_process,
            score_cutoff=SIMILAR,
        )
        group.theme = approved[match[2]][1] if match else ""
    return groups


@dataclass(frozen=True)
class FilterChoices:
    terms: list[Term]
    surveys: list[tuple[str, str]]  # (slug, title)
    questions: list[tuple[str, str]]  # (id, text) of the free-text questions
    themes: list[str]


def filter_choices() -> FilterChoices:
    """What each filter offers: the terms with answers, the current surveys, their
    free-text questions, and the themes used so far."""
    surveys = current_surveys()
    questions = {
        q.id: q.text for s in surveys for q in definition_of(s).questions if q.type == "text"
    }
    return FilterChoices(
        terms=terms_with_responses(),
        surveys=[(s.slug, s.title) for s in surveys],
        questions=sorted(questions.items(), key=lambda item: item[1]),
        themes=themes(),
    )
