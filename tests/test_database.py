"""Migrations from empty, the un-migrated guard, retention and the demo data."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import timedelta
from functools import partial

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select

from sefvoice.database import DatabaseNotMigrated
from sefvoice.demo import load_demo_data
from sefvoice.extensions import db
from sefvoice.models import Answer, AnswerChoice, AnswerTally, Response, Survey, utcnow
from sefvoice.surveys import codes, retention
from sefvoice.surveys import held as held_responses
from sefvoice.surveys import versions as survey_versions

from .conftest import REPOSITORY, make_app

TABLES = {"survey", "response", "answer", "answer_choice"}


def test_migration_from_empty_and_back(database_url):
    app = make_app(database_url, CHECK_MIGRATED=False)
    with app.app_context():
        downgrade(revision="base")
        assert not TABLES & set(inspect(db.engine).get_table_names())
        with pytest.raises(DatabaseNotMigrated, match="Run: sefvoice db upgrade"):
            make_app(database_url)
        upgrade()
        assert set(inspect(db.engine).get_table_names()) >= TABLES
        upgrade()  # safe to run twice
        db.engine.dispose()
    make_app(database_url)  # starts: the schema is at head


def test_the_migrations_make_the_tables_the_models_describe(database_url):
    app = make_app(database_url)
    with app.app_context(), db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def test_unmigrated_database_refuses_to_start(tmp_path):
    with pytest.raises(DatabaseNotMigrated) as raised:
        make_app(f"sqlite:///{tmp_path / 'empty.db'}")
    assert "sefvoice db upgrade" in str(raised.value)


def test_the_production_entry_point_keeps_what_starting_made_out_of_full_collections(tmp_path):
    """wsgi.py freezes the objects made at start-up (gc.freeze): a full collection walked all
    of them, a stall of 100 ms and more for every request the worker held."""
    url = f"sqlite:///{tmp_path / 'sefvoice.db'}"
    with make_app(url, CHECK_MIGRATED=False).app_context():
        upgrade()
    environment = {
        **os.environ,
        "SEFVOICE_DATABASE_URL": url,
        "SEFVOICE_INSTANCE_DIR": str(tmp_path),
        "SEFVOICE_SECRET_KEY": "test-secret",
    }
    frozen = subprocess.run(
        [sys.executable, "-c", "import gc, wsgi; print(gc.get_freeze_count())"],
        cwd=REPOSITORY,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert int(frozen) > 10_000


def _response(survey: Survey, saved_days_ago: int, submitted: bool) -> Response:
    response = db.session.get(Response, held_responses.start_response(survey, "me")[0])
    response.last_saved_at = utcnow() - timedelta(days=saved_days_ago)
    response.submitted_at = utcnow() if submitted else None
    db.session.commit()
    definition = survey_versions.definition_of(survey)
    held_responses.save_answer(response.id, definition.questions[0], option_ids=["cats"])
    response.last_saved_at = utcnow() - timedelta(days=saved_days_ago)
    db.session.commit()
    return response


def test_retention_deletes_only_unfinished_responses_past_30_days(ctx):
    survey = survey_versions.current_survey("all-types")
    old_unfinished = _response(survey, 31, submitted=False).id
    recent_unfinished = _response(survey, 29, submitted=False).id
    old_submitted = _response(survey, 400, submitted=True).id
    assert retention.delete_expired_responses(30) == 1
    remaining = set(db.session.scalars(select(Response.id)))
    assert remaining == {recent_unfinished, old_submitted}
    assert old_unfinished not in remaining
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 2
    assert db.session.scalar(select(func.count()).select_from(AnswerChoice)) == 2
    assert retention.delete_expired_responses(30) == 0  # safe to run again


def test_demo_data_loads_once(ctx):
    first = load_demo_data()
    assert first[0] == "indicators: 55 new figures, 0 already there"
    assert all("demo responses" in line for line in first[1:])
    responses = db.session.scalar(select(func.count()).select_from(Response))
    assert responses == 160 * len(first[1:])
    again = load_demo_data()
    assert again[0] == "indicators: 0 new figures, 55 already there"
    assert all("already has" in line for line in again[1:])
    assert db.session.scalar(select(func.count()).select_from(Response)) == responses
    # Every stored choice is an option of its question: the demo speaks the definitions' ids.
    for survey in survey_versions.current_surveys():
        definition = survey_versions.definition_of(survey)
        rows = db.session.execute(
            select(Answer.question_id, AnswerChoice.option_id)
            .join(AnswerChoice)
            .join(Response)
            .where(Response.survey_id == survey.id)
            .distinct()
        )
        for question_id, option_id in rows:
            assert definition.question(question_id).option(option_id), (question_id, option_id)


def at_once(app, *calls) -> None:
    """Run the calls on threads of their own, each with its own session, released together;
    an exception in any of them fails the test."""
    barrier, failures = threading.Barrier(len(calls)), []

    def run(call) -> None:
        with app.app_context():
            try:
                barrier.wait()
                call()
            except BaseException as error:  # reported below, not lost in the thread
                failures.append(error)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    db.session.expire_all()


def test_the_same_page_sent_at_once_leaves_one_answer(app, ctx):
    """Two sends of one question racing (a double click on a slow line) meet in the
    database's upsert: one answer row, holding one send's choices whole, never a mix."""
    survey = survey_versions.current_survey("all-types")
    question = survey_versions.definition_of(survey).question("pick-many")
    response_id, _code = held_responses.start_response(survey, "me")
    sends = [["bus"], ["car", "walk"]]
    for _round in range(10):
        at_once(
            app,
            *(
                partial(held_responses.save_answer, response_id, question, option_ids=ids)
                for ids in sends
            ),
        )
        answers = db.session.scalars(select(Answer).filter_by(response_id=response_id)).all()
        assert len(answers) == 1
        assert answers[0].option_ids in sends


def test_a_respondents_sends_at_once_leave_one_whole_answer(app, ctx):
    """The same race through the respondent's save (held_responses.save_held_answer), which on
    PostgreSQL claims and stores a first answer in one statement: whichever send is second
    finds the answer there and replaces it whole."""
    survey = survey_versions.current_survey("all-types")
    version = survey_versions.survey_version(survey.id)
    question = survey_versions.definition_of(survey).question("pick-many")
    sends = [["bus"], ["car", "walk"]]

    def send(response_id: int, token: str, ids: list[str]) -> None:
        saved = held_responses.save_held_answer(
            response_id, token, version, 30, question, option_ids=ids
        )
        assert saved

    for _round in range(10):
        token = held_responses.new_token()
        response_id, _code = held_responses.start_response(survey, "me", holder_token=token)
        at_once(app, *(partial(send, response_id, token, ids) for ids in sends))
        answers = db.session.scalars(select(Answer).filter_by(response_id=response_id)).all()
        assert len(answers) == 1
        assert answers[0].option_ids in sends


def test_a_survey_sent_twice_at_once_is_counted_once(app, ctx):
    survey = survey_versions.current_survey("all-types")
    question = survey_versions.definition_of(survey).question("pick-one")
    response_id, _code = held_responses.start_response(survey, "me")
    held_responses.save_answer(response_id, question, option_ids=["cats"])
    at_once(app, *[partial(held_responses.submit_response, response_id)] * 2)
    counted = select(AnswerTally.count).filter_by(kind="response", survey_slug="all-types")
    assert db.session.scalars(counted).all() == [1]


def test_a_resume_code_drawn_twice_is_drawn_again(ctx, monkeypatch):
    """Two responses never share a code: the database refuses the second, which draws anew
    (and a token given to hold it is kept with the response it ends up as)."""
    drawn = iter(["AAAAAAAA", "AAAAAAAA", "BBBBBBBB"])
    monkeypatch.setattr(held_responses, "new_code", lambda: next(drawn))
    survey = survey_versions.current_survey("all-types")
    first_id, first_code = held_responses.start_response(survey, "me")
    token = held_responses.new_token()
    second_id, second_code = held_responses.start_response(survey, "me", holder_token=token)
    assert (first_code, second_code) == ("AAAAAAAA", "BBBBBBBB")
    assert codes.find_response("BBBB-BBBB").id == second_id != first_id
    held, is_open = held_responses.held_response("all-types", second_id, token)
    assert held.id == second_id and is_open
