"""The finest counts of a term and the figures made from them.

A term's answers are held as cells, one per survey, question, answer and group (who filled
it in; any further grouping adds a column): `respondents[survey, group]`,
`answering[survey, question, group]` and `chose[survey, question, option, group]`. Every
figure any output can show (a table cell, a total, the counts behind a percentage) is a
`Figure`: a sum of cells with its true value. The reader knows some relations between the
cells without being told any number (`Relation`): the options of a one-answer question add
up to the people who answered it; nobody answers a question without having responded; the
options of a multiple-choice question each hold at most the people who answered it, and an
exclusive option ("No one") with any other at most the people who answered it. A
relation is written down only where the data bears it out, so the attacker never assumes
something that is not true.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial

import numpy as np
import pandas as pd
from scipy.sparse import csr_array

from ..definitions import ONE_ANSWER_TYPES as ONE_ANSWER
from ..definitions import SurveyDefinition
from .keys import Grouping, Key, scored


@dataclass
class Figure:
    """A count any output may show: the sum of `cells`, with its true value."""

    key: Key
    cells: np.ndarray  # indexes into Cells.values
    value: int
    coefficients: np.ndarray | None = None  # None: every cell counts once

    def row(self, size: int) -> np.ndarray:
        row = np.zeros(size)
        np.add.at(row, self.cells, 1 if self.coefficients is None else self.coefficients)
        return row


@dataclass
class Relation:
    """low <= sum(coefficients * cells) <= high, known to every reader."""

    cells: np.ndarray
    coefficients: np.ndarray
    low: float
    high: float
    # The ranges it was chosen from, tightest first: the first that other data (an earlier
    # version's cells) bears out is what a reader knows of that data.
    ranges: tuple[tuple[float, float], ...] = ()

    def range_over(self, values: np.ndarray) -> tuple[float, float] | None:
        """The tightest of its ranges that `values` bear out (None: none)."""
        total = float(self.coefficients @ values[self.cells])
        for low, high in self.ranges or ((self.low, self.high),):
            if low <= total <= high:  # whole numbers: exact
                return low, high
        return None


@dataclass
class Cells:
    """The finest counts of one term, and the relations a reader knows between them."""

    frame: pd.DataFrame  # kind, slug, question_id, option_id, group columns, n
    relations: list[Relation] = field(default_factory=list)

    @property
    def values(self) -> np.ndarray:
        return self.frame["n"].to_numpy()

    @cached_property
    def relation_rows(self) -> csr_array:
        return sparse_rows([(r.cells, r.coefficients) for r in self.relations], len(self))

    @cached_property
    def partners(self) -> dict[int, list[int]]:
        """For each chosen-answer cell, the cells of the other answers to the same question
        by the same group."""
        frame = self.frame
        chose = frame[frame["kind"] == "chose"]
        by = [c for c in frame.columns if c not in ("kind", "option_id", "n")]
        partners: dict[int, list[int]] = {}
        for index in chose.groupby(by, sort=False).indices.values():
            members = chose.index.to_numpy()[index].tolist()
            for cell in members:
                partners[cell] = [m for m in members if m != cell]
        return partners

    def __len__(self) -> int:
        return len(self.frame)


def sparse_rows(rows: list[tuple[np.ndarray, np.ndarray]], size: int) -> csr_array:
    """A sparse matrix with one row per (cell indexes, coefficients)."""
    if not rows:
        return csr_array((0, size))
    columns = np.concatenate([c for c, _ in rows])
    values = np.concatenate([v for _, v in rows]).astype(float)
    row_ids = np.repeat(np.arange(len(rows)), [len(c) for c, _ in rows])
    return csr_array((values, (row_ids, columns)), shape=(len(rows), size))


def _grid(rows: list[tuple], columns: list[str], groups: pd.DataFrame) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    return frame.merge(groups, how="cross")


def _relation(cells: Cells, index: np.ndarray, coefficients: np.ndarray, *ranges) -> None:
    """Record the first of `ranges` (low, high) that the data bears out, if any."""
    total = float(coefficients @ cells.values[index])
    for low, high in ranges:
        if low <= total <= high:
            cells.relations.append(Relation(index, coefficients, low, high, tuple(ranges)))
            return


def make_cells(
    definitions: Sequence[SurveyDefinition],
    groupings: Sequence[Grouping],
    respondents: pd.DataFrame,
    answering: pd.DataFrame,
    choices: pd.DataFrame,
) -> Cells:
    """Every cell of one term (zero where no one answered), from grouped counts:
    `respondents` (slug, group columns, n), `answering` (slug, question_id, groups, n) and
    `choices` (slug, question_id, option_id, groups, n)."""
    group_columns = [g.column for g in groupings]
    groups = pd.MultiIndex.from_product(
        [list(g.names) for g in groupings], names=group_columns
    ).to_frame(index=False)
    surveys = _grid([(d.slug,) for d in definitions], ["slug"], groups)
    questions = _grid(
        [(d.slug, q.id) for d in definitions for q in d.questions], ["slug", "question_id"], groups
    )
    options = _grid(
        [(d.slug, q.id, o.id) for d in definitions for q in d.questions for o in q.options],
        ["slug", "question_id", "option_id"],
        groups,
    )

    def counted(grid: pd.DataFrame, counts: pd.DataFrame, kind: str) -> pd.DataFrame:
        keys = [c for c in grid.columns]
        summed = counts.groupby(keys, as_index=False)["n"].sum() if len(counts) else None
        merged = grid if summed is None else grid.merge(summed, on=keys, how="left")
        merged["n"] = merged.get("n", pd.Series(0, index=merged.index)).fillna(0).astype("int64")
        return merged.assign(kind=kind)

    frame = pd.concat(
        [
            counted(surveys, respondents, "respondents"),
            counted(questions, answering, "answering"),
            counted(options, choices, "chose"),
        ],
        ignore_index=True,
    )
    frame[["question_id", "option_id"]] = frame[["question_id", "option_id"]].fillna("")
    return recounted(frame, definitions, groupings)


def recounted(
    frame: pd.DataFrame, definitions: Sequence[SurveyDefinition], groupings: Sequence[Grouping]
) -> Cells:
    """The cells of `frame` (as `Cells.frame`), with the relations its counts bear out."""
    cells = Cells(frame)
    _add_relations(cells, definitions, [g.column for g in groupings])
    return cells


def _add_relations(
    cells: Cells, definitions: Sequence[SurveyDefinition], group_columns: list[str]
) -> None:
    frame = cells.frame
    index = {
        key: position
        for position, key in enumerate(
            zip(
                frame["kind"],
                frame["slug"],
                frame["question_id"],
                frame["option_id"],
                *(frame[c] for c in group_columns),
                strict=True,
            )
        )
    }
    group_values = frame.loc[frame["kind"] == "respondents", group_columns].drop_duplicates()
    for group in group_values.itertuples(index=False):
        group = tuple(group)
        for definition in definitions:
            everyone = [index[("respondents", definition.slug, "", "", *group)]]
            for question in definition.questions:
                answered = index[("answering", definition.slug, question.id, "", *group)]
                asked = _asked(definition, question, everyone, partial(_cell_of, index, group))
                pair = np.array([answered, *asked])
                # Everyone asked answered a required question (unless an older version of
                # the survey lacked it); an optional one, at most everyone asked.
                ranges = [(-np.inf, 0)] if question.optional else [(0, 0), (-np.inf, 0)]
                _relation(cells, pair, np.array([1, *[-1] * len(asked)]), *ranges)
                chosen = np.array(
                    [
                        index[("chose", definition.slug, question.id, o.id, *group)]
                        for o in question.options
                    ],
                    dtype=int,
                )
                if not len(chosen):
                    continue
                with_answered = np.append(chosen, answered)
                if question.type in ONE_ANSWER:
                    coefficients = np.append(np.ones(len(chosen)), -1)
                    _relation(cells, with_answered, coefficients, (0, 0), (-np.inf, 0))
                else:  # each chosen option at most once per person, and at least one each
                    for option in chosen:
                        pair = np.array([option, answered])
                        _relation(cells, pair, np.array([1, -1]), (-np.inf, 0))
                    coefficients = np.append(np.ones(len(chosen)), -1)
                    _relation(cells, with_answered, coefficients, (0, np.inf))
                    # An exclusive option ("No one") is ticked only on its own: no one who
                    # ticked it ticked any other.
                    for alone, other in _exclusive_pairs(question, chosen):
                        trio = np.array([alone, other, answered])
                        _relation(cells, trio, np.array([1, 1, -1]), (-np.inf, 0))


def _exclusive_pairs(question, chosen: np.ndarray) -> list[tuple[int, int]]:
    """(exclusive option's cell, another option's cell) for each pair never ticked together."""
    flags = [o.exclusive for o in question.options]
    return [
        (int(alone), int(other))
        for alone, exclusive in zip(chosen, flags, strict=True)
        if exclusive
        for other in chosen
        if other != alone
    ]


def _cell_of(index: dict, group: tuple, key: tuple) -> int:
    return index[(*key, *group)]


def _asked(definition: SurveyDefinition, question, everyone: list, cell) -> list:
    """The cells whose sum is the people asked the question: everyone, or for a question
    asked only after certain answers (show_if), the people who chose them, of a one-answer
    question, so each person is in one cell."""
    rule = question.show_if
    if rule is None:
        return everyone
    return [cell(("chose", definition.slug, rule.question, option)) for option in rule.answers]


def _option_flags(definitions: Sequence[SurveyDefinition]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            (d.slug, q.id, o.id, o.positive, o.not_applicable, scored(q), q.type in ONE_ANSWER)
            for d in definitions
            for q in d.questions
            for o in q.options
        ],
        columns=[
            *("slug", "question_id", "option_id"),
            *("positive", "not_applicable", "scored", "one_answer"),
        ],
    )


def make_figures(
    cells: Cells, definitions: Sequence[SurveyDefinition], groupings: Sequence[Grouping]
) -> dict[Key, Figure]:
    """Every figure a release can show, by key:

    - ("respondents",), ("respondents", "survey", slug), ("respondents", column, value)
    - ("answering", slug, question), ("chose", slug, question, option)
    - ("skipped", slug, question): respondents minus those who answered
    - ("base", "question", slug, question): a one-answer question's answers other than
      "does not apply" (its % base); ("positive", "question", ...) for a scored one
    - ("positive", *scope) and ("base", *scope): the positive answers and the answers a
      "% positive" is out of, over scored questions, for scope ("all",), ("survey", slug)
      and (column, value)
    """
    frame = cells.frame
    values = cells.values
    figures: dict[Key, Figure] = {}

    def add(prefix: Key, rows: pd.DataFrame, by: list[str]) -> None:
        if not by:
            found = {(): rows.index.to_numpy()}
        else:
            found = rows.groupby(by, sort=False).indices
            found = {
                (k if isinstance(k, tuple) else (k,)): rows.index.to_numpy()[v]
                for k, v in found.items()
            }
        for key, index in found.items():
            index = np.asarray(index, dtype=int)
            figures[(*prefix, *map(str, key))] = Figure(
                (*prefix, *map(str, key)), index, int(values[index].sum())
            )

    people = frame[frame["kind"] == "respondents"]
    add(("respondents",), people, [])
    add(("respondents", "survey"), people, ["slug"])
    for grouping in groupings:
        add(("respondents", grouping.column), people, [grouping.column])
        for value in grouping.names:  # a group is listed even when no survey was answered
            key = ("respondents", grouping.column, value)
            figures.setdefault(key, Figure(key, np.array([], dtype=int), 0))
    answering = frame[frame["kind"] == "answering"]
    add(("answering",), answering, ["slug", "question_id"])
    chose = frame[frame["kind"] == "chose"]
    add(("chose",), chose, ["slug", "question_id", "option_id"])

    if len(chose):
        flags = chose.reset_index().merge(_option_flags(definitions)).set_index("index")
        # A question's % base: its answers other than "does not apply" (one-answer questions).
        one_answer = flags[flags["one_answer"] & ~flags["not_applicable"]]
        add(("base", "question"), one_answer, ["slug", "question_id"])
        in_base = one_answer[one_answer["scored"]]
        add(("positive", "question"), in_base[in_base["positive"]], ["slug", "question_id"])
        # Group figures: over scored questions only.
        for name, rows in (("positive", in_base[in_base["positive"]]), ("base", in_base)):
            add((name, "all"), rows, [])
            add((name, "survey"), rows, ["slug"])
            for grouping in groupings:
                add((name, grouping.column), rows, [grouping.column])

    # Skips: the people asked a question minus those who answered, where not always zero.
    # Someone not asked it (routing) did not skip it: they are not among those asked.
    empty = Figure((), np.array([], dtype=int), 0)
    for definition in definitions:
        everyone = [figures[("respondents", "survey", definition.slug)]]
        for question in definition.questions:
            answered = figures[("answering", definition.slug, question.id)]
            asked = _asked(definition, question, everyone, lambda key: figures.get(key, empty))
            key = ("skipped", definition.slug, question.id)
            figures[key] = Figure(
                key,
                np.concatenate([*(f.cells for f in asked), answered.cells]),
                sum(f.value for f in asked) - answered.value,
                np.concatenate(
                    [*(np.ones(len(f.cells)) for f in asked), -np.ones(len(answered.cells))]
                ),
            )
    return figures
