"""Disclosure control: the one place that decides which numbers may be shown.

Rules (settable in config):
- a count below `min_count` (default 5) is shown as "fewer than 5";
- a percentage is shown only where at least `min_base` (default 10) people answered;
- secondary suppression: where a total (or the sum of a group of cells, such as the
  positive answers behind a "% positive") is shown, no hidden cell may be worked out from
  it and the cells that are shown.

How the secondary check works. For each group of cells whose sum is published (or could
be known from elsewhere), a reader knows: the shown cells, the sum, that a cell marked
"fewer than 5" holds 0 to 4, and that any other hidden cell holds at least 5 (it would
have been marked otherwise). From that, each hidden cell has a range of possible values.
While some hidden cell's range is a single value, we hide one more cell of its group (the
smallest shown one). When no cell is left to hide and a value can still be pinned down,
every cell of the group is shown as plain "hidden", small or not, so the labels
themselves say nothing. Groups must not overlap.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FEWER_THAN = "fewer than {min_count}"
HIDDEN = "hidden"


@dataclass(frozen=True)
class Rules:
    min_count: int = 5
    min_base: int = 10

    @property
    def small(self) -> str:
        return FEWER_THAN.format(min_count=self.min_count)


@dataclass(frozen=True)
class Shown:
    """One number as it may be published: `value` is None when it is hidden."""

    value: float | None
    text: str

    @property
    def hidden(self) -> bool:
        return self.value is None


@dataclass
class Protected:
    """Which cells of a table are hidden, and how each hidden one may be labelled."""

    primary: set[int] = field(default_factory=set)  # hidden because small
    secondary: set[int] = field(default_factory=set)  # hidden so the small ones stay hidden
    unlabelled: set[int] = field(default_factory=set)  # hidden with no hint of their size

    def hidden(self, cell: int) -> bool:
        return cell in self.primary or cell in self.secondary or cell in self.unlabelled

    @property
    def gave_up(self) -> bool:
        """True when some group could only be protected by hiding all of it."""
        return bool(self.unlabelled)


def _ranges_pin_a_cell(counts: list[int], group: list[int], state: Protected, rules: Rules) -> bool:
    """True if a reader could work out some hidden cell of `group` exactly."""
    hidden = [c for c in group if state.hidden(c)]
    if not hidden:
        return False
    residual = sum(counts[c] for c in hidden)  # = published sum - shown cells
    small = [c for c in hidden if c in state.primary]
    large = [c for c in hidden if c in state.secondary]
    top = rules.min_count - 1
    for cell in hidden:
        others_small = len(small) - (cell in state.primary)
        others_large = len(large) - (cell in state.secondary)
        # Range of this cell: residual minus what the other hidden cells can hold.
        most_others = float("inf") if others_large else top * others_small
        least_others = rules.min_count * others_large
        low = max(0 if cell in state.primary else rules.min_count, residual - most_others)
        high = min(top if cell in state.primary else float("inf"), residual - least_others)
        if low >= high:
            return True
    return False


def protect(
    counts: list[int],
    groups: list[list[int]] = (),
    rules: Rules = Rules(),
    force_hidden: set[int] = frozenset(),
) -> Protected:
    """Decide which cells to hide. `groups` lists the cell indexes whose sums are known."""
    state = Protected(primary={i for i, n in enumerate(counts) if n < rules.min_count})
    state.secondary = set(force_hidden) - state.primary
    for group in groups:
        while _ranges_pin_a_cell(counts, group, state, rules):
            shown = [c for c in group if not state.hidden(c)]
            if not shown:
                state.unlabelled |= set(group)
                state.primary -= set(group)
                state.secondary -= set(group)
                break
            state.secondary.add(min(shown, key=lambda c: (counts[c], c)))
    return state


def label(state: Protected, cell: int, n: int, rules: Rules) -> Shown:
    """A cell's count as it may be shown, given the table's protection."""
    return count(n, rules, hidden=state.hidden(cell), unlabelled=cell in state.unlabelled)


def count(n: int | None, rules: Rules, hidden: bool = False, unlabelled: bool = False) -> Shown:
    """A count as it may be shown."""
    if n is None:
        return Shown(None, "")
    if unlabelled:
        return Shown(None, HIDDEN)
    if n < rules.min_count:
        return Shown(None, rules.small)
    if hidden:
        return Shown(None, HIDDEN)
    return Shown(n, f"{n:,}")


def percent(part: float, base: int, rules: Rules, hidden: bool = False, places: int = 0) -> Shown:
    """part/base as a percentage, shown only on a base of at least min_base and not hidden."""
    if hidden or base < rules.min_base or base == 0:
        return Shown(None, HIDDEN if base >= rules.min_base else "too few answers")
    value = 100 * part / base
    return Shown(round(value, places), f"{value:.{places}f}%")
