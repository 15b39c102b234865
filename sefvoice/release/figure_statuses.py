"""What a release's figures are, to its disclosure pass (protect.py), and how each may be
shown: a count, or a percentage with the counts it needs; each SHOWN, SMALL (under the
rule), HIDDEN (to protect another) or, a percentage, TOO_FEW (on too small a base)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .finest_cells import Figure, Key
from .shown import HIDDEN as HIDDEN_LABEL
from .shown import NO_ANSWERS, TOO_FEW_ANSWERS, Rules

SHOWN, SMALL, HIDDEN, TOO_FEW = "shown", "small", "hidden", "too few"


@dataclass(frozen=True)
class Count:
    figure: Figure
    rank: int = 0  # among equals, hide lower ranks first (0: a table's detail)
    # What a reader knows of it however it is shown (low, high): a survey's people are
    # under min_base where its answers are not shown, else min_base or more.
    told: tuple[float, float] | None = None
    # A count of people (the term's, a survey's, a group's): shown as 0 when no one is in
    # it, so a reader knows a hidden one is at least 1 (`known`).
    shows_zero: bool = False

    def known(self) -> tuple[float, float] | None:
        """What a reader knows of it however it is shown: `told`, and at least 1 for a
        count of people not shown as 0."""
        if not (self.shows_zero and self.figure.value):
            return self.told
        low, high = self.told or (1, np.inf)
        return max(low, 1), high

    def primary(self, rules: Rules) -> str:
        if not self.hideable():
            return SHOWN
        return SHOWN if self.figure.value >= rules.min_count else SMALL

    def hideable(self) -> bool:
        """False for an empty count of people, which is always shown."""
        return not (self.shows_zero and self.figure.value == 0)


@dataclass(frozen=True)
class Percent:
    key: Key
    positive: Figure
    base: Figure
    gates: tuple[Key, ...]  # counts that must be at least min_base (and shown, if exact)
    exact: bool  # its base and interval are printed too, so both counts are known

    def other(self) -> Figure:
        """The answers in the base that are not positive."""
        inside = set(self.positive.cells.tolist())
        cells = np.array([c for c in self.base.cells.tolist() if c not in inside], dtype=int)
        return Figure(("other", *self.key[1:]), cells, self.base.value - self.positive.value)


@dataclass
class Protection:
    """Which figures a release shows, and what the attacker can make of the hidden ones."""

    counts: dict[Key, str]  # SHOWN, SMALL (under the rule) or HIDDEN (to protect another)
    percents: dict[Key, str]  # SHOWN, HIDDEN or TOO_FEW
    secondary: list[Key] = field(default_factory=list)  # hidden beyond the primary rules


def not_shown_label(gates: Sequence[str | int], rules: Rules) -> str:
    """What a percentage not shown says, from its gates as published alone (each a number
    shown, or a status: a count not shown, which says nothing of its size): "no answers"
    where one is published as 0 (a group no one was in), "too few answers" where one is
    published as under min_base, else "hidden". So the label tells a reader nothing the
    gates do not."""
    published = [g for g in gates if isinstance(g, int)]
    if any(g == 0 for g in published):
        return NO_ANSWERS
    if any(g < rules.min_base for g in published):
        return TOO_FEW_ANSWERS
    return HIDDEN_LABEL
