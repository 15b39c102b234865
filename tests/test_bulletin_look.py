"""The partnership's look: colours checked for contrast (WCAG AA) with a refusal naming the
pair and its ratio, logos checked, kept in the database, and used by both outputs."""

from __future__ import annotations

import io

import pdfplumber
import pytest
from PIL import Image

from sefvoice.bulletin import brand
from sefvoice.bulletin.brand import BrandError, contrast, current, save_look
from sefvoice.bulletin.content import build_content
from sefvoice.bulletin.pdf.full import build_pdf
from sefvoice.terms import calendar

from .conftest import post_form, sign_in

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
    b'<rect width="40" height="20" fill="#005a70"/></svg>'
)


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 30), "#005a70").save(buffer, "PNG")
    return buffer.getvalue()


def test_contrast_is_the_wcag_ratio():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1)
    assert contrast("#ffffff", "#1d70b8") == pytest.approx(5.17, abs=0.01)  # GOV.UK blue
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the AA edge


def test_a_colour_that_fails_contrast_is_refused_naming_the_pair_and_ratio(ctx):
    with pytest.raises(BrandError) as refused:
        save_look("Area partnership", "#ffdd00", "#0b0c0c")
    problems = refused.value.problems
    assert problems == [
        "the main colour #ffdd00 as text on white has a contrast of 1.34:1; text needs at"
        " least 4.5:1 (WCAG AA). Choose a darker colour.",
        "white text on the main colour #ffdd00 has a contrast of 1.34:1; text needs at least"
        " 4.5:1 (WCAG AA). Choose a darker colour.",
        "near-black text on the second colour #0b0c0c has a contrast of 1.00:1; text needs at"
        " least 4.5:1 (WCAG AA). Choose a lighter colour.",
    ]
    # 4.48:1 is refused, and not shown rounded up to 4.5:1.
    with pytest.raises(BrandError, match=r"white text on the main colour #777777 .* 4\.47:1"):
        save_look("Area partnership", "#777777", "#ffffff")
    with pytest.raises(BrandError, match="must be written #rrggbb"):
        save_look("Area partnership", "blue", "#ffffff")
    assert current() == brand.DEFAULT  # nothing saved


@pytest.mark.parametrize(
    ("logo", "message"),
    [
        (b"GIF89a", "must be a PNG or an SVG"),
        (b"\x89PNG\r\n\x1a\nbroken", "not a PNG that can be read"),
        (SVG.replace(b"<rect", b"<script>alert(1)</script><rect"), "holds a <script>"),
        (SVG.replace(b"<rect", b'<rect onclick="x()"'), r"holds a script \(onclick\)"),
        (SVG.replace(b"<rect", b'<image href="https://x.example/a.png"/><rect'), "another file"),
        (b"x" * (501 * 1024), "use one of at most 500 KB"),
    ],
)
def test_a_bad_logo_is_refused_and_nothing_is_saved(ctx, logo, message):
    with pytest.raises(BrandError, match=message):
        save_look("Area partnership", "#005a70", "#e6f2f1", logo, "A logo")
    assert current() == brand.DEFAULT


def test_the_look_is_kept_in_the_database_and_used_on_the_cover_and_headers(ctx):
    save_look("Area partnership", "#005A70", "#e6f2f1", SVG, "A teal box")
    look = current()
    assert (look.main_colour, look.logo_type, look.logo) == ("#005a70", "image/svg+xml", SVG)
    save_look("Area partnership", "#6f2c91", "#fde9b6", png(), "A teal box")
    save_look("Area partnership", "#6f2c91", "#fde9b6")  # no new logo: the PNG stays
    assert current().logo_type == "image/png"
    data = build_pdf(build_content(calendar().named("Summer 2023")))
    with pdfplumber.open(io.BytesIO(data)) as document:
        cover, second = document.pages[0], document.pages[1]
        assert cover.images  # the logo
        white_on_brand = {
            char["text"]
            for char in cover.chars
            if char["non_stroking_color"] == (1, 1, 1)
            and any(
                rect["non_stroking_color"] == pytest.approx((0x6F / 255, 0x2C / 255, 0x91 / 255))
                for rect in cover.rects
            )
        }
        assert white_on_brand  # the title, in white on the main colour
        header = [c for c in second.chars if c["top"] < 40]
        assert "".join(c["text"] for c in header).startswith("Area partnership")
        assert {tuple(round(v, 3) for v in c["non_stroking_color"]) for c in header} == {
            (round(0x6F / 255, 3), round(0x2C / 255, 3), round(0x91 / 255, 3))
        }
    save_look("Area partnership", "#6f2c91", "#fde9b6", remove_logo=True)
    assert current().logo is None


def test_officers_set_the_look_on_a_page(app, client):
    sign_in(client, "pcv_rep")
    assert client.get("/bulletins/look").status_code == 403
    sign_in(client, "officer")
    page = client.get("/bulletins/look").get_data(as_text=True)
    assert "Sample text" in page and "#1d70b8" in page
    form = {"name": "Area partnership", "main_colour": "#ffdd00", "second_colour": "#ffffff"}
    refused = post_form(client, "/bulletins/look", form)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "Nothing was saved" in text
    assert "The main colour #ffdd00 as text on white has a contrast of 1.34:1" in text
    form = {**form, "main_colour": "#005a70", "new_logo": (io.BytesIO(SVG), "logo.svg")}
    assert post_form(client, "/bulletins/look", form).status_code == 400  # no words for it
    form = {**form, "new_logo": (io.BytesIO(SVG), "logo.svg"), "logo_alt": "A teal box"}
    assert post_form(client, "/bulletins/look", form).status_code == 302
    with app.app_context():
        assert current().logo == SVG
    page = client.get("/bulletins/look").get_data(as_text=True)
    assert 'src="data:image/svg+xml;base64,' in page and 'alt="A teal box"' in page
    # Sent again without a file (as a browser does), the stored logo stays as it is.
    form = {k: v for k, v in form.items() if k != "new_logo"}
    assert post_form(client, "/bulletins/look", form).status_code == 302
    with app.app_context():
        assert current().logo == SVG
