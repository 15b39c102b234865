"""The cheapest published figures to hide so that a target can reach a value it must be
able to take, as cell suppression's integer programmes choose them (Fischetti and
Salazar's model, as tau-argus and sdcTable use it, for one target at a time).

Over the attacker's own constraints (attack.Attack): cells x, each 0 or more, and for each
figure that could be hidden a switch, 1 to hide it. Every fact the reader has holds of x,
but those of a figure switched off; the target reaches its goal; the switches' costs add
up to as little as possible. The cells are not held to whole numbers: the result is a
choice, not a proof, and the pass's attacker checks it (hiding further if it must).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
from scipy.optimize import LinearConstraint, milp
from scipy.sparse import csr_matrix, hstack

from .attack import Attack, Finding
from .figure_statuses import Count
from .finest_cells import Figure, Key

SECONDS = 2.0  # the best choice found by then is taken


def cheapest_to_hide(
    setup: Attack,
    switch_of: Callable[[Key], Key | None],
    cost: Callable[[Key], float],
    target: Figure,
    at_least: float | None = None,
    at_most: float | None = None,
) -> list[Key] | None:
    """The figures to hide (by the keys `switch_of` gives a fact's key; None: a fact no
    hiding removes) so that the target can reach `at_least` (or `at_most`); None if no
    choice of them can."""
    by_row = [switch_of(k) if k is not None else None for k in setup.keys]
    switches = sorted({s for s in by_row if s is not None}, key=str)
    if not switches:
        return None
    column = {s: i for i, s in enumerate(switches)}
    rows, n = setup.matrix, setup.size
    # No cell need be larger than the truth's largest allows twice over: a choice, not a
    # proof, so a bound that keeps the big-M constants small is worth more than reach.
    top = 2 * float(setup.truth.max(initial=0)) + 10
    reach = np.asarray(abs(rows).sum(axis=1)).ravel() * top
    switch_rows, switch_cols, big = [], [], []
    for row, switch in enumerate(by_row):
        if switch is not None:
            ends = [abs(b) for b in (setup.low[row], setup.high[row]) if np.isfinite(b)]
            bound = max(ends, default=0.0)
            switch_rows.append(row)
            switch_cols.append(column[switch])
            big.append(reach[row] + bound + 1)
    m = rows.shape[0]
    big_m = np.zeros(m)
    big_m[switch_rows] = big
    relax = csr_matrix((np.ones(len(switch_rows)), (switch_rows, switch_cols)), (m, len(switches)))
    low_side = hstack([rows, relax.multiply(big_m[:, None])]).tocsr()  # A x + M s >= low
    high_side = hstack([rows, -relax.multiply(big_m[:, None])]).tocsr()  # A x - M s <= high
    goal = np.concatenate([setup.objective(target), np.zeros(len(switches))])
    constraints = [
        LinearConstraint(low_side, setup.low, np.inf),
        LinearConstraint(high_side, -np.inf, setup.high),
        LinearConstraint(
            goal[np.newaxis, :],
            -np.inf if at_least is None else at_least,
            np.inf if at_most is None else at_most,
        ),
    ]
    objective = np.concatenate([np.zeros(n), [cost(s) for s in switches]])
    result = milp(
        objective,
        constraints=constraints,
        integrality=np.concatenate([np.zeros(n), np.ones(len(switches))]),
        bounds=(0, np.concatenate([np.full(n, top), np.ones(len(switches))])),
        options={"time_limit": SECONDS},
    )
    if result.x is None:
        return None
    return [s for s, on in zip(switches, result.x[n:], strict=True) if on > 0.5]


def cheapest_either_way(
    setup: Attack,
    switch_of: Callable[[Key], Key | None],
    cost: Callable[[Key], float],
    target: Figure,
    finding: Finding,
    width: int,
) -> list[Key] | None:
    """The cheaper set of figures to hide of two: one that lets the target reach `width`
    above the attacker's low end, one that lets it reach `width` below the high end (either
    makes its range `width` + 1 values); cheapest first. None if neither can be found."""
    choices = [cheapest_to_hide(setup, switch_of, cost, target, at_least=finding.low + width)]
    if finding.high - width >= 0:
        choices.append(
            cheapest_to_hide(setup, switch_of, cost, target, at_most=finding.high - width)
        )
    found = [c for c in choices if c]
    if not found:
        return None
    return sorted(min(found, key=lambda c: sum(map(cost, c))), key=cost)


def cost_to_readers(key: Key, counts: Mapping[Key, Count]) -> float:
    """What hiding a figure costs readers: least for one answer's count; more for the people
    who answered a question, and for a percentage; more again for a group's or a survey's
    people; most for the term's, which readers need most. A smaller figure first among
    equals."""
    if key not in counts:
        return 3.0
    count = counts[key]
    weight = 3.0 if key[0] in ("answering", "base") else (1.0, 4.0, 10.0)[count.rank]
    return weight + count.figure.value / 1e6
