"""What a reader knows when a term's release is revised: every earlier version as published.

Version 2 minus version 1 is the people added (late returns) and taken away (withdrawals)
since: a differencing attack. So a revision is protected and attacked over a stacked set
of cells: the term's cells now, and for each earlier version the cells of the people
`added` since it and those `removed` since it (all whole numbers, 0 or more), with

    cells then = cells now - added + removed   (each 0 or more; added <= cells now)

A change's cells are only those of the surveys and groups it touched (each survey's
number of people, by every grouping at once): the reader is taken to know which those are.
How many people were added or removed, to which survey, who filled it in and how they sent
it is not a secret (an officer's reason for a revision says as much: "one late paper
return"); how they answered is. So every other cell of a change is 0 and need not be
solved for: one late return makes a change of one survey's cells for one group, not of
the whole term.

Every fact an earlier version published about its cells is a fact about `now - added +
removed`; the relations between cells hold for each block where the data bears them out;
and a reader is taken to know when nothing was added (or nothing removed), the stronger
reader. Each earlier version's facts are stored with it (`stored_facts`), so a revision
needs no raw answer from before.

Beyond every target of the release itself, the answers of the people added or removed
must not be recovered: for each answer, the number of them who gave it must keep every
value from 0 up to how many of them answered (5 values, when 5 or more did), or up to how
many gave that answer in all (an answer no one gave now, no one added gave).

Late answers wait (`answers_counted`): while fewer than min_count people have been added
since the answers were last counted, and no one was taken away, a revision's answer tables
keep that version's answers and only its counts of people count everyone. One late return
then shows that one more person answered, not how; its answers join the tables with the
rest once there are enough of them. A reader knows the rule, so each version tells how many
were added since the answers it counts: 1 to min_count - 1 while they wait, and, when they
are added with no one taken away, min_count or more.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .attack import Known
from .finest_cells import Cells, Figure, Relation
from .keys import Key
from .shown import Rules


@dataclass(frozen=True)
class Earlier:
    """One earlier version's cells and the facts it published about them."""

    version: int
    cells: dict[tuple, int]  # each cell (kind, survey, question, answer, groups): its count
    facts: list[tuple[Key, list[tuple], np.ndarray, float, float]]  # key, cells, weights, range
    # Each median it published, by (survey, question): (median, the answers it is over).
    medians: dict[tuple[str, str], tuple[float, int]] = field(default_factory=dict)
    # Each question whose table it showed, by (survey, question): at what level it added
    # answers together (0: none; a revision keeps it, combined_rows.py).
    levels: dict[tuple[str, str], int] = field(default_factory=dict)
    # What its answer tables counted, and what that told of the people added (`Answers`).
    answers: Answers | None = None

    @property
    def answers_of(self) -> int:
        """The version whose people its answer tables count (its own, unless it kept an
        earlier version's while late answers waited)."""
        return self.answers.version if self.answers and self.answers.version else self.version


@dataclass(frozen=True)
class Answers:
    """Whose answers a revision's tables count, and what that tells a reader."""

    version: int | None  # the earlier version whose answers it keeps (None: everyone's)
    since: int  # the version the people added are counted from
    late: tuple[float, float] | None  # how many were added since, as a reader can tell
    values: np.ndarray | None = None  # the cells' counts, when it keeps earlier answers
    # Each survey's people in the version whose answers it keeps: who those answers are of.
    people: dict[str, int] = field(default_factory=dict)

    def stored(self) -> list:
        late = None if self.late is None else [self.late[0], _bound(self.late[1])]
        return [self.version, self.since, late]


def _identity(row: tuple) -> tuple:
    return tuple(None if isinstance(v, float) and np.isnan(v) else v for v in row)


def _identities(frame: pd.DataFrame) -> list[tuple]:
    columns = [c for c in frame.columns if c != "n"]
    return [_identity(row) for row in frame[columns].itertuples(index=False, name=None)]


def _bound(value: float) -> float | None:
    return None if np.isinf(value) else float(value)


def stored_facts(
    cells: Cells,
    known: Sequence[Known],
    levels: dict[tuple[str, str], int] | None = None,
    answers: Answers | None = None,
) -> dict:
    """A version's cells, every fact it published, for each question whose answers it
    could have added together at what level it did, and whose answers it counted
    (JSON-ready), for later revisions."""
    identities = _identities(cells.frame)
    values = cells.values.tolist()
    facts = []
    for fact in known:
        figure = fact.figure
        weights = np.ones(len(figure.cells)) if figure.coefficients is None else figure.coefficients
        facts.append(
            [
                list(figure.key),
                [int(c) for c in figure.cells],
                [float(w) for w in weights],
                _bound(fact.low),
                _bound(fact.high),
            ]
        )
    return {
        "cells": [[*identity, int(n)] for identity, n in zip(identities, values, strict=True)],
        "facts": facts,
        "levels": [[slug, question, level] for (slug, question), level in (levels or {}).items()],
        "answers": None if answers is None else answers.stored(),
    }


def published_medians(record: dict) -> dict[tuple[str, str], tuple[float, int]]:
    """The medians a version's record shows, with the answers each is over (a median is
    shown only beside its number of answers)."""
    found = {}
    for question in record.get("summary", {}).get("questions", []):
        median, answering = question.get("median") or {}, question.get("answering") or {}
        if median.get("value") is not None and answering.get("value") is not None:
            key = (question["survey_slug"], question["question_id"])
            found[key] = (float(median["value"]), int(answering["value"]))
    return found


def read_facts(version: int, stored: dict, record: dict | None = None) -> Earlier:
    """A version's stored facts, and the medians its record (if given) shows."""
    rows = [tuple(row) for row in stored["cells"]]
    identities = [_identity(row[:-1]) for row in rows]
    facts = [
        (
            tuple(key),
            [identities[c] for c in cells],
            np.array(weights, float),
            -np.inf if low is None else low,
            np.inf if high is None else high,
        )
        for key, cells, weights, low, high in stored["facts"]
    ]
    cells = {i: row[-1] for i, row in zip(identities, rows, strict=True)}
    levels = {(slug, question): int(level) for slug, question, level in stored.get("levels", [])}
    answers = None
    if stored.get("answers"):
        kept, since, late = stored["answers"]
        if late is not None:
            late = (late[0], np.inf if late[1] is None else late[1])
        answers = Answers(kept, since, late)
    return Earlier(version, cells, facts, published_medians(record or {}), levels, answers)


QUESTION_KINDS = ("answering", "chose")


def answers_counted(frame: pd.DataFrame, earlier: Sequence[Earlier], rules: Rules) -> Answers:
    """Whose answers a revision of the cells in `frame` counts (see the module's docstring):
    the answers of the version its latest earlier version counted, when the people added
    since are 1 to min_count - 1 and no one was taken away; else everyone's."""
    base = {e.version: e for e in earlier}[earlier[-1].answers_of]
    identities = _identities(frame)
    now = frame["n"].to_numpy()
    then = np.array([base.cells.get(i, 0) for i in identities], dtype=np.int64)
    people = (frame["kind"] == "respondents").to_numpy()
    added = int((now - then)[people].sum())
    gone = set(base.cells) - set(identities)  # cells it had that the term no longer lists
    taken_away = (now < then).any() or any(base.cells[i] for i in gone)
    if taken_away or added == 0:
        return Answers(None, base.version, None)
    if added < rules.min_count:
        kept = np.where(people, now, then)
        surveys = pd.Series(then[people]).groupby(frame["slug"].to_numpy()[people]).sum()
        by_survey = {slug: int(n) for slug, n in surveys.items()}
        return Answers(base.version, base.version, (1, rules.min_count - 1), kept, by_survey)
    return Answers(None, base.version, (rules.min_count, np.inf))


@dataclass
class Stacked:
    """The cells a revision is protected over, what a reader knows from earlier versions,
    the changes that must stay unrecovered, and how many values each must keep."""

    cells: Cells
    known: list[Known]
    targets: list[Figure]
    needed: dict[Key, int]
    changes: dict[int, list[Change]]  # by earlier version: the changes since

    def as_of(self, figure: Figure, version: int) -> Figure:
        """A figure of the cells now, as it was counted in an earlier version."""
        weights = np.ones(len(figure.cells)) if figure.coefficients is None else figure.coefficients
        cells, weights = _then(figure.cells, weights, self.changes.get(version, []))
        value = int(round(float(weights @ self.cells.values[cells])))
        return Figure(figure.key, cells, value, weights)


@dataclass(frozen=True)
class Change:
    """The people added (or removed) since an earlier version, as cells of their own."""

    label: str  # "added since version 1"
    block: np.ndarray  # the change's count in every cell of now (0 outside `members`)
    sign: int  # -1 for added (then = now - added), +1 for removed
    within: np.ndarray  # the cells the changed people are part of: now, or then
    members: np.ndarray  # the cells of now that the change touches, in order
    place: np.ndarray  # for each cell of now, its cell in the stacked cells, or -1


def _then(cells: np.ndarray, weights: np.ndarray, changes: list[Change]):
    """A sum over the earlier cells, written over now - added + removed (a cell no change
    touched is as it is now)."""
    parts, signed = [cells], [weights]
    for change in changes:
        placed = change.place[cells]
        inside = placed >= 0
        parts.append(placed[inside])
        signed.append(change.sign * weights[inside])
    return np.concatenate(parts), np.concatenate(signed)


def _touched(frame: pd.DataFrame, block: np.ndarray, group_columns: list[str]) -> np.ndarray:
    """The cells of every survey and group (all groupings at once) with any change: their
    counts of people only, when no answer changed (late answers waiting: a reader knows
    the answer tables did not change)."""
    by = [frame[c] for c in ("slug", *group_columns)]
    changed = pd.Series(block != 0, index=frame.index).groupby(by, dropna=False).transform("any")
    changed = changed.to_numpy()
    answers = frame["kind"].isin(QUESTION_KINDS).to_numpy()
    if not block[answers].any():
        changed = changed & ~answers
    return np.flatnonzero(changed)


def _change_targets(
    figures: dict[Key, Figure], change: Change, rules: Rules
) -> tuple[list[Figure], dict[Key, int]]:
    """The answers of the people in one change: each a target, needing as many values as
    the people who could have given it allow (up to min_count): no more than answered, nor
    than gave that answer in the version they are part of (`within`: the cells now, for
    people added; then, for people removed)."""
    block, within = change.block, change.within

    def value(figure: Figure, cells: np.ndarray) -> int:
        return int(cells[figure.cells].sum())

    targets, needed = [], {}
    for key, figure in figures.items():
        if key[0] != "chose":
            continue
        people = value(figures[("answering", *key[1:3])], block)
        values = min(rules.min_count, people + 1, value(figure, within) + 1)
        if values < 2:  # nothing to learn: no one it could be
            continue
        placed = change.place[figure.cells]
        target = Figure((change.label, *key), placed[placed >= 0], value(figure, block))
        targets.append(target)
        needed[target.key] = values
    return targets, needed


def _late_facts(over: Stacked, people: Figure, answers: dict[int, Answers]) -> list[Known]:
    """What each version's answer tables tell of the people added since the version whose
    answers were last counted (`answers` by version; `people`: everyone now)."""
    known = []
    for version, counted in answers.items():
        if counted.late is None:
            continue
        then, since = over.as_of(people, version), over.as_of(people, counted.since)
        figure = Figure(
            ("late", str(version), str(counted.since)),
            np.concatenate([then.cells, since.cells]),
            then.value - since.value,
            np.concatenate([then.coefficients, -since.coefficients]),
        )
        known.append(Known(figure, *counted.late))
    return known


def stack(
    cells: Cells,
    figures: dict[Key, Figure],
    earlier: Sequence[Earlier],
    rules: Rules,
    answers: Answers | None = None,
) -> Stacked:
    """The stacked cells and knowledge of a revision (see the module's docstring);
    `answers`: whose answers it counts (default: everyone's)."""
    identities = _identities(cells.frame)
    index = {identity: i for i, identity in enumerate(identities)}
    extra = [i for e in earlier for i in e.cells if i not in index]
    extra = list(dict.fromkeys(extra))  # cells an earlier version had and this one lacks
    columns = [c for c in cells.frame.columns if c != "n"]
    now = pd.concat(
        [cells.frame, pd.DataFrame([[*i, 0] for i in extra], columns=[*columns, "n"])],
        ignore_index=True,
    )
    for identity in extra:
        index[identity] = len(index)
    size = len(now)
    frames, relations = [now.assign(layer="now")], list(cells.relations)
    known: list[Known] = []
    targets: list[Figure] = []
    needed: dict[Key, int] = {}
    now_values = now["n"].to_numpy()
    group_columns = [c for c in columns if c not in ("kind", "slug", "question_id", "option_id")]
    changed: dict[int, list[Change]] = {}  # each earlier version's changes since
    for version in earlier:
        then = np.zeros(size, dtype=np.int64)
        for identity, n in version.cells.items():
            then[index[identity]] = n
        difference = now_values - then
        # Only a change there was gets cells: a reader is taken to know which way the
        # data changed, and where (the stronger reader), so elsewhere a change is none.
        changes: list[Change] = []
        for word, block, sign, within in (
            ("added", np.maximum(difference, 0), -1, now_values),
            ("removed", np.maximum(-difference, 0), 1, then),
        ):
            if block.any():
                offset = sum(len(f) for f in frames)
                members = _touched(now, block, group_columns)
                place = np.full(size, -1)
                place[members] = offset + np.arange(len(members))
                label = f"{word} since version {version.version}"
                frames.append(now.iloc[members].assign(n=block[members], layer=label))
                changes.append(Change(label, block, sign, within, members, place))
        for relation in cells.relations:
            for change in changes:
                placed = change.place[relation.cells]
                bounds = relation.range_over(change.block)
                if (placed >= 0).all() and bounds is not None:
                    relations.append(Relation(placed, relation.coefficients, *bounds))
            bounds = relation.range_over(then)
            if changes and bounds is not None:
                touched = any((c.place[relation.cells] >= 0).any() for c in changes)
                if touched:  # untouched, it is the relation over now
                    relations.append(
                        Relation(*_then(relation.cells, relation.coefficients, changes), *bounds)
                    )
        touched_cells = np.unique(np.concatenate([c.members for c in changes])) if changes else []
        for i in touched_cells:  # each earlier cell is 0 or more
            relations.append(Relation(*_then(np.array([i]), np.ones(1), changes), 0, np.inf))
        for change in changes:
            if change.sign == -1:  # the people added are there now
                relations += [
                    Relation(np.array([change.place[i], i]), np.array([1.0, -1]), -np.inf, 0)
                    for i in change.members
                ]
        for key, members, weights, low, high in version.facts:
            mapped = np.array([index[m] for m in members], dtype=int)
            fact_cells, fact_weights = _then(mapped, weights, changes)
            figure = Figure(
                ("version", str(version.version), *key),
                fact_cells,
                int(round(float(weights @ then[mapped]))),
                fact_weights,
            )
            known.append(Known(figure, low, high))
        for change in changes:
            found, wanted = _change_targets(figures, change, rules)
            targets += found
            needed |= wanted
        changed[version.version] = changes
    over = Stacked(
        Cells(pd.concat(frames, ignore_index=True), relations), known, targets, needed, changed
    )
    counted = {e.version: e.answers for e in earlier if e.answers is not None}
    if answers is not None:  # this version: no changes since, its cells are now's
        counted[earlier[-1].version + 1] = answers
    over.known += _late_facts(over, figures[("respondents",)], counted)
    return over
