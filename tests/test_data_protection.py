"""Withdrawal with the code, the record of one response, and no IP addresses kept."""

from __future__ import annotations

import json

from sqlalchemy import func, inspect, select

from sefvoice.extensions import db
from sefvoice.models import Answer, AnswerTally, AuditEvent, Response

from .conftest import post_form, sign_in
from .test_taking_a_survey import ALL_ANSWERS, answer, start


def complete(client) -> str:
    code = start(client)
    for question_id, value in ALL_ANSWERS:
        answer(client, question_id, value)
    post_form(client, "/s/all-types/check", {})
    return code


def test_withdrawing_deletes_the_answers_and_their_counts(app, client):
    code = complete(client)
    keep = complete(app.test_client())  # someone else's answers stay
    with app.app_context():
        tally_before = db.session.scalar(select(func.sum(AnswerTally.count)))
    refused = post_form(client, "/withdraw", {"code": code})
    assert refused.status_code == 400 and "Tick the box" in refused.get_data(as_text=True)
    reply = post_form(client, "/withdraw", {"code": code.lower(), "confirm": "y"})
    assert reply.status_code == 200 and "Your answers are deleted" in reply.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Response.id))) == 1
        assert db.session.scalar(select(func.count(Answer.id))) == len(ALL_ANSWERS)
        assert db.session.scalar(select(func.sum(AnswerTally.count))) * 2 == tally_before
    gone = post_form(client, "/withdraw", {"code": code, "confirm": "y"})
    assert gone.status_code == 400 and "We cannot find that code" in gone.get_data(as_text=True)
    assert keep


def test_an_unfinished_response_can_be_withdrawn_too(app, client):
    code = start(client)
    answer(client, "pick-one", "cats")
    assert post_form(client, "/withdraw", {"code": code, "confirm": "y"}).status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count(Response.id))) == 0


def test_admin_downloads_everything_held_about_a_response(app, client):
    code = complete(app.test_client())
    sign_in(client, "admin")
    reply = post_form(client, "/admin/response-record", {"code": code})
    assert reply.status_code == 200 and reply.mimetype == "application/json"
    record = json.loads(reply.data)
    assert record["survey"] == "Test survey" and record["filled_by"] == "me"
    chosen = {a["question"]: a["chosen"] for a in record["answers"]}
    assert chosen["Which do you use?"] == ["Bus", "Walk"]
    with app.app_context():
        assert db.session.scalar(
            select(AuditEvent.action).where(AuditEvent.action == "export response record")
        )
    assert post_form(client, "/admin/response-record", {"code": "ABCD-2345"}).status_code == 400


def test_officers_cannot_download_response_records(client):
    sign_in(client, "officer")
    assert client.get("/admin/response-record").status_code == 403


def test_no_ip_address_is_stored(app):
    with app.app_context():
        columns = {
            column["name"]
            for table in inspect(db.engine).get_table_names()
            for column in inspect(db.engine).get_columns(table)
        }
    assert not {c for c in columns if "ip" in c.split("_") or "address" in c}


def test_old_free_text_is_deleted_with_its_moderated_copy(app, client):
    from datetime import timedelta

    from sefvoice.feedback.comments import review_comment
    from sefvoice.models import CommentReview, User, utcnow
    from sefvoice.surveys import retention

    for _ in range(2):
        complete(app.test_client())
    sign_in(client, "officer", "mod@example.org")
    with app.app_context():
        old, recent = db.session.scalars(select(Response).order_by(Response.id)).all()
        old.submitted_at = utcnow() - timedelta(days=800)
        db.session.commit()
        officer = db.session.scalar(select(User))
        for response in (old, recent):
            text_answer = next(a for a in response.answers if a.text)
            review_comment(
                text_answer.id, "approved", "Thanks", "other", "actively-listen", officer
            )
        assert retention.delete_old_free_text(730) == 1
        texts = {
            r.id: [a.text for a in r.answers if a.question_id == "anything-else"][0]
            for r in db.session.scalars(select(Response))
        }
        assert texts == {old.id: None, recent.id: "Thank you"}
        assert db.session.scalar(select(func.count(CommentReview.id))) == 1
        # The rest of the old response stays, and so do the counts.
        assert len(old.answers) == len(ALL_ANSWERS)
        assert retention.delete_old_free_text(730) == 0


def test_retention_command(app, database_url, monkeypatch):
    from click.testing import CliRunner

    from sefvoice.cli import main

    monkeypatch.setenv("SEFVOICE_DATABASE_URL", database_url)
    result = CliRunner().invoke(main, ["retention", "run"])
    assert result.exit_code == 0, result.output
    assert "deleted 0 unfinished responses older than 30 days" in result.output
    assert "deleted the free text of 0 answers sent more than 730 days ago" in result.output
    assert "deleted the source hash of 0 responses sent more than 90 days ago" in result.output
    assert "deleted 0 uploads never confirmed" in result.output
