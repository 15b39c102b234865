"""Reading indicator files (CSV or XLSX) into checked rows, all or nothing.

Two layouts are read:
- the long format, one row per measure per period, with the headers
  code, name, domain, period, value, unit (required) and period_label, england, target,
  higher_is_better, source, outcome (optional), in any order;
- the tidy open-data CSV of the DfE's Explore Education Statistics service (time_period,
  time_identifier, geographic_level, ... new_la_code, la_name, then a column per measure),
  of which the officer picks one local authority and the measure columns; England rows
  become the comparator.

Every problem is reported as "row N, column C: what is wrong, what was found", where N is
the row number a spreadsheet shows (the header is row 1).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date

import pandas as pd

REQUIRED = ("code", "name", "domain", "period", "value", "unit")
OPTIONAL = ("period_label", "england", "target", "higher_is_better", "source", "outcome")
DOMAINS = ("education", "health", "care", "feedback")
UNITS = ("count", "percent", "rate", "weeks", "days", "score")
MARKERS = ("c", "x", "z", "u")  # confidential, not available, not applicable, low reliability
TRUE, FALSE = ("true", "yes", "y", "1"), ("false", "no", "n", "0")
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


class ImportProblems(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


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


def read_table(data: bytes, file_name: str, sheet: str | None = None) -> pd.DataFrame:
    """The file's cells as text, blank cells as "". Raises ImportProblems if unreadable."""
    try:
        if file_name.lower().endswith((".xlsx", ".xlsm")):
            frame = pd.read_excel(
                io.BytesIO(data), sheet_name=sheet or 0, dtype=str, keep_default_na=False
            )
        else:
            frame = pd.read_csv(
                io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig"
            )
    except (ValueError, KeyError, UnicodeDecodeError, pd.errors.ParserError) as error:
        raise ImportProblems([f"{file_name}: cannot be read as CSV or Excel: {error}"]) from error
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    return frame


def is_ees(frame: pd.DataFrame) -> bool:
    return all(column in frame.columns for column in EES_COLUMNS)


def parse_number(text: str) -> tuple[float | None, str | None]:
    """'23.4', '23.4%', ' 1,234 ' -> the number; 'c', 'x', 'z', 'u' -> the marker; '' -> None."""
    cleaned = text.strip().lower()
    if cleaned in MARKERS:
        return None, cleaned
    if not cleaned:
        return None, None
    cleaned = cleaned.replace(",", "").removesuffix("%").strip()
    try:
        return float(cleaned), None
    except ValueError:
        raise ValueError("not a number or one of the markers c, x, z, u") from None


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


def _check(rows: list[dict[str, str]], lines: list[int]) -> list[Row]:
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
        for column in ("code", "name"):
            if not cell.get(column):
                problem(column, "missing", cell.get(column, ""))
        domain, unit = cell.get("domain", "").lower(), cell.get("unit", "").lower()
        if domain not in DOMAINS:
            problem("domain", f"must be one of {', '.join(DOMAINS)}", cell.get("domain", ""))
        if unit not in UNITS:
            problem("unit", f"must be one of {', '.join(UNITS)}", cell.get("unit", ""))
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
        direction = cell.get("higher_is_better", "").lower()
        if direction and direction not in TRUE + FALSE:
            problem("higher_is_better", "must be true, false, yes, no or blank", direction)
        outcome = cell.get("outcome", "")
        if outcome and outcome not in ("1", "2", "3", "4", "5"):
            problem("outcome", "must be a SEF outcome area from 1 to 5, or blank", outcome)
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
                    domain=domain,
                    unit=unit,
                    period=period,
                    period_label=cell.get("period_label", ""),
                    value=numbers["value"][0],
                    value_marker=numbers["value"][1],
                    england=numbers["england"][0],
                    england_marker=numbers["england"][1],
                    target=numbers["target"][0],
                    higher_is_better=(direction in TRUE) if direction else None,
                    source=cell.get("source", ""),
                    outcome=int(outcome) if outcome else None,
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
                f" (found: {', '.join(frame.columns)})"
            ]
        )
    return _check(frame.to_dict("records"), [i + 2 for i in range(len(frame))])


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


def from_ees(frame: pd.DataFrame, la_code: str, measures: list[EesMeasure]) -> list[Row]:
    """The chosen measures for one local authority, with England as the comparator."""
    missing = [m.column for m in measures if m.column not in frame.columns]
    if missing:
        raise ImportProblems([f"row 1: the file has no column {', '.join(missing)}"])
    level = frame["geographic_level"].str.strip().str.lower()
    local = frame[(level == "local authority") & (frame["new_la_code"].str.strip() == la_code)]
    if local.empty:
        codes = sorted(set(frame.loc[level == "local authority", "new_la_code"]))[:10]
        raise ImportProblems(
            [
                f"column new_la_code: no rows for local authority {la_code!r}"
                f" (found, for example: {', '.join(codes)})"
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
    return _check(records, lines)


def read_ees_measures(data: bytes, file_name: str) -> list[EesMeasure]:
    """A mapping table (CSV or XLSX): column, code, name, unit, and optionally domain,
    outcome, higher_is_better, saying which EES columns to import and as what."""
    frame = read_table(data, file_name)
    missing = [c for c in ("column", "code", "name", "unit") if c not in frame.columns]
    if missing:
        raise ImportProblems([f"{file_name}: row 1: the header has no column {', '.join(missing)}"])
    measures = []
    for _, r in frame.iterrows():
        direction = r.get("higher_is_better", "").strip().lower()
        measures.append(
            EesMeasure(
                column=r["column"].strip().lower(),
                code=r["code"].strip(),
                name=r["name"].strip(),
                unit=r["unit"].strip().lower(),
                domain=(r.get("domain", "") or "education").strip().lower(),
                outcome=int(r["outcome"]) if r.get("outcome", "").strip().isdigit() else None,
                higher_is_better=(direction in TRUE) if direction else None,
            )
        )
    return measures


def read_rows(
    data: bytes,
    file_name: str,
    sheet: str | None = None,
    la_code: str | None = None,
    ees_measures: list[EesMeasure] | None = None,
) -> list[Row]:
    """A file's checked rows, in whichever layout it is. Raises ImportProblems."""
    frame = read_table(data, file_name, sheet)
    if is_ees(frame):
        if not (la_code and ees_measures):
            raise ImportProblems(
                [
                    f"{file_name} is an Explore Education Statistics file: say which local"
                    " authority (its new_la_code) and which measure columns to import"
                ]
            )
        return from_ees(frame, la_code, ees_measures)
    return parse_long(frame)
