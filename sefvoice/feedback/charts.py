"""Charts drawn once with reportlab.graphics: rendered to SVG for the web, drawn into the PDF.

Every bar carries its value as text, so colour never carries meaning alone, and every
chart sits beside its data table.
"""

from __future__ import annotations

import re

from reportlab.graphics import renderSVG
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib.colors import HexColor

from ..release.shown import Shown
from .tables import Table

INK = HexColor("#0b0c0c")
BAR = HexColor("#1d70b8")  # 5.2:1 on white
GRID = HexColor("#b1b4b6")
FONT = "Helvetica"
ROW = 26
LABEL_WIDTH = 250


def _wrap(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def percent_bars(table: Table, width: int = 600, stacked: bool = False) -> Drawing:
    """A horizontal bar per row of the table's chart column (0-100%), value printed on it.
    Labels sit left of their bars; `stacked` (for a phone's width) puts each label on its
    own line above its bar, so the chart needs no shrinking to fit."""
    column = table.chart_value
    rows = [(r[0], r[column]) for r in table.rows]
    left = 12 if stacked else LABEL_WIDTH  # where the bars start ("0%" is centred there)
    row_height = 2 * ROW + 4 if stacked else ROW
    size = 14 if stacked else 11  # a phone shows the stacked chart at about its own size
    height = row_height * len(rows) + 40
    drawing = Drawing(width, height)
    scale = (width - left - 60) / 100
    top = height - 10
    for tick in (0, 25, 50, 75, 100):
        x = left + tick * scale
        drawing.add(Line(x, 24, x, top, strokeColor=GRID, strokeWidth=0.5))
        drawing.add(String(x, 8, f"{tick}%", fontName=FONT, fontSize=size - 1, textAnchor="middle"))
    for i, (label, value) in enumerate(rows):
        y = top - (i + 1) * row_height + 6
        baseline = y + (3 if stacked else 5)  # of a value, beside its bar
        name = label.text if isinstance(label, Shown) else label
        if stacked:
            at, anchor = (left, y + ROW - 2), "start"
        else:
            at, anchor = (left - 8, y + 5), "end"
        words = _wrap(name, 40)
        drawing.add(
            String(*at, words, fontName=FONT, fontSize=size, textAnchor=anchor, fillColor=INK)
        )
        if isinstance(value, Shown) and value.value is not None:
            bar = max(value.value * scale, 1)
            drawing.add(Rect(left, y, bar, ROW - 10, fillColor=BAR, strokeColor=None))
            drawing.add(
                String(
                    left + bar + 4,
                    baseline,
                    value.text,
                    fontSize=size,
                    fontName=FONT,
                    fillColor=INK,
                )
            )
        else:
            text = value.text if isinstance(value, Shown) else str(value)
            drawing.add(
                String(left + 4, baseline, f"({text})", fontName=FONT, fontSize=size, fillColor=INK)
            )
    return drawing


def web_svgs(table: Table) -> tuple[str, str]:
    """The chart for a web page, drawn twice: for a wide screen, and stacked for a phone's
    (the page's CSS shows one). Shrunk to a phone's width, the wide one's words were
    unreadably small."""
    return to_svg(percent_bars(table)), to_svg(percent_bars(table, width=320, stacked=True))


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
