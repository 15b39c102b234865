"""Tables in the printed bulletin: officers' Markdown tables and the data tables, ruled,
their header row repeated on each page, columns as wide as their text needs."""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Drawing, Group, String
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Spacer
from reportlab.platypus import Table as PdfTable

from ...release.tables import Table
from ..markdown import Block, to_reportlab
from .shared import (
    BOLD,
    CAPTION,
    CELL,
    CELL_HEAD,
    CELL_RIGHT,
    FILL,
    FONT,
    INK,
    MAX_COLUMNS,
    PAD,
    RULE,
)


def fonts_of(drawing: Drawing) -> Drawing:
    """The chart's labels in the embedded font (the charts are drawn in Helvetica)."""
    for node in drawing.getContents():
        if isinstance(node, String):
            node.fontName = FONT
        elif isinstance(node, Group):
            fonts_of(node)
    return drawing


def _width(text: str) -> float:
    return stringWidth(text, BOLD, 12)  # bold: a safe estimate for headers and cells alike


def column_widths(rows: list[list[str]], width: float) -> list[float]:
    """Each column but the first as wide as its text needs (wrapping a long text at a word,
    never inside one), within 70% of the width; the first column (the labels) takes the
    rest."""
    least, wanted = [], []
    for column in range(1, len(rows[0])):
        cells = [row[column] for row in rows]
        natural = max(_width(c) for c in cells)
        longest_word = max((_width(word) for c in cells for word in c.split()), default=0)
        least.append(longest_word + 2 * PAD)
        wanted.append(min(natural, max(longest_word, width * 0.22)) + 2 * PAD)
    room, extra = width * 0.7, sum(wanted) - sum(least)
    if sum(wanted) > room and extra:
        share = max(room - sum(least), 0) / extra  # what each column gets above its least
        wanted = [low + (want - low) * share for low, want in zip(least, wanted, strict=True)]
    return [width - sum(wanted), *wanted]


def _cell(text: str, width: float, style: ParagraphStyle) -> str | Paragraph:
    """Plain text when it fits on one line (much quicker to lay out), else a Paragraph."""
    return text if _width(text) + 2 * PAD <= width else Paragraph(escape(text), style)


def _grid(right: set[int] | frozenset[int], header: bool) -> list[tuple]:
    """A ruled table's style: a bold, shaded header row (when there is one) and the
    `right` columns' numbers on the right."""
    style = [
        ("FONT", (0, 0), (-1, -1), FONT, 12, 15),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("GRID", (0, 0), (-1, -1), 0.75, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]
    style += [("ALIGN", (i, 0), (i, -1), "RIGHT") for i in right]
    if header:
        style += [("FONT", (0, 0), (-1, 0), BOLD, 12, 15), ("BACKGROUND", (0, 0), (-1, 0), FILL)]
    return style


def written_table(block: Block, width: float, base_url: str | None) -> PdfTable:
    """An officer's Markdown table: its header row repeated on each page it runs onto. The
    columns share the width by how much text they hold, each at least its longest word."""
    rows = [[to_reportlab(cell, base_url) for cell in row] for row in block.rows]
    texts = [["".join(s.text for s in cell) for cell in row] for row in block.rows]
    widths = column_widths(texts, width)
    cells = [
        [
            Paragraph(markup, CELL_HEAD if r == 0 else CELL_RIGHT if c in block.right else CELL)
            for c, markup in enumerate(row)
        ]
        for r, row in enumerate(rows)
    ]
    return PdfTable(cells, colWidths=widths, repeatRows=1, style=_grid(block.right, header=True))


def data_table(table: Table, width: float, columns: int = MAX_COLUMNS) -> list[Flowable]:
    """A data table: caption, a header row repeated on each page, numbers on the right.
    Columns past `columns` (the sixth: more are too many for A4 at 12 pt) go on a line
    under each row."""
    text = table.text_rows()
    header = table.columns[:columns] if any(table.columns) else None
    kept = [row[:columns] for row in text]
    widths = column_widths(([header] if header else []) + kept, width)
    style = _grid(table.numeric & set(range(columns)), header=bool(header))
    rows: list[list] = []
    if header:
        rows.append([_cell(c, w, CELL_HEAD) for c, w in zip(header, widths, strict=True)])
    for full, row in zip(text, kept, strict=True):
        rows.append(
            [
                _cell(c, w, CELL_RIGHT if i in table.numeric else CELL)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            ]
        )
        extra = "; ".join(
            f"{name}: {value}"
            for name, value in zip(table.columns[columns:], full[columns:], strict=True)
        )
        if extra:
            style.append(("SPAN", (0, len(rows)), (-1, len(rows))))
            style.append(("NOSPLIT", (0, len(rows) - 1), (-1, len(rows))))
            rows.append([Paragraph(escape(extra), CELL)] + [""] * (len(row) - 1))
    return [
        Paragraph(escape(table.title), CAPTION),
        PdfTable(rows, colWidths=widths, repeatRows=1 if header else 0, style=style),
        Spacer(1, 10),
    ]
