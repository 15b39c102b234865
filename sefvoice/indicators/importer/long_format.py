"""The long format, one row per measure per period, with the headers code, name, domain,
period, value, unit (required) and period_label, england, target, higher_is_better, source,
outcome (optional), in any order; other columns are not read, but one spelt nearly like
these is refused.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from . import ees_shape
from .readers import ImportProblems

if TYPE_CHECKING:
    import pandas as pd

REQUIRED = ("code", "name", "domain", "period", "value", "unit")
OPTIONAL = ("period_label", "england", "target", "higher_is_better", "source", "outcome")
DOMAINS = ("education", "health", "care", "feedback")
UNITS = ("count", "percent", "rate", "weeks", "days", "score")
MARKERS = ees_shape.MARKERS  # c, x, z, u, low and :, each kept as what it means
TRUE, FALSE = ("true", "yes", "y", "1"), ("false", "no", "n", "0")
CONTROL_CHARACTER = (
    "holds a control character that a spreadsheet cannot hold (such as a NUL or an escape)"
)


@dataclass(frozen=True)
class Row:
    line: int  # the spreadsheet row number
    code: str
    name: str
    domain: str
    unit: str
    period: date
    period_label: str
    value: float | None
    value_marker: str | None
    england: float | None
    england_marker: str | None
    target: float | None
    higher_is_better: bool | None
    source: str
    outcome: int | None
    period_end: date | None = None  # the last day the figure covers


def parse_number(text: str) -> tuple[float | None, str | None]:
    """'23.4', '23.4%', ' 1,234 ' -> the number; a marker (c, x, z, u, low, :) as itself;
    '' -> None."""
    cleaned = text.strip().lower()
    if cleaned in MARKERS:
        return None, cleaned
    if not cleaned:
        return None, None
    cleaned = cleaned.replace(",", "").removesuffix("%").strip()
    try:
        number = float(cleaned)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):  # float() also reads "nan" and "inf"
        raise ValueError(f"not a number or a marker ({', '.join(MARKERS[:-1])} or {MARKERS[-1]})")
    return number, None


def parse_period(text: str) -> date:
    """'2023-01-19' or '2023-01' (the first of the month)."""
    cleaned = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}", cleaned):
            return date.fromisoformat(cleaned + "-01")
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", cleaned):
            return date.fromisoformat(cleaned)
    except ValueError:
        pass
    raise ValueError("not a date like 2023-01-19 or a month like 2023-01")


def measure_problems(cell: dict[str, str]) -> list[tuple[str, str]]:
    """(column, what is wrong) for a row's description of its measure: shared by the long
    format and the Explore Education Statistics measures file."""
    problems = [(column, "missing") for column in ("code", "name") if not cell.get(column)]
    if cell.get("domain", "").lower() not in DOMAINS:
        problems.append(("domain", f"must be one of {', '.join(DOMAINS)}"))
    if cell.get("unit", "").lower() not in UNITS:
        problems.append(("unit", f"must be one of {', '.join(UNITS)}"))
    if cell.get("higher_is_better", "").lower() not in ("", *TRUE, *FALSE):
        problems.append(("higher_is_better", "must be true, false, yes, no or blank"))
    if cell.get("outcome", "") not in ("", "1", "2", "3", "4", "5"):
        problems.append(("outcome", "must be a SEF outcome area from 1 to 5, or blank"))
    return problems


def direction(cell: dict[str, str]) -> bool | None:
    text = cell.get("higher_is_better", "").lower()
    return (text in TRUE) if text else None


def outcome_of(cell: dict[str, str]) -> int | None:
    return int(cell["outcome"]) if cell.get("outcome") else None


def check_rows(rows: list[dict[str, str]], lines: list[int]) -> list[Row]:
    problems: list[str] = []
    parsed: list[Row] = []
    seen: dict[tuple[str, date], int] = {}
    first_of_code: dict[str, dict[str, str]] = {}
    for line, raw in zip(lines, rows, strict=True):
        errors_before = len(problems)

        # An EES row names the file's own columns, so the message points at what the officer sees.
        names = raw.pop("_columns", {})

        def problem(
            column: str, message: str, found: str, line: int = line, names: dict = names
        ) -> None:
            column = names.get(column, column)
            problems.append(f"row {line}, column {column}: {message}, found {found!r}")

        cell = {key: str(value).strip() for key, value in raw.items()}
        for column, text in cell.items():
            if ILLEGAL_CHARACTERS_RE.search(text):
                problem(column, CONTROL_CHARACTER, text)
        for column, message in measure_problems(cell):
            problem(column, message, cell.get(column, ""))
        period = None
        try:
            period = parse_period(cell.get("period", ""))
        except ValueError as error:
            problem("period", str(error), cell.get("period", ""))
        numbers = {}
        for column in ("value", "england", "target"):
            try:
                numbers[column] = parse_number(cell.get(column, ""))
            except ValueError as error:
                problem(column, str(error), cell.get(column, ""))
                numbers[column] = (None, None)
        if numbers["target"][1]:
            problem("target", "must be a number or blank", cell.get("target", ""))
        code = cell.get("code", "")
        if code and period:
            if (code, period) in seen:
                problem(
                    "period",
                    f"repeats code {code} and period of row {seen[code, period]}",
                    cell.get("period", ""),
                )
            seen.setdefault((code, period), line)
        if code in first_of_code:
            for column in ("name", "unit"):
                if cell.get(column, "").lower() != first_of_code[code][column].lower():
                    problem(
                        column, f"differs from an earlier row for code {code}", cell.get(column, "")
                    )
        else:
            first_of_code[code] = cell
        if len(problems) == errors_before:
            parsed.append(
                Row(
                    line=line,
                    code=code,
                    name=cell["name"],
                    domain=cell["domain"].lower(),
                    unit=cell["unit"].lower(),
                    period=period,
                    period_label=cell.get("period_label", ""),
                    value=numbers["value"][0],
                    value_marker=numbers["value"][1],
                    england=numbers["england"][0],
                    england_marker=numbers["england"][1],
                    target=numbers["target"][0],
                    higher_is_better=direction(cell),
                    source=cell.get("source", ""),
                    outcome=outcome_of(cell),
                    period_end=date.fromisoformat(cell["period_end"])
                    if cell.get("period_end")
                    else None,
                )
            )
    if problems:
        raise ImportProblems(problems)
    return parsed


def parse_long(frame: pd.DataFrame) -> list[Row]:
    """Check every row of a long-format table; ImportProblems lists every fault found."""
    missing = [column for column in REQUIRED if column not in frame.columns]
    if missing:
        raise ImportProblems(
            [
                f"row 1: the header has no column {', '.join(missing)}"
                f" (found: {', '.join(frame.columns) or 'no header'})"
            ]
        )
    misspelt = _misspelt_columns(frame.columns)
    if misspelt:
        raise ImportProblems(misspelt)
    return check_rows(frame.to_dict("records"), (frame.index + 2).tolist())


def _misspelt_columns(columns: pd.Index) -> list[str]:
    """Other columns (notes, say) are left unread, but one spelt nearly like a column sefvoice
    reads ("englnd") would silently lose what it holds, so it is refused."""
    known = REQUIRED + OPTIONAL
    problems = []
    for column in columns:
        close = [] if column in known else difflib.get_close_matches(column, known, n=1, cutoff=0.8)
        if close:
            problems.append(
                f"row 1, column {column}: not a column sefvoice reads; rename it to {close[0]}"
                " if that is what it holds, or remove it"
            )
    return problems
