"""The small, safe Markdown that officers write bulletin sections in.

Allowed: paragraphs, `## ` and `### ` headings, `- ` and `1. ` lists (one level), tables
(`| a | b |` rows under a header row and its `|---|---|` rule line; `--:` puts a column's
numbers on the right), `**bold**` and `[text](url)` links to http, https or mailto
addresses or to a path on this site (`/...`). Anything else stays as the literal text it
was typed as.

Parsing gives plain-text blocks (nothing here is markup), and each output escapes for its
own format as it renders: the HTML page through Jinja's autoescape (templates/bulletin/
_markdown.html), the PDF through `to_reportlab`, which escapes for reportlab's mini-HTML.
So script, tags or broken Markdown in a section can only ever appear as text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from itertools import groupby
from urllib.parse import urljoin, urlsplit
from xml.sax.saxutils import escape, quoteattr

MAX_LENGTH = 20_000  # characters in one section, as the form allows
LINK = re.compile(r"\[([^\[\]\n]+)\]\(([^()\s]+)\)")
HEADING = re.compile(r"^(#{2,3}) +(\S.*)$")
BULLET = re.compile(r"^\s*- +(\S.*)$")
NUMBERED = re.compile(r"^\s*(\d{1,6})[.)] +(\S.*)$")
TABLE_RULE = re.compile(r"^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?$")
CELL_BREAK = re.compile(r"(?<!\\)\|")  # a cell's edge: a pipe not escaped as \|


@dataclass(frozen=True)
class Span:
    """A run of text with one formatting: bold or not, linked or not."""

    text: str
    bold: bool = False
    href: str | None = None


@dataclass
class Block:
    """A heading (level 2 or 3), a paragraph, or a list whose items are lines of spans."""

    kind: str  # "heading", "paragraph", "bullets", "numbers" or "table"
    spans: list[Span] = field(default_factory=list)
    level: int = 0
    items: list[list[Span]] = field(default_factory=list)
    start: int = 1  # the first number of a numbered list
    rows: list[list[list[Span]]] = field(default_factory=list)  # a table's, header first
    right: frozenset[int] = frozenset()  # a table's columns of numbers (aligned right)

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


def safe_url(url: str) -> str | None:
    """The URL if it may be linked to (http, https, mailto, or a path on this site)."""
    if any(c in url for c in "\"'<>`\\"):
        return None
    if url.startswith("/"):
        return None if url.startswith("//") else url
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme in ("http", "https") and parts.netloc:
        return url
    if parts.scheme == "mailto" and parts.path:
        return url
    return None


def clean(text: str) -> str:
    """Text with line endings made plain and control characters (NUL, escape codes, ...)
    dropped; tabs become spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = text.replace("\t", " ")
    return "".join(
        c for c in text if c == "\n" or unicodedata.category(c) not in ("Cc", "Cs", "Cf")
    )


def inline(text: str) -> list[Span]:
    """Spans of a line: links first, then `**` pairs over the visible text. An unpaired `**`
    or a link to a URL that is not allowed stays literal."""
    pieces: list[tuple[str, str | None]] = []
    position = 0
    for match in LINK.finditer(text):
        pieces.append((text[position : match.start()], None))
        href = safe_url(match[2])
        pieces.append((match[1], href) if href else (match[0], None))
        position = match.end()
    pieces.append((text[position:], None))
    markers = sum(piece.count("**") for piece, _ in pieces)
    toggles = markers - markers % 2  # the last of an odd number is literal
    bold, spans = False, []
    for piece, href in pieces:
        for index, chunk in enumerate(piece.split("**")):
            if index:
                if toggles:
                    bold, toggles = not bold, toggles - 1
                else:
                    chunk = "**" + chunk
            if chunk:
                spans.append(Span(chunk, bold, href))
    # Neighbours with the same formatting become one span.
    return [
        Span("".join(s.text for s in group), *key)
        for key, group in groupby(spans, key=lambda s: (s.bold, s.href))
    ]


def _cells(line: str) -> list[str]:
    line = line.strip().removeprefix("|")
    line = line[:-1] if line.endswith("|") and not line.endswith("\\|") else line
    return [cell.strip().replace("\\|", "|") for cell in CELL_BREAK.split(line)]


def _table(lines: list[str]) -> Block | None:
    """A table from its lines (header, rule line, rows), or None when the second line is
    not a rule line. Every row gets the header's number of cells: a short row is filled
    with empty cells, a long one's extra cells join its last (so no text is lost)."""
    if len(lines) < 2 or not TABLE_RULE.match(lines[1].strip()):
        return None
    header = _cells(lines[0])
    width = len(header)
    rows = [header]
    for line in lines[2:]:
        cells = _cells(line)
        cells = cells[: width - 1] + [" | ".join(cells[width - 1 :])]
        rows.append(cells + [""] * (width - len(cells)))
    rule = _cells(lines[1])
    right = frozenset(i for i, cell in enumerate(rule[:width]) if cell.endswith(":"))
    return Block("table", rows=[[inline(c) for c in row] for row in rows], right=right)


def parse(source: str | None) -> list[Block]:
    """Blocks of a section, from the officer's text. Never raises."""
    blocks: list[Block] = []
    paragraph: list[str] = []  # lines of the paragraph being read
    items: list[str] = []  # items of the list being read
    table: list[str] = []  # lines of the table being read (the first starts with |)
    kind, start = "", 1

    def end_block() -> None:
        nonlocal kind
        if table:
            block = _table(table)
            if block:
                blocks.append(block)
            else:
                blocks.append(Block("paragraph", inline(" ".join(line.strip() for line in table))))
            table.clear()
        if paragraph:
            blocks.append(Block("paragraph", inline(" ".join(paragraph))))
            paragraph.clear()
        if items:
            blocks.append(Block(kind, items=[inline(item) for item in items], start=start))
            items.clear()
        kind = ""

    for raw in clean(source or "")[:MAX_LENGTH].split("\n"):
        line = raw.strip()
        heading = HEADING.match(line)
        item = BULLET.match(raw) or NUMBERED.match(raw)
        if line.startswith("|") or (table and TABLE_RULE.match(line)):
            if not table:
                end_block()
            table.append(line)
        elif not line or heading:
            end_block()
            if heading:
                blocks.append(Block("heading", inline(heading[2]), level=len(heading[1])))
        elif item:
            item_kind = "bullets" if item.re is BULLET else "numbers"
            if item_kind != kind:
                end_block()
                kind, start = item_kind, int(item[1]) if item_kind == "numbers" else 1
            items.append(item[item.lastindex])
        elif items:
            items[-1] += " " + line  # a line after a list item carries the item on
        else:
            paragraph.append(line)
    end_block()
    return blocks


def link_runs(spans: list[Span]) -> list[tuple[str | None, list[Span]]]:
    """Spans in runs that share a link target (None: not linked), in order: one link each."""
    return [(href, list(run)) for href, run in groupby(spans, key=lambda s: s.href)]


def to_reportlab(spans: list[Span], base_url: str | None = None) -> str:
    """Spans as reportlab Paragraph markup. Links are underlined (not colour alone) and, for
    print, followed by where they go. A link to a path on this site is live only when
    `base_url` says where the site is."""
    out = []
    for href, group in link_runs(spans):
        text = "".join(f"<b>{escape(s.text)}</b>" if s.bold else escape(s.text) for s in group)
        if href is None:
            out.append(text)
            continue
        target = urljoin(base_url, href) if href.startswith("/") and base_url else href
        if target.startswith("/"):
            out.append(f"{text} ({escape(target)})")
            continue
        shown = target.removeprefix("mailto:")
        words = "".join(s.text for s in group)
        after = "" if words.strip() == shown else f" ({escape(shown)})"
        out.append(f'<a href={quoteattr(target)} color="#1d70b8"><u>{text}</u></a>{after}')
    return "".join(out)
