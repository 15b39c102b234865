"""The attacker: how narrowly can a reader pin down each hidden figure?

A reader knows every published figure (exactly, or as a range: an earlier version's
"fewer than 5" is 0 to 4),
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
from scipy.sparse import vstack

from .finest_cells import Cells, Figure, Key, sparse_rows

WHOLE = 1e-6  # how near a whole number a solver's value must be to count as one
# An integer programme stops after this long (protecting; auditing) with the best whole
# point it has found: an end inside the true range, so a figure it leaves too narrow is
# hidden further, or reported, rather than risked. Both are rare: most ends are whole in
# the relaxation, or reached by a witness.
SECONDS = {False: 2.0, True: 30.0}
TIME_LIMIT, INFEASIBLE = 1, 2  # scipy's statuses: a time limit reached; no point at all


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


def _row(figure: Figure) -> tuple[np.ndarray, np.ndarray]:
    weights = np.ones(len(figure.cells)) if figure.coefficients is None else figure.coefficients
    return figure.cells, weights


class Attack:
    """The constraints a reader has, set up once; then any figure attacked against them."""

    def __init__(self, cells: Cells, known: Sequence[Known], points: list | None = None):
        """`points`: whole-number cell values found by earlier attacks (a pool shared
        between attacks and added to); those that satisfy this reader's knowledge too are
        witnesses here."""
        self.size = len(cells)
        rows = [_row(k.figure) for k in known]
        self.keys: list[Key | None] = [None] * len(cells.relations) + [k.figure.key for k in known]
        self.low = np.array([r.low for r in cells.relations] + [k.low for k in known], float)
        self.high = np.array([r.high for r in cells.relations] + [k.high for k in known], float)
        self.matrix = vstack([cells.relation_rows, sparse_rows(rows, self.size)]).tocsr()
        equal = self.low == self.high
        upper, lower = ~equal & np.isfinite(self.high), ~equal & np.isfinite(self.low)
        # linprog's form: A_eq x = b_eq, A_ub x <= b_ub; each row remembers where it came from.
        self.eq_rows = np.flatnonzero(equal)
        self.ub_rows = np.concatenate([np.flatnonzero(upper), np.flatnonzero(lower)])
        self.a_eq = self.matrix[self.eq_rows]
        self.b_eq = self.high[self.eq_rows]
        self.a_ub = vstack([self.matrix[upper], -self.matrix[lower]]).tocsr()
        self.b_ub = np.concatenate([self.high[upper], -self.low[lower]])
        self.truth = cells.values.astype(float)
        self.at_truth = self.matrix @ self.truth
        wrong = (self.at_truth < self.low - WHOLE) | (self.at_truth > self.high + WHOLE)
        if wrong.any():  # a reader cannot know something false: this is a bug, say where
            keys = [self.keys[row] or "a relation" for row in np.flatnonzero(wrong)]
            raise ValueError(f"published facts that do not hold: {keys[:5]}")
        self.partners = cells.partners
        self.option_of = cells.frame["option_id"].to_numpy()
        # The range each figure's own label gives it (an earlier version's "fewer than 5").
        self.hard_bounds = {k.figure.key: (k.low, k.high) for k in known}
        self.pool = points if points is not None else []
        self.points = [self.truth] + [p for p in self.pool if self._feasible(p)]

    def _feasible(self, point: np.ndarray) -> bool:
        at = self.matrix @ point
        return bool(np.all(at >= self.low - WHOLE) and np.all(at <= self.high + WHOLE))

    def _found(self, point: np.ndarray) -> None:
        """Keep a whole-number point that satisfies everything: a witness for later."""
        point = np.round(point)
        self.points.append(point)
        self.pool.append(point)

    def _relaxed(self, objective: np.ndarray, presolve: bool = True):
        result = linprog(
            objective,
            A_ub=self.a_ub if self.a_ub.shape[0] else None,
            b_ub=self.b_ub if self.a_ub.shape[0] else None,
            A_eq=self.a_eq if self.a_eq.shape[0] else None,
            b_eq=self.b_eq if self.a_eq.shape[0] else None,
            bounds=(0, None),
            method="highs",
            options={"presolve": presolve},
        )
        # The true cells satisfy every fact (checked above), so the problem is feasible:
        # HiGHS's presolve can say "infeasible" of one that is unbounded; solved without
        # it, the answer says which.
        if result.status == INFEASIBLE and presolve:
            return self._relaxed(objective, presolve=False)
        return result

    def objective(self, figure: Figure) -> np.ndarray:
        """The figure as weights over the cells."""
        objective = np.zeros(self.size)
        np.add.at(objective, *_row(figure))
        return objective

    def _relaxed_extreme(self, objective: np.ndarray, sense: int, key: Key):
        """The linear relaxation's bound (an outer bound on whole numbers), whether its best
        point is whole numbers, and the published figures that hold it there."""
        result = self._relaxed(sense * objective)
        if result.status == 3:  # unbounded: nothing published limits it
            return -sense * np.inf, True, set()
        if result.status != 0:
            raise RuntimeError(f"the attack on {key} failed: {result.message}")
        whole = bool(np.all(np.abs(result.x - np.round(result.x)) < WHOLE))
        if whole:
            self._found(result.x)
        bound = sense * result.fun
        # Whole numbers can do no better than the relaxation, rounded inwards.
        bound = np.ceil(bound - WHOLE) if sense == 1 else np.floor(bound + WHOLE)
        return bound, whole, self._binding(result)

    def _exact(
        self,
        objective: np.ndarray,
        sense: int,
        key: Key,
        within: float,
        seen: set[int],
        exact: bool,
    ) -> float:
        """The end in whole numbers. `within`: the relaxation's bound, rounded inwards; no
        whole point passes it, and saying so lets the solver stop as soon as one reaches it.
        After SECONDS[exact], the best whole point found is the end, or the end a witness
        reached (of the values `seen`) if none was."""
        constraints = [LinearConstraint(self.matrix, self.low, self.high)]
        if np.isfinite(within):
            limits = (within, np.inf) if sense == 1 else (-np.inf, within)
            constraints.append(LinearConstraint(objective[np.newaxis, :], *limits))
        result = milp(
            sense * objective,
            constraints=constraints,
            integrality=np.ones(self.size),
            bounds=(0, np.inf),
            options={"time_limit": SECONDS[exact]},
        )
        if result.status == TIME_LIMIT:
            if result.x is None:
                return min(seen) if sense == 1 else max(seen)
            self._found(result.x)
            return round(sense * result.fun)
        if not result.success:
            raise RuntimeError(f"the attack on {key} failed: {result.message}")
        self._found(result.x)
        return round(sense * result.fun)

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

    def witnessed(self, figure: Figure) -> set[int]:
        """Values of the figure seen at whole-number points that satisfy everything a
        reader knows: the true cells, with up to 4 people moved between the figure's
        answer and one other answer to the same question, within each group. Each is a
        proof that the value is possible, found without a solver. Points earlier attacks
        found are witnesses too."""
        row = np.zeros(self.size)
        np.add.at(row, *_row(figure))
        seen = {round(float(row @ point)) for point in self.points}
        if figure.coefficients is not None:
            return seen
        by_option: dict[str, list[tuple[int, int]]] = {}
        inside = set(figure.cells.tolist())
        for cell in inside:
            for partner in set(self.partners.get(cell, ())) - inside:
                by_option.setdefault(self.option_of[partner], []).append((cell, partner))
        for pairs in by_option.values():
            for step in (-4, -3, -2, -1, 1, 2, 3, 4):
                move = np.zeros(self.size)
                left = abs(step)
                for cell, partner in pairs:
                    source = cell if step < 0 else partner
                    taken = min(left, self.truth[source])
                    move[cell] += np.sign(step) * taken
                    move[partner] -= np.sign(step) * taken
                    left -= taken
                if left:
                    continue
                moved = self.at_truth + self.matrix @ move
                if np.all(moved >= self.low - WHOLE) and np.all(moved <= self.high + WHOLE):
                    seen.add(round(float(row @ (self.truth + move))))
        return seen

    def _end(self, objective: np.ndarray, sense: int, key: Key, exact: bool, seen: set[int]):
        """One end of the range by the relaxation (exact in whole numbers if asked, or when
        the relaxation's point is whole), and the published figures it relied on."""
        bound, whole, relied_on = self._relaxed_extreme(objective, sense, key)
        if exact and not whole and np.isfinite(bound):
            bound, whole = self._exact(objective, sense, key, bound, seen, exact), True
        return bound, whole, relied_on

    def range(self, figure: Figure, min_count: int, exact: bool = False) -> Finding:
        """The figure's range. Witnesses come first: an end a witness reaches at the
        figure's hard bound (0, or the top of its own label's range) is exact with no
        solver. Other ends come from the linear relaxation, an outer bound: when that
        leaves fewer than `min_count` values the figure is unsafe. With `exact`, an end the
        relaxation reaches at a point that is not whole numbers is solved as an integer
        programme; without it, the pass stops as soon as witnesses show it is safe."""
        seen = self.witnessed(figure)
        if not exact and max(seen) - min(seen) + 1 >= min_count:
            return Finding(figure.key, figure.value, min(seen), max(seen), True)
        floor, ceiling = self.hard_bounds.get(figure.key, (0, np.inf))
        objective = self.objective(figure)
        relied_on: set[Key] = set()
        low, high, low_whole, high_whole = min(seen), max(seen), True, True
        if low > max(floor, 0):
            low, low_whole, below = self._end(objective, 1, figure.key, exact, seen)
            relied_on |= below
        if high < ceiling:
            high, high_whole, above = self._end(objective, -1, figure.key, exact, seen)
            relied_on |= above
        if high - low + 1 >= min_count:  # the relaxation may be too generous
            if not low_whole:
                low = self._exact(objective, 1, figure.key, low, seen, exact)
            if not high_whole:
                high = self._exact(objective, -1, figure.key, high, seen, exact)
        safe = high - low + 1 >= min_count
        return Finding(
            figure.key,
            figure.value,
            int(low),
            high if np.isinf(high) else int(high),
            safe,
            frozenset() if safe else frozenset(relied_on),
        )


def attack(
    cells: Cells, known: Sequence[Known], targets: Sequence[Figure], min_count: int
) -> list[Finding]:
    """The attacker's best range (exact, in whole numbers) for each target figure."""
    setup = Attack(cells, known)
    return [setup.range(figure, min_count, exact=True) for figure in targets]
