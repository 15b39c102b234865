"""How a figure is published: the rules (settable in config), and each number as shown.

- a count below `min_count` (default 5) is shown as "fewer than 5";
- a percentage is shown only where at least `min_base` (default 10) people answered;
- anything else hidden (see protect.py for why and how) is shown as "hidden".
"""

from __future__ import annotations

from dataclasses import dataclass

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
