"""Reading indicator files (CSV or XLSX) into checked rows, all or nothing.

Two layouts are read:
- the long format, one row per measure per period, with the headers
  code, name, domain, period, value, unit (required) and period_label, england, target,
  higher_is_better, source, outcome (optional), in any order; other columns are not read,
  but one spelt nearly like these is refused;
- the tidy open-data CSV of the DfE's Explore Education Statistics service (time_period,
  time_identifier, geographic_level, ... new_la_code, la_name, then a column per measure),
  of which the officer picks one local authority and the measure columns; England rows
  become the comparator.

Every problem is reported as "row N, column C: what is wrong, what was found", where N is
the row number a spreadsheet shows (the header is row 1). Rows with every cell blank are
skipped.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import re
import time
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import openpyxl
import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell.read_only import EmptyCell, ReadOnlyCell
from openpyxl.packaging.manifest import Manifest
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._reader import CELL_TAG, ROW_TAG, WorkSheetParser
from openpyxl.xml.constants import ARC_CONTENT_TYPES as CONTENT_TYPES
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS
from openpyxl.xml.functions import fromstring, iterparse

REQUIRED = ("code", "name", "domain", "period", "value", "unit")
OPTIONAL = ("period_label", "england", "target", "higher_is_better", "source", "outcome")
DOMAINS = ("education", "health", "care", "feedback")
UNITS = ("count", "percent", "rate", "weeks", "days", "score")
MARKERS = ("c", "x", "z", "u")  # confidential, not available, not applicable, low reliability
TRUE, FALSE = ("true", "yes", "y", "1"), ("false", "no", "n", "0")
EES_COLUMNS = ("time_period", "time_identifier", "geographic_level", "new_la_code")
SHEET_DATA_TAG = f"{{{SHEET_MAIN_NS}}}sheetData"
# Limits on what one file may hold, enforced as it is read. The largest real files (a DfE
# download of every local authority, 150 measures over ten years) are well inside them.
MAX_ROWS = 100_000
MAX_COLUMNS = 200
MAX_CELLS = 2_000_000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # an .xlsx's parts, unpacked
MAX_PART_BYTES = 8 * 1024 * 1024  # any other part, unpacked
MAX_SHARED_STRINGS = (
    50_000  # different texts in a spreadsheet: openpyxl reads about 20,000 a second
)
SHARED_STRING = re.compile(rb"<(?:[\w.-]+:)?si[\s>/]")
CONTROL_CHARACTER = (
    "holds a control character that a spreadsheet cannot hold (such as a NUL or an escape)"
)
READ_SECONDS = 20  # under gunicorn's 30 s timeout, so the officer gets the message

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


def _excel_text(cell: ReadOnlyCell | EmptyCell) -> str:
    """A cell as the officer sees it, not as Excel stores it: a date as 2023-01-19 (Excel turns
    a typed 2023-01 into a date), a cell formatted as a percentage (stored as 0.234) as 23.4,
    a whole number without ".0", TRUE as true."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, int | float):
        if "%" in cell.number_format:
            value = round(value * 100, 10)  # 0.234 * 100 is 23.400000000000002
        return str(int(value)) if float(value).is_integer() else repr(value)
    return str(value)


class _ReadBudget:
    """Limits checked while a file is read, cell by cell, so that a small file which holds or
    claims a huge sheet is refused before it can fill memory or hold a worker for long."""

    def __init__(self, file_name: str):
        self.file_name = file_name
        self.rows = self.cells = 0
        self.deadline = time.monotonic() + READ_SECONDS

    def refuse(self, problem: str) -> ImportProblems:
        return ImportProblems([f"{self.file_name}: {problem}"])

    def row(self, number: int) -> None:
        self.rows += 1
        if max(number, self.rows) > MAX_ROWS + 1:
            raise self.refuse(
                f"row {max(number, self.rows)}: too many rows; sefvoice reads at most"
                f" {MAX_ROWS:,} rows under the header"
            )

    def width(self, row: int, columns: int) -> None:
        if columns > MAX_COLUMNS:
            raise self.refuse(
                f"row {row}: has {columns:,} columns; sefvoice reads at most {MAX_COLUMNS}"
            )

    def cell(self) -> None:
        self.cells += 1
        if self.cells > MAX_CELLS:
            raise self.refuse(f"has more than {MAX_CELLS:,} cells; split it into smaller files")
        if self.cells % 100 == 0 and time.monotonic() > self.deadline:
            raise self.refuse(
                f"took more than {READ_SECONDS:,} seconds to read; split it into smaller files"
            )


def _check_unpacked_size(data: bytes, budget: _ReadBudget) -> None:
    """An .xlsx is a zip: refuse one that would unpack to far more than any real sheet of
    measures, before a byte of it is unpacked (zipfile never unpacks more than declared).
    openpyxl reads every part but the sheets whole before a cell is counted, the shared
    strings slowly (tens of microseconds each): those parts are measured first too."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    parts = {info.filename: info.file_size for info in archive.infolist()}
    unpacked = sum(parts.values())
    if unpacked > MAX_UNPACKED_BYTES:
        raise budget.refuse(
            f"unpacks to {unpacked:,} bytes; sefvoice reads at most {MAX_UNPACKED_BYTES:,}"
        )
    for name, size in parts.items():
        if not name.startswith("xl/worksheets/"):
            _check_part_size(name, size, budget)
    strings = _shared_strings_part(archive) if CONTENT_TYPES in parts else None
    if strings in parts:
        _check_part_size(strings, parts[strings], budget)
        count = len(SHARED_STRING.findall(archive.read(strings)))
        if count > MAX_SHARED_STRINGS:
            raise budget.refuse(
                f"holds {count:,} different texts; sefvoice reads at most"
                f" {MAX_SHARED_STRINGS:,} from a spreadsheet (save the sheet as CSV to import it)"
            )


def _check_part_size(name: str, size: int, budget: _ReadBudget) -> None:
    if size > MAX_PART_BYTES:
        raise budget.refuse(
            f"its part {name} unpacks to {size:,} bytes; sefvoice reads at most"
            f" {MAX_PART_BYTES:,} (save the sheet as CSV to import it)"
        )


def _shared_strings_part(archive: zipfile.ZipFile) -> str | None:
    """The name of the part holding the shared strings, found as openpyxl finds it."""
    manifest = Manifest.from_tree(fromstring(archive.read(CONTENT_TYPES)))
    part = manifest.find(SHARED_STRINGS)
    return part.PartName[1:] if part is not None else None


def _excel_rows(book, worksheet, budget: _ReadBudget) -> Iterator[tuple[int, list[str]]]:
    """The sheet's rows as (row number, cells as text), read cell by cell from its XML.

    openpyxl would pad every row to the dimension the file declares (A1:XFD1048576 is 16,384
    cells a row, a million rows); here a row holds only the cells the file has, up to its
    last one, and the limits are counted as each row and cell is read.
    """
    parser = WorkSheetParser(
        None,
        worksheet._shared_strings,
        data_only=True,
        epoch=book.epoch,
        date_formats=book._date_formats,
        timedelta_formats=book._timedelta_formats,
    )
    with worksheet._get_source() as source:
        number, cells, parent, row = 0, [], None, None
        for event, element in iterparse(source, events=("start", "end")):
            if element.tag == SHEET_DATA_TAG and event == "start":
                parent = element
            elif element.tag == ROW_TAG and event == "start":
                number = int(element.get("r", number + 1))
                budget.row(number)
                parser.row_counter, parser.col_counter = number, 0
                cells, row = [], element
            elif element.tag == ROW_TAG:
                yield number, cells
                element.clear()
                if parent is not None:
                    parent.remove(element)  # so the rows read do not pile up in the tree
            elif element.tag == CELL_TAG and event == "end" and row is not None:
                cell = parser.parse_cell(element)
                column = cell["column"]
                if column > MAX_COLUMNS:
                    raise budget.refuse(
                        f"row {number}: has a cell in column {get_column_letter(column)}"
                        f" ({column:,}); sefvoice reads at most {MAX_COLUMNS} columns"
                    )
                budget.cell()
                cells.extend([""] * (column - len(cells)))
                cells[column - 1] = _excel_text(ReadOnlyCell(worksheet, **cell))
                row.remove(element)


def _read_excel(data: bytes, file_name: str, sheet: str | None) -> pd.DataFrame:
    budget = _ReadBudget(file_name)
    _check_unpacked_size(data, budget)
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        if sheet and sheet not in book.sheetnames:
            raise ImportProblems(
                [f"{file_name}: has no sheet {sheet!r} (its sheets: {', '.join(book.sheetnames)})"]
            )
        rows = dict(_excel_rows(book, book[sheet or book.sheetnames[0]], budget))
    finally:
        book.close()
    if not rows:
        return pd.DataFrame()
    header = rows.pop(min(rows))
    width = max(len(cells) for cells in [header, *rows.values()])
    numbers = sorted(rows)
    # Indexed like a CSV read: index + 2 is the row number the spreadsheet shows.
    return pd.DataFrame(
        [rows[n] + [""] * (width - len(rows[n])) for n in numbers],
        columns=header + [""] * (width - len(header)),
        index=pd.Index([n - 2 for n in numbers], dtype=int),
    )


def _check_csv_shape(text: str, file_name: str) -> None:
    """Count rows, columns and cells, and check the time, as the CSV is read; and refuse rows
    with more cells than the header has columns (they would lose cells without a word)."""
    budget = _ReadBudget(file_name)
    width = None
    long = []
    rows = csv.reader(io.StringIO(text))
    for number, cells in enumerate(_csv_rows(rows, budget), start=1):
        budget.row(number)
        budget.width(number, len(cells))
        for _ in cells:
            budget.cell()
        if width is None:
            width = len(cells)
        elif len(cells) > width:
            long.append(f"row {number}: has {len(cells)} cells but the header has {width} columns")
    if long:
        raise ImportProblems(long)


def _csv_rows(rows: Iterator[list[str]], budget: _ReadBudget) -> Iterator[list[str]]:
    """The reader's rows; a cell over csv's field limit (128 KB) refused, naming its row."""
    number = 0
    while True:
        number += 1
        try:
            yield next(rows)
        except StopIteration:
            return
        except csv.Error as error:
            if "field limit" not in str(error):
                raise budget.refuse(f"row {number}: cannot be read as CSV ({error})") from None
            raise budget.refuse(
                f"row {number}: a cell holds more than {csv.field_size_limit():,} characters;"
                " sefvoice reads at most that in one cell"
            ) from None


def read_table(data: bytes, file_name: str, sheet: str | None = None) -> pd.DataFrame:
    """The file's cells as text, blank cells as "", indexed so that index + 2 is the row
    number a spreadsheet shows. Raises ImportProblems if unreadable or over the limits."""
    try:
        if file_name.lower().endswith((".xlsx", ".xlsm")):
            frame = _read_excel(data, file_name, sheet)
        else:
            text = data.decode("utf-8-sig")
            _check_csv_shape(text, file_name)
            frame = pd.read_csv(
                io.StringIO(text),
                dtype=str,
                keep_default_na=False,
                index_col=False,  # never take a long row's first cells as an index
                skip_blank_lines=False,  # so that the row numbers stay the spreadsheet's
            )
    except ImportProblems:
        raise  # already says what is wrong (it is a ValueError too)
    except (
        ValueError,
        IndexError,  # a shared string the file does not have
        KeyError,  # a part of the workbook that is missing
        SyntaxError,  # XML that does not parse (ElementTree's and lxml's errors are these)
        UnicodeDecodeError,
        pd.errors.ParserError,
        zipfile.BadZipFile,
        InvalidFileException,
    ) as error:
        raise ImportProblems([f"{file_name}: cannot be read as CSV or Excel: {error}"]) from error
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    frame = frame.loc[:, frame.columns != ""]  # empty columns Excel keeps at the side
    repeated = sorted(column for column, n in Counter(frame.columns).items() if n > 1)
    if repeated:
        raise ImportProblems([f"row 1: the header repeats column {', '.join(repeated)}"])
    blank = (frame.apply(lambda column: column.str.strip()) == "").all(axis=1)
    return frame[~blank]


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
        number = float(cleaned)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):  # float() also reads "nan" and "inf"
        raise ValueError("not a number or one of the markers c, x, z, u")
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


def _measure_problems(cell: dict[str, str]) -> list[tuple[str, str]]:
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


def _direction(cell: dict[str, str]) -> bool | None:
    text = cell.get("higher_is_better", "").lower()
    return (text in TRUE) if text else None


def _outcome(cell: dict[str, str]) -> int | None:
    return int(cell["outcome"]) if cell.get("outcome") else None


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
        for column, text in cell.items():
            if ILLEGAL_CHARACTERS_RE.search(text):
                problem(column, CONTROL_CHARACTER, text)
        for column, message in _measure_problems(cell):
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
                    higher_is_better=_direction(cell),
                    source=cell.get("source", ""),
                    outcome=_outcome(cell),
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
    return _check(frame.to_dict("records"), (frame.index + 2).tolist())


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


def _some_la_codes(frame: pd.DataFrame) -> str:
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
                f" (found, for example: {_some_la_codes(frame)})"
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
        found = _measure_problems(cell)
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
                    outcome=_outcome(cell),
                    higher_is_better=_direction(cell),
                )
            )
    if problems:
        raise ImportProblems(problems)
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
            columns = list(frame.columns)
            after_la = columns[columns.index("la_name") + 1 :] if "la_name" in columns else []
            raise ImportProblems(
                [
                    f"{file_name} is an Explore Education Statistics file: give the local"
                    f" authority's new_la_code (for example {_some_la_codes(frame)}) and a"
                    " measures file naming the columns to import (this file's columns after"
                    f" la_name: {', '.join(after_la)})"
                ]
            )
        return from_ees(frame, la_code, ees_measures)
    return parse_long(frame)
