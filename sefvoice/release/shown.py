"""How a figure is published: the rules (settable in config), and each number as shown.

- a count below `min_count` (default 5) is not shown;
- a percentage is shown only where at least `min_base` (default 10) people answered;
- a count not shown says "hidden", whether under the rule or hidden to protect another
  (see protect.py for why and how); a percentage on too small a base, "too few answers";
  a percentage of a group no one was in, "no answers".

Every number is rounded once, where it is shown, half away from zero (`half_up`): 12.5%
is "13%", as readers and spreadsheets round, never Python's round-half-to-even ("12%").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from ..config import EASYREAD_DIR
from ..definitions.combined_answers import CombinedAnswers, load_combined_answers

FEWER_THAN = "fewer than {min_count}"
HIDDEN = "hidden"
TOO_FEW_ANSWERS = "too few answers"
NO_ANSWERS = "no answers"  # a percentage of a group no one was in


def half_up(value: int | float | Fraction | Decimal, places: int = 0) -> Decimal:
    """`value` rounded to `places` decimals, a half going away from zero (as Decimal's
    ROUND_HALF_UP): 12.5 is 13, -0.5 is -1. Exact for an int, Fraction or Decimal; a float
    (numpy's too) is taken as the decimal it prints as (100 * 10 / 80 prints 12.5, so is
    13). Give a share as a Fraction (`share`) where it can be, so no float decides a tie."""
    if isinstance(value, int | Fraction | Decimal):
        exact = Fraction(value)
    else:  # a float, numpy's included: the decimal it prints as
        exact = Fraction(Decimal(repr(float(value))))
    scaled = abs(exact) * 10**places
    whole = int(scaled + Fraction(1, 2))  # floor, for a non-negative number
    return Decimal(-whole if exact < 0 else whole).scaleb(-places)


def share(part: int | float, base: int | float) -> Fraction:
    """part/base as an exact percentage (a Fraction: 100 * part / base)."""
    return Fraction(100) * Fraction(part) / Fraction(base)


def percent_text(value: int | float | Fraction | Decimal, places: int = 0) -> Shown:
    """A percentage as shown: rounded half up once, "13%"; its value the rounded number."""
    rounded = half_up(value, places)
    return Shown(int(rounded) if places == 0 else float(rounded), f"{rounded}%")


def number_text(value: int | float | Fraction | Decimal, places: int = 1) -> str:
    """A number as shown, rounded half up to at most `places` decimals, with no trailing
    zeros and no exponent: 17, 17.5, 1234567."""
    text = f"{half_up(value, places):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class Rules:
    min_count: int = 5
    min_base: int = 10
    # Which answers a question's table adds together where some are under min_count.
    combined: CombinedAnswers = field(default_factory=lambda: load_combined_answers(EASYREAD_DIR))

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
        return Shown(None, HIDDEN if base >= rules.min_base else TOO_FEW_ANSWERS)
    return percent_text(share(part, base), places)


def status(figure: Shown) -> str:
    """What a published figure says of its true value, from what is shown alone: "shown"
    (the number), "too few" (a percentage on too small a base), "hidden" (anything: under
    the rule, or kept back to protect another figure) or "none" (no figure, "no answers"
    among them: a percentage of no one)."""
    if not figure.hidden:
        return "shown"
    return {TOO_FEW_ANSWERS: "too few", HIDDEN: "hidden"}.get(figure.text, "none")
