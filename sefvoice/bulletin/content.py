"""A bulletin's content, assembled once from the database: the one source that the web page
and the PDF both render, so the two can never show different numbers.

Feedback numbers come from the term's release (`publishing.figures_for`, the one the
feedback tab shows: its stored record once published) as `Shown` values, already through
disclosure control; the measures come as the tab's measures table. Nothing here counts or
formats a figure of its own.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from typing import ClassVar

from sqlalchemy import select

from ..extensions import db
from ..feedback.charts import summary_sentence
from ..feedback.comments import ApprovedComment, quotes_for
from ..models import Indicator
from ..publishing import service as publishing
from ..publishing.service import Status
from ..release.shown import Rules, Shown
from ..release.summary import QuestionResult, ScoreRow
from ..release.tables import Table, not_shown_line
from ..terms import Term, local_date
from .brand import Look, current
from .kinds import fill_kinds, progress_table, structure
from .markdown import Block, parse
from .sections import default_title, outcome_number, picture_of
from .sentences import any_figure_published, outcome_headline, people_line
from .words import FrozenBulletin, number_of, words_for

DEFAULT_TITLE = "Local Area SEND Self-Evaluation Framework"
FAMILIES = "What families told us"
KEY_MEASURES = 3  # headline measures an officer may pick per outcome, beside its % positive


@dataclass(frozen=True)
class Figure:
    """A table, drawn as a bar chart above it when it has a chart column."""

    table: Table
    summary: str | None  # the chart's text alternative; None: no chart

    @classmethod
    def of(cls, table: Table) -> Figure:
        return cls(table, summary_sentence(table) if table.chart_value is not None else None)


@dataclass
class QuestionGroup:
    survey_title: str
    figures: list[Figure]
    note: str | None = None  # in place of the figures: too few answered to show them


@dataclass(frozen=True)
class Quote:
    """An approved comment (its redacted text) and where it came from."""

    text: str
    source: str

    @classmethod
    def of(cls, comment: ApprovedComment, term: Term) -> Quote:
        sent = local_date(comment.submitted_at, term.zone)  # the month the term counts it in
        return cls(comment.text, f"{comment.survey_title}, {sent:%B %Y}")


@dataclass(frozen=True)
class Card:
    """A headline figure: what it is, the figure as published, and lines about it (the
    England figure, status and direction in words; or the change since last term)."""

    label: str
    value: str
    lines: list[str]

    @property
    def figure(self) -> tuple[str, str]:
        """The value and what period it is for: ("1,212", "Jan 2023") from "1,212 (Jan 2023)"."""
        if self.value.endswith(")") and " (" in self.value:
            number, period = self.value[:-1].split(" (", 1)
            return number, period
        return self.value, ""


@dataclass
class OutcomeFeedback:
    """What the data says about one SEF outcome."""

    headline: str  # the outcome's scorecard in a sentence
    cards: list[Card]  # its % positive, then its key measures
    measures: Table
    overview: Figure | None  # % positive for each question of the outcome
    questions: list[QuestionGroup]
    comments: list[Quote]
    results: list[QuestionResult]  # its questions' figures, for the easy-read edition


@dataclass(frozen=True)
class SectionPicture:
    """A story's picture: checked when it was uploaded (sections.store_picture)."""

    data: bytes
    kind: str  # "image/png", "image/jpeg", "image/svg+xml"
    alt: str
    caption: str

    @property
    def data_url(self) -> str:
        return f"data:{self.kind};base64,{base64.b64encode(self.data).decode('ascii')}"


@dataclass
class Section:
    """A section in the officers' order; what its kind adds (sections.py) is filled in."""

    key: str
    title: str
    body: list[Block]
    stories: list[Block]  # "what is working"
    commitments: list[str]  # "in the next bulletin"
    feedback: OutcomeFeedback | None = None
    kind: str = "text"
    picture: SectionPicture | None = None  # a story's
    taking_part: Table | None = None  # co-production: how many took part, by channel
    ways: list[str] = field(default_factory=list)  # how to get involved: ways to take part
    gathered: list[tuple[str, list[str]]] = field(default_factory=list)  # next: every list

    @property
    def figures_id(self) -> str:
        """Where its figures in full are, in the appendix (a PDF destination, a page anchor)."""
        return f"figures-{self.key}"


@dataclass
class BulletinContent:
    """Both outputs show, in this order: the intro sections, "You said, we did", what
    families told us, each outcome, how to read the figures, and then the appendix, "The
    figures in full": every table, and every question's chart, grouped by outcome."""

    # What both outputs say where there is nothing to show.
    NO_TEXT: ClassVar[str] = "There is no update for this section this term."
    NO_MEASURES: ClassVar[str] = "No measures are linked to this outcome yet."
    NO_COMMENTS: ClassVar[str] = (
        "No comments about this outcome were approved for publication this term."
    )
    NO_QUESTIONS: ClassVar[str] = "No survey questions ask about this outcome."
    APPENDIX: ClassVar[str] = "The figures in full"
    APPENDIX_ID: ClassVar[str] = "figures-in-full"

    title: str
    term: Term
    number: int
    respondents: Shown
    rules: Rules
    # How people answered (online, paper, ...): each channel's count from the term's release.
    channels: list[tuple[str, Shown]]
    sections: list[Section]  # in the officers' order
    progress: Table  # "you said, we did": the register as it stood in the term
    progress_note: str  # says why the table is empty, when it is
    overview: list[Figure]  # feedback by SEF outcome and by term
    look: Look  # the partnership's name, logo and colours
    status: Status  # draft, or which published version (and its revisions)
    # Each question's answer picture as published (None: a draft, read from the surveys).
    pictures: dict[str, tuple[str, str]] | None = None
    bulletin_published: datetime | None = None  # when the officers' words were frozen
    figures_in_full: bool = True  # the appendix, after the main body

    @property
    def intro(self) -> list[Section]:
        """The sections that are not an outcome's."""
        return [s for s in self.sections if s.feedback is None]

    @property
    def outcomes(self) -> list[Section]:
        return [s for s in self.sections if s.feedback is not None]

    @property
    def families_before(self) -> str | None:
        """The section "What families told us" comes just before: the first outcome's (None:
        there is none, so it comes after the last section)."""
        return next((s.key for s in self.sections if s.feedback is not None), None)

    def adds_to(self, section: Section) -> bool:
        """Whether the section's kind shows something of its own, so that it needs no
        words to say there is no update."""
        return bool(
            section.picture
            or section.kind in ("you-said", "co-production", "involved")
            or section.gathered
        )

    @property
    def author(self) -> str:
        """Who publishes it: the partnership's one name, from its look."""
        return self.look.name

    @property
    def figures(self) -> list[Figure]:
        """Every table of the bulletin's data, in order (those with a chart column charted)."""
        found = list(self.overview)
        for section in self.outcomes:
            data = section.feedback
            found += [data.overview] if data.overview else []
            found += [figure for group in data.questions for figure in group.figures]
        return found

    @property
    def heading(self) -> str:
        return f"Update bulletin {self.number} ({self.term.name})"

    @property
    def subject(self) -> str:
        return (
            f"Self-evaluation update for {self.term.name}: what families told us, the"
            " measures, and what the partnership is doing next"
        )

    @property
    def has_feedback(self) -> bool:
        """False when nothing about the term's answers is published (too few people, or no
        one); true while any figure is, even with the number of people hidden."""
        if self.no_one_answered:
            return False
        outcome_tables = [f.table for s in self.outcomes for f in _feedback_figures(s)]
        return any_figure_published(self.respondents, self.channels, outcome_tables)

    @property
    def no_one_answered(self) -> bool:
        """True when the term's number of people is published as 0."""
        return not self.respondents.hidden and self.respondents.value == 0

    @property
    def feedback_line(self) -> str:
        """How many people answered, as published (sentences.people_line)."""
        return people_line(self.respondents, self.channels, self.term, self.rules)

    @property
    def about(self) -> list[str]:
        """How to read the figures, for the last section."""
        rules = self.rules
        return [
            "The survey figures count the answers sent during the term. To keep families"
            f" anonymous, a number below {rules.min_count} is not shown (a group no one was in"
            " shows 0), and a percentage"
            f" needs at least {rules.min_base} answers. Some other numbers are not shown"
            " either: the tables are checked together, as a reader could add them up and take"
            " them away, and a number is hidden wherever showing it would let someone work out"
            " a small number. Both say “hidden”, so “hidden” tells nothing about how big a"
            " number is. We hide as few as we can: where few people gave an answer, it is"
            " added to the answers next to it (“Very bad or bad”).",
            "“% positive” counts the answers that each survey marks as positive, such as"
            " “Yes” or a happy face, out of everyone who answered the question, except people"
            " who said it does not apply to them (we give that number beside it). The figures"
            " for a whole survey, group or term count only questions that have a positive"
            " answer.",
            "“Change since last term” compares the same questions in both terms, and is"
            f" given only where both terms have at least {rules.min_base} answers.",
            "The measures are the latest figures the partnership holds, each with the period"
            " it covers. The status compares the latest figure with its target (“within 5%"
            " of target” means short of it by no more than 5% of the target), and the"
            " direction compares it with the figure before; both are given in words.",
            "Every chart is followed by a table of the same figures.",
        ]


def _feedback_figures(section: Section) -> list[Figure]:
    data = section.feedback
    if data is None:
        return []
    return [
        *([data.overview] if data.overview else []),
        *(f for g in data.questions for f in g.figures),
    ]


def _column(table: Table, row: list, name: str) -> str:
    cell = row[table.columns.index(name)]
    return cell.text if isinstance(cell, Shown) else cell


def _cards(score: ScoreRow, measures: Table, previous: str, headline: list[str]) -> list[Card]:
    """The outcome's % positive and the headline measures officers picked (by code, in
    their order) as cards, every figure taken from the scorecard row and the measures
    table as published. A release published before its tables kept the codes, and a
    bulletin published before officers' picks were kept by code, match by name."""
    change = score.change.text if score.change.hidden else f"{score.change.text} since {previous}"
    cards = [Card("Positive answers from families", score.positive.text, [change])]
    rows = {_column(measures, row, "Measure"): row for row in measures.rows}
    rows |= dict(zip(measures.keys, measures.rows, strict=False))
    if len(measures.keys) < len(measures.rows):  # no codes kept: today's name for each
        rows |= {code: rows[name] for code, name in _names(headline).items() if name in rows}
    for row in (rows[key] for key in headline if key in rows):
        england = _column(measures, row, "England")
        cards.append(
            Card(
                _column(measures, row, "Measure"),
                _column(measures, row, "Latest"),
                [f"England: {england}", _column(measures, row, "Status")],
            )
        )
    return cards


def _names(codes: list[str]) -> dict[str, str]:
    """Today's name of each measure whose code is given."""
    if not codes:
        return {}
    found = db.session.execute(
        select(Indicator.code, Indicator.name).where(Indicator.code.in_(codes))
    )
    return {code: name for code, name in found}


def _overview(number: int, results: list[QuestionResult]) -> Figure | None:
    """% positive for each question of the outcome that has one (each already published on
    the feedback tab, so putting them side by side reveals nothing new)."""
    scored = [r for r in results if r.positive.text]
    if not scored:
        return None
    return Figure.of(
        Table(
            id=f"outcome-{number}-questions",
            title=f"% positive for each question about outcome {number}",
            columns=["Question", "Survey", "% positive"],
            rows=[[r.text, r.survey_title, r.positive] for r in scored],
            numeric={2},
            chart_value=2,
        )
    )


def _title(pair: tuple[QuestionResult, Table]) -> str:
    return pair[0].survey_title


def _question_group(title: str, pairs: list[tuple[QuestionResult, Table]]) -> QuestionGroup:
    """A survey's questions about an outcome: their tables, or the one line said instead
    where too few people answered the survey to show its answers."""
    if not pairs[0][0].answers_shown:
        return QuestionGroup(title, [], not_shown_line(pairs[0][0]))
    return QuestionGroup(title, [Figure.of(t) for _, t in pairs])


def _outcome_feedback(
    number: int,
    score: ScoreRow,
    measures: Table,
    questions: list[tuple[QuestionResult, Table]],
    term: Term,
    previous: Term,
    quotes: list[ApprovedComment],
    headline: list[str],
) -> OutcomeFeedback:
    mine = [(r, t) for r, t in questions if r.outcome == number]
    return OutcomeFeedback(
        headline=outcome_headline(score, previous.name),
        cards=_cards(score, measures, previous.name, headline),
        measures=measures,
        overview=_overview(number, [r for r, _ in mine]),
        questions=[
            _question_group(title, list(group)) for title, group in groupby(mine, key=_title)
        ],
        comments=[Quote.of(c, term) for c in quotes],
        results=[r for r, _ in mine],
    )


def build_content(
    term: Term, version: int | None = None, *, drafts: bool = True
) -> BulletinContent:
    """Everything a bulletin for `term` shows: the figures of its published release (the
    newest version, or `version`) or its draft, and the officers' words (frozen once the
    bulletin is published). A term with no bulletin written, no answers or no measures
    still gives a whole bulletin, which says what is missing. LookupError for a version
    not published; publishing.readers.NotPublished for a draft when `drafts` is False (a
    reader who sees published versions only)."""
    bulletin = words_for(term)
    figures = publishing.figures_for(term, version, drafts=drafts)
    summary, tables = figures.release.summary, figures.release.tables
    start, end = term.bounds()
    questions = tables.questions
    measures = {row.key: table for row, table in tables.outcomes}
    scores = {row.key: row for row in summary.by_outcome}
    commitments = bulletin.commitments if bulletin else []
    # The outcomes named as the release names them (as they stood when it was published).
    names = {int(row.key): row.name for row in summary.by_outcome}
    sections = []
    for row in structure(bulletin, sorted(names)):
        number = outcome_number(row.key) if row.kind == "outcome" else None
        section = Section(
            key=row.key,
            title=row.title or default_title(row.key, row.kind, names),
            body=parse(row.body),
            stories=parse(row.stories),
            commitments=[
                c.text for c in commitments if c.section == row.key and not c.carried_from_id
            ],
            kind=row.kind,
        )
        if number in names:
            section.feedback = _outcome_feedback(
                number,
                scores[str(number)],
                measures[str(number)],
                questions,
                term,
                summary.previous,
                figures.quotes[number]
                if figures.quotes is not None
                else quotes_for(start, end, number),
                row.headline_measures.splitlines(),
            )
        picture = picture_of(row.picture_id) if row.kind == "story" else None
        if picture is not None:
            section.picture = SectionPicture(
                picture.data, picture.kind, row.picture_alt, row.caption
            )
        sections.append(section)
    fill_kinds(sections, term, summary)
    progress, progress_note = progress_table(term, figures.rules, figures.themes, bulletin)
    return BulletinContent(
        title=bulletin.title if bulletin else DEFAULT_TITLE,
        term=term,
        number=bulletin.number if isinstance(bulletin, FrozenBulletin) else number_of(term),
        respondents=summary.respondents,
        rules=figures.rules,
        channels=[(row.name, row.respondents) for row in summary.group("by-channel").rows],
        sections=sections,
        progress=progress,
        progress_note=progress_note,
        overview=[Figure.of(tables.by_outcome), Figure.of(tables.by_term)],
        look=Look(**figures.look) if figures.look else current(),
        status=figures.status,
        pictures=figures.pictures,
        bulletin_published=bulletin.published_at if isinstance(bulletin, FrozenBulletin) else None,
        figures_in_full=bulletin.figures_in_full if bulletin else True,
    )
