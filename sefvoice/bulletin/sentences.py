"""The bulletin's sentences about its figures, each chosen from what is published.

A figure reaches the bulletin as a `Shown` value, already through disclosure control: a
number, "hidden" (under the rule, or kept back to protect a small number elsewhere: its
true value may be anything), or "too few answers" (a percentage whose base is published
as under the rule). A sentence says only what that status says: "hidden" said plainly as
hidden, never as "few" or "too few". The web page, the PDF and the Word document take
their sentences from here, through the bulletin's content.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..release.shown import Rules, Shown, status
from ..release.tables import Table
from ..terms import Term
from ..words import noun

if TYPE_CHECKING:
    from ..release.summary import ScoreRow


def published(cells: Iterable[object]) -> bool:
    """Whether any of these cells is a number the release shows."""
    return any(isinstance(cell, Shown) and not cell.hidden for cell in cells)


def any_figure_published(
    respondents: Shown, channels: list[tuple[str, Shown]], tables: Iterable[Table]
) -> bool:
    """Whether the release publishes anything for the term: its number of people, or any
    other figure (the number of people may be hidden while the rest is shown)."""
    return published([respondents, *(shown for _, shown in channels)]) or any(
        published(cell for row in table.rows for cell in row) for table in tables
    )


def people_line(
    respondents: Shown, channels: list[tuple[str, Shown]], term: Term, rules: Rules
) -> str:
    """How many people sent answers in the term, as published."""
    between = (
        f"between {term.starts_on.day} {term.starts_on:%B} and"
        f" {term.ends_on.day} {term.ends_on:%B %Y}"
    )
    answered = ", ".join(f"{name.lower()} {shown.text}" for name, shown in channels)
    how = f" How people answered: {answered}." if answered else ""
    match status(respondents):
        case "shown" if respondents.value == 0:
            return f"No one sent survey answers {between}."
        case "shown":
            people = f"{respondents.text} {noun('person', respondents.value)}"
            return f"{people} sent survey answers {between}.{how}"
        case _:
            return (
                f"The number of people who sent survey answers {between} is hidden to"
                f" protect families: showing it could let someone work out a small number.{how}"
            )


def outcome_headline(score: ScoreRow, previous: str) -> str:
    """The outcome's scorecard row in words."""
    if score.positive.hidden:
        return f"Positive answers about this outcome: {score.positive.text}."
    change = f", {score.change.text} since {previous}" if not score.change.hidden else ""
    return (
        f"{score.positive.text} of {score.answers.text} answers to {score.questions}"
        f" {noun('question', score.questions)} about this outcome were positive{change}."
    )
