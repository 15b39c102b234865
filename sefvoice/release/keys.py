"""What a release's figures are keyed by: the keys, the groupings that split respondents,
which questions count towards a "% positive" and the count each question's percentages are
out of."""

from __future__ import annotations

from dataclasses import dataclass

from ..definitions import ONE_ANSWER_TYPES as ONE_ANSWER
from ..definitions import Question

Key = tuple[str, ...]


@dataclass(frozen=True)
class Grouping:
    """A way of splitting the respondents (a column of the tally), shown as its own table."""

    column: str  # the tally column, e.g. filled_by
    id: str  # the table's id, e.g. by-filled-by
    title: str  # "By who filled it in"
    label: str  # the first column's heading, e.g. "Who"
    names: dict[str, str]  # value -> what the table calls it, in table order


def scored(question: Question) -> bool:
    """True when the question's answers count towards a "% positive": one answer each, at
    least one positive option, and not marked `scored: false`."""
    return (
        question.type in ONE_ANSWER
        and question.scored
        and any(o.positive for o in question.options)
    )


def base_key(slug: str, question) -> Key:
    """The count a question's percentages are out of: the people who answered, less any
    who said it does not apply to them."""
    if any(o.not_applicable for o in question.options):
        return ("base", "question", slug, question.id)
    return ("answering", slug, question.id)
