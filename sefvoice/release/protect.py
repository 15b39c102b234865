"""Disclosure control over a whole release, as linked tables.

Everything a release can show is a `Count` (a figure printed as a number) or a `Percent`
(positive answers out of a base, printed as a rounded percentage; with its exact counts
when it also prints its base and a 95% interval, which gives both away). A reader learns:

- from a shown count, its value; from "hidden", nothing of its size: every count not shown
  says "hidden", whether it is under the rule or hidden to protect another (as official
  statistics mark both with one symbol), so the label cannot narrow it; and whatever is
  `told` of it however it is shown (a survey whose answers are not shown has fewer than
  `min_base` people);
- from a shown percentage, its counts (exact) or, rounded, `p - 0.5 <= 100 * positive /
  base <= p + 0.5`, which is linear in the cells; from a percentage not shown, nothing
  more: it says "no answers" exactly where one of its gates is published as 0, "too few
  answers" where one is published as a number under `min_base`, else "hidden"
  (`figure_statuses.not_shown_label`).

Primary rules: a count below `min_count` is hidden; a percentage needs its gate
figures shown and at least `min_base`, and at least `min_count` answers on each side of it
(positive and not). The cells that must stay uncertain (the targets) are every count not
shown, the positive and other answers behind a percentage not shown when either is small,
and the people who skipped a question when that is small.

Secondary suppression, with the attacker (attack.py) in the loop:
1. The attacker bounds every target. While one can be narrowed to fewer than `min_count`
   whole values, we hide a further figure that the attacker's best range relied on (the
   published figures its linear relaxation shows to be binding): the smallest one whose
   hiding alone makes the target safe; else the set an integer programme finds cheapest
   for readers (cheapest.py); else the smallest pair that does; else the one that widens
   its range most; else the broadest.
2. Then each further figure hidden in step 1 is tried again, largest first, and shown
   again if the release stays safe. So every figure hidden beyond the primary rules is
   needed: showing any one of them again would let a small count be narrowed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import partial

import numpy as np

from .attack import Attack, Finding, Known
from .cheapest import cheapest_either_way, cost_to_readers
from .figure_statuses import HIDDEN, SHOWN, TOO_FEW, Count, Percent, Protection
from .finest_cells import Cells, Figure, Key
from .shown import Rules, half_up, share

CHANGE = " since version "  # in a change's label ("added since version 1", versions.py)


class Pass:
    """One disclosure pass over a release's counts and percentages."""

    def __init__(
        self,
        cells: Cells,
        counts: Sequence[Count],
        percents: Sequence[Percent],
        extra_targets: Sequence[Figure],
        rules: Rules,
        known: Sequence[Known] = (),
        needed: dict[Key, int] | None = None,
        tries: int | None = None,
        kept: dict[Key, str] | None = None,
        public: Iterable[Key] = (),
    ):
        """`known`: facts a reader has from elsewhere (earlier versions of the release);
        `needed`: for targets that need fewer than `min_count` possible values, how many
        (a change of fewer than 5 people can take no more values than there are people);
        `tries`: how many of the figures an attack relied on to try hiding, alone and in
        pairs (None: all; a revision, whose attacks rely on many figures, tries the
        smallest few, then falls back as below); `kept`: how the latest earlier version
        showed each figure (see `_keep`); `public`: figures an earlier version showed as
        numbers, which a reader has already, so they are no targets (the people added or
        removed since are)."""
        self.cells, self.rules = cells, rules
        self.extra_known, self.needed = list(known), dict(needed or {})
        self.tries = tries
        self.counts = {c.figure.key: c for c in counts}
        self.percents = {p.key: p for p in percents}
        self.extra_targets = list(extra_targets)
        self.points: list = []  # whole-number cells the attacks found, shared as witnesses
        self.hidden_for: dict[Key, Key] = {}  # each further hidden figure: the target it protects
        self.state = Protection(
            counts={k: c.primary(rules) for k, c in self.counts.items()},
            percents={},
        )
        for key, percent in self.percents.items():
            self.state.percents[key] = self._primary(percent)
        # Which percentage a figure key stands for, when the attacker relies on it.
        self.percent_of: dict[Key, Key] = {}
        self.gated_by: dict[Key, list[Key]] = {}
        for key, percent in self.percents.items():
            for gate in percent.gates:
                self.gated_by.setdefault(gate, []).append(key)
            self.percent_of[percent.positive.key] = key
            self.percent_of[("rounding", *key)] = key
            self.percent_of[("gate", *key)] = key
            if percent.exact:
                self.percent_of[percent.base.key] = key
        self.public = set(public)
        self.kept_hidden: set[Key] = set()  # hidden because it must be: never tried again
        self._keep(kept or {})
        self._hide_changes()

    def _keep(self, kept: dict[Key, str]) -> None:
        """Start from the statuses an earlier version published (`kept`: a figure's key,
        or a percentage's, and how it was shown there): what it did not show as a number
        stays hidden."""
        state = self.state
        for key, status in kept.items():
            if key in self.counts and status != SHOWN:
                if state.counts[key] == SHOWN:
                    state.counts, state.percents = self._hide(state.counts, state.percents, key)
            elif key in self.percents and status != SHOWN and state.percents[key] == SHOWN:
                state.percents[key] = HIDDEN

    def _hide_changes(self) -> None:
        """In a revision, hide each count that an earlier version showed too where how
        many of the people added or removed since gave that answer is a target: both
        numbers together would give it, so none is tried again: showing it would pin how
        many of them gave that answer."""
        state = self.state
        for target in self.extra_targets:
            key = target.key[1:]
            changed = CHANGE in target.key[0] and key in self.public
            if changed and key in self.counts and state.counts[key] == SHOWN:
                state.counts, state.percents = self._hide(state.counts, state.percents, key)
                state.secondary.append(key)
                self.kept_hidden.add(key)

    def _primary(self, percent: Percent) -> str:
        rules, gates = self.rules, [self.counts[g] for g in percent.gates]
        if (
            any(g.figure.value < rules.min_base for g in gates)
            or percent.base.value < rules.min_base
        ):
            return TOO_FEW
        other = percent.base.value - percent.positive.value
        if percent.positive.value < rules.min_count or other < rules.min_count:
            return HIDDEN
        return SHOWN

    # What a reader knows, and what must stay uncertain

    def known(self, counts: dict[Key, str], percents: dict[Key, str]) -> list[Known]:
        facts, min_base = [], self.rules.min_base
        for key, status in counts.items():
            figure = self.counts[key].figure
            told = self.counts[key].known()
            if told is not None:  # under its own key: no figure to hide, whatever it binds
                facts.append(Known(replace(figure, key=("told", *key)), *told))
            if status == SHOWN:  # a count not shown says "hidden", which tells nothing
                facts.append(Known(figure, figure.value, figure.value))
        for key, status in percents.items():
            percent = self.percents[key]
            if status == SHOWN and percent.exact:
                facts.append(
                    Known(percent.positive, percent.positive.value, percent.positive.value)
                )
                facts.append(Known(percent.base, percent.base.value, percent.base.value))
            elif status == SHOWN:
                facts += self._rounding(percent)
                # Shown, it says each of its gates is at least min_base, hidden or not (under
                # the percentage's key, so that hiding it is tried when that pins a gate).
                facts += [
                    Known(replace(self.counts[g].figure, key=("gate", *key)), min_base, np.inf)
                    for g in percent.gates
                    if counts[g] != SHOWN
                ]
            # A percentage not shown adds no fact: its label ("no answers", "too few
            # answers" or "hidden": not_shown_label) is read off its gates' own published
            # figures, which are facts above already.
        return facts + self.extra_known

    def _needed(self, figure: Figure) -> int:
        """How many whole values the figure must keep possible to be safe."""
        return self.needed.get(figure.key, self.rules.min_count)

    def _rounding(self, percent: Percent) -> list[Known]:
        """A percentage p, rounded half up as every output rounds it (shown.half_up):
        (p - 0.5) * base <= 100 * positive < (p + 0.5) * base. In whole numbers the
        strict end is 200 * positive - (2p + 1) * base <= -1, so at most -0.5 halved."""
        p = int(half_up(share(percent.positive.value, percent.base.value)))
        inside = np.isin(percent.base.cells, percent.positive.cells)
        facts = []
        for offset, low, high in ((-0.5, 0, np.inf), (0.5, -np.inf, -0.5)):
            weights = np.where(inside, 100.0, 0.0) - (p + offset)
            figure = Figure(("rounding", *percent.key), percent.base.cells, 0, weights)
            facts.append(Known(figure, low, high))
        return facts

    def targets(self, counts: dict[Key, str], percents: dict[Key, str]) -> list[Figure]:
        small = self.rules.min_count
        found = [self.counts[k].figure for k, s in counts.items() if s != SHOWN]
        for key, status in percents.items():
            percent = self.percents[key]
            empty = any(self.counts[g].figure.value == 0 for g in percent.gates)
            if status != SHOWN and not empty:  # an empty group's answers are known: none
                found += [f for f in (percent.positive, percent.other()) if f.value < small]
        found += [f for f in self.extra_targets if f.value < small]
        # A figure of no cells is 0 by definition; a public one, a reader has already.
        return [f for f in found if len(f.cells) and f.key not in self.public]

    def attack(
        self,
        counts: dict[Key, str],
        percents: dict[Key, str],
        only: Iterable[Key] | None = None,
        exact: bool = False,
    ) -> list[Finding]:
        """The attacker's range for each target (`only` those keys, if given)."""
        setup = Attack(self.cells, self.known(counts, percents), self.points)
        wanted = None if only is None else set(only)
        return [
            setup.range(figure, self._needed(figure), exact)
            for figure in self.targets(counts, percents)
            if wanted is None or figure.key in wanted
        ]

    # Secondary suppression

    def _hide(self, counts, percents, key: Key) -> tuple[dict, dict]:
        """Hide a shown figure, and the exact percentages it is a gate of (one that prints
        its base would give the base away; a rounded one stays, its gate known only to be
        at least min_base)."""
        counts, percents = dict(counts), dict(percents)
        if key in self.counts:
            counts[key] = HIDDEN
            for percent in self.gated_by.get(key, ()):
                if percents[percent] == SHOWN and self.percents[percent].exact:
                    percents[percent] = HIDDEN
        else:
            percents[self.percent_of[key]] = HIDDEN
        return counts, percents

    def _is_shown(self, key: Key, counts, percents) -> bool:
        """True for a figure shown as a number."""
        if key in self.counts:
            return counts[key] == SHOWN
        return key in self.percent_of and percents[self.percent_of[key]] == SHOWN

    def _candidates(self, finding: Finding, counts, percents) -> list[Key]:
        """Shown figures the attacker relied on, smallest first (so least is lost)."""
        found = [
            k
            for k in finding.relied_on
            if self._is_shown(k, counts, percents) and self._hideable(k)
        ]

        def size(key: Key) -> tuple:
            if key in self.counts:
                return (self.counts[key].rank, self.counts[key].figure.value, key)
            percent = self.percents[self.percent_of[key]]
            return (0, percent.positive.value, key)

        return sorted(set(found), key=size)

    def _try(self, counts, percents, target: Figure) -> Finding:
        setup = Attack(self.cells, self.known(counts, percents), self.points)
        return setup.range(target, self._needed(target))

    def _step(self, finding: Finding, target: Figure) -> list[Key]:
        """The figures to hide next for an unsafe target (see the module's docstring)."""
        counts, percents = self.state.counts, self.state.percents
        candidates = self._candidates(finding, counts, percents)
        # The target's own table next: the solver's binding figures are one way to pin it
        # of several, and hiding a neighbour in its table (a sibling row, another answer)
        # is the usual way to protect a cell.
        neighbours = [k for k in self._table_of(target.key, counts) if k not in candidates]
        widest, tried = None, []
        for key in candidates[: self.tries] + neighbours:
            trial = self._try(*self._hide(counts, percents, key), target)
            if trial.safe:
                return [key]
            tried.append((key, trial))
            if trial.possible > finding.possible and (
                widest is None or trial.possible > widest[1].possible
            ):
                widest = (key, trial)
        cheapest = self._cheapest(finding, target)
        if cheapest:
            return cheapest
        for key, trial in tried:
            after = self._hide(counts, percents, key)
            for second in self._candidates(trial, *after)[: self.tries]:
                if self._try(*self._hide(*after, second), target).safe:
                    return [key, second]
        if widest:
            return [widest[0]]
        if candidates:
            return [max(candidates, key=lambda k: len(self._figure(k).cells))]
        return []

    def _cheapest(self, finding: Finding, target: Figure) -> list[Key] | None:
        """The figures whose hiding lets the target reach far enough at least cost, up or
        down (cheapest.py); None if neither way can be found."""
        counts, percents = self.state.counts, self.state.percents
        setup = Attack(self.cells, self.known(counts, percents), self.points)

        def switch_of(key: Key) -> Key | None:
            if key in self.counts:
                return key if counts[key] == SHOWN and self._hideable(key) else None
            percent = self.percent_of.get(key)
            if percent is not None and percents[percent] == SHOWN:
                return ("rounding", *percent)
            return None

        width = self._needed(target) - 1
        cost = partial(cost_to_readers, counts=self.counts)
        return cheapest_either_way(setup, switch_of, cost, target, finding, width)

    def _table_of(self, key: Key, counts) -> list[Key]:
        """The shown counts in the target's table, smallest first: the other rows of its
        grouping and the total, or the other answers to its question and the people who
        answered it."""
        if key[0] == "respondents" and len(key) == 3:
            near = [k for k in self.counts if k[:2] == key[:2]] + [("respondents",)]
        elif key[0] == "chose":
            near = [k for k in self.counts if k[:3] == key[:3]] + [("answering", *key[1:3])]
        else:
            return []
        shown = [
            k for k in near if k != key and self._is_shown(k, counts, {}) and self._hideable(k)
        ]
        return sorted(shown, key=lambda k: (self.counts[k].rank, self.counts[k].figure.value))

    def _hideable(self, key: Key) -> bool:
        return key not in self.counts or self.counts[key].hideable()

    def _figure(self, key: Key) -> Figure:
        if key in self.counts:
            return self.counts[key].figure
        return self.percents[self.percent_of[key]].base

    def run(self) -> Protection:
        state = self.state
        # Hiding more only widens ranges, so a target once found safe stays safe.
        safe: set[Key] = set()
        while True:
            found = self._first_unsafe(state.counts, state.percents, safe)
            if found is None:
                break
            finding, target = found
            keys = self._step(finding, target)
            for key in keys:
                state.counts, state.percents = self._hide(state.counts, state.percents, key)
                state.secondary.append(key)
                self.hidden_for[key] = finding.key
            if not keys:
                raise RuntimeError(f"cannot protect {finding}")
        self._show_again()
        return state

    def _first_unsafe(self, counts, percents, safe: set[Key]) -> tuple[Finding, Figure] | None:
        """The first target the attacker can narrow (adding those it cannot to `safe`)."""
        setup = Attack(self.cells, self.known(counts, percents), self.points)
        for target in self.targets(counts, percents):
            if target.key in safe:
                continue
            finding = setup.range(target, self._needed(target))
            if not finding.safe:
                return finding, target
            safe.add(target.key)
        return None

    def _all_safe(self, counts, percents, first: Key) -> bool:
        """True if no target can be narrowed; `first` is tried first (the likeliest)."""
        setup = Attack(self.cells, self.known(counts, percents), self.points)
        targets = sorted(self.targets(counts, percents), key=lambda t: t.key != first)
        return all(setup.range(t, self._needed(t)).safe for t in targets)

    def _show_again(self) -> None:
        """Show again each further hidden figure the release can do without, largest first."""
        state = self.state
        tried = [k for k in state.secondary if k not in self.kept_hidden]
        for key in sorted(tried, key=lambda k: -self._figure(k).value):
            counts, percents = dict(state.counts), dict(state.percents)
            if key in self.counts:
                counts[key] = SHOWN
            else:
                percent = self.percent_of[key]
                exact, gates = self.percents[percent].exact, self.percents[percent].gates
                if exact and any(counts[g] != SHOWN for g in gates):
                    continue
                percents[percent] = SHOWN
            if self._all_safe(counts, percents, self.hidden_for[key]):
                state.counts, state.percents = counts, percents
                state.secondary.remove(key)


def protect(
    cells: Cells,
    counts: Sequence[Count],
    percents: Sequence[Percent],
    extra_targets: Sequence[Figure],
    rules: Rules,
    known: Sequence[Known] = (),
    needed: dict[Key, int] | None = None,
    tries: int | None = None,
    kept: dict[Key, str] | None = None,
    public: Iterable[Key] = (),
) -> tuple[Protection, Pass]:
    """Decide what the release shows; every hidden figure checked by the attacker. Returns
    the pass too, to audit the result with. (The rest: see Pass.)"""
    decided = Pass(
        cells, counts, percents, extra_targets, rules, known, needed, tries, kept, public
    )
    return decided.run(), decided
