"""The attacker: how narrowly can a reader pin down each hidden figure?

A reader knows every published figure (exactly, or as a range: "fewer than 5" is 0 to 4),
the relations between the cells (cells.Relation), and that every cell is a whole number
of people, 0 or more. For each hidden figure, the attacker minimises and maximises its
value over every set of cells consistent with all of that, as an integer programme solved
by HiGHS (`scipy.optimize.milp`). A figure is safe when at least `min_count` whole values
remain possible (so a count of 0 to 4 stays anywhere from 0 to 4).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import LinearConstraint, milp
from scipy.sparse import csr_array

from .cells import Cells, Figure, Key


@dataclass(frozen=True)
class Known:
    """What a reader knows of a figure: low <= value <= high (equal when it is shown)."""

    figure: Figure
    low: float
    high: float


@dataclass(frozen=True)
class Finding:
    key: Key
    value: int  # the true value (for the report; the reader does not know it)
    low: int  # the attacker's best range
    high: int
    safe: bool

    @property
    def possible(self) -> int:
        return self.high - self.low + 1


class Attack:
    """The constraints a reader has, set up once, then any figure attacked against them."""

    def __init__(self, cells: Cells, known: Sequence[Known]):
        size = len(cells)
        self.size = size
        rows, lows, highs = [], [], []
        for relation in cells.relations:
            row = np.zeros(size)
            np.add.at(row, relation.cells, relation.coefficients)
            rows.append(row)
            lows.append(relation.low)
            highs.append(relation.high)
        for fact in known:
            rows.append(fact.figure.row(size))
            lows.append(fact.low)
            highs.append(fact.high)
        self.constraints = (
            [LinearConstraint(csr_array(np.array(rows)), np.array(lows), np.array(highs))]
            if rows
            else []
        )
        self.integrality = np.ones(size)

    def extreme(self, figure: Figure, sense: int) -> float:
        """The least (sense 1) or greatest (sense -1) value the figure can take."""
        result = milp(
            sense * figure.row(self.size),
            constraints=self.constraints,
            integrality=self.integrality,
            bounds=(0, np.inf),
        )
        if result.status == 3:  # unbounded: nothing published limits it from above
            return np.inf * -sense
        if not result.success:
            raise RuntimeError(f"the attack on {figure.key} failed: {result.message}")
        return sense * result.fun

    def range(self, figure: Figure, min_count: int) -> Finding:
        low = round(self.extreme(figure, 1))
        high = self.extreme(figure, -1)
        high = figure.value + 10**9 if np.isinf(high) else round(high)
        return Finding(figure.key, figure.value, low, high, high - low + 1 >= min_count)


def attack(
    cells: Cells, known: Sequence[Known], targets: Sequence[Figure], min_count: int
) -> list[Finding]:
    """The attacker's best range for each target figure."""
    setup = Attack(cells, known)
    return [setup.range(figure, min_count) for figure in targets]
