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
    # Values the table adds together as one row where one of them has fewer than
    # min_count people: (the row's name, its values), e.g. ("Other ways", ("paper", ...)).
    together: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def rows(self, combined: bool) -> list[tuple[str, str, tuple[str, ...]]]:
        """The table's rows (a figure key's last part, the name, the values it counts):
        each value, or with `combined` each of `together` as one row, where its first
        value stands."""
        merged = {values[0]: (name, values) for name, values in self.together if combined}
        inside = {v for _, values in merged.values() for v in values}
        rows = []
        for value, name in self.names.items():
            if value in merged:
                label, values = merged[value]
                rows.append(("+".join(values), label, values))
            elif value not in inside:
                rows.append((value, name, (value,)))
        return rows


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
