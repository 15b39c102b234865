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
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
import segno
from reportlab import rl_config
from reportlab.graphics import renderPDF
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
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

from ..definitions import Option, Question, SurveyDefinition, routing
from ..pictures import PNG, PictureRefused, read_picture
from .words import PaperWords

# Binary streams: ASCII85 would make every stream a quarter bigger and slower to write.
rl_config.useA85 = 0

FONT, BOLD = "Vera", "Vera-Bold"  # Bitstream Vera Sans, shipped with reportlab, embedded
INK = HexColor("#0b0c0c")
SHADE, WHITE = HexColor("#f3f2f1"), HexColor("#ffffff")  # every other answer's row
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
        self.note = style("note", 0.85, BOLD)


@lru_cache(maxsize=128)
def _svg(data: bytes):
    """A picture's drawing, read once per process: every batch uses the same few."""
    return svg2rlg(io.BytesIO(data))


class _Picture(Flowable):
    """An option's picture, drawn from a form made the first time it is used; nothing for
    a name that is not a picture in static/pictures (a version stored before pictures were
    checked)."""

    def __init__(self, static: Path, name: str, size: float):
        super().__init__()
        self.static, self.name, self.size = static, name, size
        self.width = self.height = size

    def draw(self) -> None:
        try:
            found = read_picture(self.static, self.name)
        except PictureRefused:
            return
        if found.kind == PNG:
            self.canv.drawImage(ImageReader(io.BytesIO(found.data)), 0, 0, self.size, self.size)
            return
        drawing = _svg(found.data)
        name = "picture-" + "".join(ch if ch.isalnum() else "-" for ch in found.path.name)
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


ADDRESS_BREAKS = re.compile(r"(?<=[/.\-])")  # after a slash, a dot or a dash


def _address(address: str, style: ParagraphStyle, width: float) -> Paragraph:
    """A web address in bold, wrapped only after a slash, dot or dash, never in the middle
    of a word (a reader types it in as they see it); smaller only if one part is wider than
    the line."""
    parts = [p for p in ADDRESS_BREAKS.split(address) if p]
    size = style.fontSize
    while size > 8 and max(stringWidth(p, BOLD, size) for p in parts) > width:
        size -= 1
    lines = [""]
    for part in parts:
        if lines[-1] and stringWidth(lines[-1] + part, BOLD, size) > width:
            lines.append("")
        lines[-1] += part
    fitted = ParagraphStyle(
        "address", parent=style, fontName=BOLD, fontSize=size, leading=size * 1.35, splitLongWords=0
    )
    return Paragraph("<br/>".join(escape(line) for line in lines), fitted)


def _choices(
    options: tuple[Option, ...],
    words: PaperWords,
    size: PrintSize,
    width: float,
    styles: _Styles,
    static: Path,
) -> Table:
    """One row per option, every other one shaded: a large tick box, its picture, then its
    words, so that the box sits beside what it means. An answer that goes on its own says
    "Tick only this box." under its words."""
    gap = size.text * 0.5
    label_width = width - size.tick_box - size.picture - 2 * gap
    columns = [size.tick_box + gap, size.picture + gap, label_width]
    rows = []
    for option in options:
        label = [Paragraph(escape(option.label), styles.label)]
        if option.exclusive:
            label.append(Paragraph(escape(words.instructions["exclusive"]), styles.note))
        box = _Box(size.tick_box, size.tick_box)
        rows.append([box, _Picture(static, option.picture, size.picture), label])
    table = Table(rows, colWidths=columns, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), size.text * 0.25),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), size.text * 0.25),
                ("BOTTOMPADDING", (0, 0), (-1, -1), size.text * 0.25),
                ("ROWBACKGROUNDS", (0, 0), (-1, -1), [SHADE, WHITE]),
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


def routing_words(definition: SurveyDefinition, question: Question, words: PaperWords) -> list[str]:
    """ "Answer this only if you ticked “…” in question 1." and where to go if not, for a
    question asked only after certain answers (none for the others)."""
    if question.show_if is None:
        return []
    labels, number = routing.condition_words(definition, question)
    answers = " or ".join(f"“{label}”" for label in labels)
    target = routing.skip_to(definition, question)
    go_to = words.instructions["go_to" if target else "go_to_end"].format(number=target)
    return [words.instructions["only_if"].format(answers=answers, number=number), go_to]


def _meanings(
    meanings: list[tuple[str, str]], words: PaperWords, styles: _Styles
) -> list[Flowable]:
    """ "What does “physio” mean?" and its meaning, for each hard word."""
    parts: list[Flowable] = []
    for word, meaning in meanings:
        asked = words.instructions["meaning"].format(word=word)
        parts += [Paragraph(escape(asked), styles.strong), Paragraph(escape(meaning), styles.body)]
    return parts


def _question_block(
    heading: str,
    question: Question,
    words: PaperWords,
    size: PrintSize,
    width: float,
    styles: _Styles,
    static: Path,
    routed: list[str] | None = None,
    meanings: list[tuple[str, str]] | None = None,
) -> KeepTogether:
    """A question with all its options: one block that never splits across pages. The
    meanings of its hard words are printed with it, as the page shows them."""
    parts: list[Flowable] = [Paragraph(escape(heading), styles.heading)]
    parts += _paragraphs(routed or [], styles.strong)
    parts += _paragraphs([question.hint] if question.hint else [], styles.body)
    parts += _meanings(meanings or [], words, styles)
    instructions = [words.instruction(question.type)]
    instructions += [words.instructions["optional"]] if question.optional else []
    parts += _paragraphs(instructions, styles.strong)
    if question.is_choice:
        parts.append(_choices(question.options, words, size, width, styles, static))
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
    glossary: dict[str, str],
) -> list[Flowable]:
    styles = _Styles(size)
    start, headings = definition.start, words.headings
    qr_size = size.text * 7
    online = Table(
        [
            [
                _QRCode(addresses.survey, qr_size),
                _paragraphs(words.online, styles.body)
                # The column's width, less the table cell's padding (6 points a side).
                + [_address(addresses.survey, styles.strong, width - qr_size - size.text - 12)],
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
        *_meanings(
            [(w, glossary[w]) for w in start.get("explain", ()) if w in glossary], words, styles
        ),
        Paragraph(escape(headings["who_sees"]), styles.heading),
        *_paragraphs(start["who_sees"], styles.body),
        Paragraph(escape(headings["how_long"]), styles.heading),
        *_paragraphs([start["how_long"]], styles.body),
        Paragraph(escape(headings["anonymous"]), styles.heading),
        *_paragraphs(words.anonymous, styles.body),
        *_paragraphs(words.withdraw, styles.body),
        _address(addresses.withdraw, styles.strong, width),
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
        routed = routing_words(definition, question, words)
        meanings = [(w, glossary[w]) for w in question.explain if w in glossary]
        story.append(
            _question_block(heading, question, words, size, width, styles, static, routed, meanings)
        )
    story += [
        PageBreak(),
        Paragraph(escape(headings["thanks"]), styles.title),
        *_paragraphs(words.send_back, styles.body),
    ]
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
    glossary: dict[str, str] | None = None,
    drew: Callable[[int, int], None] | None = None,
    drawn: Callable[[], None] | None = None,
) -> bytes:
    """One PDF holding a copy of the survey for each reference, in that order. `glossary`:
    the meanings of the hard words the questions explain (easyread/glossary.yaml).
    `drew(done, total)` is told of each copy drawn, `drawn()` before the file is written."""
    _register_fonts()
    size = LARGE_PRINT if large_print else STANDARD
    buffer = io.BytesIO()
    document = _CopyTemplate(buffer, size, definition)
    document.build(
        _story(definition, words, addresses, size, document.width, static, glossary or {}),
        canvasmaker=_LayOutOnceCanvas,
    )
    canvas: _LayOutOnceCanvas = document.canv
    canvas.laying_out = False
    pages = len(canvas.page_forms)
    qr_page, qr_area = canvas.qr_link
    width, height = A4
    top = height - MARGIN - size.text * 1.2

    # What every copy's page n shares (its number and the rule under the header), and each
    # copy's reference, are drawn once as forms: a page is then three forms, and writing
    # 5,000 copies costs little more than writing their pages.
    def header_form(name: str, draw: Callable[[], None]) -> str:
        canvas.beginForm(name)
        canvas.setFillColor(INK)
        draw()
        canvas.endForm()
        return name

    def page_header(number: int) -> None:
        canvas.setFont(FONT, size.text)
        canvas.drawRightString(width - MARGIN, top, words.page.format(page=number, pages=pages))
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(1)
        canvas.line(MARGIN, top - size.text * 0.6, width - MARGIN, top - size.text * 0.6)

    def reference_header(reference: str) -> None:
        # The reference in bold: it is what staff look for when entering a copy.
        canvas.setFont(BOLD, size.text)
        canvas.drawString(MARGIN, top, f"{words.headings['reference']} {reference}")

    headers = [
        header_form(f"header-{number}", lambda number=number: page_header(number))
        for number in range(1, pages + 1)
    ]
    for done, reference in enumerate(references, 1):
        copy = header_form(f"copy-{done}", lambda reference=reference: reference_header(reference))
        for number, (form, header) in enumerate(zip(canvas.page_forms, headers, strict=True), 1):
            canvas.doForm(form)
            canvas.doForm(copy)
            canvas.doForm(header)
            if number == qr_page:
                canvas.linkURL(addresses.survey, qr_area, relative=0, thickness=0)
            canvas.showPage()
        if drew:
            drew(done, len(references))
    if drawn:
        drawn()
    canvas.save()
    return buffer.getvalue()
