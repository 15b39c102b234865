"""The printed bulletin's layout, read back from the demo's PDF with pdfplumber: headings
stay with what follows them, officers' tables print as tables, no chart label is empty."""

from __future__ import annotations

import io

import pdfplumber
import pytest

from sefvoice.bulletin import service
from sefvoice.bulletin.content import build_content
from sefvoice.bulletin.markdown import parse
from sefvoice.bulletin.pdf.full import build_pdf
from sefvoice.bulletin.pdf.shared import MARGIN

from .test_bulletin import CREATED, flat, term

HEADING_SIZE = 13.5  # the smallest heading is 14 pt bold; body text is 12 pt


@pytest.fixture
def demo_pdf(ctx):
    from sefvoice.demo import load_demo_data

    load_demo_data()
    service.load_demo_bulletin()
    content = build_content(term("Summer 2023"))
    with pdfplumber.open(io.BytesIO(build_pdf(content, created=CREATED))) as document:
        yield content, document


def _frame_lines(page) -> list[tuple[float, float, bool]]:
    """(top, bottom, is a heading) of each line of text between the margins."""
    top, bottom = MARGIN, page.height - MARGIN
    lines = page.extract_text_lines(return_chars=True)
    return [
        (
            line["top"],
            line["bottom"],
            all("Bold" in c["fontname"] and c["size"] >= HEADING_SIZE for c in line["chars"]),
        )
        for line in lines
        if line["top"] >= top - 2 and line["bottom"] <= bottom + 2
    ]


def test_no_heading_is_left_at_the_foot_of_a_page(demo_pdf):
    _, document = demo_pdf
    alone = []
    for number, page in enumerate(document.pages[1:], start=2):  # the cover has no headings
        lines = _frame_lines(page)
        frame_bottom = page.height - MARGIN
        low = frame_bottom - 0.15 * (frame_bottom - MARGIN)
        # A heading with nothing after it but other headings, low on the page.
        trailing = [top for top, _, heading in reversed(lines) if heading]
        trailing = trailing[: next((i for i, (_, _, h) in enumerate(reversed(lines)) if not h), 0)]
        if any(top >= low for top in trailing):
            alone.append(number)
    assert not alone, f"headings alone at the foot of pages {alone}"


def test_no_chart_value_is_an_empty_bracket(demo_pdf):
    _, document = demo_pdf
    empty = [n for n, page in enumerate(document.pages, start=1) if "()" in page.extract_text()]
    assert not empty, f"“()” on pages {empty}"


def test_a_markdown_table_prints_as_a_ruled_table(demo_pdf):
    _, document = demo_pdf
    text = " ".join(page.extract_text() for page in document.pages)
    assert "|" not in text and "--:" not in text
    rows = [
        [flat(cell or "") for cell in row]
        for page in document.pages
        for table in page.extract_tables()
        for row in table
    ]
    assert ["Children and young people seen", "506", "320", "712"] in rows
    assert [
        "Contacts at drop-in clinics, 2022 to 2023",
        "Quarter 1",
        "Quarter 2",
        "Quarter 3",
    ] in rows


def test_markdown_tables_need_their_rule_line_and_keep_every_row_as_wide_as_the_header():
    blocks = parse("| a | b |\n|---|:-:|\n| 1 | **2** | extra |\n| 3\n\n| not | a table |\n")
    assert [b.kind for b in blocks] == ["table", "paragraph"]
    table = blocks[0]
    assert [["".join(s.text for s in cell) for cell in row] for row in table.rows] == [
        ["a", "b"],
        ["1", "2 | extra"],
        ["3", ""],
    ]
    assert table.rows[1][1][0].bold
    assert blocks[1].text == "| not | a table |"
