"""The bulletin as a Word document (python-docx): the accessible edition of the full bulletin.

reportlab cannot tag a PDF (no structure tree, marked content or alt text), so the PDF is
for print and this document is the one for screen readers, and one a council can edit and
publish: real headings (Heading 1-3, so the navigation pane and a screen reader's headings
list work), tables with a header row that repeats on each page, alt text on the logo and on
every chart (its summary sentence, with its data table after it), links that are links, and
the document language (en-GB) on every run of text. The same content as the PDF, in the same
order (BulletinContent, read once).

Charts are drawn by reportlab (the same drawings as the PDF) and turned into PNG pictures by
pdfium (pypdfium2), all in one pass: reportlab's own bitmap renderer needs a Cairo build.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin

import pypdfium2
from docx import Document
from docx.document import Document as WordDocument
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, RGBColor
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing
from reportlab.pdfgen.canvas import Canvas
from svglib.svglib import svg2rlg

from ..feedback.charts import percent_bars
from ..release.tables import Table
from .content import FAMILIES, BulletinContent, Card, Figure, Section
from .markdown import Block, Span, link_runs

LANGUAGE = "en-GB"
LINK_COLOUR = RGBColor(0x1D, 0x70, 0xB8)
PICTURE_WIDTH = Cm(16)  # the text width of an A4 page with Word's 2.5 cm margins
LOGO_WIDTH = Cm(6)
STORY_WIDTH = Cm(12)  # a story's picture: three-quarters of the text width, as in the PDF
SCALE = 1.5  # pixels per point: 108 dpi, sharp on screen; each chart has its table too


@dataclass
class Picture:
    """A picture to place (a drawing, rendered at the end, or PNG bytes), with its text
    alternative."""

    alt: str
    width: Cm
    drawing: Drawing | None = None
    png: bytes | None = None


def _png_pictures(drawings: list[Drawing]) -> list[bytes]:
    """Each drawing as a PNG: all drawn into one PDF (a page each), which pdfium rasterises."""
    if not drawings:
        return []
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    for drawing in drawings:
        canvas.setPageSize((drawing.width, drawing.height))
        renderPDF.draw(drawing, canvas, 0, 0)
        canvas.showPage()
    canvas.save()
    pictures = []
    for page in pypdfium2.PdfDocument(buffer.getvalue()):
        image = page.render(scale=SCALE).to_pil()
        png = io.BytesIO()
        image.save(png, "PNG", compress_level=1)
        pictures.append(png.getvalue())
    return pictures


class Writer:
    """Builds the document top to bottom. Pictures are placeholders until `finish`, which
    renders them in one pass and puts each in its place with its alt text."""

    def __init__(self, content: BulletinContent, base_url: str | None):
        self.document: WordDocument = Document()
        self.content, self.base_url = content, base_url
        self._pictures: list[tuple[Paragraph, Picture]] = []
        self._style_ids: dict[str, str] = {}  # python-docx looks a style up slowly by name
        properties = self.document.core_properties
        properties.title = f"{content.title}: {content.heading}"
        properties.author = content.author
        properties.subject = content.subject
        properties.language = LANGUAGE
        properties.keywords = "SEND, self-evaluation, SEF, bulletin, co-production"
        self._set_language()

    def _set_language(self) -> None:
        """The language of every run of text, in the document defaults (what a screen reader
        reads it in) as well as in the document's properties."""
        defaults = self.document.styles.element.find(qn("w:docDefaults"))
        run_properties = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        language = run_properties.find(qn("w:lang"))
        if language is None:
            language = OxmlElement("w:lang")
            run_properties.append(language)
        language.set(qn("w:val"), LANGUAGE)

    def paragraph(self, text: str = "", style: str | None = None) -> Paragraph:
        paragraph = self.document.add_paragraph(text)
        if style:
            if style not in self._style_ids:
                self._style_ids[style] = self.document.styles[style].style_id
            paragraph._p.style = self._style_ids[style]
        return paragraph

    def heading(self, text: str, level: int) -> None:
        self.paragraph(text, f"Heading {min(level, 3)}")

    def text(self, text: str, style: str | None = None) -> None:
        self.paragraph(text, style)

    def spans(self, spans: list[Span], style: str | None = None) -> None:
        paragraph = self.paragraph(style=style)
        for href, run in link_runs(spans):
            target = urljoin(self.base_url, href) if href and self.base_url else href
            if target and not target.startswith("/"):
                self._link(paragraph, target, run)
                continue
            for span in run:
                paragraph.add_run(span.text).bold = span.bold or None
            if target:  # a path on this site, with no address to make it live
                paragraph.add_run(f" ({target})")

    def _link(self, paragraph: Paragraph, url: str, spans: list[Span]) -> None:
        """A live link: underlined, in the link colour (python-docx has no call for one)."""
        relation = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), relation)
        for span in spans:
            run = paragraph.add_run(span.text)
            run.bold = span.bold or None
            run.underline = True
            run.font.color.rgb = LINK_COLOUR
            link.append(run._r)
        paragraph._p.append(link)

    def bullets(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.text(line, "List Bullet")

    def blocks(self, blocks: list[Block], level: int) -> None:
        """An officer's Markdown: "## " headings one level below the section's."""
        for block in blocks:
            if block.kind == "heading":
                self.heading(block.text, level + block.level - 2)
            elif block.kind == "paragraph":
                self.spans(block.spans)
            elif block.kind == "table":
                texts = [["".join(s.text for s in cell) for cell in row] for row in block.rows]
                self.table(texts[0], texts[1:], block.right)
            else:
                style = "List Bullet" if block.kind == "bullets" else "List Number"
                for item in block.items:
                    self.spans(item, style)

    def table(
        self, header: list[str], rows: list[list[str]], right: Iterable[int] = (), title: str = ""
    ) -> WordTable:
        """A table whose first row is its header (repeated on each page, and read as the
        header by screen readers), after its title as a caption."""
        if title:
            self.text(title, "Caption")
        table = self.document.add_table(rows=1 + len(rows), cols=len(header), style="Table Grid")
        right = set(right)
        for r, (row, values) in enumerate(zip(table.rows, [header, *rows], strict=True)):
            for c, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
                paragraph = cell.paragraphs[0]
                paragraph.add_run(text).bold = r == 0 or None
                if c in right:
                    paragraph.alignment = 2  # numbers on the right
        header_row = table.rows[0]._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        header_row.append(repeat)
        return table

    def data_table(self, table: Table) -> None:
        header = table.columns if any(table.columns) else ["", ""]
        self.table(header, table.text_rows(), table.numeric, table.title)

    def picture(self, picture: Picture) -> None:
        self._pictures.append((self.paragraph(), picture))

    def chart(self, figure: Figure, with_table: bool) -> None:
        self.picture(Picture(figure.summary, PICTURE_WIDTH, drawing=percent_bars(figure.table)))
        self.text(figure.summary, "Caption")
        if with_table:
            self.data_table(figure.table)

    def figure(self, figure: Figure) -> None:
        if figure.summary is None:
            self.data_table(figure.table)
        else:
            self.chart(figure, with_table=True)

    def cards(self, cards: list[Card]) -> None:
        self.table(
            ["What it is", "Figure", "About it"],
            [
                [card.label, card.value, "; ".join(line for line in card.lines if line)]
                for card in cards
            ],
            title="Headline figures",
        )

    def finish(self) -> bytes:
        drawn = iter(_png_pictures([p.drawing for _, p in self._pictures if p.drawing]))
        for paragraph, picture in self._pictures:
            png = picture.png if picture.drawing is None else next(drawn)
            paragraph.add_run().add_picture(io.BytesIO(png), width=picture.width)
            properties = paragraph._p.xpath(".//wp:docPr")[0]
            properties.set("descr", picture.alt)  # the picture's alt text
            properties.set("title", picture.alt)
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


def _kind(writer: Writer, section: Section, content: BulletinContent) -> None:
    """What the section's kind adds after the officers' words (sections.py)."""
    picture = section.picture
    if picture:
        if picture.kind == "image/svg+xml":
            drawn = Picture(picture.alt, STORY_WIDTH, drawing=svg2rlg(io.BytesIO(picture.data)))
        else:
            drawn = Picture(picture.alt, STORY_WIDTH, png=picture.data)  # PNG or JPEG bytes
        writer.picture(drawn)
        if picture.caption:
            writer.text(picture.caption, "Caption")
    if section.kind == "you-said":
        if content.progress_note:
            writer.text(content.progress_note)
        else:
            writer.data_table(content.progress)
    if section.kind == "co-production":
        if content.has_feedback:
            writer.data_table(section.taking_part)
        else:
            writer.text(content.feedback_line)
    if section.ways:
        writer.heading("Ways to take part", 2)
        writer.bullets(section.ways)
    for title, lines in section.gathered:
        writer.heading(title, 3)
        writer.bullets(lines)


def _families(writer: Writer, content: BulletinContent) -> None:
    writer.heading(FAMILIES, 1)
    writer.text(content.feedback_line)
    if content.has_feedback:
        for figure in content.overview:
            writer.chart(figure, with_table=not content.figures_in_full)


def _section(writer: Writer, section: Section, content: BulletinContent) -> None:
    writer.heading(section.title, 1)
    writer.blocks(section.body, 2)
    if not section.body and not content.adds_to(section):
        writer.text(content.NO_TEXT)
    _kind(writer, section, content)
    data = section.feedback
    if data:
        writer.heading("Headline figures", 2)
        writer.cards(data.cards)
        writer.heading("What families said", 2)
        writer.text(data.headline if content.has_feedback else content.feedback_line)
        if data.overview and content.has_feedback:
            writer.chart(data.overview, with_table=not content.figures_in_full)
        writer.heading("What families wrote", 3)
        for comment in data.comments:
            writer.text(f"“{comment.text}”", "Quote")
            writer.text(comment.source)
        if not data.comments:
            writer.text(content.NO_COMMENTS)
        if section.stories:
            writer.heading("What is working", 2)
            writer.blocks(section.stories, 3)
    if section.commitments:
        writer.heading("In the next bulletin", 2)
        writer.bullets(section.commitments)


def _appendix(writer: Writer, content: BulletinContent) -> None:
    writer.document.add_page_break()
    writer.heading(content.APPENDIX, 1)
    writer.text(content.feedback_line)
    if content.has_feedback:
        writer.heading("What families told us", 2)
        for figure in content.overview:
            writer.data_table(figure.table)
    for section in content.outcomes:
        data = section.feedback
        writer.heading(section.title, 2)
        writer.heading("Key measures", 3)
        if data.measures.rows:
            writer.data_table(data.measures)
        else:
            writer.text(content.NO_MEASURES)
        if not content.has_feedback:
            continue
        if data.overview:
            writer.data_table(data.overview.table)
        for group in data.questions:
            writer.heading(group.survey_title, 3)
            if group.note:
                writer.text(f"{group.note}.")
            for figure in group.figures:
                writer.figure(figure)
        if not data.questions:
            writer.text(content.NO_QUESTIONS)


def build_docx(content: BulletinContent, base_url: str | None = None) -> bytes:
    """The bulletin as .docx bytes, in the PDF's order: cover, the sections in the officers'
    order ("What families told us" before the first outcome), about the figures, then (if
    the bulletin has it) the figures in full."""
    writer = Writer(content, base_url)
    look = content.look
    if look.logo:
        alt = look.logo_alt or look.name
        if look.logo_type == "image/svg+xml":
            writer.picture(Picture(alt, LOGO_WIDTH, drawing=svg2rlg(io.BytesIO(look.logo))))
        else:
            writer.picture(Picture(alt, LOGO_WIDTH, png=look.logo))
    writer.text(look.name)
    writer.text(content.title, "Title")
    writer.text(content.heading, "Subtitle")
    writer.text("For leaders, practitioners and families")
    for section in content.sections:
        if section.key == content.families_before:
            _families(writer, content)
        _section(writer, section, content)
    if content.families_before is None:
        _families(writer, content)
    writer.heading("About the figures", 1)
    for line in content.about:
        writer.text(line)
    if content.figures_in_full:
        _appendix(writer, content)
    return writer.finish()
