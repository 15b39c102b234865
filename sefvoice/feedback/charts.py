"""Charts drawn once with reportlab.graphics: rendered to SVG for the web, drawn into the PDF.

Every bar carries its value as text, so colour never carries meaning alone, and every
chart sits beside its data table.
"""

from __future__ import annotations

import re

from reportlab.graphics import renderSVG
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib.colors import HexColor
from reportlab.lib.utils import simpleSplit

from ..release.shown import HIDDEN, NO_ANSWERS, TOO_FEW_ANSWERS, Shown
from ..release.tables import Table

INK = HexColor("#0b0c0c")
BAR = HexColor("#1d70b8")  # 5.2:1 on white
GRID = HexColor("#b1b4b6")
FONT = "Helvetica"
SIZE = 14  # every word on a chart, at the size it is drawn (a wide page shows it 1:1)
LEADING = 17  # between the lines of a wrapped label
BAR_HEIGHT = 16
LABEL_WIDTH = 250
NO_PERCENT = "not counted in the %"  # beside a "does not apply" answer, which has no bar


def _lines(text: str, width: float) -> list[str]:
    """The label wrapped to the width, whole: a label is never cut short."""
    return simpleSplit(text, FONT, SIZE, width) or [""]


def percent_bars(table: Table, width: int = 600, stacked: bool = False) -> Drawing:
    """A horizontal bar per row of the table's chart column (0-100%), value printed on it.
    Labels sit left of their bars, wrapped onto as many lines as they need; `stacked` (for
    a phone's width) puts each label on its own lines above its bar, so the chart needs no
    shrinking to fit."""
    column = table.chart_value
    rows = [(r[0], r[column]) for r in table.rows]
    left = 12 if stacked else LABEL_WIDTH  # where the bars start ("0%" is centred there)
    label_width = width - 2 * left if stacked else LABEL_WIDTH - 12
    labels = [
        _lines(label.text if isinstance(label, Shown) else label, label_width) for label, _ in rows
    ]
    if stacked:
        heights = [len(lines) * LEADING + BAR_HEIGHT + 14 for lines in labels]
    else:
        heights = [max(BAR_HEIGHT + 10, len(lines) * LEADING + 8) for lines in labels]
    height = sum(heights) + 40
    drawing = Drawing(width, height)
    scale = (width - left - 60) / 100
    top = height - 10
    for tick in (0, 25, 50, 75, 100):
        x = left + tick * scale
        drawing.add(Line(x, 24, x, top, strokeColor=GRID, strokeWidth=0.5))
        drawing.add(String(x, 8, f"{tick}%", fontName=FONT, fontSize=SIZE, textAnchor="middle"))
    row_top = top
    for (_, value), lines, row_height in zip(rows, labels, heights, strict=True):
        row_top -= row_height
        if stacked:
            y = row_top + 6  # the bar at the bottom of the row, its label lines above it
            first, anchor, x = y + BAR_HEIGHT + 6 + (len(lines) - 1) * LEADING, "start", left
        else:
            y = row_top + (row_height - BAR_HEIGHT) / 2  # the bar and its label centred
            middle = y + BAR_HEIGHT / 2 + (len(lines) - 1) * LEADING / 2
            first, anchor, x = middle - SIZE * 0.35, "end", left - 8
        for number, line in enumerate(lines):
            drawing.add(
                String(
                    x,
                    first - number * LEADING,
                    line,
                    fontName=FONT,
                    fontSize=SIZE,
                    textAnchor=anchor,
                    fillColor=INK,
                )
            )
        baseline = y + BAR_HEIGHT / 2 - SIZE * 0.35  # of a value, beside its bar
        if isinstance(value, Shown) and value.value is not None:
            bar = max(value.value * scale, 1)
            drawing.add(Rect(left, y, bar, BAR_HEIGHT, fillColor=BAR, strokeColor=None))
            drawing.add(
                String(
                    left + bar + 4,
                    baseline,
                    value.text,
                    fontSize=SIZE,
                    fontName=FONT,
                    fillColor=INK,
                )
            )
        else:
            text = value.text if isinstance(value, Shown) else str(value or "")
            drawing.add(
                String(
                    left + 4,
                    baseline,
                    f"({text})" if text else NO_PERCENT,
                    fontName=FONT,
                    fontSize=SIZE,
                    fillColor=INK,
                )
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
    """A one-sentence text alternative: the highest and lowest shown values ("of those
    shown" when some are not), or why none is shown, as the figures themselves say."""
    column = table.chart_value
    # A percentage of no one is no figure kept back: the sentence leaves it out.
    values = [
        (r[0], r[column])
        for r in table.rows
        if isinstance(r[column], Shown) and r[column].text != NO_ANSWERS
    ]
    shown = [(label, value) for label, value in values if not value.hidden]
    # A question keeps its question mark; any other title ends with a full stop.
    title = table.title if table.title.endswith(("?", ".")) else f"{table.title}."
    if not shown:
        kept = {value.text for _, value in values if value.text}
        if kept and kept <= {TOO_FEW_ANSWERS}:
            return f"{title} Too few answers to show."
        if HIDDEN in kept:
            return f"{title} No figures to show: they are hidden to protect families."
        return f"{title} No figures to show."
    high = max(shown, key=lambda r: r[1].value)
    low = min(shown, key=lambda r: r[1].value)
    if high is low:
        return f"{title} {high[0]}: {high[1].text}."
    of = " of those shown" if len(shown) < len([v for _, v in values if v.text]) else ""
    return f"{title} Highest{of}: {high[0]} ({high[1].text}). Lowest{of}: {low[0]} ({low[1].text})."
