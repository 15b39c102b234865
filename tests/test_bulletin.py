"""The termly bulletin: commitments carried between bulletins, the PDF opened with pypdf and
pdfplumber (pages, outline, metadata, contents page numbers, the figures printed, links),
the web page, the officers' pages and roles, the export command and the demo."""

from __future__ import annotations

import functools
import io
import re
from datetime import datetime

import pdfplumber
import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from sqlalchemy import func, select

from sefvoice import answer_tally
from sefvoice.auth import service as auth_service
from sefvoice.bulletin import register, service
from sefvoice.bulletin.brand import save_look
from sefvoice.bulletin.content import build_content
from sefvoice.bulletin.pdf.full import build_pdf
from sefvoice.bulletin.pdf.shared import MARGIN
from sefvoice.demo import generate_responses
from sefvoice.extensions import db
from sefvoice.feedback import comments
from sefvoice.indicators import service as indicators
from sefvoice.indicators.importer import read_rows
from sefvoice.models import Answer, AuditEvent, CommentReview, Commitment, Response
from sefvoice.surveys import held as held_responses
from sefvoice.surveys import versions as survey_versions
from sefvoice.terms import calendar

from .conftest import PASSWORD, app_with_surveys, job_result, post_form, sign_in
from .test_feedback import _respond

CREATED = datetime(2023, 9, 1, 9, 30)
MEASURES = b"""code,name,domain,period,value,unit,england,target,higher_is_better,outcome
plans,EHC plans the area is responsible for,education,2017-01,866,count,,,,1
plans,EHC plans the area is responsible for,education,2023-01,1212,count,,,,1
cla,Care-experienced children with an EHC plan,care,2023-01,23.9%,percent,22.3%,,,1
in-20-weeks,New EHC plans issued within 20 weeks,education,2023-04,100%,percent,50.7,90,yes,3
in-20-weeks,New EHC plans issued within 20 weeks,education,2023-05,95%,percent,50.7,90,yes,3
wait,Longest wait for therapy,health,2023-07,37,weeks,x,30,no,3
"""
HOSTILE = (
    "<script>alert('x')</script> [click](javascript:alert(1)) **unbalanced\x00\x1b\n\n"
    "## A real heading\n[Our website](https://example.org/send) and [a page](/bulletins/)\n"
    + "word "
    * 3000
)


def term(name: str):
    return calendar().named(name)


def officer(email: str = "officer@example.org"):
    return auth_service.create_user(email, PASSWORD, "officer")


def make_data() -> None:
    """Summer 2023 on the test survey: 14 people (pick-one 9 cats 5 dogs; views-included
    6 yes, 5 partly, 3 no; 10 on their own and online, 4 with help on paper), three
    approved comments and one rejected; the measures above; a Spring 2023 bulletin with two
    commitments and a Summer 2023 one reporting on them."""
    survey = survey_versions.current_survey("all-types")
    views = ["yes"] * 6 + ["partly"] * 5 + ["no"] * 3
    ways = [("me", "online")] * 10 + [("me-with-help", "paper")] * 4
    for i, (filled_by, _) in enumerate(ways):
        _respond(
            survey,
            filled_by,
            {"pick-one": ["cats" if i < 9 else "dogs"], "views-included": [views[i]]},
            datetime(2023, 6, 1 + i),
        )
    sent = db.session.scalars(select(Response).order_by(Response.id)).all()[-len(ways) :]
    for response, (_, channel) in zip(sent, ways, strict=True):
        response.channel = channel
    db.session.commit()
    answer_tally.recount()
    reviewer = officer("moderator@example.org")
    typed = [
        ("Ring me on 07700 900123, the wait was long", "Waiting", "approved"),
        ("The new plan is much better for my son", "Plans", "approved"),
        ("Short", "Plans", "approved"),
        ("Rejected words never printed", "Plans", "rejected"),
    ]
    for i, (text, theme, status) in enumerate(typed):
        response = db.session.get(Response, held_responses.start_response(survey, "me")[0])
        definition = survey_versions.definition_of(survey)
        answer_id = held_responses.save_answer(
            response.id, definition.question("anything-else"), text=text
        )
        held_responses.submit_response(response.id)
        response.submitted_at = datetime(2023, 7, 1 + i)
        db.session.commit()
        redacted = comments.get_comment(answer_id).suggested
        comments.review_comment(answer_id, status, redacted, theme, "open-and-honest", reviewer)
    plan = indicators.plan_import(read_rows(MEASURES, "measures.csv"))
    indicators.apply_import(plan, "measures.csv", actor="test")
    spring = service.create_bulletin(term("Spring 2023"))
    service.save_section(spring, "outcome-3", "Waits.", "", ["Therapy waits update", "Dropped"])
    save_look("Test partnership", "#005a70", "#e6f2f1")
    summer = service.create_bulletin(term("Summer 2023"), "Test Area SEF")
    service.save_section(summer, "welcome", HOSTILE, "", [])
    service.save_section(
        summer, "outcome-1", "1. First\n2. **Second**", "## Good practice\nIt works.", ["Next"]
    )
    progress = {c.text: c.id for c in summer.commitments if c.carried_from_id}
    service.save_progress(
        summer,
        {
            progress["Therapy waits update"]: ("in-progress", "Waits are down to 44 weeks"),
            progress["Dropped"]: ("dropped", "Merged into the therapy work"),
        },
        # "Therapy waits update" is not easy read (reading ease 35): the edition says this.
        easy_read={progress["Therapy waits update"]: "We will tell you about waits for therapy"},
    )
    said = register.save_you_said(None, "The wait for therapy is too long", ["Waiting"])
    waits = register.add_commitment(said, "Therapy waits update", term("Spring 2023"))
    dropped = register.add_commitment(said, "Dropped", term("Spring 2023"))
    register.change_commitment(
        waits, term("Summer 2023"), waits.text, "in-progress", "Waits are down to 44 weeks"
    )
    register.change_commitment(
        dropped, term("Summer 2023"), dropped.text, "dropped", "Merged into the therapy work"
    )


@pytest.fixture
def data(app):
    with app.app_context():
        make_data()
    return app


@pytest.fixture(scope="module")
def pdf(database_url, definitions):
    """The Summer 2023 bulletin of make_data() as PDF bytes, and its content: made once per
    database for the tests that only read them."""
    with app_with_surveys(database_url, definitions) as app, app.app_context():
        make_data()
        content = build_content(term("Summer 2023"))
        return build_pdf(content, created=CREATED, base_url="https://sefvoice.example/"), content


@functools.cache
def read_pdf(data: bytes) -> tuple[list[str], set[tuple[str, ...]]]:
    """Each page's text, and every row of every ruled table, its cells' lines joined
    (read once per PDF: pdfplumber takes seconds over 50 pages)."""
    with pdfplumber.open(io.BytesIO(data)) as document:
        texts = [page.extract_text() or "" for page in document.pages]
        rows = {
            tuple(flat(cell or "") for cell in row)
            for page in document.pages
            for table in page.extract_tables()
            for row in table
        }
    return texts, rows


def pages_text(data: bytes) -> list[str]:
    return read_pdf(data)[0]


def outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(level, title, page number from 1) of every bookmark, in order."""
    found = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((level, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return found


def flat(text: str) -> str:
    return " ".join(text.split())


# Commitments carried forward


def test_commitments_are_carried_forward_and_keep_their_progress(ctx):
    spring = service.create_bulletin(term("Spring 2023"))
    service.save_section(spring, "governance", "", "", ["Review A", "Review B"])
    summer = service.create_bulletin(term("Summer 2023"))
    carried = {c.text: c for c in summer.commitments if c.carried_from_id}
    assert sorted(carried) == ["Review A", "Review B"]
    service.save_progress(summer, {carried["Review A"].id: ("done", "Published in June")})
    # Spring's officer rewords B and adds C: A keeps its progress, B's old wording goes.
    service.save_section(spring, "governance", "", "", ["Review A", "Review B, phase 1", "C"])
    db.session.expire_all()
    carried = {c.text: c for c in summer.commitments if c.carried_from_id}
    assert sorted(carried) == ["C", "Review A", "Review B, phase 1"]
    assert (carried["Review A"].status, carried["Review A"].note) == ("done", "Published in June")
    assert carried["C"].status is None
    # Summer's own commitments are not carried into itself.
    service.save_section(summer, "welcome", "", "", ["Summer's own"])
    assert [c.text for c in summer.commitments if not c.carried_from_id] == ["Summer's own"]


def test_a_bulletin_reports_on_the_latest_one_before_it(ctx):
    spring = service.create_bulletin(term("Spring 2023"))
    service.save_section(spring, "welcome", "", "", ["From spring"])
    spring_2024 = service.create_bulletin(term("Spring 2024"))
    assert [c.text for c in spring_2024.commitments] == ["From spring"]
    # An Autumn 2023 bulletin written later comes between them: Spring 2024 now reports on it.
    autumn = service.create_bulletin(term("Autumn 2023"))
    service.save_section(autumn, "welcome", "", "", ["From autumn"])
    db.session.expire_all()
    assert [c.text for c in autumn.commitments if c.carried_from_id] == ["From spring"]
    assert [c.text for c in spring_2024.commitments] == ["From autumn"]


def test_a_reworded_commitment_keeps_its_progress(ctx):
    spring, summer = (
        service.create_bulletin(term("Spring 2023")),
        service.create_bulletin(term("Summer 2023")),
    )
    service.save_section(spring, "governance", "", "", ["Joint commissioning review", "Other"])
    carried = {c.text: c for c in summer.commitments if c.carried_from_id}
    review = carried["Joint commissioning review"].id
    service.save_progress(
        summer,
        {review: ("in-progress", "Half done")},
        easy_read={review: "We will check how we pay for help."},
    )
    service.save_section(
        spring, "governance", "", "", ["Joint commissioning review.", "Something else entirely"]
    )
    carried = {c.text: c for c in summer.commitments if c.carried_from_id}
    assert (
        carried["Joint commissioning review."].status,
        carried["Joint commissioning review."].note,
    ) == (
        "in-progress",
        "Half done",
    )
    assert carried["Something else entirely"].status is None


def test_progress_needs_a_known_commitment_a_known_status_and_a_line(ctx):
    spring = service.create_bulletin(term("Spring 2023"))
    service.save_section(spring, "welcome", "", "", ["Do it"])
    summer = service.create_bulletin(term("Summer 2023"))
    (carried,) = summer.commitments
    with pytest.raises(service.BulletinError, match="say in a line"):
        service.save_progress(summer, {carried.id: ("done", "  ")})
    with pytest.raises(service.BulletinError, match="not one of"):
        service.save_progress(summer, {carried.id: ("finished", "x")})
    with pytest.raises(service.BulletinError, match="not carried"):
        service.save_progress(summer, {carried.id + 1000: ("done", "x")})
    with pytest.raises(service.BulletinError, match="already a bulletin"):
        service.create_bulletin(term("Summer 2023"))
    with pytest.raises(service.BulletinError, match="not a bulletin section"):
        service.save_section(summer, "outcome-9", "", "", [])


def test_every_edit_is_audited(ctx):
    bulletin = service.create_bulletin(term("Summer 2023"))
    service.save_section(bulletin, "welcome", "Hello", "", ["One"])
    service.save_details(bulletin, "Title", figures_in_full=False)
    actions = db.session.execute(select(AuditEvent.action, AuditEvent.detail)).all()
    assert [a for a, _ in actions] == ["create bulletin", "edit bulletin", "edit bulletin"]
    assert "welcome" in actions[1][1]


# The PDF


def test_pdf_pages_metadata_and_outline(pdf):
    data, content = pdf
    reader = PdfReader(io.BytesIO(data))
    pages = pages_text(data)
    assert len(reader.pages) == len(pages) >= 20
    total = len(pages)
    for number, text in enumerate(pages[1:], start=2):  # the cover has no footer
        assert f"Page {number} of {total}" in text
    assert reader.metadata.title == "Test Area SEF: Update bulletin 2 (Summer 2023)"
    assert reader.metadata.author == "Test partnership"
    assert "Summer 2023" in reader.metadata.subject
    assert reader.metadata["/CreationDate"] == "D:20230901093000+00'00'"
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    tops = [title for level, title, _ in outline(reader) if level == 0]
    assert tops == [
        "Contents",
        "Welcome",
        "Our SEND strategy",
        "Governance and leadership",
        "You said, we did",
        "What families told us",
        *(section.title for section in content.outcomes),
        "About the figures",
        "The figures in full",
    ]
    seconds = [title for level, title, _ in outline(reader) if level == 1]
    assert seconds.count("What families said") == 5 and "A real heading" in seconds
    appendix = [title for level, title, _ in outline(reader) if level == 2]
    assert appendix.count("Key measures") == 5


def test_contents_page_numbers_are_where_the_sections_start(pdf):
    data, _ = pdf
    reader = PdfReader(io.BytesIO(data))
    pages = pages_text(data)
    entries, pending = [], ""
    for line in pages[1].splitlines()[2:-1]:  # between the header and "Contents" and the footer
        match = re.fullmatch(r"(.*?)[ .]*(\d+)", line)  # no section title ends in a digit
        if match:
            entries.append((flat(pending + " " + match[1].rstrip(" .")), int(match[2])))
            pending = ""
        else:
            pending += " " + line  # a title that wrapped onto the next line
    assert len(entries) >= 20
    bookmarks = iter(outline(reader))
    for title, page in entries:
        level, found, bookmarked = next(b for b in bookmarks if b[1] == title)
        assert bookmarked == page, title
        assert flat(title)[:30] in flat(pages[page - 1]), title


def test_the_pdf_prints_the_figures_in_the_database(pdf):
    data, content = pdf
    printed = read_pdf(data)[1]
    outcome_2, outcome_1, outcome_3 = (content.outcomes[i].feedback for i in (1, 0, 2))
    tables = {
        figure.table.id: figure.table
        for section in content.outcomes
        for group in section.feedback.questions
        for figure in group.figures
    }
    views = tables["q-all-types-views-included"]
    # As the feedback tab shows them: 3 "no" is under 5, so "partly" (5) and "no" are added
    # together (see test_the_tabs_numbers_equal_a_hand_count).
    assert views.text_rows() == [["Yes (positive)", "6", "43%"], ["Partly or no", "8", "57%"]]
    for table in [views, tables["q-all-types-pick-one"], outcome_2.overview.table]:
        for row in table.text_rows():
            assert tuple(row) in printed, row
    assert ("Partly", "5", "36%") not in printed and ("No", "3", "21%") not in printed
    # The measures, with thousands separators and units, and the trend under each row.
    expected = {
        ("EHC plans the area is responsible for", "1,212 (Jan 2023)", "866 (Jan 2017)"),
        ("Care-experienced children with an EHC plan", "23.9% (Jan 2023)", "none", "22.3%"),
        ("New EHC plans issued within 20 weeks", "95% (May 2023)", "100% (Apr 2023)", "50.7%"),
        ("Longest wait for therapy", "37 weeks (Jul 2023)", "none", "not available"),
    }
    for row in expected:
        assert any(p[: len(row)] == row for p in printed), row
    assert any(p[0] == "Trend: Jan 2017 866, Jan 2023 1,212" for p in printed)
    statuses = {p[0]: p[5] for p in printed if len(p) >= 6}
    assert statuses["New EHC plans issued within 20 weeks"] == (
        "Higher than the target of 90% (better), falling (worse)"
    )
    # Lower is better; no earlier figure.
    assert statuses["Longest wait for therapy"] == "Longer than the target of 30 weeks (worse)"
    assert outcome_1.measures.rows and outcome_3.measures.rows


def test_the_pdf_quotes_approved_redacted_comments_one_per_theme(pdf):
    data, content = pdf
    text = flat(" ".join(pages_text(data)))
    quotes = [q.text for q in content.outcomes[0].feedback.comments]
    # One per theme, the fullest first; never the rejected one, never the words as typed.
    assert quotes == [
        "The new plan is much better for my son",
        "Ring me on [phone], the wait was long",
    ]
    for quote in quotes:
        assert f"“{quote}”" in text
    assert "07700" not in text and "Rejected words" not in text and "“Short”" not in text


def test_you_said_we_did_and_the_next_bulletins_list(pdf):
    data, _ = pdf
    rows = read_pdf(data)[1]
    # In print, each commitment is a small ruled table: what it is, beside each line.
    assert {
        ("You said", "The wait for therapy is too long"),
        ("Comments behind it", "Waiting: fewer than 5"),
        ("We did", "Therapy waits update"),
        ("Status", "In progress: Waits are down to 44 weeks"),
        ("Progress so far", "Spring 2023: Planned; Summer 2023: In progress"),
        ("We did", "Dropped"),
        ("Status", "Dropped: Merged into the therapy work"),
    } <= rows
    text = flat(" ".join(pages_text(data)))
    assert "In the next bulletin • Next" in text


def test_hostile_text_is_printed_harmlessly_and_links_are_live(pdf):
    data, _ = pdf
    text = flat(" ".join(pages_text(data)))
    assert "<script>alert('x')</script> [click](javascript:alert(1)) **unbalanced" in text
    uris = [
        annotation.get_object()["/A"].get("/URI")
        for page in PdfReader(io.BytesIO(data)).pages
        for annotation in page.get("/Annots", [])
        if "/A" in annotation.get_object()
    ]
    assert "https://example.org/send" in uris
    assert "https://sefvoice.example/bulletins/" in uris  # made absolute for print
    assert not [u for u in uris if u and "javascript" in u.lower()]


def test_body_text_is_at_least_12_point(pdf):
    data, _ = pdf
    with pdfplumber.open(io.BytesIO(data)) as document:
        # The welcome page holds officers' text and the running header and footer.
        welcome = next(p for p in document.pages if "Welcome" in (p.extract_text() or "")[:80])
        sizes = {round(char["size"], 1) for char in welcome.chars}
        fonts = {char["fontname"].split("+")[-1] for char in welcome.chars}
    assert min(sizes) >= 12
    assert fonts <= {"BitstreamVeraSans-Roman", "BitstreamVeraSans-Bold"}  # sans-serif, embedded


def test_same_data_gives_the_same_pdf(data):
    with data.app_context():
        content = build_content(term("Summer 2023"))
        assert build_pdf(content, created=CREATED) == build_pdf(content, created=CREATED)
        dated_now = PdfReader(io.BytesIO(build_pdf(content))).metadata["/CreationDate"]
    assert dated_now.startswith(f"D:{datetime.now():%Y%m%d}")


def test_a_term_with_no_data_still_gives_a_whole_bulletin(ctx):
    content = build_content(term("Spring 2031"))
    data = build_pdf(content, created=CREATED)
    reader = PdfReader(io.BytesIO(data))
    text = flat(" ".join(pages_text(data)))
    assert len(reader.pages) >= 5 and "The figures in full" in text
    assert "No one sent survey answers between 1 January and" in text
    assert "There is no update for this section this term." in text
    assert "No measures are linked to this outcome yet." in text
    assert "There is nothing in the register of commitments for Spring 2031." in text
    assert reader.metadata.title.endswith("Update bulletin 1 (Spring 2031)")


@pytest.fixture(scope="module")
def demo(database_url, definitions):
    """The demo's Summer 2023 bulletin: its content and PDF, made once per database, and
    how many approved comments each theme had by the end of the term."""
    from sefvoice.demo import load_demo_data

    with app_with_surveys(database_url, definitions) as app, app.app_context():
        load_demo_data()
        assert service.load_demo_bulletin() == "bulletin: Summer 2023, 12 sections written"
        assert service.load_demo_bulletin() == "bulletin: Summer 2023 already there"
        content = build_content(term("Summer 2023"))
        _, end = term("Summer 2023").bounds()
        # Counted here, independently of the register: the app's tables are emptied after.
        approved_by_theme = dict(
            db.session.execute(
                select(CommentReview.theme, func.count(CommentReview.id))
                .join(Answer, Answer.id == CommentReview.answer_id)
                .join(Response, Response.id == Answer.response_id)
                .where(CommentReview.status == "approved", Response.submitted_at < end)
                .group_by(CommentReview.theme)
            ).all()
        )
        pdf = build_pdf(content, created=CREATED)  # its speed is bench/bulletin.py's
        return content, pdf, approved_by_theme


def test_the_demo_builds_a_full_bulletin(demo):
    content, data, _ = demo
    assert len([figure for figure in content.figures if figure.summary]) >= 15
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 20
    assert reader.metadata.title.startswith("Herefordshire Local Area SEND")
    text = flat(" ".join(pages_text(data)))
    assert "Reducing emotionally based school avoidance" in text
    assert "Joint commissioning review, supported by a system risk review" in text


def test_the_demos_you_said_we_did_comes_from_the_register(demo):
    content, _, approved_by_theme = demo
    rows = {row[2]: row for row in content.progress.text_rows()}
    therapists = rows["Recruit two more speech and language therapists."]
    behind = approved_by_theme["Waiting for therapy"]
    assert behind >= 5
    assert therapists[:2] == [
        "We wait too long for speech and language therapy.",
        f"Waiting for therapy: {behind}",
    ]
    assert (
        therapists[4] == "Autumn 2022: Planned; Spring 2023: In progress; Summer 2023: In progress"
    )
    assert rows["Hold annual reviews in the evening at every school"][3].startswith("Dropped: ")


def page_fill(page) -> float:
    """How far down the text frame (between the 20 mm margins, so not the running header
    or footer) the page's lowest letter, line or picture reaches: 0 empty, 1 full."""
    top, bottom = MARGIN, page.height - MARGIN
    found = [
        item["bottom"]
        for item in page.chars + page.rects + page.lines + page.curves + page.images
        if item["top"] >= top - 2 and item["bottom"] <= bottom + 2
    ]
    return (max(found, default=top) - top) / (bottom - top)


def test_the_demo_main_body_fits_16_pages_and_no_page_is_left_half_empty(demo):
    """The sections, from the first to the appendix, on 16 pages at most (after the cover
    and the contents page)."""
    content, data, _ = demo
    reader = PdfReader(io.BytesIO(data))
    marks = outline(reader)
    starts = sorted({page for level, _, page in marks if level == 0})
    appendix = next(page for level, title, page in marks if title == content.APPENDIX)
    first = next(page for level, title, page in marks if title == content.sections[0].title)
    assert first == 3, "the cover, the contents, then the sections"
    assert appendix - first <= 16, f"the main body has {appendix - first} pages"
    # A section's last page may be short: the one before a section starts on a new page.
    last_of_a_section = {page - 1 for page in starts}
    with pdfplumber.open(io.BytesIO(data)) as document:
        fills = [page_fill(page) for page in document.pages[: appendix - 1]]
    short = [
        (number, round(fill, 2))
        for number, fill in enumerate(fills, start=1)
        if fill < 0.5 and number not in last_of_a_section
    ]
    assert not short, f"pages less than half full: {short}"


def internal_links(reader: PdfReader) -> list[tuple[int, int, float]]:
    """(page the link is on, page it goes to, how far up that page) of each internal link."""
    numbers = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages, start=1)}
    found = []
    for number, page in enumerate(reader.pages, start=1):
        for annotation in page.get("/Annots", []):
            destination = annotation.get_object().get("/Dest")
            if destination:
                found.append((number, numbers[destination[0].idnum], round(destination[3], 1)))
    return found


def test_each_outcome_links_to_its_figures_in_full(demo):
    content, data, _ = demo
    reader = PdfReader(io.BytesIO(data))
    pages = pages_text(data)
    marks = outline(reader)
    appendix = next(page for _, title, page in marks if title == content.APPENDIX)
    starts = [page for level, _, page in marks if level == 0]
    tops = {}  # where each outcome's part of the appendix is bookmarked: (page, top)

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            elif level == 1 and reader.get_destination_page_number(item) + 1 >= appendix:
                tops[item.title] = (
                    reader.get_destination_page_number(item) + 1,
                    round(item.top, 1),
                )

    walk(reader.outline, 0)
    links = internal_links(reader)
    for section in content.outcomes:
        first = next(page for level, title, page in marks if level == 0 and title == section.title)
        last = next(page for page in starts if page > first)  # where the next section starts
        target = tops[section.title]
        assert flat(section.feedback.measures.title)[:40] in flat(pages[target[0] - 1])
        # A link from the section, in the main body, to exactly there.
        assert [(on, goes) for on, *goes in links if first <= on <= last and tuple(goes) == target]


# The web page and the officers' pages


@pytest.mark.parametrize(
    ("role", "view", "edit"),
    [(None, 302, 302), ("pcv_rep", 200, 403), ("officer", 200, 200), ("admin", 200, 200)],
)
def test_pages_by_role(data, client, role, view, edit):
    if role:
        sign_in(client, role)
    for url in ("/bulletins/", "/bulletins/summer-2023/"):
        assert client.get(url).status_code == view, url
    for url in (
        "/bulletins/summer-2023/edit",
        "/bulletins/summer-2023/sections/welcome",
        "/bulletins/summer-2023/bulletin.html",
    ):
        assert client.get(url).status_code == edit, url
    pdf = client.get("/bulletins/summer-2023/easy-read.pdf")  # its job's page, for officers
    assert pdf.status_code == (302 if edit == 200 else edit)
    if role == "pcv_rep":  # reps read; starting a bulletin is for officers
        assert post_form(client, "/bulletins/", {"term": "Autumn 2023"}).status_code == 403


def test_the_web_page_shows_the_same_content_safely(data, client):
    sign_in(client, "officer")
    page = client.get("/bulletins/summer-2023/").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert 'href="javascript' not in page and "[click](javascript:alert(1))" in page
    assert '<a href="https://example.org/send">Our website</a>' in page
    assert '<h3 class="heading-m">A real heading</h3>' in page
    assert (
        '<ol class="list list--number"><li>First</li><li><strong>Second</strong></li></ol>' in page
    )
    views = page[page.index('id="q-all-types-views-included"') :]
    views = views[: views.index("</table>")]
    assert "Partly or no" in views and "36%" not in views and ">5<" not in views
    assert "1,212 (Jan 2023)" in page and "37 weeks (Jul 2023)" in page
    assert "Waits are down to 44 weeks" in page
    # Each outcome links to its part of the appendix, which links back.
    appendix = page.index('id="figures-in-full"')
    for number in range(1, 6):
        section = page[page.index(f'id="outcome-{number}"') : appendix]
        assert f'href="#figures-outcome-{number}"' in section.split("</section>")[0]
        assert page.index(f'id="figures-outcome-{number}"') > appendix
        assert f'href="#outcome-{number}"' in page[appendix:]
    assert client.get("/bulletins/autumn-2023/").status_code == 404
    assert client.get("/bulletins/michaelmas-2023/").status_code == 404


def test_officers_start_write_preview_and_save_a_bulletin(app, client):
    sign_in(client, "officer")
    reply = post_form(client, "/bulletins/", {"term": "Michaelmas 2023"})
    assert reply.status_code == 400 and "is not a term" in reply.get_data(as_text=True)
    reply = post_form(client, "/bulletins/", {"term": "summer 2023"})
    assert reply.status_code == 302 and reply.location.endswith("/bulletins/summer-2023/edit")
    url = "/bulletins/summer-2023/sections/outcome-2"
    form = {"body": "Hello <b>there</b> **all**", "stories": "## Story", "commitments": "A\n\nB"}
    preview = post_form(client, url, {**form, "preview": "Preview"})
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Hello &lt;b&gt;there&lt;/b&gt; <strong>all</strong>" in page
    assert "<li>A</li><li>B</li>" in page and '<h4 class="heading-m">Story</h4>' in page
    with app.app_context():
        assert not db.session.scalar(select(func.count(Commitment.id)))  # a preview saves nothing
    assert post_form(client, url, {**form, "save": "Save"}).status_code == 302
    too_long = post_form(client, url, {**form, "commitments": "x" * 301, "save": "Save"})
    assert too_long.status_code == 400 and "300 characters" in too_long.get_data(as_text=True)
    with app.app_context():
        assert [c.text for c in db.session.scalars(select(Commitment))] == ["A", "B"]
    page = client.get(url).get_data(as_text=True)
    assert "Hello &lt;b&gt;there&lt;/b&gt; **all**</textarea>" in page
    assert client.get("/bulletins/summer-2023/sections/outcome-9").status_code == 404


def test_officers_record_progress_with_a_line_each(data, client):
    sign_in(client, "officer")
    edit = client.get("/bulletins/summer-2023/edit").get_data(as_text=True)
    assert "Therapy waits update" in edit and 'value="in-progress" checked' in edit
    with data.app_context():
        summer = service.bulletin_for(term("Summer 2023"))
        ids = [c.id for c in summer.commitments if c.carried_from_id]
    fields = {
        "items-0-commitment": ids[0],
        "items-0-status": "done",
        "items-0-note": "",
        "items-1-commitment": ids[1],
        "items-1-status": "dropped",
        "items-1-note": "Merged",
        "items-0-easy_read": "We will tell you about waits for therapy",
    }
    url = "/bulletins/summer-2023/progress"
    reply = post_form(client, url, fields, token_from="/bulletins/summer-2023/edit")
    assert reply.status_code == 400 and "Say in a line what happened." in reply.get_data(True)
    fields["items-0-note"] = "Published"
    reply = post_form(client, url, fields, token_from="/bulletins/summer-2023/edit")
    assert reply.status_code == 302
    with data.app_context():
        summer = service.bulletin_for(term("Summer 2023"))
        assert {(c.status, c.note) for c in summer.commitments if c.carried_from_id} == {
            ("done", "Published"),
            ("dropped", "Merged"),
        }


def test_downloads_are_audited(data, client):
    sign_in(client, "officer")
    reply = job_result(client, client.get("/bulletins/summer-2023/bulletin.pdf"))
    assert reply.status_code == 200 and reply.mimetype == "application/pdf"
    assert 'filename="bulletin-summer-2023.pdf"' in reply.headers["Content-Disposition"]
    assert len(PdfReader(io.BytesIO(reply.data)).pages) >= 20
    html = client.get("/bulletins/summer-2023/bulletin.html")
    assert html.headers["Content-Type"] == "text/html; charset=utf-8"  # once
    assert "<style>" in html.get_data(as_text=True)
    with data.app_context():
        exports = db.session.scalars(select(AuditEvent.detail).filter_by(action="export")).all()
    assert exports == ["bulletin Summer 2023 as pdf", "bulletin Summer 2023 as html"]


def test_export_command(data, database_url, monkeypatch, tmp_path):
    from sefvoice.cli import main

    monkeypatch.setenv("SEFVOICE_DATABASE_URL", database_url)
    first, second, page = tmp_path / "a.pdf", tmp_path / "b.pdf", tmp_path / "b.html"
    for output in (first, second):
        args = ["--term", "Summer 2023", "-o", str(output), "--created", "2023-09-01"]
        result = CliRunner().invoke(main, ["bulletin", "export", *args])
        assert result.exit_code == 0, result.output
    assert first.read_bytes() == second.read_bytes()
    assert PdfReader(first).metadata["/CreationDate"] == "D:20230901000000+00'00'"
    args = ["bulletin", "export", "--term", "Summer 2023", "-o", str(page)]
    assert CliRunner().invoke(main, args).exit_code == 0
    assert "1,212 (Jan 2023)" in page.read_text(encoding="utf-8")
    bad = CliRunner().invoke(main, ["bulletin", "export", "--term", "Lent 2023", "-o", "x.pdf"])
    assert bad.exit_code == 2 and "is not a term" in bad.output
    with data.app_context():
        exported = select(func.count(AuditEvent.id)).filter_by(
            action="export", actor="command line"
        )
        assert db.session.scalar(exported) == 3


def test_a_survey_of_fewer_than_10_people_says_so_instead_of_its_answers(app, client):
    """6 people answered the test survey, 30 the parents' survey: the tab and the bulletin
    (web page and PDF) say too few answered the test survey, and show none of its question
    tables."""
    line = "Too few people answered this survey to show their answers"
    with app.app_context():
        parents = survey_versions.current_survey("parent-carer-annual")
        summer = (datetime(2023, 5, 2), datetime(2023, 8, 30))
        generate_responses(parents, survey_versions.definition_of(parents), 30, *summer, seed=1)
        survey = survey_versions.current_survey("all-types")
        for i in range(6):
            _respond(survey, "me", {"pick-one": ["cats"]}, datetime(2023, 6, 1 + i))
        answer_tally.recount()  # sent back-dated by hand: counted afresh
        service.create_bulletin(term("Summer 2023"))
        content = build_content(term("Summer 2023"))
        made = build_pdf(content, created=CREATED)
    sign_in(client, "officer")
    tab = client.get("/feedback/?term=Summer+2023").get_data(as_text=True)
    bulletin = client.get("/bulletins/summer-2023/").get_data(as_text=True)
    for page in (tab, bulletin):
        assert line in page
        assert 'id="q-all-types-' not in page and "Cats" not in page
    assert tab.count(line) == 1  # once for the survey, not for each question
    assert line in flat(" ".join(pages_text(made)))
    assert (
        client.get("/feedback/download/q-all-types-pick-one.csv?term=Summer+2023").status_code
        == 404
    )
    csv = client.get("/feedback/download/answers-all-types.csv?term=Summer+2023")
    assert line in csv.data.decode("utf-8-sig")
