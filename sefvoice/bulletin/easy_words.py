"""The easy-read edition's fixed words (data/easy-read-bulletin.yaml), and a figure in
words: the exact share behind a published percentage as a quantifier ("Most", "A little
under half") and so many in 10, each true of the share itself, never of a rounding of it.
"""

from __future__ import annotations

import re
from fractions import Fraction
from functools import lru_cache
from importlib.resources import files

import yaml

WORDING_FILE = "data/easy-read-bulletin.yaml"
NUMBER = re.compile(r"\d+")


class EasyReadError(ValueError):
    pass


@lru_cache(maxsize=1)
def wording() -> dict:
    """The edition's fixed words and figure rules; refused unless the quantifiers cover 0
    to 100 once each. (wording_problems checks the easy-read rules: the tests run it, so
    that pages need not load the reading-ease checker.)"""
    data = yaml.safe_load(files("sefvoice").joinpath(WORDING_FILE).read_text(encoding="utf-8"))
    if not covers_0_to_100(data["figures"]["quantifiers"]):
        raise EasyReadError(
            f"{WORDING_FILE}: the quantifiers must cover 0 to 100 once, with no gap"
        )
    return data


def _ends(rule: dict) -> tuple[tuple[Fraction, bool], tuple[Fraction, bool]]:
    """A quantifier's range as (lower, included), (upper, included)."""
    lower = (Fraction(rule["from"]), True) if "from" in rule else (Fraction(rule["above"]), False)
    upper = (Fraction(rule["to"]), True) if "to" in rule else (Fraction(rule["below"]), False)
    return lower, upper


def covers_0_to_100(rules: list[dict]) -> bool:
    """Whether the ranges, in order, run from 0 to 100 (both included), each starting where
    the one before ends, the shared end in exactly one of them."""
    try:
        ranges = [_ends(rule) for rule in rules]
    except (KeyError, TypeError, ValueError):
        return False
    reach = (Fraction(0), False)  # covered up to here (and whether the end itself is)
    for (low, low_in), (high, high_in) in ranges:
        if low != reach[0] or low_in == reach[1] or high < low or (high == low and not low_in):
            return False
        if high == low and not high_in:
            return False
        reach = (high, high_in)
    return reach == (Fraction(100), True)


def in_tens(percent: int | Fraction) -> str:
    """The exact share (not a rounded one) as so many in 10, true of the number itself: 70
    is "7 in 10", 72 "more than 7 in 10", 68 "nearly 7 in 10", 3 "fewer than 1 in 10", 96
    "more than 9 in 10", 49.5 "nearly 5 in 10". Never a rounding that crosses to the other
    side of the number."""
    tens = wording()["figures"]["tens"]
    low, rest = divmod(Fraction(percent), 10)
    if rest == 0:
        return tens["exact"].format(n=low)
    if low == 0:
        return tens["fewer_than"].format(n=1)
    if low == 9 or rest < 5:
        return tens["more_than"].format(n=low)
    return tens["nearly"].format(n=low + 1)


def quantifier(percent: int | Fraction) -> str:
    """ "Most", "Half", "A little under half" ...: the words whose range holds the exact
    share (so 49.5 is never "Half", nor 99.6 "Everyone")."""
    p = Fraction(percent)
    for rule in wording()["figures"]["quantifiers"]:
        (low, low_in), (high, high_in) = _ends(rule)
        if (low < p or (low_in and p == low)) and (p < high or (high_in and p == high)):
            return rule["words"]
    raise ValueError(f"{percent} is not a percentage")


def suggested_line(question: str, percent: int | Fraction, answers: list[str]) -> str:
    figures = wording()["figures"]
    return figures["line"].format(
        question=question.strip(),
        quantifier=quantifier(percent),
        tens=in_tens(percent),
        answers=figures["or"].join(figures["answer"].format(label=a) for a in answers),
    )


def numbers_allowed(percent: int, exact: Fraction | None = None) -> set[int]:
    """The numbers a line about this figure may give: the percentage as shown, its tens
    (from the exact share, where known), and 10."""
    tens = in_tens(percent if exact is None else exact)
    return {percent, 10, *(int(n) for n in NUMBER.findall(tens))}
