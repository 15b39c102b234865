"""Printed easy-read copies of a survey version (reportlab), each with its own reference.

The copies of a batch differ only in their reference. So one copy is laid out once, with
platypus (each question a KeepTogether block, so none splits across pages), and each of
its pages is kept as a PDF form (XObject) instead of being shown; then every copy's pages
draw those forms and add the copy's reference at the top. Each picture and the QR code
are forms too, drawn once. A batch of 500 costs little more time or space than one copy.

No words here: the survey's come from its definition, the fixed ones from easyread/paper.yaml.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
import segno
from reportlab.graphics import renderPDF
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from svglib.svglib import svg2rlg

from ..definitions import Option, Question, SurveyDefinition
from .words import PaperWords

FONT, BOLD = "Vera", "Vera-Bold"  # Bitstream Vera Sans, shipped with reportlab, embedded
INK = HexColor("#0b0c0c")
MARGIN = 18 * mm
LANGUAGE = "en-GB"


@dataclass(frozen=True)
class PrintSize:
    """Standard print is 16 pt; large print 24 pt. Everything else scales with the text."""

    text: float

    @property
    def picture(self) -> float:
        return self.text * 2.75

    @property
    def tick_box(self) -> float:
        return self.text * 1.75

    @property
    def header(self) -> float:
        """Room at the top of every page for the copy's reference."""
        return self.text * 2.5


STANDARD, LARGE_PRINT = PrintSize(16), PrintSize(24)


@dataclass(frozen=True)
class CopyAddresses:
    """Where a copy sends people online: the survey itself, and the page to withdraw."""

    survey: str
    withdraw: str


def _register_fonts() -> None:
    if BOLD in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(reportlab.__file__).parent / "fonts"
    pdfmetrics.registerFont(TTFont(FONT, folder / "Vera.ttf"))
    pdfmetrics.registerFont(TTFont(BOLD, folder / "VeraBd.ttf"))


class _Styles:
    def __init__(self, size: PrintSize):
        def style(name: str, scale: float = 1.0, font: str = FONT, **kw) -> ParagraphStyle:
            points = size.text * scale
            return ParagraphStyle(
                name, fontName=font, fontSize=points, leading=points * 1.35, textColor=INK, **kw
            )

        self.title = style("title", 1.75, BOLD, spaceAfter=size.text)
        self.heading = style("heading", 1.25, BOLD, spaceBefore=size.text * 0.75, spaceAfter=4)
        self.body = style("body", spaceAfter=size.text * 0.4)
        self.strong = style("strong", font=BOLD, spaceAfter=size.text * 0.4)
        self.label = style("label")


@lru_cache(maxsize=128)
def _svg(path: Path):
    """A picture's drawing, read once per process: every batch uses the same few."""
    return svg2rlg(str(path))


class _Picture(Flowable):
    """An option's picture, drawn from a form made the first time it is used."""

    def __init__(self, path: Path, size: float):
        super().__init__()
        self.path, self.size = path, size
        self.width = self.height = size

    def draw(self) -> None:
        drawing = _svg(self.path)
        name = "picture-" + "".join(ch if ch.isalnum() else "-" for ch in self.path.name)
        forms = self.canv.__dict__.setdefault("_sefvoice_forms", set())
        if name not in forms:
            forms.add(name)
            self.canv.beginForm(name, 0, 0, drawing.width, drawing.height)
            renderPDF.draw(drawing, self.canv, 0, 0)
            self.canv.endForm()
        self.canv.scale(self.size / drawing.width, self.size / drawing.height)
        self.canv.doForm(name)


class _Box(Flowable):
    """An empty box to tick or write in, drawn with a thick line so it prints clearly."""

    def __init__(self, width: float, height: float):
        super().__init__()
        self.width, self.height = width, height

    def draw(self) -> None:
        self.canv.setStrokeColor(INK)
        self.canv.setLineWidth(2)
        self.canv.rect(1, 1, self.width - 2, self.height - 2, stroke=1, fill=0)


class _QRCode(Flowable):
    """The survey's address as a QR code, one filled square per dark module."""

    def __init__(self, address: str, size: float):
        super().__init__()
        self.address = address
        self.code = segno.make(address, error="m")
        self.width = self.height = size

    def draw(self) -> None:
        # Where it lands (page forms are drawn at the page's origin), so that each copy
        # can make it a link too, for anyone reading the PDF on a screen.
        x, y = self.canv.absolutePosition(0, 0)
        self.canv.qr_link = (len(self.canv.page_forms), (x, y, x + self.width, y + self.height))
        rows = list(self.code.matrix_iter(scale=1, border=0))
        module = self.width / len(rows)
        self.canv.setFillColor(INK)
        for y, row in enumerate(rows):
            for x, dark in enumerate(row):
                if dark:
                    top = self.height - (y + 1) * module
                    self.canv.rect(x * module, top, module, module, stroke=0, fill=1)


def _paragraphs(texts, style: ParagraphStyle) -> list[Flowable]:
    return [Paragraph(escape(text), style) for text in texts]


def _choices(
    options: tuple[Option, ...], size: PrintSize, width: float, styles: _Styles, static: Path
) -> Table:
    """One row per option: its picture on the left, its words, then a large tick box."""
    gap = size.text * 0.75
    label = width - size.picture - size.tick_box - 2 * gap
    columns = [size.picture + gap, label, size.tick_box + gap]
    rows = [
        [
            _Picture(static / option.picture, size.picture),
            Paragraph(escape(option.label), styles.label),
            _Box(size.tick_box, size.tick_box),
        ]
        for option in options
    ]
    table = Table(rows, colWidths=columns, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("LEFTPADDING", (2, 0), (2, -1), gap),
                ("TOPPADDING", (0, 0), (-1, -1), size.text * 0.25),
                ("BOTTOMPADDING", (0, 0), (-1, -1), size.text * 0.25),
            ]
        )
    )
    return table


def _answer_space(question: Question, size: PrintSize, width: float, styles: _Styles) -> Flowable:
    if question.type == "number":
        box = _Box(size.text * 6, size.text * 2.5)
        row = [[box, Paragraph(escape(question.unit), styles.label)]]
        table = Table(row, colWidths=[box.width + size.text * 0.5, None], hAlign="LEFT")
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
        return table
    return _Box(width, size.text * 9)


def _question_block(
    heading: str,
    question: Question,
    words: PaperWords,
    size: PrintSize,
    width: float,
    styles: _Styles,
    static: Path,
) -> KeepTogether:
    """A question with all its options: one block that never splits across pages."""
    parts: list[Flowable] = [Paragraph(escape(heading), styles.heading)]
    parts += _paragraphs([question.hint] if question.hint else [], styles.body)
    instructions = [words.instruction(question.type)]
    instructions += [words.instructions["optional"]] if question.optional else []
    parts += _paragraphs(instructions, styles.strong)
    if question.is_choice:
        parts.append(_choices(question.options, size, width, styles, static))
    else:
        parts.append(_answer_space(question, size, width, styles))
    parts.append(Spacer(1, size.text))
    return KeepTogether(parts)


def filled_by_question(definition: SurveyDefinition) -> Question:
    """ "Who is filling this in?" as a question to tick, first on paper as on the start page."""
    return Question(
        id="filled-by",
        text=definition.filled_by_question,
        type="single",
        principle="",
        outcome=0,
        optional=False,
        options=definition.filled_by,
    )


def _story(
    definition: SurveyDefinition,
    words: PaperWords,
    addresses: CopyAddresses,
    size: PrintSize,
    width: float,
    static: Path,
) -> list[Flowable]:
    styles = _Styles(size)
    start, headings = definition.start, words.headings
    qr_size = size.text * 7
    online = Table(
        [
            [
                _QRCode(addresses.survey, qr_size),
                _paragraphs(words.online, styles.body)
                + [Paragraph(escape(addresses.survey), styles.strong)],
            ]
        ],
        colWidths=[qr_size + size.text, None],
        hAlign="LEFT",
    )
    online.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story: list[Flowable] = [
        NextPageTemplate("questions"),
        Paragraph(escape(definition.title), styles.title),
        Paragraph(escape(headings["what_for"]), styles.heading),
        *_paragraphs(start["what_for"], styles.body),
        Paragraph(escape(headings["who_sees"]), styles.heading),
        *_paragraphs(start["who_sees"], styles.body),
        Paragraph(escape(headings["how_long"]), styles.heading),
        *_paragraphs([start["how_long"]], styles.body),
        Paragraph(escape(headings["anonymous"]), styles.heading),
        *_paragraphs(words.anonymous, styles.body),
        *_paragraphs(words.withdraw, styles.body),
        Paragraph(escape(addresses.withdraw), styles.strong),
        KeepTogether([Paragraph(escape(headings["online"]), styles.heading), online]),
        KeepTogether(
            [
                Paragraph(escape(headings["send_back"]), styles.heading),
                *_paragraphs(words.send_back, styles.body),
            ]
        ),
        PageBreak(),
    ]
    filled_by = filled_by_question(definition)
    story.append(_question_block(filled_by.text, filled_by, words, size, width, styles, static))
    for number, question in enumerate(definition.questions, 1):
        heading = f"{number}. {question.text}"
        story.append(_question_block(heading, question, words, size, width, styles, static))
    return story


class _LayOutOnceCanvas(Canvas):
    """While `laying_out`, each page platypus finishes is kept as a form (page_forms)
    instead of being shown; then copy pages are made from those forms."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.laying_out = True
        self.page_forms: list[str] = []
        self.qr_link: tuple[int, tuple[float, float, float, float]] = (0, (0, 0, 0, 0))

    def begin_page_form(self) -> None:
        if self.laying_out:
            self.page_forms.append(f"page-{len(self.page_forms) + 1}")
            self.beginForm(self.page_forms[-1])

    def showPage(self) -> None:
        if self.laying_out:
            self.endForm()
        else:
            super().showPage()


class _CopyTemplate(BaseDocTemplate):
    def __init__(self, buffer: io.BytesIO, size: PrintSize, definition: SurveyDefinition):
        super().__init__(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN + size.header,
            bottomMargin=MARGIN,
            title=definition.title,
            author=definition.audience,
            lang=LANGUAGE,
            invariant=True,
        )
        self._doSave = 0  # the pages are made afterwards, from the forms (see build_pdf)
        frame = Frame(
            self.leftMargin, self.bottomMargin, self.width, self.height, id="body", showBoundary=0
        )

        def begin(canvas, _doc) -> None:
            canvas.begin_page_form()

        self.addPageTemplates(
            [
                PageTemplate("cover", [frame], onPage=begin),
                PageTemplate("questions", [frame], onPage=begin),
            ]
        )


def build_pdf(
    definition: SurveyDefinition,
    words: PaperWords,
    references: list[str],
    addresses: CopyAddresses,
    static: Path,
    large_print: bool = False,
    drew: Callable[[int, int], None] | None = None,
    drawn: Callable[[], None] | None = None,
) -> bytes:
    """One PDF holding a copy of the survey for each reference, in that order.
    `drew(done, total)` is told of each copy drawn, `drawn()` before the file is written."""
    _register_fonts()
    size = LARGE_PRINT if large_print else STANDARD
    buffer = io.BytesIO()
    document = _CopyTemplate(buffer, size, definition)
    document.build(
        _story(definition, words, addresses, size, document.width, static),
        canvasmaker=_LayOutOnceCanvas,
    )
    canvas: _LayOutOnceCanvas = document.canv
    canvas.laying_out = False
    pages = len(canvas.page_forms)
    qr_page, qr_area = canvas.qr_link
    width, height = A4
    top = height - MARGIN - size.text * 1.2
    for done, reference in enumerate(references, 1):
        for number, form in enumerate(canvas.page_forms, 1):
            canvas.doForm(form)
            canvas.setFillColor(INK)
            # The reference first, in bold: it is what staff look for when entering a copy.
            canvas.setFont(BOLD, size.text)
            canvas.drawString(MARGIN, top, f"{words.headings['reference']} {reference}")
            canvas.setFont(FONT, size.text)
            canvas.drawRightString(width - MARGIN, top, words.page.format(page=number, pages=pages))
            canvas.setStrokeColor(INK)
            canvas.setLineWidth(1)
            canvas.line(MARGIN, top - size.text * 0.6, width - MARGIN, top - size.text * 0.6)
            if number == qr_page:
                canvas.linkURL(addresses.survey, qr_area, relative=0, thickness=0)
            canvas.showPage()
        if drew:
            drew(done, len(references))
    if drawn:
        drawn()
    canvas.save()
    return buffer.getvalue()
