"""The sections officers shape: add, move, rename and remove them (nothing lost without
asking), a new term starting from the last bulletin's sections, each kind in the web page,
the PDF, the Word document and (a story) the easy-read edition; section pictures checked
like the logo, with alt text required; headline measures kept by code."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from docx.oxml.ns import qn
from flask import current_app
from flask_migrate import downgrade, upgrade
from PIL import Image
from sqlalchemy import select, text

from sefvoice.bulletin import sections, service
from sefvoice.bulletin.brand import BrandError, logo_type, picture_type
from sefvoice.bulletin.content import build_content
from sefvoice.bulletin.docx import build_docx
from sefvoice.bulletin.easy_read import build_easy_read
from sefvoice.bulletin.pdf.full import build_pdf
from sefvoice.bulletin.views import render_page
from sefvoice.extensions import db
from sefvoice.models import AuditEvent, BulletinSection, Commitment, Indicator

from .conftest import csrf_token, make_app, sign_in
from .test_bulletin import CREATED, flat, make_data, pages_text, term
from .test_logo_limits import fan_out, png

EDIT = "/bulletins/summer-2023/edit"


def photo(width: int = 80, height: int = 60) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "#28a197").save(buffer, "JPEG")
    return buffer.getvalue()


def keys(bulletin) -> list[str]:
    db.session.expire(bulletin, ["sections"])
    return [s.key for s in bulletin.sections]


def test_the_first_bulletin_starts_from_the_template_and_the_next_copies_its_sections(ctx):
    spring = service.create_bulletin(term("Spring 2023"))
    assert keys(spring) == [
        "welcome",
        "strategy",
        "governance",
        "you-said",
        *(f"outcome-{n}" for n in range(1, 6)),
    ]
    story = sections.add_section(spring, "story", "Good practice")
    sections.add_section(spring, "involved")
    sections.move_section(spring, story.key, -1)
    sections.remove_section(spring, "strategy")
    service.save_section(spring, "welcome", "Spring's own words.", "", ["Spring's line"])
    spring_order = keys(spring)
    assert spring_order[-3:] == ["story-1", "outcome-5", "involved-1"]
    summer = service.create_bulletin(term("Summer 2023"))
    assert keys(summer) == spring_order
    copied = {s.key: s for s in summer.sections}
    assert copied[story.key].title == "Good practice" and copied[story.key].kind == "story"
    assert copied["welcome"].body == ""  # the structure is copied, not the words
    # Spring's line is carried into summer's "You said, we did", as before.
    assert [c.text for c in summer.commitments if c.carried_from_id] == ["Spring's line"]


def test_moving_renaming_adding_and_removing_keep_the_order_and_are_audited(ctx):
    bulletin = service.create_bulletin(term("Summer 2023"))
    sections.move_section(bulletin, "strategy", -1)
    assert keys(bulletin)[:3] == ["strategy", "welcome", "governance"]
    sections.move_section(bulletin, "strategy", -1)  # at the top it stays
    sections.move_section(bulletin, "outcome-5", 1)  # at the foot it stays
    assert keys(bulletin)[0] == "strategy" and keys(bulletin)[-1] == "outcome-5"
    service.save_section(
        bulletin, "welcome", "Hi.", "", [], shape=service.Shape(title="Hello from us")
    )
    assert sections.title_of(sections.section_row(bulletin, "welcome")) == "Hello from us"
    sections.remove_section(bulletin, "outcome-4")
    assert 4 in sections.missing_outcomes(bulletin)
    sections.add_section(bulletin, "outcome", outcome=4)
    assert keys(bulletin)[-1] == "outcome-4"
    with pytest.raises(sections.SectionError, match="no section for"):
        sections.add_section(bulletin, "outcome", outcome=4)
    with pytest.raises(sections.SectionError, match="what kind"):
        sections.add_section(bulletin, "poster")
    positions = [s.position for s in bulletin.sections]
    assert positions == list(range(len(positions)))
    details = db.session.scalars(select(AuditEvent.detail)).all()
    assert any("moved Our SEND strategy up" in d for d in details)
    assert any("removed Outcome 4" in d for d in details)


def test_removing_a_section_asks_first_and_says_what_goes(app, client):
    with app.app_context():
        spring = service.create_bulletin(term("Spring 2023"))
        service.save_section(spring, "governance", "Words.", "", ["Joint review", "Other"])
        summer = service.create_bulletin(term("Summer 2023"))
        carried = next(c for c in summer.commitments if c.text == "Joint review")
        service.save_progress(summer, {carried.id: ("done", "It is done")})
    sign_in(client, "officer")
    url = "/bulletins/spring-2023/sections/governance/remove"
    page = client.get(url).get_data(as_text=True)
    assert "Remove “Governance and leadership”?" in page
    assert "6 characters" in page and "Joint review" in page
    assert "progress recorded on 1 of them" in page
    # Sent without the confirming button: nothing goes.
    reply = client.post(url, data={"csrf_token": csrf_token(client, url)})
    assert reply.status_code == 302
    with app.app_context():
        assert sections.section_row(service.bulletin_for(term("Spring 2023")), "governance")
    reply = client.post(url, data={"csrf_token": csrf_token(client, url), "confirm": "yes"})
    assert reply.status_code == 302
    with app.app_context():
        spring = service.bulletin_for(term("Spring 2023"))
        assert sections.section_row(spring, "governance") is None
        assert not db.session.scalars(select(Commitment).filter_by(section="governance")).all()


def test_officers_shape_sections_on_the_edit_page_without_javascript(app, client):
    with app.app_context():
        service.create_bulletin(term("Summer 2023"))
    sign_in(client, "officer")
    page = client.get(EDIT).get_data(as_text=True)
    assert "<script" not in page.split("<main", 1)[1]
    assert page.count(">Move up<") == 8 and page.count(">Move down<") == 8
    token = csrf_token(client, EDIT)
    reply = client.post(
        "/bulletins/summer-2023/sections",
        data={"csrf_token": token, "kind": "involved", "new_title": "Join in"},
    )
    assert reply.status_code == 302 and reply.location.endswith("/sections/involved-1")
    reply = client.post(
        "/bulletins/summer-2023/sections/involved-1/move",
        data={"csrf_token": token, "direction": "up"},
    )
    assert reply.status_code == 302
    with app.app_context():
        bulletin = service.bulletin_for(term("Summer 2023"))
        assert keys(bulletin)[-2:] == ["involved-1", "outcome-5"]
    reply = client.post("/bulletins/summer-2023/sections", data={"csrf_token": token})
    assert reply.status_code == 400 and "Choose what kind of section to add." in reply.get_data(
        as_text=True
    )
    bad = client.post(
        "/bulletins/summer-2023/sections/involved-1/move",
        data={"csrf_token": token, "direction": "sideways"},
    )
    assert bad.status_code == 400


def _story_form(client, url: str, **fields):
    return client.post(
        url,
        data={"csrf_token": csrf_token(client, url), "save": "Save", **fields},
        content_type="multipart/form-data",
    )


def test_a_story_picture_needs_alt_text_and_nothing_typed_is_lost(app, client):
    with app.app_context():
        bulletin = service.create_bulletin(term("Summer 2023"))
        sections.add_section(bulletin, "story", "Artwork")
    sign_in(client, "officer")
    url = "/bulletins/summer-2023/sections/story-1"
    words = "A young person's artwork & what it taught us."
    reply = _story_form(
        client,
        url,
        body=words,
        caption="By a young person",
        new_picture=(io.BytesIO(photo()), "art.jpg"),
    )
    page = reply.get_data(as_text=True)
    assert reply.status_code == 400
    assert "Say in a few words what the picture shows (its alt text)" in page
    assert "A young person&#39;s artwork &amp; what it taught us." in page
    assert 'value="By a young person"' in page
    assert "The picture you chose is kept: you need not choose it again." in page
    kept = re.search(r'name="picture_token" value="([0-9a-f]+)"', page)[1]
    with app.app_context():
        assert sections.section_row(service.bulletin_for(term("Summer 2023")), "story-1").body == ""
    # The alt text added; the picture is not chosen again.
    reply = _story_form(
        client,
        url,
        body=words,
        caption="By a young person",
        alt="A green square",
        picture_token=kept,
    )
    assert reply.status_code == 302, reply.get_data(as_text=True)[:2000]
    with app.app_context():
        story = sections.section_row(service.bulletin_for(term("Summer 2023")), "story-1")
        assert story.body == words and story.picture_alt == "A green square"
        assert sections.picture_of(story.picture_id).kind == "image/jpeg"
    # A picture that fails the logo's checks is refused, with the words kept.
    reply = _story_form(
        client, url, body="Kept words", alt="x", new_picture=(io.BytesIO(b"GIF89a"), "a.png")
    )
    page = reply.get_data(as_text=True)
    assert reply.status_code == 400 and "must be a PNG, JPEG or SVG picture" in page
    assert "Kept words" in page


def test_section_pictures_are_checked_like_the_logo():
    assert picture_type(photo(), "picture") == "image/jpeg"
    assert picture_type(png(40, 40), "picture") == "image/png"
    with pytest.raises(BrandError, match="the logo must be a PNG or an SVG picture"):
        logo_type(photo())  # a logo is drawn small: PNG or SVG, as before
    refused = [
        (b"GIF89a", "must be a PNG, JPEG or SVG picture"),
        (b"\xff\xd8\xffbroken", "is not a JPEG that can be read"),
        (png(5000, 10), "the picture is 5000 × 10 pixels"),
        (fan_out(40, 2), "the SVG picture draws 4,"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "<script> element"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * sections.MAX_PICTURE_BYTES, "use one of at most 1,024 KB"),
    ]
    for data, message in refused:
        with pytest.raises(BrandError, match=re.escape(message)):
            picture_type(data, "picture", sections.MAX_PICTURE_BYTES)


def test_headline_measures_are_kept_by_code_so_a_new_name_keeps_them(ctx):
    make_data()
    bulletin = service.bulletin_for(term("Summer 2023"))
    service.save_section(bulletin, "outcome-3", "Waits.", "", [], headline=["wait", "in-20-weeks"])
    assert sections.section_row(bulletin, "outcome-3").headline_measures == "wait\nin-20-weeks"
    measure = db.session.scalars(select(Indicator).filter_by(code="wait")).one()
    measure.name = "Longest wait for any therapy"  # the import keeps names: a rename is by hand
    db.session.commit()
    outcome = next(s for s in build_content(term("Summer 2023")).outcomes if s.key == "outcome-3")
    assert [card.label for card in outcome.feedback.cards] == [
        "Positive answers from families",
        "Longest wait for any therapy",
        "New EHC plans issued within 20 weeks",
    ]


def _every_kind(bulletin) -> None:
    """A bulletin with a section of each kind but the outcomes' (already there)."""
    story = sections.add_section(bulletin, "story", "Artwork")
    picture = sections.store_picture(png(60, 40))
    service.save_section(
        bulletin,
        story.key,
        "It shows feelings.",
        "",
        [],
        easy_read="A young person drew this.",
        shape=service.Shape("Artwork", picture.id, "A teal rectangle", "By a young person"),
    )
    table = sections.add_section(bulletin, "table", "School nurse drop-ins")
    service.save_section(
        bulletin,
        table.key,
        "| 2022/23 | Q1 | Q2 |\n|---|--:|--:|\n| Seen | 506 | 320 |",
        "",
        ["Drop-in figures for Q3"],
    )
    with pytest.raises(service.BulletinError, match="needs a table"):
        service.save_section(bulletin, table.key, "No table here.", "", [])
    sections.add_section(bulletin, "co-production", "Co-production")
    sections.add_section(bulletin, "involved")
    sections.add_section(bulletin, "next")


def test_each_kind_shows_in_the_web_page_the_pdf_the_word_document_and_easy_read(ctx):
    make_data()
    bulletin = service.bulletin_for(term("Summer 2023"))
    _every_kind(bulletin)
    content = build_content(term("Summer 2023"))
    kinds = [s.kind for s in content.sections]
    assert {"story", "table", "co-production", "involved", "next", "you-said"} <= set(kinds)
    with current_app.test_request_context():
        page = render_page(content, standalone=True)
    assert 'alt="A teal rectangle"' in page and "By a young person" in page
    assert "How many families took part in Summer 2023" in page
    assert "Ask your school or college for a paper survey." in page  # ways to take part
    assert page.index("School nurse drop-ins") < page.index("In the next bulletin</h2>")
    text = flat(" ".join(pages_text(build_pdf(content, created=CREATED))))
    assert "By a young person" in text and "Sent survey answers 14" in text
    assert "Seen 506 320" in text
    # "In the next bulletin" gathers every section's lines.
    assert re.search(r"In the next bulletin .*School nurse drop-ins • Drop-in figures for Q3", text)
    document = Document(io.BytesIO(build_docx(content)))
    alts = [d.get("descr") for d in document.element.body.iter(qn("wp:docPr"))]
    assert "A teal rectangle" in alts
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings.index("Artwork") < headings.index("How to get involved")
    assert "By a young person" in [p.text for p in document.paragraphs if p.style.name == "Caption"]
    edition = build_easy_read(content)
    assert [s.lines for s in edition.stories] == [["A young person drew this."]]
    assert edition.stories[0].picture.alt == "A teal rectangle"
    assert not edition.problems()


def test_a_section_removed_is_left_out_everywhere(ctx):
    make_data()
    bulletin = service.bulletin_for(term("Summer 2023"))
    sections.remove_section(bulletin, "outcome-2")
    sections.remove_section(bulletin, "you-said")
    content = build_content(term("Summer 2023"))
    assert [s.key for s in content.outcomes] == ["outcome-1", "outcome-3", "outcome-4", "outcome-5"]
    text = flat(" ".join(pages_text(build_pdf(content, created=CREATED))))
    assert "You said, we did" not in text.split(content.APPENDIX)[0]
    assert "outcome-2" not in [s.key for s in build_easy_read(content).outcomes]


def test_the_demo_summer_bulletin_has_a_story_with_a_picture_co_production_and_how_to_join_in(
    ctx,
):
    from sefvoice.demo import load_demo_data

    load_demo_data()
    service.load_demo_bulletin()
    content = build_content(term("Summer 2023"))
    by_kind = {s.kind: s for s in content.sections}
    story = by_kind["story"]
    assert story.picture and story.picture.kind == "image/svg+xml"
    assert story.picture.alt.startswith("A child's drawing of a large grey strawberry")
    assert {"co-production", "involved", "you-said"} <= set(by_kind)
    stored = db.session.scalars(select(BulletinSection).filter_by(kind="story")).one()
    assert stored.picture_alt == story.picture.alt


def test_the_migration_gives_every_bulletin_its_sections_and_picks_by_code(database_url):
    """Upgrading a database from 0021: a bulletin's written sections keep their words and
    gain the rest, in the order they printed; a headline picked by name becomes its code."""
    app = make_app(database_url, CHECK_MIGRATED=False)
    with app.app_context():
        downgrade(revision="0021")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO indicator (code, name, domain, unit, outcome, source)"
                    " VALUES ('wait', 'Longest wait', 'health', 'weeks', 3, '')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO bulletin (id, term_name, starts_on, title, figures_in_full,"
                    " created_at, updated_at) VALUES (1, 'Summer 2023', '2023-04-16', 'T',"
                    " TRUE, '2023-05-01', '2023-05-01')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO bulletin_section (bulletin_id, key, body, stories, easy_read,"
                    " headline_measures, updated_at) VALUES (1, 'outcome-3', 'Waits.', '', '',"
                    " 'Longest wait', '2023-05-01')"
                )
            )
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT key, kind, position, body, headline_measures FROM bulletin_section"
                    " ORDER BY position"
                )
            ).all()
        with db.engine.begin() as connection:  # the database is shared by the later tests
            connection.execute(text("DELETE FROM bulletin"))
            connection.execute(text("DELETE FROM indicator"))
        db.engine.dispose()
    assert [(key, kind) for key, kind, *_ in rows] == [
        ("welcome", "text"),
        ("strategy", "text"),
        ("governance", "text"),
        ("you-said", "you-said"),
        *((f"outcome-{n}", "outcome") for n in range(1, 6)),
    ]
    assert [r.position for r in rows] == list(range(9))
    outcome_3 = next(r for r in rows if r.key == "outcome-3")
    assert (outcome_3.body, outcome_3.headline_measures) == ("Waits.", "wait")
