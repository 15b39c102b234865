"""Sharing a survey: its QR code (segno) and a printable A4 flyer (reportlab)."""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

import segno
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib.colors import HexColor, black, white
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
from svglib.svglib import svg2rlg

from ..definitions import SurveyDefinition
from ..pictures import SVG, PictureRefused, read_picture

INK = HexColor("#0b0c0c")
MARGIN = 18 * mm
PICTURE_SIZE = 55 * mm
QR_SIZE = 85 * mm
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


def flyer_pdf(definition: SurveyDefinition, link: str, static_dir: Path) -> bytes:
    """An A4 flyer: the survey's picture, title, invitation, QR code and short link."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=definition.title,
        author="sefvoice",
        subject=invitation(definition),
        lang="en-GB",
    )
    story = []
    picture = _picture(static_dir, definition.start["picture"], PICTURE_SIZE)
    if picture is not None:
        story += [picture, Spacer(1, 6 * mm)]
    qr = _qr_drawing(link, QR_SIZE)
    qr.hAlign = "CENTER"
    story += [
        Paragraph(escape(definition.title), TITLE),
        Paragraph(escape(invitation(definition)), INVITATION),
        Paragraph(escape(definition.start["how_long"]), TEXT),
        Spacer(1, 4 * mm),
        qr,
        Spacer(1, 4 * mm),
        Paragraph("Scan the code with your phone's camera, or type this link:", TEXT),
        Paragraph(escape(short_link(link)), LINK),
    ]
    document.build(story)
    return buffer.getvalue()
