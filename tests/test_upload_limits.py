"""Hostile indicator files: limits are enforced while the file is read, so a small file that
claims or holds a huge sheet is refused with what is wrong, not read into memory first."""

from __future__ import annotations

import importlib
import io
import re
import time
import zipfile

import openpyxl
import pytest

from sefvoice.indicators.importer import ImportProblems, read_rows, readers

from .conftest import sign_in

HEADER = ["code", "name", "domain", "period", "value", "unit"]
ROW = ["a", "A", "education", "2023-01", "1", "count"]


def workbook(*rows: list) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewrite_sheet(data: bytes, change) -> bytes:
    """The workbook with its first sheet's XML passed through `change`."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = change(content.decode()).encode()
            target.writestr(info, content)
    return out.getvalue()


def far_cell(dimension: str, cell: str) -> bytes:
    """The review's file: a tiny sheet that declares `dimension` and has one far `cell`."""
    row = re.match(r"[A-Z]+(\d+)", cell)[1]

    def change(xml: str) -> str:
        xml = re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"', xml)
        far = f'<row r="{row}"><c r="{cell}" t="inlineStr"><is><t>x</t></is></c></row>'
        return xml.replace("</sheetData>", far + "</sheetData>")

    return rewrite_sheet(workbook(HEADER, ROW), change)


def refusal(data: bytes, name: str) -> list[str]:
    with pytest.raises(ImportProblems) as raised:
        read_rows(data, name)
    return raised.value.problems


def test_a_declared_dimension_is_not_believed():
    """Declaring A1:XFD1048576 costs nothing: rows are not padded to it."""
    data = rewrite_sheet(
        workbook(HEADER, ROW),
        lambda xml: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"', xml),
    )
    assert [row.code for row in read_rows(data, "m.xlsx")] == ["a"]


def test_the_reviews_far_cell_is_refused_by_its_row():
    data = far_cell("A1:XFD1048576", "XFD1048576")
    assert len(data) < 6000
    assert refusal(data, "far.xlsx") == [
        f"far.xlsx: row 1048576: too many rows; sefvoice reads at most"
        f" {readers.MAX_ROWS:,} rows under the header"
    ]


def test_a_far_column_is_refused():
    assert refusal(far_cell("A1:XFD3", "XFD3"), "wide.xlsx") == [
        "wide.xlsx: row 3: has a cell in column XFD (16,384);"
        f" sefvoice reads at most {readers.MAX_COLUMNS} columns"
    ]


def test_a_csv_with_60000_columns_is_refused_from_its_header():
    header = ",".join(HEADER + [f"extra{n}" for n in range(60_000 - len(HEADER))])
    data = f"{header}\n{','.join(ROW)}\n".encode()
    assert 400_000 < len(data) < 800_000
    assert refusal(data, "wide.csv") == [
        f"wide.csv: row 1: has 60,000 columns; sefvoice reads at most {readers.MAX_COLUMNS}"
    ]


def test_a_wide_csv_row_is_refused():
    data = ("\n".join([",".join(HEADER), ",".join(ROW + ["x"] * 400)]) + "\n").encode()
    assert refusal(data, "row.csv") == [
        "row.csv: row 2: has 406 columns; sefvoice reads at most 200"
    ]


@pytest.mark.parametrize("name", ["many.csv", "many.xlsx"])
def test_rows_and_cells_are_counted_as_they_are_read(monkeypatch, name):
    rows = [HEADER] + [[f"m{n}", *ROW[1:]] for n in range(30)]
    data = (
        workbook(*rows)
        if name.endswith(".xlsx")
        else "\n".join(",".join(row) for row in rows).encode()
    )
    monkeypatch.setattr(readers, "MAX_ROWS", 20)
    assert refusal(data, name) == [
        f"{name}: row 22: too many rows; sefvoice reads at most 20 rows under the header"
    ]
    monkeypatch.setattr(readers, "MAX_ROWS", 1000)
    monkeypatch.setattr(readers, "MAX_CELLS", 100)
    assert refusal(data, name) == [f"{name}: has more than 100 cells; split it into smaller files"]


@pytest.mark.parametrize("name", ["slow.csv", "slow.xlsx"])
def test_reading_has_a_time_budget(monkeypatch, name):
    rows = [HEADER] + [[f"m{n}", *ROW[1:]] for n in range(300)]
    data = (
        workbook(*rows)
        if name.endswith(".xlsx")
        else "\n".join(",".join(row) for row in rows).encode()
    )
    monkeypatch.setattr(readers, "READ_SECONDS", 0)
    assert refusal(data, name) == [
        f"{name}: took more than 0 seconds to read; split it into smaller files"
    ]


def test_a_zip_that_unpacks_to_too_much_is_refused_before_it_is_opened(monkeypatch):
    data = workbook(HEADER, ROW, ["b", "x" * 50_000, "education", "2023-01", "1", "count"])
    monkeypatch.setattr(readers, "MAX_UNPACKED_BYTES", 40_000)
    [problem] = refusal(data, "bomb.xlsx")
    assert re.fullmatch(
        r"bomb\.xlsx: unpacks to [\d,]+ bytes; sefvoice reads at most 40,000", problem
    )


SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def with_shared_strings(count: int, part: str = "xl/sharedStrings.xml") -> bytes:
    """A one-row workbook whose shared strings part holds `count` strings: a flood packs
    into a few KB, and openpyxl reads it whole before a cell is counted."""
    data = workbook(HEADER, ROW)
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "[Content_Types].xml":
                override = f'<Override PartName="/{part}" ContentType="{SST_TYPE}"/></Types>'
                content = content.replace(b"</Types>", override.encode())
            target.writestr(info, content)
        strings = b"<si><t>a</t></si>" * count
        target.writestr(part, b'<sst xmlns="%s">%s</sst>' % (SHEET_NS.encode(), strings))
    return out.getvalue()


@pytest.mark.parametrize("part", ["xl/sharedStrings.xml", "xl/worksheets/strings.xml"])
def test_a_shared_strings_flood_is_refused_before_openpyxl_reads_it(part):
    data = with_shared_strings(60_000, part)  # about 1 MB unpacked, 3 s for openpyxl
    assert len(data) < 10_000
    importlib.import_module("pandas")  # imported with the first file read: not timed here
    started = time.perf_counter()
    [problem] = refusal(data, "flood.xlsx")
    assert problem == (
        "flood.xlsx: holds 60,000 different texts; sefvoice reads at most 50,000 from a"
        " spreadsheet (save the sheet as CSV to import it)"
    )
    assert (
        time.perf_counter() - started < 2
    )  # openpyxl alone takes 3 s for these, on an idle machine


def test_a_part_that_unpacks_to_too_much_is_refused_by_its_size(monkeypatch):
    monkeypatch.setattr(readers, "MAX_PART_BYTES", 100_000)
    [problem] = refusal(with_shared_strings(10_000), "big.xlsx")
    assert problem == (
        "big.xlsx: its part xl/sharedStrings.xml unpacks to 170,077 bytes; sefvoice reads at"
        " most 100,000 (save the sheet as CSV to import it)"
    )


def test_shared_strings_within_the_limits_are_read():
    frame = readers.read_table(with_shared_strings(1_000), "fine.xlsx")
    assert frame.iloc[0].tolist() == ROW


MALFORMED = {
    "broken XML": lambda xml: xml.replace("</sheetData>", "<row><c></sheetData>"),
    "a shared string that is not there": lambda xml: xml.replace(
        'r="A2" t="inlineStr"><is><t>a</t></is>', 'r="A2" t="s"><v>999</v>'
    ),
    "a row number that is not a number": lambda xml: xml.replace('<row r="2"', '<row r="two"'),
}


@pytest.mark.parametrize("change", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_xlsx_is_a_problem_not_a_crash(change):
    data = rewrite_sheet(workbook(HEADER, ROW), change)
    [problem] = refusal(data, "bad.xlsx")
    assert problem.startswith("bad.xlsx: cannot be read as CSV or Excel")


def test_the_upload_page_says_what_is_wrong(client):
    sign_in(client, "officer")
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/indicators/upload").text)
    for data, name, reason in [
        (far_cell("A1:XFD1048576", "XFD1048576"), "far.xlsx", "too many rows"),
        (
            rewrite_sheet(workbook(HEADER, ROW), MALFORMED["broken XML"]),
            "bad.xlsx",
            "cannot be read",
        ),
    ]:
        reply = client.post(
            "/indicators/upload", data={"csrf_token": token[1], "file": (io.BytesIO(data), name)}
        )
        assert reply.status_code == 400 and reason in reply.text, name
