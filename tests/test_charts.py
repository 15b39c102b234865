"""Staff charts: words readable and whole."""

from __future__ import annotations

import pytest
from reportlab.graphics.shapes import String

from sefvoice.feedback import charts
from sefvoice.release.shown import Shown
from sefvoice.release.tables import Table


@pytest.mark.parametrize("stacked", [False, True])
def test_chart_words_are_readable_and_whole(stacked):
    """At least 14px (the wide chart is shown at its own size) and never cut short: a long
    label wraps onto more lines."""
    long = "Children, young people and families take part in decisions and are heard"
    rows = [[long, Shown(72.5, "72.5%")], ["Short", Shown(None, "fewer than 5")]]
    table = Table(id="t", title="By outcome", columns=["Outcome", "%"], rows=rows, chart_value=1)
    drawing = charts.percent_bars(table, width=320 if stacked else 600, stacked=stacked)
    words = [shape for shape in drawing.contents if isinstance(shape, String)]
    assert min(w.fontSize for w in words) >= 14
    lines = [w.text for w in words if w.text not in ("72.5%", "(fewer than 5)", "Short")]
    lines = [line for line in lines if not line.endswith("%")]
    assert " ".join(lines) == long and len(lines) > 1
    assert all(w.y > 0 and w.y < drawing.height for w in words)
