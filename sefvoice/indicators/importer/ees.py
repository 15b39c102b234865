"""The tidy open-data CSV of the DfE's Explore Education Statistics service (time_period,
time_identifier, geographic_level, ... new_la_code, la_name, filter columns, then a column
per measure), of which the officer picks one local authority, the measure columns and a
value of each filter column (ees_shape.py); England rows become the comparator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import ees_shape
from .long_format import Row, check_rows, direction, measure_problems, outcome_of
from .readers import ImportProblems, read_table

if TYPE_CHECKING:
    import pandas as pd

EES_COLUMNS = ("time_period", "time_identifier", "geographic_level", "new_la_code")


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


def some_la_codes(frame: pd.DataFrame) -> str:
    local = frame["geographic_level"].str.strip().str.lower() == "local authority"
    return ", ".join(sorted(set(frame.loc[local, "new_la_code"]))[:10])


def from_ees(
    frame: pd.DataFrame,
    la_code: str,
    measures: list[EesMeasure],
    filters: dict[str, str] | None = None,
) -> list[Row]:
    """The chosen measures for one local authority, with England as the comparator, at the
    chosen value of each filter column ("Total" where the officer chose none)."""
    missing = [m.column for m in measures if m.column not in frame.columns]
    if missing:
        raise ImportProblems([f"row 1: the file has no column {', '.join(missing)}"])
    chosen, problems = ees_shape.chosen_filters(frame, [m.column for m in measures], filters or {})
    if problems:
        raise ImportProblems(problems)
    frame = ees_shape.keep_chosen(frame, chosen)
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
        try:
            period = ees_shape.period_of(r["time_period"], r["time_identifier"])
        except ValueError as error:
            problems.append(f"row {index + 2}, column time_identifier: {error}")
            continue
        for m in measures:
            records.append(
                {
                    "code": m.code,
                    "name": m.name,
                    "domain": m.domain,
                    "unit": m.unit,
                    "period": period.start.isoformat(),
                    "period_end": period.end.isoformat(),
                    "period_label": period.label,
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
    if problems:
        raise ImportProblems(problems)
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
