"""Published means frozen: once a term's release is published, its tab, every download,
the bulletin (web page and PDF) and the easy-read edition read the stored record, so later
changes to the data leave them exactly as published; a revision is a new version that
lists what changed, protected against the versions before it."""

from __future__ import annotations

import io
import re
from datetime import datetime

import numpy as np
import openpyxl
import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from sqlalchemy import delete, select

from sefvoice import answer_tally as tally
from sefvoice.bulletin import service as bulletins
from sefvoice.bulletin.views import export
from sefvoice.definitions import parse_survey
from sefvoice.extensions import db
from sefvoice.indicators import service as indicators
from sefvoice.indicators.importer import read_rows
from sefvoice.models import AuditEvent, PublishedRelease, Response
from sefvoice.publishing import service as publishing
from sefvoice.release import service as feedback
from sefvoice.release.attack import Attack, Known
from sefvoice.release.finest_cells import Figure
from sefvoice.release.grouped_counts import grouped_counts
from sefvoice.release.protected_figures import ProtectedFigures as TermRelease
from sefvoice.release.shown import Rules
from sefvoice.release.versions import QUESTION_KINDS, Earlier, read_facts, stack
from sefvoice.surveys import retention
from sefvoice.surveys import versions as surveys

from .conftest import sign_in
from .test_bulletin import CREATED, make_data, term
from .test_feedback import _respond

SUMMER = "Summer 2023"
PAGES = (
    "/feedback/?term=Summer+2023",
    "/bulletins/summer-2023/",
    "/bulletins/summer-2023/easy-read",
)
LATER_MEASURES = b"""code,name,domain,period,value,unit,england,target,higher_is_better,outcome
in-20-weeks,New EHC plans issued within 20 weeks,education,2023-05,97%,percent,50.7,90,yes,3
in-20-weeks,New EHC plans issued within 20 weeks,education,2023-10,61%,percent,50.7,90,yes,3
wait,Longest wait for therapy,health,2024-01,12,weeks,x,30,no,3
"""
# The CSRF token and the asset fingerprints are not figures; nor is the PDF's own date.
NOT_CONTENT = re.compile(r'(name="csrf_token" value=")[^"]+|(\?v=)[0-9a-f]+')


def _page(client, url: str) -> str:
    reply = client.get(url)
    assert reply.status_code == 200, url
    return NOT_CONTENT.sub(r"\1\2", reply.get_data(as_text=True))


def _pdf_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def _words(value) -> str:
    """An output's text, its words one space apart (a PDF's pages, a sheet's cells)."""
    if isinstance(value, list):
        value = " ".join(" ".join(map(str, v)) if isinstance(v, list) else str(v) for v in value)
    return " ".join(str(value).split())


def _xlsx_cells(data: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [[(c.value, c.number_format) for c in row] for row in sheet.iter_rows()]


def outputs(client, app) -> dict:
    """Everything a reader can get for Summer 2023: the tab, each table's CSV and XLSX,
    the bulletin's web page and PDF text, the easy-read edition's web page and PDF text."""
    found = {url: _page(client, url) for url in PAGES}
    ids = re.findall(r'/feedback/download/([^".]+)\.csv', found[PAGES[0]])
    assert len(ids) > 10
    for table_id in ids:
        url = f"/feedback/download/{table_id}.{{}}?term=Summer+2023"
        found[f"{table_id}.csv"] = client.get(url.format("csv")).data
        found[f"{table_id}.xlsx"] = _xlsx_cells(client.get(url.format("xlsx")).data)
    with app.app_context():
        for edition in ("bulletin", "easy-read"):
            found[edition] = _pdf_text(export(term(SUMMER), edition, "pdf", created=CREATED))
    return found


def _live_tables(app) -> list:
    with app.app_context():
        release = feedback.publication_for(term(SUMMER))
        return [t.text_rows() for t in release.tables.every_table()]


@pytest.fixture
def data(app):
    with app.app_context():
        make_data()
        tally.recount()  # make_data dates its comments after sending them
    return app


@pytest.fixture
def published(data, client):
    """make_data's Summer 2023 (14 people, comments, measures, bulletins) published, and the
    client signed in as an officer."""
    sign_in(client, "officer")
    with data.app_context():
        assert publishing.publish_term(term(SUMMER), "officer@example.org") == 1
    return data


def _new_survey_version(app) -> None:
    """Version 2 of the test survey: "Cats" now "Felines", views-included gone, a new
    question."""
    with app.app_context():
        raw = surveys.definition_of(surveys.current_survey("all-types")).raw
        questions = [q for q in raw["questions"] if q["id"] != "views-included"]
        questions[0] = {
            **questions[0],
            "options": [{**questions[0]["options"][0], "label": "Felines"}]
            + questions[0]["options"][1:],
        }
        questions.append({**questions[0], "id": "new-one", "text": "A new question?"})
        surveys.store_definitions(
            [parse_survey({**raw, "version": 2, "questions": questions}, "v2")]
        )


def _later_import(app) -> None:
    """A corrected May figure, and values for periods after the term."""
    with app.app_context():
        plan = indicators.plan_import(read_rows(LATER_MEASURES, "later.csv"))
        indicators.apply_import(plan, "later.csv", actor="test")


def _withdrawal(app) -> None:
    with app.app_context():
        first = db.session.scalar(select(Response).order_by(Response.id).limit(1))
        retention.withdraw_response(first)


def _late_return(app, answer: str = "cats") -> None:
    """A paper return dated in the term, entered after it was published."""
    with app.app_context():
        survey = surveys.current_survey("all-types")
        _respond(
            survey, "me", {"pick-one": [answer], "views-included": ["yes"]}, datetime(2023, 6, 20)
        )
        tally.recount()


def _retention(app) -> None:
    """Every raw answer deleted (the retention run, and then some): only counts were kept,
    and now not even those."""
    with app.app_context():
        retention.delete_old_free_text(0, now=datetime(2030, 1, 1))
        db.session.execute(delete(Response))
        db.session.commit()
        tally.recount()


@pytest.mark.parametrize(
    "change", [_new_survey_version, _later_import, _withdrawal, _late_return, _retention]
)
def test_a_published_term_stays_exactly_as_published(published, client, change):
    before = outputs(client, published)
    live_before = _live_tables(published)
    change(published)
    assert _live_tables(published) != live_before  # the live data did change
    after = outputs(client, published)
    assert after.keys() == before.keys()
    for name in before:
        assert after[name] == before[name], name


def test_every_output_says_which_version_or_that_it_is_a_draft(data, client):
    sign_in(client, "officer")
    draft = outputs(client, data)
    line = "Draft: these figures may change"
    for name, value in draft.items():
        text = value.decode("utf-8-sig") if isinstance(value, bytes) else str(value)
        assert line in text, name
    with data.app_context():
        publishing.publish_term(term(SUMMER), "officer@example.org")
        when = db.session.scalar(select(PublishedRelease.published_at))
    published = outputs(client, data)
    line = f"Published {when.day} {when:%B %Y}, version 1"
    for name, value in published.items():
        text = value.decode("utf-8-sig") if isinstance(value, bytes) else str(value)
        assert line in text and "Draft" not in text, name


def _cells(page: str) -> dict[tuple[str, str, str], str]:
    """Each figure of the tab's tables, by (table title, row, column), from its HTML."""
    found = {}
    for caption, head, body in re.findall(
        r'<caption class="table__caption">(.*?)</caption>(.*?)<tbody>(.*?)</tbody>', page, re.S
    ):
        columns = re.findall(r"<th scope=\"col\"[^>]*>(.*?)</th>", head) or ["", ""]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
            cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
            for column, cell in zip(columns[1:], cells[1:], strict=False):
                found[(caption, cells[0], column or "figure")] = cell
    return found


def test_a_revision_lists_exactly_the_figures_that_changed(published, client):
    version_1 = _page(client, "/feedback/?term=Summer+2023")
    for _ in range(6):  # six late returns, so that a revision can show them
        _late_return(published, "cats")
    _late_return(published, "dogs")
    _later_import(published)
    with published.app_context():
        pending = publishing.pending_revision(term(SUMMER))
        assert pending is not None and pending.latest == 1
        with pytest.raises(publishing.PublishError, match="say in a line why"):
            publishing.publish_term(term(SUMMER), "officer@example.org")
        version = publishing.publish_term(
            term(SUMMER), "officer@example.org", "Seven paper returns arrived late; May corrected"
        )
        assert version == 2
        listed = {
            (c.figure, c.before, c.after)
            for c in publishing.versions_of(term(SUMMER))[-1].changes
            for c in [publishing.Change(**c)]
        }
    version_2 = _page(client, "/feedback/?term=Summer+2023")
    before, after = _cells(version_1), _cells(version_2)
    changed = {
        (f"{title}: {row}, {column}", before.get((title, row, column), "none"), value)
        for (title, row, column), value in after.items()
        if before.get((title, row, column), "none") != value
    }
    assert listed == {(f.replace("&#39;", "'"), b, a) for f, b, a in changed}
    assert any("Latest" in figure and "97%" in now for figure, _, now in listed)
    # The note is on the page, and version 1 stays readable at its own address.
    assert "Seven paper returns arrived late; May corrected" in version_2
    assert "Revisions" in version_2
    old = _page(client, "/feedback/?term=Summer+2023&version=1")
    assert _cells(old) == before and "A newer version is published" in old
    assert client.get("/feedback/?term=Summer+2023&version=3").status_code == 404
    # Nothing more to publish now.
    with published.app_context(), pytest.raises(publishing.PublishError, match="nothing would"):
        publishing.publish_term(term(SUMMER), "officer@example.org", "again")


RULES = Rules()


def _recoverable(first: Earlier, second: Earlier, now: TermRelease) -> list:
    """The people added or removed between two published versions (their stored facts)
    whose answers a reader who has both can narrow further than their number allows (a
    count of 5 or more of them may be known, as any count of 5 may). `now`: the term
    counted as the second version was."""
    over = stack(now.cells, now.figures, [first], RULES)
    index = {identity: i for i, identity in enumerate(second.cells)}
    known = [
        Known(Figure(key, np.array([index[m] for m in members]), 0, weights), low, high)
        for key, members, weights, low, high in second.facts
    ]
    setup = Attack(over.cells, [*known, *over.known])
    return [
        finding
        for target in over.targets
        if target.value < RULES.min_count
        and not (finding := setup.range(target, over.needed[target.key], exact=True)).safe
    ]


def test_one_late_response_cannot_be_recovered_by_differencing(published, client):
    with published.app_context():
        summer = term(SUMMER)
        first = read_facts(1, publishing.versions_of(summer)[0].facts)
        definitions = [surveys.definition_of(s) for s in surveys.current_surveys()]
        splits = feedback.groupings(surveys.charter())
        columns = [g.column for g in splits]
        listed = feedback.open_in(summer, feedback.survey_schedules())  # as the service lists
    _late_return(published, "dogs")
    # Before publishing, the officer is told that its answers would wait.
    pending = _page(client, "/releases/summer-2023")
    assert 'A revision would say: "The answers shown are those version 1 counted.' in pending
    with published.app_context():
        counts = grouped_counts([summer], columns).of(SUMMER)
        now = TermRelease(definitions, splits, counts, RULES, open_surveys=listed)
        # Version 2 counting its answers, protected as if version 1 were not published:
        # the difference gives the late response away.
        assert _recoverable(first, read_facts(2, now.facts()), now)
        # As published, its answers wait for four more: version 2 counts its person among
        # the people, and its answer tables are version 1's, cell for cell.
        publishing.publish_term(summer, "officer@example.org", "One late paper return")
        second = read_facts(2, publishing.versions_of(summer)[1].facts)
        answers = {i: n for i, n in second.cells.items() if set(i) & set(QUESTION_KINDS)}
        assert answers == {i: n for i, n in first.cells.items() if set(i) & set(QUESTION_KINDS)}
        people = [i for i in first.cells if "respondents" in i]
        assert sum(second.cells[i] - first.cells[i] for i in people) == 1
        assert second.answers_of == 1
        release, versions = feedback.audited_figures_for(summer)
        assert versions == 2 and not release.unsafe()
    # Every output says so: the tab, each download, both editions' pages and PDFs; the
    # easy-read edition in its own words too.
    found = {name: _words(value) for name, value in outputs(client, published).items()}
    for name, text in found.items():
        assert "The answers shown are those version 1 counted." in text, name
        assert "once there are 5 or more of them" in text, name
    # The revisions note says what changed in words (a PDF's font has no arrow).
    for name in (*PAGES, "bulletin", "easy-read"):
        assert "One late paper return. Changed:" in found[name], name
        assert "People who answered: from 18 to 19" in found[name], name
    for name in ("/bulletins/summer-2023/easy-read", "easy-read"):
        assert "Some people sent their answers late. We count them here." in found[name], name
    version_1 = _page(client, "/feedback/?term=Summer+2023&version=1")
    assert "The answers shown are those" not in version_1


def test_the_command_publishes_and_prints_the_version(data, database_url, monkeypatch):
    from sefvoice.cli import main

    monkeypatch.setenv("SEFVOICE_DATABASE_URL", database_url)
    runner = CliRunner()
    result = runner.invoke(main, ["release", "publish", "--term", SUMMER])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Summer 2023: published version 1"
    again = runner.invoke(main, ["release", "publish", "--term", SUMMER])
    assert again.exit_code != 0 and "say in a line why" in again.output
    audit = runner.invoke(main, ["release", "audit", "--term", SUMMER])
    assert "attacked with its 1 published versions known" in audit.output
    assert runner.invoke(main, ["release", "publish", "--term", "Summer 20x"]).exit_code == 2


def test_publishing_refuses_a_release_the_attacker_can_narrow(data, monkeypatch):
    """Were the protection ever to let a hidden figure be narrowed (here it hides nothing
    beyond the first rules), publishing stores nothing."""
    from sefvoice.release.protect import Pass

    monkeypatch.setattr(Pass, "_first_unsafe", lambda *_: None)
    with data.app_context():
        summer = term(SUMMER)
        with pytest.raises(publishing.PublishError, match="could narrow"):
            publishing.publish_term(summer, "officer@example.org")
        assert not publishing.versions_of(summer)


def test_only_officers_publish_and_reps_see_who_published(data, client):
    sign_in(client, "pcv_rep")
    page = client.get("/releases/summer-2023").get_data(as_text=True)
    assert "Summer 2023 is a draft" in page and "Publish Summer 2023" not in page
    assert client.post("/releases/summer-2023", data={}).status_code in (400, 403)
    officer = data.test_client()
    sign_in(officer, "officer", "pub@example.org")
    page = officer.get("/releases/summer-2023").get_data(as_text=True)
    assert "Publishing Summer 2023 freezes" in page and "Felines" not in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    reply = officer.post("/releases/summer-2023", data={"csrf_token": token})
    assert reply.status_code == 302
    listing = client.get("/releases/").get_data(as_text=True)
    assert "pub@example.org" in listing and "version 1" in listing
    with data.app_context():
        assert db.session.scalar(select(AuditEvent).filter_by(action="publish release"))


def test_the_bulletin_words_freeze_when_the_bulletin_is_published(data, client):
    sign_in(client, "officer")
    with data.app_context():
        summer = term(SUMMER)
        bulletin = bulletins.bulletin_for(summer)
        with pytest.raises(bulletins.BulletinError, match="figures first"):
            bulletins.publish_bulletin(bulletin, summer, "officer@example.org")
        publishing.publish_term(summer, "officer@example.org")
        bulletins.save_section(bulletin, "strategy", "Still editable.", "", [])
    assert "Still editable." in _page(client, "/bulletins/summer-2023/")
    with data.app_context():
        bulletins.publish_bulletin(bulletins.bulletin_for(summer), summer, "officer@example.org")
    frozen = _page(client, "/bulletins/summer-2023/")
    with data.app_context():
        bulletins.save_section(bulletins.bulletin_for(summer), "strategy", "Changed later.", "", [])
    assert _page(client, "/bulletins/summer-2023/") == frozen
    assert client.get("/bulletins/summer-2023/edit").status_code == 302


def test_a_term_shows_each_measure_as_of_its_own_periods(data, client):
    """A value for a period that ends after the term waits for a later term."""
    _later_import(data)
    sign_in(client, "officer")  # the drafts' reader
    page = _page(client, "/feedback/?term=Summer+2023")
    assert "97% (May 2023)" in page and "Oct 2023" not in page and "Jan 2024" not in page
    autumn = _page(client, "/feedback/?term=Autumn+2023")
    assert "61% (Oct 2023)" in autumn


def test_a_draft_is_counted_once_until_its_data_changes(data, monkeypatch):
    with data.app_context():
        summer = term(SUMMER)
        first = publishing.draft_release(summer)
        calls = []
        real = feedback.publication_for
        monkeypatch.setattr(
            feedback, "publication_for", lambda *a, **k: calls.append(1) or real(*a, **k)
        )
        assert publishing.draft_release(summer) is first and not calls
    _late_return(data)
    with data.app_context():
        assert publishing.draft_release(summer) is not first and calls == [1]


def test_a_new_response_protects_only_its_own_term_again(data, monkeypatch):
    """The draft shows Spring 2023 too (the term before): its counts are unchanged by a
    late return in Summer 2023, so its protection is read as kept, not run again."""
    from sefvoice.release import protected_figures

    with data.app_context():
        summer = term(SUMMER)
        publishing.draft_release(summer)
    made = []

    class Counted(protected_figures.ProtectedFigures):
        def __init__(self, *args, **kwargs):
            made.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(protected_figures, "ProtectedFigures", Counted)
    _late_return(data)
    with data.app_context():
        publishing.draft_release(summer)
    assert made == [1]
