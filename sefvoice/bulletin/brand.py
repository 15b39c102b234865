"""The partnership's look: its name, logo (PNG or SVG) and two brand colours, kept in the
database (one row) so that every app server shows the same.

Each colour is checked against the text it carries (WCAG 2.2 AA, contrast 4.5:1): the main
colour is text on white (headings, the running header) and the background of white text
(the cover); the second colour is the background of near-black text (the headline cards).
Contrast is a ratio of luminances, which is what a greyscale print keeps, so a pair that
passes stays readable in grey.
"""

from __future__ import annotations

import base64
import io
import math
import re
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree
from sqlalchemy import select
from svglib.svglib import svg2rlg

from ..auth import audit
from ..extensions import db
from ..models import Brand
from .markdown import clean

WHITE, INK = "#ffffff", "#0b0c0c"
MIN_CONTRAST = 4.5
MAX_LOGO_BYTES = 500 * 1024
MAX_LOGO_PIXELS = 4000  # a PNG's width and height: 35 mm at 600 dpi is under 1,000
MAX_LOGO_POINTS = 5000  # an SVG's width and height (the PDF scales it to fit 35 mm)
MAX_LOGO_ELEMENTS = 1000  # elements an SVG draws, each <use> counted as what it repeats
MAX_LOGO_DEPTH = 12  # how deep they nest, through <use> too
DEFINITIONS = {"defs", "symbol"}  # drawn only where a <use> names them
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
# SVG that could run or fetch anything: refused, though an <img> would not run it.
UNSAFE_SVG = {"script", "foreignObject", "iframe", "object", "embed"}


class BrandError(ValueError):
    """What is wrong with a look, every problem named: nothing was saved."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Look:
    name: str
    main_colour: str
    second_colour: str
    logo: bytes | None = None
    logo_type: str | None = None
    logo_alt: str = ""

    @property
    def logo_data_url(self) -> str | None:
        """The logo for a web page (inline, so the standalone page needs nothing else)."""
        if not self.logo:
            return None
        return f"data:{self.logo_type};base64,{base64.b64encode(self.logo).decode('ascii')}"

    @property
    def style(self) -> str:
        """The colours as CSS custom properties (each checked to be #rrggbb)."""
        return f"--brand: {self.main_colour}; --brand-second: {self.second_colour};"


DEFAULT = Look("The local area SEND partnership", "#1d70b8", "#f3f2f1")


def _luminance(colour: str) -> float:
    """WCAG 2.2 relative luminance of #rrggbb."""
    channels = []
    for i in (1, 3, 5):
        c = int(colour[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(text: str, background: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours, 1 to 21."""
    light, dark = sorted((_luminance(text), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_pairs(main: str, second: str) -> list[tuple[str, str, str]]:
    """Every (what, text colour, background colour) the bulletin prints with the brand."""
    return [
        (f"the main colour {main} as text on white", main, WHITE),
        (f"white text on the main colour {main}", WHITE, main),
        (f"near-black text on the second colour {second}", INK, second),
    ]


def contrast_problems(main: str, second: str) -> list[str]:
    """Each pair below 4.5:1, named with its ratio."""
    problems = []
    for what, text, background in text_pairs(main, second):
        ratio = contrast(text, background)
        if ratio < MIN_CONTRAST:
            shown = math.floor(ratio * 100) / 100  # never rounded up to look like a pass
            problems.append(
                f"{what} has a contrast of {shown:.2f}:1; text needs at least"
                f" {MIN_CONTRAST}:1 (WCAG AA). Choose a"
                f" {'darker' if text == WHITE or background == WHITE else 'lighter'} colour."
            )
    return problems


def _raster_size(data: bytes, what: str, kind: str) -> tuple[int, int]:
    """A PNG's or JPEG's width and height in pixels, read from its header by Pillow
    (nothing is unpacked)."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            return image.size
    except Exception as error:  # Pillow raises many kinds for a broken file
        raise BrandError([f"the {what} is not a {kind} that can be read ({error})"]) from None


def _drawn_elements(root: etree._Element, what: str = "logo") -> tuple[int, int]:
    """How many elements the SVG draws with every <use> expanded, and how deep they nest
    (svglib's time grows with both), worked out without expanding any: each element is
    measured once and reused wherever it is used. <defs> and <symbol> count where used."""
    elements = [e for e in root.iter() if isinstance(e.tag, str)]  # alive, so ids stay theirs
    by_id = {e.get("id"): e for e in elements if e.get("id")}
    measured: dict[int, tuple[int, int] | None] = {}

    def measure(element: etree._Element) -> tuple[int, int]:
        if id(element) in measured:
            if measured[id(element)] is None:
                raise BrandError(
                    [f"the SVG {what} has a <use> that uses itself; save it without one"]
                )
            return measured[id(element)]
        measured[id(element)] = None
        parts = [
            measure(child)
            for child in element
            if isinstance(child.tag, str) and etree.QName(child).localname not in DEFINITIONS
        ]
        if etree.QName(element).localname == "use":
            href = element.get("href") or element.get(XLINK_HREF) or ""
            used = by_id.get(href.removeprefix("#"))
            parts += [measure(used)] if used is not None else []
        size = (1 + sum(n for n, _ in parts), 1 + max((d for _, d in parts), default=0))
        measured[id(element)] = size
        return size

    return measure(root)


def _size_problem(
    width: float, height: float, unit: str, most: int, what: str = "logo"
) -> str | None:
    """Why a picture's width x height cannot be drawn, or None."""
    if all(math.isfinite(side) and 1 <= side <= most for side in (width, height)):
        return None
    return (
        f"the {what} is {width:g} × {height:g} {unit}; its width and height must each be from"
        f" 1 to {most:,} {unit}. Save it at a size in that range"
    )


def _svg_problems(data: bytes, what: str) -> None:
    """BrandError unless the SVG is one the PDF can draw quickly and safely."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError):
        root = None
    if root is None or etree.QName(root).localname != "svg":
        raise BrandError([f"the {what} must be {PICTURE_KINDS[what]} picture"])
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = etree.QName(element).localname
        if name in UNSAFE_SVG:
            raise BrandError([f"the SVG {what} holds a <{name}> element; save it without one"])
        for attribute, value in element.attrib.items():
            local = etree.QName(attribute).localname
            if local.startswith("on"):
                raise BrandError([f"the SVG {what} holds a script ({local}); save it without one"])
            if local == "href" and not value.startswith("#"):
                raise BrandError([f"the SVG {what} links to another file; save it as one file"])
    drawn, depth = _drawn_elements(root, what)
    if drawn > MAX_LOGO_ELEMENTS or depth > MAX_LOGO_DEPTH:
        raise BrandError(
            [
                f"the SVG {what} draws {drawn:,} shapes nested {depth} deep once each <use> is"
                f" counted; a {what} may draw at most {MAX_LOGO_ELEMENTS:,}, nested at most"
                f" {MAX_LOGO_DEPTH} deep. Simplify it, or save it as a PNG"
            ]
        )
    try:
        drawing = svg2rlg(io.BytesIO(data))  # what the PDF will draw
    except ValueError as error:  # a length it cannot read, such as width="x"
        raise BrandError([f"the SVG {what} cannot be drawn: {error}"]) from None
    if drawing is None or not (drawing.width > 0 and drawing.height > 0):
        raise BrandError([f"the SVG {what} has no size; give its <svg> a width and height"])
    problem = _size_problem(drawing.width, drawing.height, "points", MAX_LOGO_POINTS, what)
    if problem:
        raise BrandError([problem])


# What each kind of picture may be, in words: a section's picture may be a photograph.
PICTURE_KINDS = {"logo": "a PNG or an SVG", "picture": "a PNG, JPEG or SVG"}


def picture_type(data: bytes, what: str = "logo", most_bytes: int = MAX_LOGO_BYTES) -> str:
    """ "image/png", "image/svg+xml" or (for a section's "picture", not the logo)
    "image/jpeg", by the file's content, or BrandError saying what is wrong with the file.
    Quick whatever the file holds: a picture is drawn on the bulletin's PDF, so one that
    would take long or much memory to draw is refused here."""
    if len(data) > most_bytes:
        raise BrandError(
            [
                f"the {what} is {len(data) // 1024:,} KB; use one of at most"
                f" {most_bytes // 1024:,} KB"
            ]
        )
    raster = None
    if data.startswith(PNG_SIGNATURE):
        raster = ("image/png", "PNG")
    elif what == "picture" and data.startswith(JPEG_SIGNATURE):
        raster = ("image/jpeg", "JPEG")
    if raster:
        kind, name = raster
        problem = _size_problem(*_raster_size(data, what, name), "pixels", MAX_LOGO_PIXELS, what)
        if problem:
            raise BrandError([problem])
        return kind
    _svg_problems(data, what)
    return "image/svg+xml"


def logo_type(logo: bytes) -> str:
    """ "image/png" or "image/svg+xml", or BrandError saying what is wrong with the file."""
    return picture_type(logo, "logo")


@lru_cache(maxsize=4)
def drawable_logo(logo: bytes) -> bool:
    """Whether a stored logo passes today's checks (one stored before a check was added may
    not): a PDF leaves out a logo that does not. Checked once per process."""
    try:
        logo_type(logo)
    except BrandError:
        return False
    return True


def current() -> Look:
    """The partnership's look, or the default until one is saved."""
    row = db.session.scalar(select(Brand).limit(1))
    if row is None:
        return DEFAULT
    return Look(row.name, row.main_colour, row.second_colour, row.logo, row.logo_type, row.logo_alt)


def save_look(
    name: str,
    main_colour: str,
    second_colour: str,
    logo: bytes | None = None,
    logo_alt: str = "",
    remove_logo: bool = False,
    actor: str | None = None,
) -> Look:
    """Check and store the look. A colour failing contrast is refused, naming the pair and
    its ratio; nothing is saved unless everything passes. Without a new `logo`, the stored
    one stays (unless `remove_logo`)."""
    name, logo_alt = clean(name).strip(), clean(logo_alt).strip()
    main_colour, second_colour = main_colour.strip().lower(), second_colour.strip().lower()
    problems = [
        f"the {which} colour must be written #rrggbb, like #1d70b8; found {colour!r}"
        for which, colour in (("main", main_colour), ("second", second_colour))
        if not COLOUR.fullmatch(colour)
    ]
    if not name:
        problems.append("enter the partnership's name")
    if not problems:
        problems += contrast_problems(main_colour, second_colour)
    kind = None
    if logo:
        try:
            kind = logo_type(logo)
        except BrandError as error:
            problems += error.problems
        if not logo_alt:
            problems.append("say in a few words what the logo shows, for people who cannot see it")
    if problems:
        raise BrandError(problems)
    row = db.session.scalar(select(Brand).limit(1))
    if row is None:
        row = Brand()
        db.session.add(row)
    row.name, row.main_colour, row.second_colour = name, main_colour, second_colour
    if logo:
        row.logo, row.logo_type, row.logo_alt = logo, kind, logo_alt
    elif remove_logo:
        row.logo, row.logo_type, row.logo_alt = None, None, ""
    elif logo_alt and row.logo:
        row.logo_alt = logo_alt
    audit.record("edit brand", f"{name}: {main_colour}, {second_colour}", actor=actor)
    return current()
