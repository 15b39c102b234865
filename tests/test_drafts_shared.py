"""A draft is counted and protected once for every app server: kept in the database, a
second server (another gunicorn worker, another machine) reads it back as the first
counted it, into exactly the same outputs, without running the protection again; and a
term keeps one row, replaced when the data changes."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from sefvoice import answer_tally as tally
from sefvoice.extensions import db
from sefvoice.models import DraftRelease, Indicator
from sefvoice.publishing import drafts
from sefvoice.publishing import service as publishing
from sefvoice.release import protected_figures
from sefvoice.release import service as release_service

from .conftest import PASSWORD, make_app, post_form, sign_in
from .test_bulletin import make_data, term
from .test_published import SUMMER, _late_return, outputs

OFFICER = "officer-shared@example.org"


@pytest.fixture
def data(app):
    with app.app_context():
        make_data()
        tally.recount()  # make_data dates its comments after sending them
    return app


def _counting(monkeypatch) -> list[str]:
    """Every protection run (a term's figures protected) and every release counted, from
    now on."""
    runs: list[str] = []

    class Counted(protected_figures.ProtectedFigures):
        def __init__(self, *args, **kwargs):
            runs.append("protection")
            super().__init__(*args, **kwargs)

    real = release_service.publication_for
    monkeypatch.setattr(protected_figures, "ProtectedFigures", Counted)
    monkeypatch.setattr(
        release_service, "publication_for", lambda *a, **k: runs.append("count") or real(*a, **k)
    )
    return runs


def _second_server(database_url: str):
    """Another app on the same database, with nothing of the first one's memory."""
    app = make_app(database_url)
    with app.app_context():
        drafts.forget()
    return app


def _tables(app, name: str = SUMMER) -> list:
    with app.app_context():
        release = publishing.draft_release(term(name))
        return [t.text_rows() for t in release.tables.every_table()]


def test_a_second_server_shows_the_draft_the_first_counted_without_counting_it(
    data, client, database_url, monkeypatch
):
    sign_in(client, "officer", OFFICER)
    first = outputs(client, data)  # the tab, every download, the bulletins and their PDFs
    runs = _counting(monkeypatch)
    second = _second_server(database_url)
    other = second.test_client()
    post_form(other, "/sign-in", {"email": OFFICER, "password": PASSWORD})
    again = outputs(other, second)
    assert runs == []
    assert again.keys() == first.keys()
    for name in first:
        assert again[name] == first[name], name


def test_a_term_keeps_one_draft_replaced_when_its_data_changes(data, database_url, monkeypatch):
    before = _tables(data)
    with data.app_context():
        kept = db.session.execute(select(DraftRelease.term_name, DraftRelease.fingerprint)).all()
        assert [row.term_name for row in kept] == [SUMMER]
        earlier = kept[0].fingerprint
    _late_return(data)
    after = _tables(data)
    assert after != before
    _tables(data)  # a repeat view keeps nothing more
    _tables(data, "Spring 2023")
    with data.app_context():
        now = drafts.fingerprint()
        kept = db.session.execute(select(DraftRelease.term_name, DraftRelease.fingerprint)).all()
    assert sorted(row.term_name for row in kept) == ["Spring 2023", SUMMER]
    assert {row.fingerprint for row in kept} == {now} and now != earlier
    runs = _counting(monkeypatch)
    assert _tables(_second_server(database_url)) == after
    assert runs == []


def test_a_draft_counted_from_other_data_is_not_read(data, database_url, monkeypatch):
    """A server that kept a draft before a late return: the next server counts afresh."""
    before = _tables(data)
    _late_return(data)
    runs = _counting(monkeypatch)
    after = _tables(_second_server(database_url))
    assert after != before and "count" in runs and "protection" in runs


def test_a_draft_is_shown_at_once_while_another_writer_holds_sqlite(data):
    """Keeping the draft waits a moment for the database, not the 5 s a save waits: the
    draft is shown all the same, and kept by a later view."""
    with data.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL writers do not wait for each other here")
        writer = db.engine.connect()
        writer.exec_driver_sql("BEGIN IMMEDIATE")  # another process saving a response
        try:
            started = time.perf_counter()
            publishing.draft_release(term(SUMMER))
            waited = time.perf_counter() - started
        finally:
            writer.rollback()
            writer.close()
        assert waited < 4  # counting it takes well under a second; a save may wait 5 s
        assert db.session.scalar(select(func.count()).select_from(DraftRelease)) == 0
        drafts.forget()
        publishing.draft_release(term(SUMMER))
        assert db.session.scalar(select(func.count()).select_from(DraftRelease)) == 1


def _measures(app, number: int) -> list[str]:
    """The measures the draft shows beside SEF outcome `number`."""
    with app.app_context():
        tables = publishing.draft_release(term(SUMMER)).tables.every_table()
        return [
            row[0] for row in next(t for t in tables if t.id == f"measures-{number}").text_rows()
        ]


def test_a_measure_moved_to_another_outcome_shows_in_the_draft(data):
    """An officer links a measure to another SEF outcome: no response, no import, but the
    draft's measures change place."""
    wait = "Longest wait for therapy"
    assert wait in _measures(data, 3) and wait not in _measures(data, 2)
    with data.app_context():
        db.session.scalar(select(Indicator).filter_by(code="wait")).outcome = 2
        db.session.commit()
    assert wait in _measures(data, 2) and wait not in _measures(data, 3)
