"""Sharing a survey: its QR code (segno) and a printable A4 flyer (reportlab): the
partnership's logo and name, the survey's picture, title and invitation, the day to answer
by, the QR code and link, and how to get help to answer at the foot of the page."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

import segno
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib.colors import HexColor, black, white
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer
from reportlab.platypus import Table as PdfTable
from svglib.svglib import svg2rlg

from ..bulletin.brand import Look
from ..bulletin.pdf.shared import picture as brand_picture
from ..definitions import SurveyDefinition
from ..paper.words import PaperWords
from ..pictures import SVG, PictureRefused, read_picture

INK = HexColor("#0b0c0c")
MARGIN = 18 * mm
PICTURE_SIZE = 30 * mm
QR_SIZE = 50 * mm
LOGO_HEIGHT = 15 * mm
QR_BORDER = 4  # modules of white around the code: scanners need this quiet zone


def qr_code(link: str) -> segno.QRCode:
    # Medium error correction: still scans from a creased or smudged flyer.
    return segno.make(link, error="m")


def qr_svg(link: str) -> str:
    """The code as inline SVG for the page (its text alternative is given by the page)."""
    return qr_code(link).svg_inline(scale=5, border=QR_BORDER, dark=INK.hexval().replace("0x", "#"))


def qr_png(link: str) -> bytes:
    buffer = io.BytesIO()
    qr_code(link).save(buffer, kind="png", scale=12, border=QR_BORDER)
    return buffer.getvalue()


def short_link(link: str) -> str:
    """The link as people type it: no http(s)://, no trailing slash."""
    return link.split("://", 1)[-1].rstrip("/")


def invitation(definition: SurveyDefinition) -> str:
    """The definition's one-line invitation, or the first paragraph of what it is for."""
    return definition.start.get("invitation") or definition.start["what_for"][0]


def _qr_drawing(link: str, size: float) -> Drawing:
    """The code drawn as squares, so it prints sharp at any size."""
    matrix = qr_code(link).matrix
    modules = len(matrix) + 2 * QR_BORDER
    cell = size / modules
    drawing = Drawing(size, size)
    drawing.add(Rect(0, 0, size, size, fillColor=white, strokeColor=None))
    for row, values in enumerate(matrix):
        for column, dark in enumerate(values):
            if dark:
                x = (column + QR_BORDER) * cell
                y = size - (row + QR_BORDER + 1) * cell
                drawing.add(Rect(x, y, cell, cell, fillColor=black, strokeColor=None))
    return drawing


def _picture(static_dir: Path, name: str, size: float) -> Drawing | None:
    """The survey's SVG picture scaled to `size`; None (no picture) for a PNG, or a name
    that is not a picture in static/pictures."""
    try:
        found = read_picture(static_dir, name)
    except PictureRefused:
        return None
    drawing = svg2rlg(io.BytesIO(found.data)) if found.kind == SVG else None
    if drawing is None or not drawing.width:
        return None
    scale = size / max(drawing.width, drawing.height)
    drawing.scale(scale, scale)
    drawing.width, drawing.height = drawing.width * scale, drawing.height * scale
    drawing.hAlign = "CENTER"
    return drawing


def _style(name: str, size: float, bold: bool = False) -> ParagraphStyle:
    return ParagraphStyle(
        name,
        fontName="Helvetica-Bold" if bold else "Helvetica",
        fontSize=size,
        leading=size * 1.3,
        textColor=INK,
        alignment=TA_CENTER,
        spaceAfter=size * 0.6,
    )


# Every word on the flyer is 16 pt or more, for people who read large print.
TITLE = _style("title", 34, bold=True)
INVITATION = _style("invitation", 22)
TEXT = _style("text", 18)
LINK = _style("link", 20, bold=True)
ANSWER_BY = _style("answer-by", 22, bold=True)
HELP_HEADING = _style("help-heading", 20, bold=True)


def _masthead(look: Look, width: float) -> Flowable:
    """The logo beside the partnership's name, over a rule in its main colour."""
    name = Paragraph(escape(look.name), ParagraphStyle("name", parent=TEXT, alignment=0))
    cells = [[name]]
    widths = [width]
    if look.logo:
        logo = brand_picture(look.logo, look.logo_type, width / 3, LOGO_HEIGHT)
        cells, widths = [[logo, name]], [width / 3 + 6 * mm, width * 2 / 3 - 6 * mm]
    return PdfTable(
        cells,
        colWidths=widths,
        style=[
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("LINEBELOW", (0, 0), (-1, -1), 3, HexColor(look.main_colour)),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        ],
    )


def _help_box(words: PaperWords, look: Look, width: float) -> Flowable:
    """How to get help to answer, in a box of the partnership's second colour."""
    rows = [[Paragraph(escape(words.headings["help"]), HELP_HEADING)]]
    rows += [[Paragraph(escape(line), TEXT)] for line in words.help]
    return PdfTable(
        rows,
        colWidths=[width],
        style=[
            ("BACKGROUND", (0, 0), (-1, -1), HexColor(look.second_colour)),
            ("BOX", (0, 0), (-1, -1), 1.5, HexColor(look.main_colour)),
            ("TOPPADDING", (0, 0), (0, 0), 10),
            ("BOTTOMPADDING", (0, -1), (-1, -1), 8),
        ],
    )


def _at_the_foot(box: Flowable, width: float) -> Callable[[Canvas, object], None]:
    """Draws `box` at the foot of the page, whatever the flyer above it takes."""

    def draw(canvas: Canvas, _document: object) -> None:
        box.wrapOn(canvas, width, A4[1])
        box.drawOn(canvas, MARGIN, MARGIN)

    return draw


def flyer_pdf(
    definition: SurveyDefinition,
    link: str,
    static_dir: Path,
    words: PaperWords,
    look: Look,
    closing_day: date | None = None,
) -> bytes:
    """An A4 flyer: the partnership's logo and name, the survey's picture, title and
    invitation, the day to answer by (if it has a closing date), the QR code and short link,
    and how to get help to answer."""
    width = A4[0] - 2 * MARGIN
    help_box = _help_box(words, look, width)
    help_height = help_box.wrap(width, A4[1])[1]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + help_height + 4 * mm,  # the help box has the foot of the page
        title=definition.title,
        author=look.name,
        subject=invitation(definition),
        lang="en-GB",
    )
    story: list[Flowable] = [_masthead(look, width)]
    picture = _picture(static_dir, definition.start["picture"], PICTURE_SIZE)
    if picture is not None:
        story.append(picture)
    qr = _qr_drawing(link, QR_SIZE)
    qr.hAlign = "CENTER"
    story += [
        Spacer(1, 4 * mm),
        Paragraph(escape(definition.title), TITLE),
        Paragraph(escape(invitation(definition)), INVITATION),
        Paragraph(escape(definition.start["how_long"]), TEXT),
    ]
    if closing_day is not None:
        day = f"{closing_day:%A} {closing_day.day} {closing_day:%B %Y}"
        story.append(Paragraph(escape(words.answer_by.format(day=day)), ANSWER_BY))
    story += [
        qr,
        Spacer(1, 2 * mm),
        Paragraph("Scan the code with your phone's camera, or type this link:", TEXT),
        Paragraph(escape(short_link(link)), LINK),
    ]
    foot = _at_the_foot(help_box, width)
    document.build(story, onFirstPage=foot, onLaterPages=foot)
    return buffer.getvalue()
