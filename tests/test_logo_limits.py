"""A logo is drawn on every bulletin PDF, so one that would take long or much memory to draw
is refused when it is uploaded: SVG <use> fan-out, a PNG of too many pixels, and sizes that
are not a size (1e308, inf, 1e-300). One stored before these checks is left off the PDF."""

from __future__ import annotations

import io
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from sefvoice.bulletin import brand
from sefvoice.bulletin.brand import BrandError, current, logo_type, save_look
from sefvoice.bulletin.content import build_content
from sefvoice.bulletin.pdf import build_pdf
from sefvoice.bulletin.pdf.shared import picture
from sefvoice.extensions import db
from sefvoice.models import Brand
from sefvoice.terms import calendar

SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'


def fan_out(shapes: int, levels: int) -> bytes:
    """`shapes` rectangles, then `levels` groups that each use the one before ten times."""
    rects = "".join(
        f'<rect x="{n % 50}" y="{n // 50}" width="1" height="1"/>' for n in range(shapes)
    )
    parts = [f'<g id="g0">{rects}</g>']
    for level in range(1, levels + 1):
        uses = f'<use xlink:href="#g{level - 1}"/>' * 10
        parts.append(f'<g id="g{level}">{uses}</g>')
    defs = f"<defs>{''.join(parts)}</defs>"
    return f'{SVG_OPEN} width="100" height="100">{defs}<use href="#g{levels}"/></svg>'.encode()


def sized_svg(width: str, height: str = "20") -> bytes:
    return (
        f'{SVG_OPEN} width="{width}" height="{height}"><rect width="4" height="2"/></svg>'.encode()
    )


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, "PNG")
    return buffer.getvalue()


def test_use_fan_out_is_counted_and_refused_quickly(ctx):
    logo = fan_out(40, 2)  # 40 rectangles drawn 100 times: 4,000 shapes from a 2 KB file
    started = time.perf_counter()
    with pytest.raises(
        BrandError, match=r"draws 4,\d\d\d shapes nested \d+ deep once each <use> is counted"
    ):
        save_look("Area partnership", "#005a70", "#e6f2f1", logo, "A logo")
    assert time.perf_counter() - started < 2  # 25 s before the count
    assert current() == brand.DEFAULT


def test_the_reported_fan_out_is_refused_in_milliseconds():
    logo = fan_out(300, 2)  # the 9 KB logo that took 39 s to upload and every PDF after
    started = time.perf_counter()
    with pytest.raises(BrandError, match="draws 30,"):
        logo_type(logo)
    assert time.perf_counter() - started < 1  # 39 s before the count


def test_deep_nesting_is_refused_before_svglib_walks_it():
    nested = "<g>" * 200 + '<rect width="1" height="1"/>' + "</g>" * 200
    logo = f'{SVG_OPEN} width="10" height="10">{nested}</svg>'.encode()
    started = time.perf_counter()
    with pytest.raises(BrandError, match="nested 202 deep"):
        logo_type(logo)
    assert time.perf_counter() - started < 1  # 39 s before the count


def test_a_use_that_uses_itself_is_refused():
    logo = f'{SVG_OPEN} width="10" height="10"><g id="a"><use href="#a"/></g></svg>'.encode()
    with pytest.raises(BrandError, match="uses itself"):
        logo_type(logo)


def test_a_logo_that_draws_a_few_shapes_a_few_times_is_kept(ctx):
    save_look("Area partnership", "#005a70", "#e6f2f1", fan_out(20, 1), "Dots")
    assert current().logo_type == "image/svg+xml"


def test_a_png_of_too_many_pixels_is_refused_from_its_header():
    with pytest.raises(BrandError, match=r"4001 × 10 pixels; its width and height must each"):
        logo_type(png(4001, 10))
    assert logo_type(png(4000, 10)) == "image/png"


@pytest.mark.parametrize("width", ["1e308", "inf", "1e-300", "-5", "0.5", "9999999"])
def test_odd_svg_sizes_are_refused_with_a_clear_message(width):
    with pytest.raises(BrandError, match="(the logo is|the SVG logo has no size)"):
        logo_type(sized_svg(width))


SIZES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["1e308", "inf", "-inf", "1e-300", "NaN", "0", "1e3px", "10%", "", "x"]),
    st.integers(-(10**12), 10**12).map(str),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SIZES, SIZES)
def test_any_svg_size_is_refused_or_drawn_at_a_finite_size(width, height):
    logo = sized_svg(width, height)
    try:
        kind = logo_type(logo)
    except BrandError as refused:
        assert refused.problems and len(str(refused)) < 300
        return
    drawn = picture(logo, kind, 90, 100)
    assert 0 < drawn.width <= 90.001 and 0 < drawn.height <= 100.001


def test_a_stored_logo_that_fails_todays_checks_is_left_off_the_pdf(ctx):
    save_look("Area partnership", "#005a70", "#e6f2f1")
    db.session.query(Brand).update({"logo": sized_svg("inf"), "logo_type": "image/svg+xml"})
    db.session.commit()
    pdf = build_pdf(build_content(calendar().named("Summer 2023")))
    assert pdf.startswith(b"%PDF")
