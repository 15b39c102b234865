"""Charts drawn once with reportlab.graphics: rendered to SVG for the web, drawn into the PDF.

Every bar carries its value as text, so colour never carries meaning alone, and every
chart sits beside its data table.
"""

from __future__ import annotations

import re

from reportlab.graphics import renderSVG
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib.colors import HexColor

from .disclosure import Shown
from .tables import Table

INK = HexColor("#0b0c0c")
BAR = HexColor("#1d70b8")  # 5.2:1 on white
GRID = HexColor("#b1b4b6")
FONT = "Helvetica"
ROW = 26
LABEL_WIDTH = 250


def _wrap(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def percent_bars(table: Table, width: int = 600) -> Drawing:
    """A horizontal bar per row of the table's chart column (0-100%), value printed on it."""
    column = table.chart_value
    rows = [(r[0], r[column]) for r in table.rows]
    height = ROW * len(rows) + 40
    drawing = Drawing(width, height)
    scale = (width - LABEL_WIDTH - 60) / 100
    top = height - 10
    for tick in (0, 25, 50, 75, 100):
        x = LABEL_WIDTH + tick * scale
        drawing.add(Line(x, 24, x, top, strokeColor=GRID, strokeWidth=0.5))
        drawing.add(String(x, 8, f"{tick}%", fontName=FONT, fontSize=10, textAnchor="middle"))
    for i, (label, value) in enumerate(rows):
        y = top - (i + 1) * ROW + 6
        name = label.text if isinstance(label, Shown) else label
        drawing.add(
            String(
                LABEL_WIDTH - 8,
                y + 5,
                _wrap(name, 40),
                fontName=FONT,
                fontSize=11,
                textAnchor="end",
                fillColor=INK,
            )
        )
        if isinstance(value, Shown) and value.value is not None:
            bar = max(value.value * scale, 1)
            drawing.add(Rect(LABEL_WIDTH, y, bar, ROW - 10, fillColor=BAR, strokeColor=None))
            drawing.add(
                String(
                    LABEL_WIDTH + bar + 4,
                    y + 5,
                    value.text,
                    fontName=FONT,
                    fontSize=11,
                    fillColor=INK,
                )
            )
        else:
            text = value.text if isinstance(value, Shown) else str(value)
            drawing.add(
                String(
                    LABEL_WIDTH + 4, y + 5, f"({text})", fontName=FONT, fontSize=11, fillColor=INK
                )
            )
    return drawing


def to_svg(drawing: Drawing) -> str:
    """SVG markup to put inline in a page.

    The page gives the chart its text alternative, so the SVG is hidden from screen
    readers; reportlab's clip path is dropped because its fixed id ("clip") would repeat
    on a page of several charts, and each chart would be clipped to the first one's size.
    """
    svg = renderSVG.drawToString(drawing)
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<title>.*?</title>\s*<desc>.*?</desc>", "", svg, count=1, flags=re.S)
    svg = re.sub(r"<clipPath id=\"clip\">.*?</clipPath>", "", svg, count=1, flags=re.S)
    svg = svg.replace(' style="clip-path: url(#clip)"', "").replace(' id="group"', "")
    return svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)


def summary_sentence(table: Table) -> str:
    """A one-sentence text alternative: the highest and lowest shown values."""
    column = table.chart_value
    shown = [
        (r[0], r[column])
        for r in table.rows
        if isinstance(r[column], Shown) and not r[column].hidden
    ]
    # A question keeps its question mark; any other title ends with a full stop.
    title = table.title if table.title.endswith(("?", ".")) else f"{table.title}."
    if not shown:
        return f"{title} Too few answers to show."
    high = max(shown, key=lambda r: r[1].value)
    low = min(shown, key=lambda r: r[1].value)
    if high is low:
        return f"{title} {high[0]}: {high[1].text}."
    return f"{title} Highest: {high[0]} ({high[1].text}). Lowest: {low[0]} ({low[1].text})."
