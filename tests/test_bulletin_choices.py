"""What officers choose for each bulletin: the partnership's one name (from its look), the
figures appendix in or out, and each outcome's headline measures."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from sefvoice.bulletin import service
from sefvoice.bulletin.brand import save_look
from sefvoice.bulletin.content import build_content
from sefvoice.bulletin.pdf.full import build_pdf
from sefvoice.extensions import db

from .test_bulletin import CREATED, flat, make_data, pages_text, term


@pytest.fixture
def data(app):
    with app.app_context():
        make_data()
    return app


def _summer():
    bulletin = service.bulletin_for(term("Summer 2023"))
    return bulletin, build_content(term("Summer 2023"))


def test_one_name_for_the_partnership_on_the_cover_header_and_metadata(data):
    with data.app_context():
        save_look("Area partnership", "#005a70", "#e6f2f1")
        service.create_bulletin(term("Autumn 2023"))
        pdf = build_pdf(build_content(term("Autumn 2023")), created=CREATED)
        pages = pages_text(pdf)
    assert "Area partnership" in pages[0] and "Area partnership" in pages[2]
    assert not any("The local area SEND partnership" in page for page in pages)
    assert PdfReader(io.BytesIO(pdf)).metadata.author == "Area partnership"


def test_the_figures_appendix_can_be_left_out(data):
    with data.app_context():
        bulletin, content = _summer()
        whole = pages_text(build_pdf(content, created=CREATED))
        service.save_details(bulletin, bulletin.title, figures_in_full=False)
        db.session.expire_all()
        content = build_content(term("Summer 2023"))
        short = pages_text(build_pdf(content, created=CREATED))
    assert any(content.APPENDIX in page for page in whole)
    assert not any(content.APPENDIX in page for page in short)
    assert len(short) < len(whole)


def test_officers_pick_each_outcomes_headline_measures(data):
    with data.app_context():
        bulletin, content = _summer()
        outcome = next(s for s in content.outcomes if s.key == "outcome-3")
        # Until an officer picks some, the outcome shows families' figure alone.
        assert [card.label for card in outcome.feedback.cards] == ["Positive answers from families"]
        service.save_section(bulletin, "outcome-3", "Waits.", "", [], headline=["wait"])
        db.session.expire_all()
        content = build_content(term("Summer 2023"))
        outcome = next(s for s in content.outcomes if s.key == "outcome-3")
        assert [card.label for card in outcome.feedback.cards] == [
            "Positive answers from families",
            "Longest wait for therapy",
        ]
        text = flat(" ".join(pages_text(build_pdf(content, created=CREATED))))
        assert "37 weeks" in text  # the card's figure (the card is four columns wide)
        with pytest.raises(service.BulletinError, match="not a measure of this outcome"):
            service.save_section(
                bulletin,
                "outcome-3",
                "Waits.",
                "",
                [],
                headline=["plans"],  # a measure of outcome 1
            )
