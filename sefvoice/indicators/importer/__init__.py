"""Reading indicator files (CSV or XLSX) into checked rows, all or nothing.

Two layouts are read:
- the long format, one row per measure per period, with the headers
  code, name, domain, period, value, unit (required) and period_label, england, target,
  higher_is_better, source, outcome (optional), in any order; other columns are not read,
  but one spelt nearly like these is refused;
- the tidy open-data CSV of the DfE's Explore Education Statistics service (time_period,
  time_identifier, geographic_level, ... new_la_code, la_name, filter columns, then a
  column per measure), of which the officer picks one local authority, the measure columns
  and a value of each filter column; England rows become the comparator.

Every problem is reported as "row N, column C: what is wrong, what was found", where N is
the row number a spreadsheet shows (the header is row 1). Rows with every cell blank are
skipped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .ees import EesMeasure, from_ees, is_ees, read_ees_measures, some_la_codes
from .long_format import UNITS, Row, parse_long, parse_number
from .readers import ImportProblems, read_table

if TYPE_CHECKING:
    import pandas as pd


def read_rows(
    data: bytes,
    file_name: str,
    sheet: str | None = None,
    la_code: str | None = None,
    ees_measures: list[EesMeasure] | None = None,
    filters: dict[str, str] | None = None,
) -> list[Row]:
    """A file's checked rows, in whichever layout it is; `filters` picks an Explore
    Education Statistics file's filter values ({column: value}). Raises ImportProblems."""
    return rows_of(read_table(data, file_name, sheet), file_name, la_code, ees_measures, filters)


def rows_of(
    frame: pd.DataFrame,
    file_name: str,
    la_code: str | None = None,
    ees_measures: list[EesMeasure] | None = None,
    filters: dict[str, str] | None = None,
) -> list[Row]:
    """The checked rows of a table read by read_table, as read_rows gives them."""
    if is_ees(frame):
        if not (la_code and ees_measures):
            columns = list(frame.columns)
            after_la = columns[columns.index("la_name") + 1 :] if "la_name" in columns else []
            raise ImportProblems(
                [
                    f"{file_name} is an Explore Education Statistics file: give the local"
                    f" authority's new_la_code (for example {some_la_codes(frame)}) and a"
                    " measures file naming the columns to import (this file's columns after"
                    f" la_name: {', '.join(after_la)})"
                ]
            )
        return from_ees(frame, la_code, ees_measures, filters)
    return parse_long(frame)


__all__ = [
    "UNITS",
    "EesMeasure",
    "ImportProblems",
    "Row",
    "from_ees",
    "is_ees",
    "parse_number",
    "read_ees_measures",
    "read_rows",
    "read_table",
    "rows_of",
]
