"""How a term's question tables show their answers: each on its own row, or added together
where few gave them (Rules.combined, from easyread/combined-answers.yaml).

A question's level is the first at which no row that a later level would add together
has fewer than min_count people. A reader who knows the rule learns that each such row at
the level shown is min_count or more (`told_apart`, a fact of the release), and, above
level 0, that at each level before some such row was under min_count. That last fact is
not given to the attacker: every figure a release publishes about the question is a sum
over whole rows of the level shown, so moving each row's people all onto one of its
answers changes no published figure and puts the others at 0, under min_count, at every
level before; so it rules out no value of any published figure. (The brute-force reader
of tests/reader_enumeration.py does know it, and agrees.) A single answer inside a row,
where under min_count, must stay uncertain as a hidden count must. A revision keeps the
level its earlier version showed (it would otherwise tell on the people added or
removed); a table no earlier version showed at a level is shown answer by answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from ..definitions import SurveyDefinition
from ..definitions.combined_answers import Row
from .attack import Known
from .finest_cells import Figure, Key
from .shown import Rules

QuestionKey = tuple[str, str]  # (survey, question)


def row_figure(figures: dict[Key, Figure], slug: str, question_id: str, row: Row) -> Figure:
    """The figure of a row: its one answer's, or its answers' added up (made once)."""
    if len(row) == 1:
        return figures[("chose", slug, question_id, row[0].id)]
    key = ("chose", slug, question_id, "+".join(o.id for o in row))
    if key not in figures:
        parts = [figures[("chose", slug, question_id, o.id)] for o in row]
        cells = np.concatenate([f.cells for f in parts])
        figures[key] = Figure(key, cells, sum(f.value for f in parts))
    return figures[key]


def _merged_later(levels: list[list[Row]], level: int) -> list[Row]:
    """The rows of `level` that a later level adds together with others."""
    last = set(levels[-1])
    return [row for row in levels[level] if row not in last]


def decide_levels(
    definitions: Sequence[SurveyDefinition],
    figures: dict[Key, Figure],
    rules: Rules,
    decided: dict[QuestionKey, int] | None,
) -> dict[QuestionKey, int]:
    """The level of each question that has more than one; each row shown gets its figure.
    `decided`, in a revision: the levels its earlier versions showed; a question they did
    not show at a level (none then, or the rules were changed since) is shown answer by
    answer, as choosing from the counts now could tell on the people added or removed."""
    found = {}
    for d in definitions:
        for q in d.questions:
            levels = rules.combined.levels(d, q)
            if len(levels) < 2:
                continue
            if decided is not None:
                level = min(decided.get((d.slug, q.id), 0), len(levels) - 1)
            else:
                level = 0
                while level + 1 < len(levels) and any(
                    row_figure(figures, d.slug, q.id, row).value < rules.min_count
                    for row in _merged_later(levels, level)
                ):
                    level += 1
            found[(d.slug, q.id)] = level
            for row in levels[level]:
                row_figure(figures, d.slug, q.id, row)
    return found


def told_apart(
    definitions: Sequence[SurveyDefinition],
    figures: dict[Key, Figure],
    rules: Rules,
    levels: dict[QuestionKey, int],
) -> list[Known]:
    """What the levels a first version chose tell a reader: each row a later level would
    add together has min_count or more people, shown or not."""
    facts = []
    for d in definitions:
        for q in d.questions:
            key = (d.slug, q.id)
            if key not in levels:
                continue
            every = rules.combined.levels(d, q)
            if levels[key] + 1 >= len(every):
                continue
            for row in _merged_later(every, levels[key]):
                figure = row_figure(figures, d.slug, q.id, row)
                facts.append(
                    Known(replace(figure, key=("told", *figure.key)), rules.min_count, np.inf)
                )
    return facts
