"""The accessible edition: the bulletin as a Word document, read back with python-docx."""

from __future__ import annotations

import io

import pytest
from docx import Document
from docx.oxml.ns import qn
from sqlalchemy import select

from sefvoice.bulletin import service
from sefvoice.bulletin.content import build_content
from sefvoice.bulletin.docx import build_docx
from sefvoice.extensions import db
from sefvoice.models import AuditEvent

from .conftest import sign_in
from .test_bulletin import term

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def demo_docx(ctx):
    from sefvoice.demo import load_demo_data

    load_demo_data()
    service.load_demo_bulletin()
    content = build_content(term("Summer 2023"))
    return content, Document(io.BytesIO(build_docx(content, base_url="https://sefvoice.example/")))


def _headings(document) -> list[tuple[int, str]]:
    return [
        (int(p.style.name.removeprefix("Heading ")), p.text)
        for p in document.paragraphs
        if p.style.name.startswith("Heading ")
    ]


def test_the_word_document_has_real_headings_in_order(demo_docx):
    content, document = demo_docx
    headings = _headings(document)
    tops = [text for level, text in headings if level == 1]
    assert tops[:5] == [
        "Welcome",
        "Names matter: a young person's artwork",
        "Our SEND strategy",
        "Governance and leadership",
        "What families told us",  # before the first outcome
    ]
    assert {"Co-production", "How to get involved", "You said, we did"} <= set(tops)
    assert tops[-2:] == ["About the figures", content.APPENDIX]
    assert [s.title for s in content.outcomes] == [t for t in tops if t.startswith("Outcome")]
    # Levels never skip one (a screen reader's list of headings stays a tree).
    levels = [level for level, _ in headings]
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))
    assert document.paragraphs[[p.style.name for p in document.paragraphs].index("Title")].text == (
        content.title
    )


def test_every_picture_has_alt_text_and_every_chart_its_summary(demo_docx):
    content, document = demo_docx
    alts = [d.get("descr") for d in document.element.body.iter(qn("wp:docPr"))]
    charts = [f.summary for f in content.figures if f.summary]
    assert alts and all(alts)
    assert alts[0] == content.look.logo_alt
    assert set(charts) <= set(alts)


def test_tables_have_header_rows_that_repeat(demo_docx):
    _, document = demo_docx
    assert len(document.tables) > 20
    for table in document.tables:
        first = table.rows[0]._tr
        assert first.find(qn("w:trPr")).find(qn("w:tblHeader")) is not None
    rows = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    assert ["Children and young people seen", "506", "320", "712"] in rows


def test_the_document_says_its_language_and_who_publishes_it(demo_docx):
    content, document = demo_docx
    assert document.core_properties.language == "en-GB"
    assert document.core_properties.author == content.look.name
    defaults = document.styles.element.find(qn("w:docDefaults"))
    language = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert language.get(qn("w:val")) == "en-GB"


def test_links_are_live(demo_docx):
    _, document = demo_docx
    targets = {r.target_ref for r in document.part.rels.values() if r.is_external}
    assert "https://www.herefordshire.gov.uk/" in targets


def test_officers_download_the_word_document(app, client):
    with app.app_context():
        service.create_bulletin(term("Summer 2023"))
    sign_in(client, "officer")
    reply = client.get("/bulletins/summer-2023/bulletin.docx")
    assert reply.status_code == 200 and reply.mimetype == DOCX
    assert 'filename="bulletin-summer-2023.docx"' in reply.headers["Content-Disposition"]
    assert Document(io.BytesIO(reply.data)).core_properties.language == "en-GB"
    assert client.get("/bulletins/summer-2023/easy-read.docx").status_code == 404
    page = client.get("/bulletins/summer-2023/").get_data(as_text=True)
    assert "bulletin.docx" in page and "accessible" in page
    with app.app_context():
        exports = db.session.scalars(select(AuditEvent.detail).filter_by(action="export")).all()
    assert exports == ["bulletin Summer 2023 as docx"]
