"""The attacker: how narrowly can a reader pin down each hidden figure?

A reader knows every published figure (exactly, or as a range: "fewer than 5" is 0 to 4),
the relations between the cells (cells.Relation), and that every cell is a whole number
of people, 0 or more. For each hidden figure, the attacker minimises and maximises its
value over every set of whole-number cells consistent with all of that, with HiGHS
(scipy.optimize). It solves the linear relaxation first (`linprog`): when the best point
it finds is whole numbers, that is also the best whole-number answer; otherwise it solves
the integer programme (`milp`). A figure is safe when at least `min_count` whole values
remain possible (so a count of 0 to 4 stays anywhere from 0 to 4).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import LinearConstraint, linprog, milp
from scipy.sparse import csr_array, vstack

from .cells import Cells, Figure, Key

WHOLE = 1e-6  # how near a whole number a solver's value must be to count as one


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
    high: float  # inf when nothing published limits it from above
    safe: bool
    relied_on: frozenset[Key] = frozenset()  # published figures that bound the range

    @property
    def possible(self) -> float:
        return self.high - self.low + 1


def _matrix(rows: list[tuple[np.ndarray, np.ndarray]], size: int) -> csr_array:
    if not rows:
        return csr_array((0, size))
    columns = np.concatenate([c for c, _ in rows])
    values = np.concatenate([v for _, v in rows]).astype(float)
    row_ids = np.repeat(np.arange(len(rows)), [len(c) for c, _ in rows])
    return csr_array((values, (row_ids, columns)), shape=(len(rows), size))


def _row(figure: Figure) -> tuple[np.ndarray, np.ndarray]:
    weights = np.ones(len(figure.cells)) if figure.coefficients is None else figure.coefficients
    return figure.cells, weights


class Attack:
    """The constraints a reader has, set up once; then any figure attacked against them."""

    def __init__(self, cells: Cells, known: Sequence[Known]):
        self.size = len(cells)
        rows = [(r.cells, r.coefficients) for r in cells.relations] + [
            _row(k.figure) for k in known
        ]
        self.keys: list[Key | None] = [None] * len(cells.relations) + [k.figure.key for k in known]
        self.low = np.array([r.low for r in cells.relations] + [k.low for k in known], float)
        self.high = np.array([r.high for r in cells.relations] + [k.high for k in known], float)
        self.matrix = _matrix(rows, self.size)
        equal = self.low == self.high
        upper, lower = ~equal & np.isfinite(self.high), ~equal & np.isfinite(self.low)
        # linprog's form: A_eq x = b_eq, A_ub x <= b_ub; each row remembers where it came from.
        self.eq_rows = np.flatnonzero(equal)
        self.ub_rows = np.concatenate([np.flatnonzero(upper), np.flatnonzero(lower)])
        self.a_eq = self.matrix[self.eq_rows]
        self.b_eq = self.high[self.eq_rows]
        self.a_ub = vstack([self.matrix[upper], -self.matrix[lower]]).tocsr()
        self.b_ub = np.concatenate([self.high[upper], -self.low[lower]])

    def _relaxed(self, objective: np.ndarray):
        return linprog(
            objective,
            A_ub=self.a_ub if self.a_ub.shape[0] else None,
            b_ub=self.b_ub if self.a_ub.shape[0] else None,
            A_eq=self.a_eq if self.a_eq.shape[0] else None,
            b_eq=self.b_eq if self.a_eq.shape[0] else None,
            bounds=(0, None),
            method="highs",
        )

    def extreme(self, figure: Figure, sense: int) -> tuple[float, set[Key]]:
        """The least (sense 1) or greatest (sense -1) value the figure can take, and the
        published figures that hold it there (where the linear relaxation shows them)."""
        objective = np.zeros(self.size)
        np.add.at(objective, *_row(figure))
        objective *= sense
        relaxed = self._relaxed(objective)
        if relaxed.status == 3:  # unbounded: nothing published limits it
            return -sense * np.inf, set()
        if relaxed.status != 0:
            raise RuntimeError(f"the attack on {figure.key} failed: {relaxed.message}")
        relied_on = self._binding(relaxed)
        if np.all(np.abs(relaxed.x - np.round(relaxed.x)) < WHOLE):
            return sense * relaxed.fun, relied_on
        exact = milp(
            objective,
            constraints=[LinearConstraint(self.matrix, self.low, self.high)],
            integrality=np.ones(self.size),
            bounds=(0, np.inf),
        )
        if not exact.success:
            raise RuntimeError(f"the attack on {figure.key} failed: {exact.message}")
        return sense * exact.fun, relied_on

    def _binding(self, result) -> set[Key]:
        marginals = np.concatenate(
            [
                result.eqlin.marginals if self.a_eq.shape[0] else [],
                result.ineqlin.marginals if self.a_ub.shape[0] else [],
            ]
        )
        rows = np.concatenate([self.eq_rows, self.ub_rows])
        return {
            self.keys[row] for row in rows[np.abs(marginals) > WHOLE] if self.keys[row] is not None
        }

    def range(self, figure: Figure, min_count: int) -> Finding:
        low, below = self.extreme(figure, 1)
        high, above = self.extreme(figure, -1)
        low, high = round(low), high if np.isinf(high) else round(high)
        possible = high - low + 1
        return Finding(
            figure.key,
            figure.value,
            low,
            high,
            possible >= min_count,
            frozenset(below | above) if possible < min_count else frozenset(),
        )


def attack(
    cells: Cells, known: Sequence[Known], targets: Sequence[Figure], min_count: int
) -> list[Finding]:
    """The attacker's best range for each target figure."""
    setup = Attack(cells, known)
    return [setup.range(figure, min_count) for figure in targets]
