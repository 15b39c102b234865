"""The bulletin's safe Markdown: what it allows, and hostile input rendered harmless in both
outputs (reportlab markup here; the HTML page in test_bulletin.py)."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from sefvoice.bulletin.markdown import MAX_LENGTH, Span, inline, parse, safe_url, to_reportlab

STYLE = ParagraphStyle("t", fontName="Helvetica", fontSize=12)


def test_headings_paragraphs_and_lists():
    blocks = parse(
        "## What is working\nFirst line\nsame paragraph.\n\n### Smaller\n"
        "- one\n- two\n  carried on\n\n3. three\n4. four\n\n# not a heading\n#### nor this"
    )
    assert [(b.kind, b.level) for b in blocks] == [
        ("heading", 2),
        ("paragraph", 0),
        ("heading", 3),
        ("bullets", 0),
        ("numbers", 0),
        ("paragraph", 0),
    ]
    assert blocks[1].text == "First line same paragraph."
    assert [[s.text for s in item] for item in blocks[3].items] == [["one"], ["two carried on"]]
    assert blocks[4].start == 3 and len(blocks[4].items) == 2
    assert blocks[5].text == "# not a heading #### nor this"  # stays literal


def test_bold_and_links():
    assert inline("a **b [c](https://x.org/p?q=1)** d") == [
        Span("a "),
        Span("b ", bold=True),
        Span("c", bold=True, href="https://x.org/p?q=1"),
        Span(" d"),
    ]
    assert inline("[mail us](mailto:send@example.org) or [this page](/bulletins/)") == [
        Span("mail us", href="mailto:send@example.org"),
        Span(" or "),
        Span("this page", href="/bulletins/"),
    ]


def test_unbalanced_bold_stays_literal():
    assert inline("**a** b **c") == [Span("a", bold=True), Span(" b **c")]
    assert inline("***") == [Span("***")]


def test_only_safe_links_are_links():
    for url in (
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>",
        "vbscript:x",
        "//evil.example/x",
        "http:/no-host",
        'https://x.org/"onmouseover=alert(1)',
        "file:///etc/passwd",
    ):
        assert safe_url(url) is None, url
    spans = inline("[click](javascript:alert(1))")
    assert spans == [Span("[click](javascript:alert(1))")]  # literal text, not a link
    assert safe_url("https://example.org") == "https://example.org"


def test_script_and_tags_are_text_in_reportlab_markup():
    spans = inline('<script>alert("x")</script> <b>bold?</b> & <a href="javascript:1">x</a>')
    markup = to_reportlab(spans)
    assert "<script" not in markup and "<a href" not in markup and "<b>" not in markup
    assert "&lt;script&gt;" in markup and "&amp;" in markup
    paragraph = Paragraph(markup, STYLE)
    assert paragraph.getPlainText().startswith('<script>alert("x")</script> <b>bold?</b> &')


def test_links_in_print_are_live_and_say_where_they_go():
    markup = to_reportlab(inline("See [our site](https://example.org/send)."))
    assert '<a href="https://example.org/send"' in markup and "(https://example.org/send)" in markup
    # A path on this site needs the site's address to be a link on paper.
    assert "<a" not in to_reportlab(inline("[page](/x)"))
    assert '<a href="https://s.example/x"' in to_reportlab(
        inline("[page](/x)"), "https://s.example/"
    )


def test_control_characters_are_dropped():
    blocks = parse("a\x00b\x1b[31mc\u202ed\r\ne\tf")
    assert blocks[0].text == "ab[31mcd e f"


def test_huge_input_is_cut_and_quick():
    hostile = ("[" * 50_000) + ("**" * 50_000) + ("](" * 50_000) + "- x\n" * 50_000
    started = time.perf_counter()
    blocks = parse(hostile)
    assert time.perf_counter() - started < 2
    assert sum(len(b.text) + sum(len(s.text) for i in b.items for s in i) for b in blocks) <= (
        MAX_LENGTH
    )


# Pieces of Markdown, markup and control characters, in any order.
MARKDOWNISH = st.lists(
    st.sampled_from(
        [*"ab *_#-1.[]()<>&\"'/:\n\t\x00\x07\u202e", "**", "## ", "- ", "1. ", "](", "http://"]
        + ["https://x.org", "javascript:", "<script>", "&amp;", "<a href=", "</b>"]
    ),
    max_size=80,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(MARKDOWNISH)
def test_any_text_gives_markup_reportlab_accepts(text):
    for block in parse(text):
        for spans in [block.spans, *block.items]:
            markup = to_reportlab(spans, "https://s.example/")
            Paragraph(markup, STYLE).wrap(400, 800)  # raises on broken markup
            assert "<script" not in markup.lower()
