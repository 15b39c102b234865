"""A draft term's figures are seen only by the people who produce them (officers and
admins), as with official statistics' pre-release access: a forum rep reads published
versions only, so no two versions of a draft can be set side by side and differenced.
Every route that shows a term's figures is tried as a rep (no draft figure, a page that
says they are being prepared) and as an officer (the draft, marked as one)."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from sefvoice import answer_tally as tally
from sefvoice.publishing import service as publishing
from sefvoice.surveys import versions as surveys

from .conftest import job_result, sign_in
from .test_bulletin import make_data, term
from .test_feedback import _respond
from .test_published import SUMMER, _late_return, _page, _pdf_text

DRAFT = "Draft: these figures may change"
PREPARED = "The figures for Summer 2023 are being prepared"
# The tab's first line on make_data's Summer 2023 (18 people, comments' senders too, a
# number hidden there: its 4 who skipped a question would be given away beside it).
RESPONDENTS = "sent answers between 1 May and 31 August 2023"
PAGES = (
    "/feedback/?term=Summer+2023",
    "/feedback/",
    "/bulletins/summer-2023/",
    "/bulletins/summer-2023/easy-read",
)
# Made for officers only (reps are refused them, whatever the term).
OFFICERS_FILES = tuple(
    f"/bulletins/summer-2023/{name}"
    for name in (
        "bulletin.pdf",
        "bulletin.html",
        "bulletin.docx",
        "easy-read.pdf",
        "easy-read.html",
    )
)

# Officers' pages that show a draft's figures or what the attacker finds in them.
OFFICERS_PAGES = (
    "/bulletins/summer-2023/edit",
    "/bulletins/summer-2023/sections/outcome-3",
    "/release/audit",
    "/jobs/",
)


@pytest.fixture
def data(app):
    with app.app_context():
        make_data()
        tally.recount()  # make_data dates its comments after sending them
    return app


@pytest.fixture
def rep(data):
    client = data.test_client()
    sign_in(client, "pcv_rep")
    return client


@pytest.fixture
def officer(data):
    client = data.test_client()
    sign_in(client, "officer")
    return client


def _downloads(officer) -> list[str]:
    """Every table's CSV and XLSX address, from the tab an officer sees."""
    page = officer.get("/feedback/?term=Summer+2023").get_data(as_text=True)
    ids = re.findall(r'/feedback/download/([^".]+)\.csv', page)
    assert len(ids) > 10
    return [
        f"/feedback/download/{i}.{kind}?term=Summer+2023" for i in ids for kind in ("csv", "xlsx")
    ]


def _says_being_prepared(reply, status: int = 200) -> str:
    text = reply.get_data(as_text=True)
    assert reply.status_code == status and reply.mimetype == "text/html", reply.status_code
    assert PREPARED in text and DRAFT not in text and RESPONDENTS not in text
    assert "<table" not in text and "%" not in re.sub(r"<style.*?</style>", "", text, flags=re.S)
    return text


def test_a_rep_sees_no_draft_figure_anywhere(data, rep, officer):
    downloads = _downloads(officer)
    for url in PAGES:
        _says_being_prepared(rep.get(url))
    for url in downloads:
        _says_being_prepared(rep.get(url), 404)  # no file: the page says why
    for url in OFFICERS_FILES + OFFICERS_PAGES:
        assert rep.get(url).status_code == 403, url
    # The officer's PDF job: its page and file are the officers' too.
    started = officer.get("/bulletins/summer-2023/bulletin.pdf")
    pdf = job_result(officer, started).data
    assert DRAFT in " ".join(_pdf_text(pdf))
    assert rep.get(started.headers["Location"]).status_code == 403
    assert rep.get(started.headers["Location"] + "/result").status_code == 403
    # The publishing pages: who published what, but not what a revision or publishing
    # would show.
    page = rep.get("/releases/summer-2023").get_data(as_text=True)
    assert "Summer 2023 is a draft" in page and "figures each as shown" not in page
    assert "tables of the feedback tab" not in page
    # The measures page shows the measures only, never the survey's figures.
    assert RESPONDENTS not in rep.get("/indicators/").get_data(as_text=True)


def test_an_officer_sees_the_draft_marked_as_one(data, officer):
    for url in PAGES:
        text = officer.get(url).get_data(as_text=True)
        assert DRAFT in text and PREPARED not in text, url
    assert RESPONDENTS in officer.get(PAGES[0]).get_data(as_text=True)
    for url in _downloads(officer):
        reply = officer.get(url)
        assert reply.status_code == 200 and reply.mimetype != "text/html", url
        if url.split("?")[0].endswith(".csv"):
            assert DRAFT in reply.data.decode("utf-8-sig"), url
    for url in OFFICERS_FILES:
        reply = officer.get(url)
        if url.endswith(".pdf"):
            reply = job_result(officer, reply)
        made = reply.data
        if url.endswith(".docx"):
            assert reply.status_code == 200 and made[:2] == b"PK"
        elif url.endswith(".pdf"):
            assert DRAFT in " ".join(_pdf_text(made)), url
        else:
            assert DRAFT in made.decode("utf-8"), url
    page = officer.get("/releases/summer-2023").get_data(as_text=True)
    assert "tables of the feedback tab" in page


def test_a_rep_reads_the_published_version_and_cannot_difference_the_draft(data, rep, officer):
    """One more return between two saves of the tab: the rep's two copies are the same."""
    before = _page(rep, PAGES[0])
    _late_return(data)
    assert _page(rep, PAGES[0]) == before
    with data.app_context():
        publishing.publish_term(term(SUMMER), "officer@example.org")
    published = _page(rep, PAGES[0])
    assert "version 1" in published and DRAFT not in published and RESPONDENTS in published
    for url in PAGES[2:]:
        assert "version 1" in rep.get(url).get_data(as_text=True), url
    # A later return: the rep's tab stays as published; only officers see what a
    # revision would change.
    _late_return(data)
    assert _page(rep, PAGES[0]) == published
    assert "would change" not in rep.get("/releases/summer-2023").get_data(as_text=True)
    assert "Figures a revision would change" in officer.get("/releases/summer-2023").get_data(
        as_text=True
    )


def test_a_rep_is_shown_the_newest_published_term_first(data, rep, officer):
    with data.app_context():
        publishing.publish_term(term(SUMMER), "officer@example.org")
    with data.app_context():  # a response in the autumn: a draft term
        autumn = datetime(2023, 10, 2)
        _respond(surveys.current_survey("all-types"), "me", {"pick-one": ["cats"]}, autumn)
        tally.recount()
    page = rep.get("/feedback/").get_data(as_text=True)
    assert "What families told us: Summer 2023" in page and "version 1" in page
    assert 'value="Autumn 2023"' not in page  # the term picker lists published terms
    prepared = rep.get("/feedback/?term=Autumn+2023").get_data(as_text=True)
    assert "The figures for Autumn 2023 are being prepared" in prepared
    assert 'href="/feedback/?term=Summer+2023"' in prepared
    assert "What families told us: Autumn 2023" in officer.get("/feedback/").get_data(as_text=True)
