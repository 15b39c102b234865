"""What both printed editions share: A4 pages, fonts, styles, headings that bookmark, the
numbered canvas, pictures and the cover."""

from __future__ import annotations

import io
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from reportlab import rl_config
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    PageTemplate,
    Paragraph,
    Spacer,
)
from reportlab.platypus import Table as PdfTable
from svglib.svglib import svg2rlg

from ...publishing.service import Status
from ..brand import WHITE, Look, drawable_logo

# Binary streams: ASCII85 would make every stream a quarter bigger and slower to write.
rl_config.useA85 = 0

FONT, BOLD = "Vera", "Vera-Bold"
INK = HexColor("#0b0c0c")  # 19:1 on white
RULE = HexColor("#505a5f")  # 7:1 on white: lines that print in grey
FILL = HexColor("#f3f2f1")  # header rows: bold as well, so not shading alone
PAD = 4
MAX_COLUMNS = 6
MARGIN = 20 * mm
SECTION_ROOM = (A4[1] - 2 * MARGIN) / 4  # a section starts a new page with less room left
LANGUAGE = "en-GB"


def register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(reportlab.__file__).parent / "fonts"
    pdfmetrics.registerFont(TTFont(FONT, folder / "Vera.ttf"))
    pdfmetrics.registerFont(TTFont(BOLD, folder / "VeraBd.ttf"))
    # No italics: the bulletin has none (italic is harder to read).
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def paragraph_style(name: str, size: float = 12, font: str = FONT, **kw) -> ParagraphStyle:
    kw.setdefault("leading", size * 1.4)
    kw.setdefault("textColor", INK)
    kw.setdefault("allowWidows", 0)  # no paragraph's first or last line alone on a page
    kw.setdefault("allowOrphans", 0)
    return ParagraphStyle(name, fontName=font, fontSize=size, **kw)


BODY = paragraph_style("body", spaceAfter=8)
LIST_ITEM = paragraph_style(
    "list-item", leftIndent=22, bulletIndent=6, bulletFontName=FONT, spaceAfter=4
)
CELL = paragraph_style("cell", leading=15)
CELL_RIGHT = paragraph_style("cell-right", leading=15, alignment=2)  # numbers line up on the right
CELL_HEAD = paragraph_style("cell-head", font=BOLD, leading=15)
CAPTION = paragraph_style("caption", font=BOLD, spaceBefore=10, spaceAfter=6, keepWithNext=1)
CAPTION_SMALL = paragraph_style("caption-small", 11, leading=14, spaceBefore=4)  # under a picture
QUOTE = paragraph_style("quote", leftIndent=18, spaceAfter=2)
CARD_LABEL = paragraph_style("card-label", leading=15, spaceAfter=4)  # regular: narrower than bold
CARD_VALUE = paragraph_style("card-value", 18, BOLD, leading=22, spaceAfter=4)
CARD_LINE = paragraph_style("card-line", leading=15)
CARDS_PER_ROW = 4
CITE = paragraph_style("cite", leftIndent=18, spaceAfter=10)
HEADINGS = {
    0: paragraph_style("h1", 22, BOLD, spaceAfter=12, keepWithNext=1),
    1: paragraph_style("h2", 17, BOLD, spaceBefore=14, spaceAfter=8, keepWithNext=1),
    2: paragraph_style("h3", 14, BOLD, spaceBefore=10, spaceAfter=6, keepWithNext=1),
}
COVER_TITLE = paragraph_style("cover-title", 30, BOLD, spaceAfter=20, textColor=HexColor(WHITE))
COVER_LINE = paragraph_style("cover-line", 18, spaceAfter=14)
COVER_LINE_ON_BRAND = paragraph_style("cover-line-on-brand", 18, textColor=HexColor(WHITE))
TOC_STYLES = [  # the right indent keeps the page numbers clear of the titles
    paragraph_style("toc-0", font=BOLD, leading=16, rightIndent=30),
    paragraph_style("toc-1", leftIndent=18, leading=16, rightIndent=30),
]
TOC_TABLE = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 1)]
TOC_TABLE += [("BOTTOMPADDING", (0, 0), (-1, -1), 1), ("LEFTPADDING", (0, 0), (-1, -1), 0)]


class Heading(Paragraph):
    """A heading that becomes a bookmark, and (when `listed`) a line on the contents page;
    with an `anchor`, also a destination that links elsewhere in the PDF go to."""

    def __init__(
        self,
        text: str,
        level: int,
        listed: bool = True,
        anchor: str | None = None,
        styles: dict[int, ParagraphStyle] | None = None,
    ):
        super().__init__(escape(text), (styles or HEADINGS)[min(level, 2)])
        self.title, self.level, self.listed, self.anchor = text, level, listed, anchor


class NumberedCanvas(Canvas):
    """Keeps each page until the end, then draws the header and "Page X of Y" on all but
    the cover, now that Y is known."""

    def __init__(
        self,
        *args,
        header: str,
        look: Look,
        created: datetime | None,
        size: float = 12,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self._header, self._look, self._size = header, look, size
        self._pages: list[dict] = []
        self._bookmarks: list[tuple[str, float]] = []
        if created is not None:
            stamp = created.strftime("D:%Y%m%d%H%M%S+00'00'")
            self.setDateFormatter(lambda *_: stamp)

    def bookmark_heading(self, key: str, top: float) -> None:
        """Bookmark the page being laid out. Kept until save(): the PDF page it points to
        only exists once that page is really shown."""
        self._bookmarks.append((key, top))

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._bookmarks = []
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            for key, top in self._bookmarks:
                self.bookmarkPage(key, fit="XYZ", left=0, top=top)
            if self._pageNumber > 1:
                self._furniture(total)
            super().showPage()
        super().save()

    def _furniture(self, total: int) -> None:
        width, height = A4
        brand = HexColor(self._look.main_colour)  # 4.5:1 on white at least (brand.py)
        self.setFillColor(brand)
        self.setStrokeColor(brand)
        self.setFont(BOLD, self._size)
        self.drawString(MARGIN, height - 12 * mm, self._look.name)
        self.setFont(FONT, self._size)
        self.drawRightString(width - MARGIN, height - 12 * mm, self._header)
        self.setLineWidth(1.5)
        self.line(MARGIN, height - 14 * mm, width - MARGIN, height - 14 * mm)
        self.setFillColor(INK)
        self.setStrokeColor(RULE)
        self.setLineWidth(1)
        self.line(MARGIN, 14 * mm, width - MARGIN, 14 * mm)
        self.drawString(MARGIN, 9 * mm, f"Page {self._pageNumber} of {total}")


class BulletinDocument(BaseDocTemplate):
    """A4 with one frame; bookmarks and contents entries from its Headings."""

    def __init__(self, buffer: io.BytesIO, title: str, author: str, subject: str, invariant: bool):
        super().__init__(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
            title=title,
            author=author,
            subject=subject,
            keywords="SEND, self-evaluation, SEF, bulletin, co-production",
            creator="sefvoice",
            lang=LANGUAGE,
            displayDocTitle=True,
            invariant=invariant,
        )
        frame = Frame(
            self.leftMargin,
            self.bottomMargin,
            self.width,
            self.height,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
        )
        self.addPageTemplates([PageTemplate(id="page", frames=[frame])])

    def handle_documentBegin(self) -> None:
        super().handle_documentBegin()
        self._keys, self._level = 0, -1  # each layout pass numbers its bookmarks afresh

    def afterFlowable(self, flowable: Flowable) -> None:
        if not isinstance(flowable, Heading):
            return
        self._keys += 1
        key = f"h{self._keys}"
        level = min(flowable.level, self._level + 1)  # outline levels may not skip one
        self._level = level
        top = self.frame._y + flowable.height + 12
        self.canv.bookmark_heading(key, top)
        if flowable.anchor:
            self.canv.bookmark_heading(flowable.anchor, top)
        self.canv.addOutlineEntry(flowable.title, key, level=level, closed=level > 0)
        if flowable.listed:
            self.notify("TOCEntry", (level, escape(flowable.title), self.page, key))


def picture(data: bytes, kind: str, width: float, height: float) -> Flowable:
    """A PNG or SVG picture, scaled to fit width x height, keeping its shape."""
    if kind == "image/svg+xml":
        drawing = svg2rlg(io.BytesIO(data))
        scale = min(width / drawing.width, height / drawing.height)
        drawing.scale(scale, scale)
        drawing.width, drawing.height = drawing.width * scale, drawing.height * scale
        return drawing
    natural_width, natural_height = ImageReader(io.BytesIO(data)).getSize()
    scale = min(width / natural_width, height / natural_height)
    return Image(io.BytesIO(data), natural_width * scale, natural_height * scale)


# The logo, drawn once per process for every PDF (a Drawing is not changed by drawing it).
_logo = lru_cache(maxsize=4)(picture)


def release_status(status: Status) -> list[Flowable]:
    """Whether the figures are published (which version) or a draft, and any revisions."""
    story: list[Flowable] = [Paragraph(f"<b>{escape(status.line)}</b>", COVER_LINE)]
    if status.answers_note:
        story.append(Paragraph(escape(status.answers_note), BODY))
    if status.revisions:
        story.append(Paragraph("<b>Revisions</b>", BODY))
        story += [Paragraph(escape(note), BODY) for note in status.revision_notes]
    return story


def cover(look: Look, title: str, heading: str, audience: str, width: float) -> list[Flowable]:
    """The partnership's logo and name, then the title in white on its main colour."""
    story: list[Flowable] = [Spacer(1, 20 * mm)]
    if look.logo and drawable_logo(look.logo):
        logo = _logo(look.logo, look.logo_type, width / 2, 35 * mm)
        logo.hAlign = "LEFT"
        story += [logo, Spacer(1, 10 * mm)]
    story += [Paragraph(escape(look.name), COVER_LINE), Spacer(1, 10 * mm)]
    band = PdfTable(
        [
            [Paragraph(escape(title), COVER_TITLE)],
            [Paragraph(escape(heading), COVER_LINE_ON_BRAND)],
        ],
        colWidths=[width],
        style=[
            ("BACKGROUND", (0, 0), (-1, -1), HexColor(look.main_colour)),
            ("LEFTPADDING", (0, 0), (-1, -1), 16),
            ("RIGHTPADDING", (0, 0), (-1, -1), 16),
            ("TOPPADDING", (0, 0), (0, 0), 20),
            ("BOTTOMPADDING", (0, -1), (-1, -1), 20),
        ],
    )
    return story + [band, Spacer(1, 10 * mm), Paragraph(escape(audience), COVER_LINE)]
