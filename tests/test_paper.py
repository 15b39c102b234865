"""Paper, phone and assisted answers: the channel a response came in by, counted in the
tally; printed copies with references; staff data entry; withdrawing a paper response."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from sefvoice import tally
from sefvoice.extensions import db
from sefvoice.models import AnswerTally, Response
from sefvoice.surveys import service

from .conftest import make_app

# The channel in the tally


def _sent(survey, channel: str, pick: str, submitted: datetime) -> Response:
    response, _code = service.start_response(survey, "me")
    response.channel = channel
    db.session.commit()
    question = service.definition_of(survey).question("pick-one")
    service.save_answer(response.id, question, option_ids=[pick])
    service.submit_response(response.id)
    return response


def _tally_rows(kind: str, key: str) -> dict[str, int]:
    rows = db.session.execute(
        select(AnswerTally.channel, AnswerTally.count).filter_by(
            survey_slug="all-types", kind=kind, key=key
        )
    )
    return dict(rows.all())


def test_the_tally_counts_each_channel_apart_and_a_recount_agrees(ctx):
    survey = service.current_survey("all-types")
    for channel, pick in [
        ("online", "cats"),
        ("online", "cats"),
        ("paper", "cats"),
        ("phone", "dogs"),
        ("with_help", "cats"),
        ("paper", "dogs"),
    ]:
        _sent(survey, channel, pick, datetime(2023, 6, 1))
    as_kept = {
        "responses": _tally_rows("response", ""),
        "cats": _tally_rows("choice", "cats"),
        "dogs": _tally_rows("choice", "dogs"),
    }
    assert as_kept == {
        "responses": {"online": 2, "paper": 2, "phone": 1, "with_help": 1},
        "cats": {"online": 2, "paper": 1, "with_help": 1},
        "dogs": {"paper": 1, "phone": 1},
    }
    tally.recount()
    assert {
        "responses": _tally_rows("response", ""),
        "cats": _tally_rows("choice", "cats"),
        "dogs": _tally_rows("choice", "dogs"),
    } == as_kept


def test_a_new_response_is_online_unless_said_otherwise(ctx):
    response, _code = service.start_response(service.current_survey("all-types"), "me")
    assert db.session.get(Response, response.id).channel == "online"


def test_the_migration_makes_existing_responses_and_counts_online(tmp_path):
    """Responses and tally rows stored before the channel existed become online, and the
    tally keeps its counts through the change of its key (and back)."""
    app = make_app(f"sqlite:///{tmp_path / 'old.db'}", CHECK_MIGRATED=False)
    with app.app_context():
        upgrade(revision="0005")
        db.session.execute(
            text(
                "INSERT INTO survey (id, slug, version, title, definition, is_open, loaded_at)"
                " VALUES (1, 's', 1, 'S', '{}', 1, '2023-06-01')"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO response (survey_id, filled_by, resume_code_hash, started_at,"
                " last_saved_at, submitted_at) VALUES (1, 'me', 'h', '2023-06-01',"
                " '2023-06-01', '2023-06-01')"
            )
        )
        db.session.execute(
            text("INSERT INTO answer_tally VALUES ('s', '', 'response', '', 'me', '2023-06-01', 7)")
        )
        db.session.commit()
        upgrade()
        assert db.session.execute(text("SELECT channel FROM response")).all() == [("online",)]
        assert db.session.execute(text("SELECT channel, count FROM answer_tally")).all() == [
            ("online", 7)
        ]
        downgrade(revision="0005")
        assert db.session.execute(text("SELECT count FROM answer_tally")).all() == [(7,)]
        db.engine.dispose()


@pytest.mark.parametrize("channel", ["paper", "phone"])
def test_withdrawing_takes_the_response_out_of_its_channels_count(ctx, channel):
    survey = service.current_survey("all-types")
    kept = _sent(survey, "online", "cats", datetime(2023, 6, 1))
    leaving = _sent(survey, channel, "cats", datetime(2023, 6, 1))
    service.withdraw_response(leaving)
    assert _tally_rows("choice", "cats") == {"online": 1}
    assert db.session.get(Response, kept.id) is not None
