"""What a release's figures are, to its disclosure pass (protect.py), and how each may be
shown: a count, or a percentage with the counts it needs; each SHOWN, SMALL (under the
rule), HIDDEN (to protect another) or, a percentage, TOO_FEW (on too small a base)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .finest_cells import Figure, Key
from .shown import Rules

SHOWN, SMALL, HIDDEN, TOO_FEW = "shown", "small", "hidden", "too few"


@dataclass(frozen=True)
class Count:
    figure: Figure
    rank: int = 0  # among equals, hide lower ranks first (0: a table's detail)
    # What a reader knows of it however it is shown (low, high): a survey's people are
    # under min_base where its answers are not shown, else min_base or more.
    told: tuple[float, float] | None = None

    def primary(self, rules: Rules) -> str:
        return SHOWN if self.figure.value >= rules.min_count else SMALL


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


def too_few_label(gates: Sequence[str | int], rules: Rules) -> bool:
    """Whether a figure not shown says "too few answers" (else "hidden"), from its gates as
    published alone: each a number shown, or a status (a count not shown, which says
    nothing of its size). So the label tells a reader nothing the gates do not."""
    return any(isinstance(g, int) and g < rules.min_base for g in gates)
