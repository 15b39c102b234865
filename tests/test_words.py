"""Counted words: plurals from inflect, never a bare "s"."""

from __future__ import annotations

import pytest

from sefvoice.release.summary import change_in_points
from sefvoice.words import noun, plural


@pytest.mark.parametrize(
    ("count", "word", "said"),
    [
        (1, "comment", "1 comment"),
        (0, "comment", "0 comments"),
        (2, "problem", "2 problems"),
        (1, "problem", "1 problem"),
        (3, "child", "3 children"),
        (1212, "person", "1,212 people"),
    ],
)
def test_plural(count, word, said):
    assert plural(count, word) == said


def test_a_noun_for_a_fraction_is_plural():
    assert noun("week", 1.5) == "weeks" and noun("week", 1) == "week"


@pytest.mark.parametrize(
    ("now", "before", "said"),
    [
        ((51, 100), (50, 100), "+1 point"),
        ((49, 100), (50, 100), "-1 point"),
        ((60, 100), (50, 100), "+10 points"),
        ((50, 100), (50, 100), "no change"),
        ((202, 500), (161, 400), "up by less than 1 point"),  # 40.4% against 40.25%
        ((161, 400), (202, 500), "down by less than 1 point"),
    ],
)
def test_a_change_of_one_point_is_one_point(now, before, said):
    assert change_in_points(*now, *before).text == said
