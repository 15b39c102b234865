"""Every figure is rounded once, where it is shown, half away from zero (as readers and
spreadsheets round): 10 of 80 is 12.5%, shown "13%", never Python's half-to-even "12%"."""

from __future__ import annotations

import io
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import numpy as np
import pytest

from sefvoice.release import shown
from sefvoice.release.protected_figures import ProtectedFigures
from sefvoice.release.shown import Rules, half_up, number_text
from sefvoice.release.summary import _percent_of_one, change_in_points, scorecard

from .test_release import FILLED_BY, _counts, _result, _small_survey

GRID = [(part, base) for base in range(1, 201) for part in range(base + 1)]
ALL_SHOWN = Rules(min_count=0, min_base=1)


def expected(part: int, base: int) -> Decimal:
    """The percentage as Decimal rounds it, half up, from the exact value."""
    return (Decimal(100 * part) / Decimal(base)).quantize(Decimal(1), rounding=ROUND_HALF_UP)


@pytest.mark.parametrize(
    "value, places, rounded",
    [
        (12.5, 0, "13"),
        (Fraction(25, 2), 0, "13"),
        (-0.5, 0, "-1"),
        (-0.4, 0, "0"),
        (Fraction(-25, 2), 0, "-13"),
        (2.675, 2, "2.68"),  # as it prints, though the float is a shade under
        (Decimal("0.05"), 1, "0.1"),
        (7, 0, "7"),
    ],
)
def test_half_up_rounds_a_half_away_from_zero(value, places, rounded):
    assert str(half_up(value, places)) == rounded


def test_every_percentage_on_a_grid_rounds_half_up():
    wrong = [
        (part, base)
        for part, base in GRID
        if shown.percent(part, base, ALL_SHOWN).text != f"{expected(part, base)}%"
    ]
    assert wrong == []
    assert shown.percent(10, 80, ALL_SHOWN) == shown.Shown(13, "13%")


def test_every_pooled_percentage_on_a_grid_rounds_half_up():
    wrong = []
    for part, base in GRID[::7]:
        (row,) = scorecard([_result("a", (part, base))], [], "outcome", {1: "O"}, ALL_SHOWN)
        if row.positive.text != f"{expected(part, base)}%" or row.positive.value != int(
            expected(part, base)
        ):
            wrong.append((part, base, row.positive.text))
    assert wrong == []


def test_a_change_exactly_half_a_point_past_a_whole_rounds_away_from_zero():
    # 1 in 12 (8.33...%) against 5 in 24 (20.83...%) is -12.5 points exactly, which in
    # floating point came out a shade nearer zero: "-12 points".
    assert change_in_points(1, 12, 5, 24).text == "-13 points"
    assert change_in_points(5, 24, 1, 12).text == "+13 points"
    wrong = []
    for positive, base in GRID[::97]:
        for earlier, earlier_base in GRID[::89]:
            exact = Fraction(100 * positive, base) - Fraction(100 * earlier, earlier_base)
            want = int((Decimal(exact.numerator) / exact.denominator).quantize(0, ROUND_HALF_UP))
            if change_in_points(positive, base, earlier, earlier_base).value != want:
                wrong.append((positive, base, earlier, earlier_base))
    assert wrong == []


def test_interval_ends_and_medians_round_half_up():
    assert _percent_of_one(0.125).text == "13%"
    assert _percent_of_one(0.135).text == "14%"  # 13.5 as it prints
    assert number_text(17.5) == "17.5" and number_text(17.0) == "17"
    assert number_text(np.float64(17.5)) == "17.5"  # a median pandas works out
    assert number_text(1_234_567) == "1234567"  # no exponent
    assert number_text(Fraction(1, 8), 2) == "0.13"


def test_a_release_shows_12_and_a_half_percent_as_13():
    definition = _small_survey("small", only=("feel",))
    # 80 people: 10 happy, 35 OK, 35 sad.
    answers = ["happy"] * 10 + ["ok"] * 35 + ["sad"] * 35
    counts = _counts([definition], [("small", "me", {"feel": [a]}) for a in answers])
    release = ProtectedFigures([definition], [FILLED_BY], counts, Rules())
    assert release.percent(("question", "small", "feel")).text == "13%"
    assert release.percent(("all",)).text == "13%"
    chose = ("chose", "small", "feel", "happy")
    assert release.share(chose, ("answering", "small", "feel")).text == "13%"


def test_downloads_give_the_number_the_page_shows():
    from openpyxl import load_workbook

    from sefvoice.feedback.exports import to_csv, to_xlsx
    from sefvoice.release.shown import percent_text, share
    from sefvoice.release.tables import Table

    table = Table("t", "T", ["Row", "%"], [["A", percent_text(share(10, 80))]], numeric={1})
    assert to_csv(table).decode("utf-8-sig").splitlines()[1] == '"A",13'
    sheet = load_workbook(io.BytesIO(to_xlsx(table))).active
    assert sheet.cell(2, 2).value == 0.13 and sheet.cell(2, 2).number_format == "0%"
