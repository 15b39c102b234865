"""Survey abuse: rate limits shared across workers (Redis when configured, a warning when
several workers count alone), a keyed hash of where each response came from, and officers
setting a burst aside from the figures (kept, marked, audited, reversible)."""

from __future__ import annotations

import logging
import os
from datetime import datetime, timedelta

import pytest
import redis
from sqlalchemy import func, select

from sefvoice import answer_tally
from sefvoice.bursts import service as bursts
from sefvoice.extensions import db
from sefvoice.models import AnswerTally, AuditEvent, Response, SetAsideBatch
from sefvoice.ratelimits import shared_limits_warning
from sefvoice.surveys import held as held_responses
from sefvoice.surveys import retention
from sefvoice.surveys import versions as survey_versions

from .conftest import csrf_token, make_app, post_form, sign_in

REDIS_URL = os.environ.get("SEFVOICE_TEST_REDIS_URL", "redis://127.0.0.1:6379/3")


def redis_or_skip() -> None:
    try:
        redis.Redis.from_url(REDIS_URL).flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")


def test_the_redis_setting_becomes_the_rate_limit_store(database_url, monkeypatch):
    """Counts kept in Redis outlive the worker that made them: a new app (another worker)
    sees the limit already reached."""
    redis_or_skip()
    monkeypatch.delenv("SEFVOICE_RATELIMIT_STORAGE", raising=False)
    monkeypatch.setenv("SEFVOICE_REDIS_URL", REDIS_URL)
    first = make_app(database_url)
    assert first.config["RATELIMIT_STORAGE_URI"] == REDIS_URL
    client = first.test_client()
    for _ in range(10):
        post_form(client, "/sign-in", {"email": "x@example.org", "password": "wrong one"})
    second = make_app(database_url)  # another worker: its own memory, the same Redis
    other = second.test_client()
    token = csrf_token(other, "/sign-in")
    reply = other.post("/sign-in", data={"csrf_token": token, "email": "x@example.org"})
    assert reply.status_code == 429
    redis.Redis.from_url(REDIS_URL).flushdb()


@pytest.mark.parametrize(
    ("argv", "environ", "workers"),
    [
        (["/usr/bin/gunicorn", "--workers", "3", "wsgi:app"], {}, 3),
        (["gunicorn", "-w4", "wsgi:app"], {}, 4),
        (["gunicorn", "--workers=2", "wsgi:app"], {}, 2),
        (["gunicorn", "wsgi:app"], {"GUNICORN_CMD_ARGS": "--bind :80 -w 5"}, 5),
        (["gunicorn", "wsgi:app"], {"WEB_CONCURRENCY": "6"}, 6),
        (["gunicorn", "wsgi:app"], {}, None),
        (["sefvoice", "run", "-w", "3"], {}, None),
    ],
)
def test_a_warning_when_several_workers_count_alone(argv, environ, workers):
    for storage in ("memory://", "sefvoice-memory://"):  # the default is the second
        warning = shared_limits_warning(storage, argv, environ)
        if workers is None:
            assert warning is None
        else:
            assert f"with {workers} gunicorn workers" in warning
            assert "SEFVOICE_REDIS_URL" in warning
    if workers is not None:
        assert shared_limits_warning("redis://127.0.0.1:6379", argv, environ) is None


def test_the_app_warns_at_start_up(database_url, monkeypatch, caplog):
    monkeypatch.setattr("sys.argv", ["gunicorn", "--workers", "3", "wsgi:app"])
    monkeypatch.delenv("SEFVOICE_RATELIMIT_STORAGE", raising=False)
    monkeypatch.delenv("SEFVOICE_REDIS_URL", raising=False)
    with caplog.at_level(logging.WARNING):
        make_app(database_url)
    assert any("with 3 gunicorn workers" in record.message for record in caplog.records)


def send(survey, source: str | None, at: datetime, pet: str = "cats") -> int:
    response_id, _ = held_responses.start_response(survey, "me")
    definition = survey_versions.definition_of(survey)
    held_responses.save_answer(response_id, definition.question("pick-one"), option_ids=[pet])
    held_responses.submit_response(response_id, held_responses.source_hash(source, "test-secret"))
    db.session.execute(
        Response.__table__.update().where(Response.id == response_id).values(submitted_at=at)
    )
    db.session.commit()
    return response_id


def test_a_sent_survey_keeps_a_keyed_hash_of_its_address_never_the_address(app, client):
    from .test_taking_a_survey import ALL_ANSWERS, answer, start

    start(client)
    for question_id, value in ALL_ANSWERS:
        answer(client, question_id, value)
    client.post(
        "/s/all-types/check",
        data={"csrf_token": csrf_token(client, "/s/all-types/check")},
        environ_base={"REMOTE_ADDR": "192.0.2.44"},
    )
    with app.app_context():
        stored = db.session.scalar(select(Response.source_hash))
    assert stored == held_responses.source_hash("192.0.2.44", "test-secret")
    assert stored != held_responses.source_hash("192.0.2.45", "test-secret")
    assert stored != held_responses.source_hash("192.0.2.44", "another key")
    assert "192.0.2.44" not in stored and len(stored) == 32


@pytest.fixture
def burst(app):
    """Twelve sends from one place within two minutes (dogs), and three real ones (cats)."""
    start = datetime(2023, 6, 1, 9, 0)
    with app.app_context():
        survey = survey_versions.current_survey("all-types")
        for n in range(12):
            send(survey, "203.0.113.66", start + timedelta(seconds=10 * n), "dogs")
        for n, place in enumerate(["198.51.100.1", "198.51.100.2", "198.51.100.3"]):
            send(survey, place, start + timedelta(hours=n))
        send(survey, "203.0.113.66", start + timedelta(days=2))  # later, on its own
        answer_tally.recount()  # the sends were back-dated by hand
    return start


def counted(kind: str = "choice", key: str = "dogs") -> int:
    return db.session.scalar(
        select(func.coalesce(func.sum(AnswerTally.count), 0)).filter_by(kind=kind, key=key)
    )


def test_officers_see_a_burst(app, burst):
    with app.app_context():
        [found] = bursts.find_bursts(10, timedelta(minutes=10))
    assert found.responses == 12 and found.first_sent_at == burst
    assert found.last_sent_at == burst + timedelta(seconds=110)
    assert found.source_hash == held_responses.source_hash("203.0.113.66", "test-secret")


def test_a_burst_is_set_aside_kept_audited_and_put_back(app, client, burst):
    sign_in(client, "officer", "checker@example.org")
    page = client.get("/responses/bursts")
    assert page.status_code == 200 and "12 sent from place" in page.text
    with app.app_context():
        [found] = bursts.find_bursts(10, timedelta(minutes=10))
        assert counted() == 12 and counted("response", "") == 16
    no_reason = {
        "source": found.source_hash,
        "first": burst.isoformat(),
        "last": found.last_sent_at.isoformat(),
    }
    assert (
        post_form(
            client, "/responses/bursts/set-aside", {**no_reason, "reason": ""}, "/responses/bursts"
        ).status_code
        == 400
    )
    reply = post_form(
        client,
        "/responses/bursts/set-aside",
        {**no_reason, "reason": "Twelve in two minutes from one place"},
        "/responses/bursts",
    )
    assert reply.status_code == 302
    with app.app_context():
        assert counted() == 0 and counted("response", "") == 4  # out of the figures
        assert db.session.scalar(select(func.count(Response.id))) == 16  # but kept
        batch = db.session.scalar(select(SetAsideBatch))
        assert batch.responses == 12 and batch.set_aside_by == "checker@example.org"
        batch_id = batch.id
        marked = select(func.count(Response.id)).filter_by(set_aside_batch_id=batch_id)
        assert db.session.scalar(marked) == 12
        answer_tally.recount()  # `sefvoice feedback recount` leaves them out too
        assert counted() == 0 and counted("response", "") == 4
        assert bursts.find_bursts(10, timedelta(minutes=10)) == []
        event = db.session.scalar(select(AuditEvent).filter_by(action="set aside responses"))
        assert "12 responses" in event.detail and "Twelve in two minutes" in event.detail
    assert "Put back in the figures" in client.get("/responses/bursts").text
    reply = post_form(client, f"/responses/batches/{batch_id}/put-back", {}, "/responses/bursts")
    assert reply.status_code == 302
    with app.app_context():
        assert counted() == 12 and counted("response", "") == 16
        assert db.session.scalar(select(SetAsideBatch.restored_by)) == "checker@example.org"
        assert (
            db.session.scalar(
                select(func.count(AuditEvent.id)).filter_by(action="put back responses")
            )
            == 1
        )
    again = post_form(client, f"/responses/batches/{batch_id}/put-back", {}, "/responses/bursts")
    assert again.status_code == 302
    with app.app_context():
        assert counted() == 12  # putting back twice counts once


def test_source_hashes_are_blanked_after_90_days(app, burst):
    with app.app_context():
        later = burst + timedelta(days=91, minutes=30)  # the burst and the three real sends
        assert retention.delete_old_source_hashes(90, now=later) == 15
        left = select(func.count(Response.id)).where(Response.source_hash.is_not(None))
        assert db.session.scalar(left) == 1  # the one sent two days later
        assert retention.delete_old_source_hashes(90, now=later) == 0


@pytest.mark.parametrize(("role", "status"), [("pcv_rep", 403), ("officer", 200)])
def test_bursts_need_an_officer(client, role, status):
    sign_in(client, role)
    assert client.get("/responses/bursts").status_code == status


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (timedelta(0), timedelta(days=3)),  # wider: takes in the later send on its own
        (timedelta(days=-365), timedelta(days=365)),
        (timedelta(seconds=10), timedelta(seconds=110)),  # narrower: not the burst shown
        (timedelta(seconds=110), timedelta(0)),  # backwards
    ],
)
def test_only_a_burst_as_shown_can_be_set_aside(app, client, burst, first, last):
    sign_in(client, "officer")
    with app.app_context():
        [found] = bursts.find_bursts(10, timedelta(minutes=10))
    reply = post_form(
        client,
        "/responses/bursts/set-aside",
        {
            "source": found.source_hash,
            "first": (burst + first).isoformat(),
            "last": (burst + last).isoformat(),
            "reason": "A range the page never showed",
        },
        "/responses/bursts",
    )
    assert reply.status_code == 302
    assert "not a burst as shown any more" in client.get("/responses/bursts").text
    with app.app_context():
        assert db.session.scalar(select(func.count(SetAsideBatch.id))) == 0
        assert counted() == 12 and counted("response", "") == 16
