"""What families said, as the feedback tab, its downloads and the bulletin show it.

Each term's figures go through one disclosure pass over the whole term
(protected_figures.py), and every number leaves this module as a `Shown` value from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..definitions import SurveyDefinition
from ..terms import Term
from ..words import noun
from .keys import base_key, scored
from .shown import Rules, Shown, half_up, percent_text, share
from .statistics import wilson_interval

if TYPE_CHECKING:
    import pandas as pd

    from .protected_figures import ProtectedFigures


@dataclass
class OptionResult:
    label: str
    positive: bool
    count: Shown
    percent: Shown
    not_applicable: bool = False  # left out of the % base, shown beside it
    option_ids: tuple[str, ...] = ()  # the answers it counts (more than one: added together)


@dataclass
class QuestionResult:
    survey_slug: str
    survey_title: str
    question_id: str
    text: str
    type: str
    principle: str
    outcome: int
    answering: Shown
    options: list[OptionResult] = field(default_factory=list)
    positive: Shown = Shown(None, "")
    interval: tuple[Shown, Shown] | None = None
    median: Shown = Shown(None, "")
    # The counts behind a published % positive (both are given away by its interval), so
    # that pooling them (scorecards) reveals nothing new.
    published_positive: tuple[int, int] | None = None
    base: Shown = Shown(None, "")  # the answers the percentages are out of
    not_applicable: Shown | None = None  # people who said it does not apply to them
    # False where too few people answered the survey to show any of its answers.
    answers_shown: bool = True
    # A revision whose late answers wait: the version whose answers it keeps (None: its own).
    answers_of: int | None = None

    @property
    def combined(self) -> bool:
        """Whether a row adds some answers together (where few gave them)."""
        return any(len(o.option_ids) > 1 for o in self.options)


@dataclass
class ScoreRow:
    key: str
    name: str
    questions: int  # the questions whose answers the figure pools
    answers: Shown
    positive: Shown
    change: Shown  # percentage points since the previous term, over the same questions


@dataclass
class GroupRow:
    name: str
    respondents: Shown
    positive: Shown


@dataclass
class GroupTable:
    """Respondents and % positive per group (by survey, or by a Grouping)."""

    id: str
    title: str
    label: str
    rows: list[GroupRow]


@dataclass
class FeedbackSummary:
    term: Term
    previous: Term
    respondents: Shown
    questions: list[QuestionResult]
    by_principle: list[ScoreRow]
    by_outcome: list[ScoreRow]
    groups: list[GroupTable]  # by each grouping, then by survey
    by_term: list[GroupRow]
    # A revision whose answer tables are an earlier version's while late answers wait
    # (release.versions.answers_counted): that version; None: they count everyone.
    answers_of: int | None = None
    # The term's figures before they were shown (for publishing its protection); not part
    # of what is shown, so not stored with it.
    release: ProtectedFigures | None = field(
        default=None, compare=False, repr=False, metadata={"stored": False}
    )

    def group(self, table_id: str) -> GroupTable:
        return next(g for g in self.groups if g.id == table_id)


def _median(values: pd.DataFrame) -> float:
    """Median from (number, n) rows, without expanding them into one row per person."""
    ordered = values.sort_values("number")
    cumulative = ordered["n"].cumsum()
    total = int(cumulative.iloc[-1])
    lower = ordered["number"][cumulative >= (total + 1) // 2].iloc[0]
    upper = ordered["number"][cumulative >= total // 2 + 1].iloc[0]
    return (lower + upper) / 2


def _percent_of_one(value: float) -> Shown:
    return percent_text(100 * value)


def question_result(
    release: ProtectedFigures, definition: SurveyDefinition, question, numbers: pd.DataFrame
) -> QuestionResult:
    """One question's results, as the term's release shows them."""
    slug, qid = definition.slug, question.id
    answering = ("answering", slug, qid)
    result = QuestionResult(
        survey_slug=slug,
        survey_title=definition.title,
        question_id=qid,
        text=question.text,
        type=question.type,
        principle=question.principle,
        outcome=question.outcome,
        answering=release.count(answering),
    )
    if question.type == "number":
        median = _median(numbers) if len(numbers) else None
        result.median = release.median(slug, qid, median, question.unit)
        return result
    if not question.is_choice:
        return result
    base = base_key(slug, question)
    result.base = release.count(base)
    for row in release.answer_rows(definition, question):
        chose = ("chose", slug, qid, row.key)
        result.options.append(
            OptionResult(
                label=row.label,
                positive=row.positive,
                count=release.count(chose),
                percent=Shown(None, "") if row.not_applicable else release.share(chose, base),
                not_applicable=row.not_applicable,
                option_ids=tuple(o.id for o in row.options),
            )
        )
    not_applicable = [o for o in result.options if o.not_applicable]
    if len(not_applicable) == 1:
        result.not_applicable = not_applicable[0].count
    if scored(question):
        scope = ("question", slug, qid)
        result.positive = release.percent(scope)
        if not result.positive.hidden:
            positive, n = release.value(("positive", *scope)), release.value(("base", *scope))
            low, high = wilson_interval(positive, n)
            result.interval = (_percent_of_one(low), _percent_of_one(high))
            result.published_positive = (positive, n)
    return result


def question_results(release: ProtectedFigures, numbers: pd.DataFrame) -> list[QuestionResult]:
    """Results for every question of every survey, for one term, in survey order."""
    grouped = {key: rows for key, rows in numbers.groupby(["slug", "question_id"])}
    empty = numbers.iloc[0:0]
    return [
        question_result(release, d, q, grouped.get((d.slug, q.id), empty))
        if release.answers_shown(d.slug)
        else _not_shown(d, q, release.answers_of)
        for d in release.definitions
        for q in d.questions
    ]


def _not_shown(definition: SurveyDefinition, question, answers_of: int | None) -> QuestionResult:
    """A question of a survey too few people answered to show its answers: no figures
    (`answers_of`: the earlier version whose answers a revision keeps)."""
    return QuestionResult(
        survey_slug=definition.slug,
        survey_title=definition.title,
        question_id=question.id,
        text=question.text,
        type=question.type,
        principle=question.principle,
        outcome=question.outcome,
        answering=Shown(None, ""),
        answers_shown=False,
        answers_of=answers_of,
    )


def _pooled(results: list[QuestionResult], key: str, value, only: set | None = None):
    """Positive and base counts over the published questions with `key` == value."""
    rows = [
        r.published_positive
        for r in results
        if getattr(r, key) == value
        and r.published_positive
        and (only is None or (r.survey_slug, r.question_id) in only)
    ]
    return len(rows), sum(p for p, _ in rows), sum(n for _, n in rows)


def _change(now: list[QuestionResult], before: list[QuestionResult], key: str, value, rules):
    """Points of change over the questions published in both terms, from unrounded values,
    rounded once; shown only where both terms' pooled bases meet the rule."""
    published_before = {(r.survey_slug, r.question_id) for r in before if r.published_positive}
    _, positive, base = _pooled(now, key, value, published_before)
    published_now = {(r.survey_slug, r.question_id) for r in now if r.published_positive}
    _, earlier, earlier_base = _pooled(before, key, value, published_now)
    if min(base, earlier_base) < rules.min_base:
        return Shown(None, "no comparison")
    return change_in_points(positive, base, earlier, earlier_base)


def change_in_points(positive: float, base: int, earlier: float, earlier_base: int) -> Shown:
    """The change in % positive, from the exact shares, in whole points rounded half away
    from zero: "+1 point". "No change" only where there is none; a change that rounds to 0
    points says which way it went: "up by less than 1 point"."""
    exact = share(positive, base) - share(earlier, earlier_base)
    shown = int(half_up(exact))
    if shown:
        return Shown(shown, f"{shown:+d} {noun('point', abs(shown))}")
    if exact == 0:
        return Shown(0, "no change")
    return Shown(0, f"{'up' if exact > 0 else 'down'} by less than 1 point")


def scorecard(
    results: list[QuestionResult],
    previous: list[QuestionResult],
    key: str,
    names: dict,
    rules: Rules,
) -> list[ScoreRow]:
    """% positive per principle or outcome, pooled over the questions whose % is published."""
    rows = []
    for value, name in names.items():
        questions, positive, answers = _pooled(results, key, value)
        if questions:
            shown = percent_text(share(positive, answers))
            change = _change(results, previous, key, value, rules)
        else:
            shown = Shown(None, "no published questions with a positive answer")
            change = Shown(None, "no comparison")
        rows.append(
            ScoreRow(
                key=str(value),
                name=name,
                questions=questions,
                answers=Shown(answers, f"{answers:,}") if questions else Shown(None, "none"),
                positive=shown,
                change=change,
            )
        )
    return rows


def group_tables(release: ProtectedFigures, term: str) -> list[GroupTable]:
    """Respondents and % positive by each grouping, then by survey."""
    tables = [
        GroupTable(
            g.id,
            f"{g.title}, {term}",
            g.label,
            [
                GroupRow(
                    name,
                    release.count(("respondents", g.column, value)),
                    release.percent((g.column, value)),
                )
                for value, name in g.names.items()
            ],
        )
        for g in release.groupings
    ]
    by_survey = [
        GroupRow(
            d.title,
            release.count(("respondents", "survey", d.slug)),
            release.percent(("survey", d.slug)),
        )
        for d in release.definitions
    ]
    return [*tables, GroupTable("by-survey", f"By survey, {term}", "Survey", by_survey)]
