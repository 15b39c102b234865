"""A table's downloads, CSV and XLSX: numbers as numbers, text that cannot run as a formula.

Each cell leaves as exactly what the page shows. A published number (a `Shown` with a
value) is read back from its text, so a download never holds more precision than the page:
"1,234" is the integer 1234; "64%" is 64 in the CSV (the column says "%") and 0.64 with a
"0%" format in the XLSX; "+8 points" is 8, its column headed "(points)" in the CSV and
formatted '+0" points"' in the XLSX. Hidden numbers ("hidden", "too few answers") and every
other cell are text.

Text is neutralised as OWASP's CSV injection guidance says: a cell starting with =, +, -,
@, tab or carriage return gets a leading single quote, so no spreadsheet reads it as a
formula; CSV text cells are quoted. XLSX cells are written as strings, never formulas
(openpyxl would otherwise store any text starting with "=" as one). Numbers, negative ones
included, are numbers and need neither.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, TYPE_STRING

from ..release.shown import Shown
from ..release.tables import Table

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# How every number is written on the page: sign, digits with thousands commas, decimals,
# then "%" or a unit ("7.5 weeks", "+8 points").
SHOWN_NUMBER = re.compile(
    r"(?P<sign>[+-]?)(?P<digits>\d{1,3}(?:,\d{3})*|\d+)(?:\.(?P<decimals>\d+))?"
    r"(?P<percent>%?)(?: (?P<unit>[A-Za-z][A-Za-z ]*))?"
)


@dataclass(frozen=True)
class Number:
    """A number as the page shows it: `value` in the page's terms (64 for "64%")."""

    value: int | float
    places: int
    percent: bool
    signed: bool  # shown with a "+" when positive, as changes are
    unit: str  # "points", "weeks", ...; "" for none

    @property
    def xlsx_value(self) -> int | float:
        return round(self.value / 100, self.places + 2) if self.percent else self.value

    @property
    def xlsx_format(self) -> str:
        core = "0" if self.percent else "#,##0"
        core += "." + "0" * self.places if self.places else ""
        core += "%" if self.percent else f'" {self.unit}"' if self.unit else ""
        return f"+{core};-{core};{core}" if self.signed else core


def neutralise(text: str) -> str:
    """Text a spreadsheet will not take for a formula (OWASP: a leading single quote)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def shown_number(cell: str | int | Shown) -> Number | None:
    """The number a cell shows, or None for text (a label, or a number that is hidden)."""
    if isinstance(cell, int):
        return Number(cell, 0, False, False, "")
    if not isinstance(cell, Shown) or cell.hidden:
        return None
    match = SHOWN_NUMBER.fullmatch(cell.text)
    if match is None:
        return None
    places = len(match["decimals"] or "")
    number = float(f"{match['sign']}{match['digits'].replace(',', '')}.{match['decimals'] or 0}")
    return Number(
        round(number, places) if places else int(number),
        places,
        bool(match["percent"]),
        match["sign"] == "+",
        match["unit"] or "",
    )


def _text(cell: str | int | Shown) -> str:
    return neutralise(cell.text if isinstance(cell, Shown) else str(cell))


def _put_text(cell, text: str) -> None:
    # Control characters (a NUL, an escape) cannot be in a worksheet: left out.
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell.data_type = TYPE_STRING  # a string, whatever it starts with


def _headers(table: Table) -> list[str]:
    """The column names; a column whose numbers share a unit the name lacks gets it added,
    since the CSV's plain numbers drop it ("Change since last term (points)")."""
    headers = []
    for index, name in enumerate(table.columns):
        units = {n.unit for row in table.rows if (n := shown_number(row[index]))}
        unit = units.pop() if len(units) == 1 else ""
        headers.append(f"{name} ({unit})" if unit and unit not in name else name)
    return headers


def to_csv(table: Table, notes: Sequence[str] = ()) -> bytes:
    """UTF-8 with a byte order mark (so Excel reads it as UTF-8); text quoted, numbers plain.
    `notes` (whether the figures are published, and any revisions) follow a blank row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow([neutralise(name) for name in _headers(table)])
    for row in table.rows:
        writer.writerow([n.value if (n := shown_number(cell)) else _text(cell) for cell in row])
    if notes:
        writer.writerow([])
        writer.writerows([neutralise(note)] for note in notes)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(table: Table, notes: Sequence[str] = ()) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Feedback"
    for column, name in enumerate(table.columns, start=1):
        _put_text(sheet.cell(1, column), neutralise(name))
    for row_number, row in enumerate(table.rows, start=2):
        for column, cell in enumerate(row, start=1):
            target, number = sheet.cell(row_number, column), shown_number(cell)
            if number is None:
                _put_text(target, _text(cell))
            else:
                target.value, target.number_format = number.xlsx_value, number.xlsx_format
    for offset, note in enumerate(notes):
        _put_text(sheet.cell(len(table.rows) + 3 + offset, 1), neutralise(note))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
