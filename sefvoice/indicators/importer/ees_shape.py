"""Explore Education Statistics (EES) files as the DfE publishes them: what period a row
covers, which columns are filters, and one value of each filter to import.

EES files are tidy: a row per place, period and combination of filter values (such as
`exception_type` or `ehcp_breakdown`), a column per measure. A figure for one place and
period is the row whose filters are all at the chosen value ("Total" unless the officer
chooses another).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

# The columns that say where and when a row is, never filters or measures.
PLACE_AND_TIME = {
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
    "lad_code",
    "lad_name",
    "opportunity_area_code",
    "opportunity_area_name",
    "pcon_code",
    "pcon_name",
    "rsc_region_lead_name",
    "school_laestab",
    "school_urn",
    "school_name",
    "provider_ukprn",
    "provider_name",
}
PLACE_KEYS = ["time_period", "time_identifier", "geographic_level", "new_la_code"]
FILTER_SUFFIXES = ("_type", "_breakdown")
MARKERS = ("c", "x", "z", "u", "low", ":")  # as the DfE publishes them
TOTAL = "total"
QUARTER = re.compile(r"(?P<year>calendar year|academic year|financial year) q(?P<q>[1-4])")
# The month each kind of year starts in.
YEAR_STARTS = {"calendar year": 1, "academic year": 9, "financial year": 4}
MONTHS = [m.lower() for m in calendar.month_name[1:]]


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # the last day covered
    label: str


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    return date(day.year + index // 12, index % 12 + 1, 1)


def _span(first: date, months: int, label: str) -> Period:
    following = _add_months(first, months)
    return Period(first, date.fromordinal(following.toordinal() - 1), label)


def period_of(time_period: str, time_identifier: str) -> Period:
    """The period an EES row covers: "2023" "Calendar year" is all of 2023; "202223"
    "Academic year" is 1 September 2022 to 31 August 2023; "202223" "Financial year" is
    1 April 2022 to 31 March 2023; "2023" "Calendar year Q2" is April to June 2023; "2023"
    "March" is March 2023. Raises ValueError for anything else."""
    text, kind = time_period.strip(), " ".join(time_identifier.strip().lower().split())
    quarter = QUARTER.fullmatch(kind)
    year_kind = quarter["year"] if quarter else kind
    if year_kind in YEAR_STARTS:
        if year_kind == "calendar year":
            if not re.fullmatch(r"\d{4}", text):
                raise ValueError(f"a {kind} is a year like 2023")
            start_year, label = int(text), text
        else:
            if not (re.fullmatch(r"\d{6}", text) and int(text[4:]) == (int(text[:4]) + 1) % 100):
                raise ValueError(f"a {kind} is written like 202223")
            start_year, label = int(text[:4]), f"{text[:4]}/{text[4:]}"
        first = date(start_year, YEAR_STARTS[year_kind], 1)
        if quarter is None:
            return _span(first, 12, label)
        number = int(quarter["q"])
        return _span(_add_months(first, 3 * (number - 1)), 3, f"{label} Q{number}")
    if kind in MONTHS:
        if not re.fullmatch(r"\d{4}", text):
            raise ValueError(f"a month's time_period is a year like 2023, found {text!r}")
        return _span(date(int(text), MONTHS.index(kind) + 1, 1), 1, f"{kind.title()[:3]} {text}")
    raise ValueError(
        "time_identifier must be a calendar, academic or financial year, a quarter of one"
        f" (Calendar year Q1) or a month, found {time_identifier!r}"
    )


def _holds_figures(column: pd.Series) -> bool:
    """A measure's column: every cell a number, a marker or blank."""
    cells = column.str.strip().str.lower()
    import pandas as pd  # loaded with the first file read, not with the app

    numbers = pd.to_numeric(cells.str.replace(",", "").str.removesuffix("%"), errors="coerce")
    return bool((numbers.notna() | cells.isin(MARKERS) | (cells == "")).all())


def filter_columns(frame: pd.DataFrame, measures: list[str]) -> list[str]:
    """The file's filter columns: named like one (`*_type`, `*_breakdown`), or any other
    column of labels (not figures, so not a measure) with several values for one place
    and period."""
    others = [c for c in frame.columns if c not in PLACE_AND_TIME and c not in measures]
    named = [c for c in others if c.endswith(FILTER_SUFFIXES)]
    labels = [c for c in others if c not in named and not _holds_figures(frame[c])]
    if frame.empty or not labels:
        return named
    varying = frame.groupby(PLACE_KEYS, dropna=False)[labels].nunique().max()
    return [c for c in others if c in named or (c in labels and varying[c] > 1)]


def filter_values(frame: pd.DataFrame, column: str) -> list[str]:
    """A filter's values, "Total" first where there is one, then as in the file."""
    values = list(dict.fromkeys(frame[column].str.strip()))
    return sorted(values, key=lambda v: v.lower() != TOTAL)


def chosen_filters(
    frame: pd.DataFrame, measures: list[str], asked: dict[str, str]
) -> tuple[dict[str, str], list[str]]:
    """Each filter's value to import: the one asked for, else "Total" where the filter
    has one. Returns (choices, problems): a problem for a filter with no choice and no
    Total, a value the file does not have, or a filter the file does not have."""
    filters = filter_columns(frame, measures)
    problems = [
        f"column {column}: not a filter column of this file (its filters:"
        f" {', '.join(filters) or 'none'})"
        for column in asked
        if column not in filters
    ]
    chosen = {}
    for column in filters:
        values = filter_values(frame, column)
        wanted = asked.get(column)
        if wanted is None and values and values[0].lower() == TOTAL:
            wanted = values[0]
        match = next((v for v in values if wanted and v.lower() == wanted.strip().lower()), None)
        if match is None:
            shown = ", ".join(values[:12]) + (", ..." if len(values) > 12 else "")
            problems.append(
                f"column {column}: a filter with several values for each place and period;"
                f" choose one of {shown}" + (f" (found {wanted!r})" if wanted else "")
            )
        else:
            chosen[column] = match
    return chosen, problems


def keep_chosen(frame: pd.DataFrame, chosen: dict[str, str]) -> pd.DataFrame:
    """The rows at the chosen value of every filter."""
    for column, value in chosen.items():
        frame = frame[frame[column].str.strip() == value]
    return frame


@dataclass(frozen=True)
class FilterChoice:
    """A filter column, its values, and the one imported."""

    column: str
    values: list[str]
    chosen: str | None


def filter_options(
    frame: pd.DataFrame, measures: list[str], asked: dict[str, str]
) -> list[FilterChoice]:
    """Each filter column of the file with its values and the value imported, for the
    preview, where the officer can choose another."""
    chosen, _ = chosen_filters(frame, measures, asked)
    return [
        FilterChoice(column, filter_values(frame, column), chosen.get(column))
        for column in filter_columns(frame, measures)
    ]
