"""Reading a CSV or XLSX file's cells as text, within limits on its size and the time taken."""

from __future__ import annotations

import csv
import io
import re
import time
import zipfile
from collections import Counter
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING

import openpyxl
from openpyxl.cell.read_only import EmptyCell, ReadOnlyCell
from openpyxl.packaging.manifest import Manifest
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._reader import CELL_TAG, ROW_TAG, WorkSheetParser
from openpyxl.xml.constants import ARC_CONTENT_TYPES as CONTENT_TYPES
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS
from openpyxl.xml.functions import fromstring, iterparse

if TYPE_CHECKING:
    import pandas as pd


SHEET_DATA_TAG = f"{{{SHEET_MAIN_NS}}}sheetData"
# Limits on what one file may hold, enforced as it is read. The largest real files (a DfE
# download of every local authority, 150 measures over ten years) are well inside them.
MAX_ROWS = 100_000
MAX_COLUMNS = 200
MAX_CELLS = 2_000_000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # an .xlsx's parts, unpacked
MAX_PART_BYTES = 8 * 1024 * 1024  # any other part, unpacked
MAX_SHARED_STRINGS = 50_000  # different texts in a spreadsheet: openpyxl reads ~20,000 a second
SHARED_STRING = re.compile(rb"<(?:[\w.-]+:)?si[\s>/]")
READ_SECONDS = 20  # under gunicorn's 30 s timeout, so the officer gets the message


class ImportProblems(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


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
    import pandas as pd  # loaded with the first file read, not with the app

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
    import pandas as pd  # loaded with the first file read, not with the app

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
