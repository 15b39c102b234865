"""The feedback summary as plain tables: one shape for the web page, CSV/XLSX and the bulletin.

Everything here is already protected (summary.py hands over `Shown` values only), so no
output built from these tables can show a hidden number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .shown import Shown
from .summary import FeedbackSummary, GroupTable, QuestionResult, ScoreRow

# In place of a survey's question tables where too few people answered it to show them.
TOO_FEW_PEOPLE = "Too few people answered this survey to show their answers"
# A revision whose late answers wait shows the answers of an earlier version's people.
TOO_FEW_PEOPLE_THEN = "Too few people had answered this survey by version {} to show answers"


@dataclass
class Table:
    id: str
    title: str
    columns: list[str]
    rows: list[list[str | int | Shown]]
    numeric: set[int] = field(default_factory=set)  # columns to right-align
    chart_value: int | None = None  # the column a bar chart draws, if any
    keys: list[str] = field(default_factory=list)  # each row's lasting name (a measure's code)

    def text_rows(self) -> list[list[str]]:
        return [[c.text if isinstance(c, Shown) else str(c) for c in row] for row in self.rows]


def score_table(table_id: str, title: str, label: str, rows: list[ScoreRow]) -> Table:
    return Table(
        id=table_id,
        title=title,
        columns=[label, "Questions", "Answers", "% positive", "Change since last term"],
        rows=[[r.name, r.questions, r.answers, r.positive, r.change] for r in rows],
        numeric={1, 2, 3, 4},
        chart_value=3,
    )


def group_table(group: GroupTable) -> Table:
    return Table(
        id=group.id,
        title=group.title,
        columns=[group.label, "People who answered", "% positive"],
        rows=[[r.name, r.respondents, r.positive] for r in group.rows],
        numeric={1, 2},
        chart_value=2,
    )


def _option_label(option) -> str:
    if option.not_applicable:
        return f"{option.label} (does not apply: left out of the %)"
    return option.label + (" (positive)" if option.positive else "")


def not_shown_line(result: QuestionResult) -> str:
    """What a survey too few people answered says instead of its answers."""
    if result.answers_of is None:
        return TOO_FEW_PEOPLE
    return TOO_FEW_PEOPLE_THEN.format(result.answers_of)


def answers_not_shown(result: QuestionResult) -> Table:
    """The one line a survey too few people answered shows instead of its question tables."""
    line = not_shown_line(result)
    return Table(f"answers-{result.survey_slug}", result.survey_title, ["Answers"], [[line]])


def question_tables(results: list[QuestionResult]) -> list[tuple[QuestionResult, Table]]:
    """Each question with its table; the questions of a survey whose answers are not shown
    share its one line."""
    lines: dict[str, Table] = {}
    return [
        (
            r,
            question_table(r)
            if r.answers_shown
            else lines.setdefault(r.survey_slug, answers_not_shown(r)),
        )
        for r in results
    ]


def question_table(result: QuestionResult) -> Table:
    if result.type == "number":
        rows = [
            ["People who answered", result.answering],
            ["Median (middle) answer", result.median],
        ]
        return Table(f"q-{result.survey_slug}-{result.question_id}", result.text, ["", ""], rows)
    if result.type == "text":
        rows = [["People who wrote a comment", result.answering]]
        return Table(f"q-{result.survey_slug}-{result.question_id}", result.text, ["", ""], rows)
    rows = [[_option_label(o), o.count, o.percent] for o in result.options]
    return Table(
        id=f"q-{result.survey_slug}-{result.question_id}",
        title=result.text,
        columns=["Answer", "People", "%"],
        rows=rows,
        numeric={1, 2},
        chart_value=2,
    )


@dataclass(frozen=True)
class SummaryTables:
    """Every table of the feedback tab, by what it is for."""

    by_outcome: Table
    by_principle: Table
    groups: list[Table]  # by each grouping, then by survey
    by_term: Table
    questions: list[tuple[QuestionResult, Table]]  # each question with its table
    outcomes: list[tuple[ScoreRow, Table]]  # each outcome with the table of its measures

    @property
    def overview(self) -> list[Table]:
        """The summaries, in the tab's order."""
        return [self.by_outcome, self.by_principle, *self.groups, self.by_term]

    def every_table(self) -> list[Table]:
        return [
            *self.overview,
            *(table for _, table in self.questions),
            *(table for _, table in self.outcomes),
        ]


def summary_tables(summary: FeedbackSummary) -> SummaryTables:
    """Every table of the feedback tab: the summaries, each question, then the measures of
    each outcome."""
    term = summary.term.name
    return SummaryTables(
        by_outcome=score_table(
            "by-outcome", f"By SEF outcome, {term}", "Outcome", summary.by_outcome
        ),
        by_principle=score_table(
            "by-principle", f"By charter principle, {term}", "Principle", summary.by_principle
        ),
        groups=[group_table(group) for group in summary.groups],
        by_term=group_table(GroupTable("by-term", "By term", "Term", summary.by_term)),
        questions=question_tables(summary.questions),
        outcomes=[
            (
                row,
                measures_table(
                    int(row.key),
                    f"Measures for outcome {row.key}: {row.name}",
                    until=summary.term.ends_on,
                ),
            )
            for row in summary.by_outcome
        ],
    )


def measures_table(outcome: int, title: str, until: date | None = None) -> Table:
    """The outcome's measures: latest, previous, England, target, status and trend in words;
    with `until`, from the values whose period ends by then (each says its period)."""
    from ..indicators.service import (
        england_words,
        format_value,
        measures_for_outcome,
        status_words,
    )

    def figure(point) -> str:
        return (
            f"{format_value(point.value, point.marker, m.unit)} ({point.label})"
            if point
            else "none"
        )

    rows, keys = [], []
    for m in measures_for_outcome(outcome, until):
        keys.append(m.code)
        target = format_value(m.target, None, m.unit) if m.target is not None else "none"
        trend = ", ".join(
            f"{p.label} {format_value(p.value, p.marker, m.unit)}" for p in m.series[-4:]
        )
        rows.append(
            [
                m.name,
                figure(m.latest),
                figure(m.previous),
                england_words(m),
                target,
                status_words(m),
                trend,
            ]
        )
    return Table(
        id=f"measures-{outcome}",
        title=title,
        columns=["Measure", "Latest", "Previous", "England", "Target", "Status", "Trend"],
        rows=rows,
        keys=keys,
    )
