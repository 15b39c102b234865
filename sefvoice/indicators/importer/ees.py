"""The tidy open-data CSV of the DfE's Explore Education Statistics service (time_period,
time_identifier, geographic_level, ... new_la_code, la_name, then a column per measure), of
which the officer picks one local authority and the measure columns; England rows become
the comparator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .long_format import Row, check_rows, direction, measure_problems, outcome_of
from .readers import ImportProblems, read_table

if TYPE_CHECKING:
    import pandas as pd

EES_COLUMNS = ("time_period", "time_identifier", "geographic_level", "new_la_code")


MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]


@dataclass(frozen=True)
class EesMeasure:
    """An Explore Education Statistics column to import, and what to call it here."""

    column: str
    code: str
    name: str
    unit: str
    domain: str = "education"
    outcome: int | None = None
    higher_is_better: bool | None = None


def is_ees(frame: pd.DataFrame) -> bool:
    return all(column in frame.columns for column in EES_COLUMNS)


def _ees_period(time_period: str, identifier: str) -> tuple[str, str]:
    """EES time_period and time_identifier as our period and label."""
    ident = identifier.strip().lower()
    if re.fullmatch(r"\d{6}", time_period) and ident in ("academic year", "financial year"):
        start = int(time_period[:4])
        month = "09" if ident == "academic year" else "04"
        return f"{start}-{month}", f"{start}/{time_period[4:]}"
    if re.fullmatch(r"\d{4}", time_period) and ident == "calendar year":
        return f"{time_period}-01", time_period
    if re.fullmatch(r"\d{4}", time_period) and ident in MONTHS:
        month = MONTHS.index(ident) + 1
        return f"{time_period}-{month:02d}", f"{ident.title()[:3]} {time_period}"
    return time_period, ""  # left for the period check to report


def some_la_codes(frame: pd.DataFrame) -> str:
    local = frame["geographic_level"].str.strip().str.lower() == "local authority"
    return ", ".join(sorted(set(frame.loc[local, "new_la_code"]))[:10])


def from_ees(frame: pd.DataFrame, la_code: str, measures: list[EesMeasure]) -> list[Row]:
    """The chosen measures for one local authority, with England as the comparator."""
    missing = [m.column for m in measures if m.column not in frame.columns]
    if missing:
        raise ImportProblems([f"row 1: the file has no column {', '.join(missing)}"])
    level = frame["geographic_level"].str.strip().str.lower()
    codes = frame["new_la_code"].str.strip().str.upper()
    local = frame[(level == "local authority") & (codes == la_code.strip().upper())]
    if local.empty:
        raise ImportProblems(
            [
                f"column new_la_code: no rows for local authority {la_code!r}"
                f" (found, for example: {some_la_codes(frame)})"
            ]
        )
    national = frame[level == "national"]
    england = {
        (r["time_period"], r["time_identifier"], m.column): r[m.column]
        for _, r in national.iterrows()
        for m in measures
    }
    records, lines = [], []
    for index, r in local.iterrows():
        period, label = _ees_period(r["time_period"].strip(), r["time_identifier"])
        for m in measures:
            records.append(
                {
                    "code": m.code,
                    "name": m.name,
                    "domain": m.domain,
                    "unit": m.unit,
                    "period": period,
                    "period_label": label,
                    "value": r[m.column],
                    "england": england.get((r["time_period"], r["time_identifier"], m.column), ""),
                    "higher_is_better": ""
                    if m.higher_is_better is None
                    else str(m.higher_is_better),
                    "outcome": "" if m.outcome is None else str(m.outcome),
                    "source": "Explore Education Statistics",
                    "_columns": {"value": m.column, "england": f"{m.column} (England row)"},
                }
            )
            lines.append(index + 2)
    return check_rows(records, lines)


def read_ees_measures(data: bytes, file_name: str) -> list[EesMeasure]:
    """A measures file (CSV or XLSX): column, code, name, unit, and optionally domain
    (default education), outcome, higher_is_better, saying which EES columns to import and
    as what. Raises ImportProblems naming every fault."""
    frame = read_table(data, file_name)
    missing = [c for c in ("column", "code", "name", "unit") if c not in frame.columns]
    if missing:
        raise ImportProblems([f"{file_name}: row 1: the header has no column {', '.join(missing)}"])
    measures, problems = [], []
    for line, raw in zip((frame.index + 2).tolist(), frame.to_dict("records"), strict=True):
        cell = {key: value.strip() for key, value in raw.items()}
        cell["domain"] = cell.get("domain") or "education"
        found = measure_problems(cell)
        if not cell["column"]:
            found.insert(0, ("column", "missing"))
        problems += [
            f"{file_name}: row {line}, column {column}: {message}, found {cell.get(column, '')!r}"
            for column, message in found
        ]
        if not found:
            measures.append(
                EesMeasure(
                    column=cell["column"].lower(),
                    code=cell["code"],
                    name=cell["name"],
                    unit=cell["unit"].lower(),
                    domain=cell["domain"].lower(),
                    outcome=outcome_of(cell),
                    higher_is_better=direction(cell),
                )
            )
    if problems:
        raise ImportProblems(problems)
    return measures
