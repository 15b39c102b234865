"""Jobs: long work runs in a worker with a progress page, and what it made is stored once.

Most tests run each job inside the request that starts it (JOBS_IMMEDIATE, conftest); the
last ones start real workers (`python -m sefvoice worker`) and kill one in the middle of a job.
"""

from __future__ import annotations

import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from flask_migrate import downgrade, upgrade
from pypdf import PdfReader
from sqlalchemy import func, select, text

from sefvoice.extensions import db
from sefvoice.jobs import registry, service
from sefvoice.models import IndicatorValue, Job, JobFile, utcnow

from .cluster import freeze_mid_job
from .conftest import job_result, make_app, post_form, sign_in
from .test_indicators import GOOD, upload


def _job_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Job))


def test_each_kind_of_job_runs_from_its_page_and_its_file_is_made_once(app, client):
    app.config["IMPORT_JOB_BYTES"] = 100  # GOOD is larger: imported by a job
    sign_in(client, "officer")

    copies = job_result(client, post_form(client, "/paper/all-types/print", {"copies": "2"}))
    assert copies.mimetype == "application/pdf" and copies.data.startswith(b"%PDF")
    batch_page = client.get("/paper/batches/1").get_data(as_text=True)
    result = re.search(r'href="(/jobs/\d+/result)"', batch_page)
    assert result and "Download the copies (PDF)" in batch_page
    with app.app_context():
        made = _job_count()
    for _download in range(2):  # downloaded again: the stored file, not made afresh
        assert client.get(result[1]).data == copies.data
        assert client.get("/paper/batches/1/copies.pdf").headers["Location"] == result[1]
    with app.app_context():
        assert _job_count() == made

    assert post_form(client, "/bulletins/", {"term": "Summer 2023"}).status_code == 302
    for edition in ("bulletin", "easy-read"):
        pdf = job_result(client, client.get(f"/bulletins/summer-2023/{edition}.pdf"))
        assert f'filename="{edition}-summer-2023.pdf"' in pdf.headers["Content-Disposition"]
        assert len(PdfReader(io.BytesIO(pdf.data)).pages) >= 2

    assert upload(client, GOOD).status_code == 200
    started = post_form(client, "/indicators/upload/confirm", {}, token_from="/indicators/")
    page = client.get(started.headers["Location"]).get_data(as_text=True)
    assert "Imported measures.csv: 4 new, 0 changed" in page
    assert 'href="/indicators/">See what it changed' in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(IndicatorValue)) == 4

    report = job_result(client, post_form(client, "/release/audit", {"term": "Summer 2023"}))
    assert report.mimetype == "text/plain"
    assert report.get_data(as_text=True).startswith("Summer 2023: ")

    listing = client.get("/jobs/").get_data(as_text=True)
    for title in (
        "Making the paper copies",
        "Making a bulletin PDF",
        "Importing indicators",
        "Checking a term&#39;s release",
    ):
        assert title in listing
    with app.app_context():  # the copies, two PDFs and a report; an import makes no file
        assert db.session.scalar(select(func.count()).select_from(JobFile)) == 4


def _running_job(**values) -> Job:
    job = Job(
        kind="paper-batch",
        subject="batch 9 of the test survey: 5,000 copies",
        arguments={"batch_id": 9},
        who="officer@example.org",
        **{"state": "running", "attempt": 1, "started_at": utcnow(), **values},
    )
    db.session.add(job)
    db.session.commit()
    return job


def test_the_progress_page_says_how_far_and_reloads_itself_without_javascript(app, client):
    sign_in(client, "officer")
    with app.app_context():
        job_id = _running_job(
            done=1200,
            total=5000,
            doing="Drawing copy {done} of {total}",
            started_at=utcnow() - timedelta(seconds=10),
        ).id
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    assert "Drawing copy 1,200 of 5,000." in page
    assert "Time left: about 30 seconds." in page  # 10 s for 1,200: 32 s for the other 3,800
    assert 'role="status" aria-live="polite" data-job-announce' in page
    assert f'data-job-status="/jobs/{job_id}/status"' in page
    status = client.get(f"/jobs/{job_id}/status").get_json()
    assert status["state"] == "running" and status["say"] == "Drawing copy 1,200 of 5,000."
    assert "Drawing copy 1,200 of 5,000." in status["html"]
    assert client.get(f"/jobs/{job_id}/result").headers["Location"] == f"/jobs/{job_id}"
    with app.app_context():
        db.session.get(Job, job_id).state = "done"
        db.session.commit()
    finished = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "http-equiv" not in finished and "data-job-status" not in finished


def test_the_progress_pages_are_for_officers(app, client):
    with app.app_context():
        job_id = _running_job().id
    assert client.get(f"/jobs/{job_id}").status_code == 302  # to sign in
    sign_in(client, "pcv_rep")
    for url in (f"/jobs/{job_id}", f"/jobs/{job_id}/status", f"/jobs/{job_id}/result", "/jobs/"):
        assert client.get(url).status_code == 403, url


def test_a_failed_job_says_why_in_plain_words_and_trying_again_runs_it(app, client, monkeypatch):
    sign_in(client, "officer")

    def broken(*_args, **_kwargs):
        raise RuntimeError("reportlab ran out of paper")

    monkeypatch.setattr("sefvoice.paper.service.build_pdf", broken)
    started = post_form(client, "/paper/all-types/print", {"copies": "2"})
    progress = started.headers["Location"]
    page = client.get(progress).get_data(as_text=True)
    assert (
        "It did not finish" in page and "Something went wrong while making the paper copies" in page
    )
    assert "(RuntimeError)" in page and "ran out of paper" not in page  # the log has the details
    assert "/result" not in page and "http-equiv" not in page
    assert client.get(progress + "/result").headers["Location"] == progress
    monkeypatch.undo()
    retried = post_form(client, progress + "/retry", {}, token_from=progress)
    assert retried.headers["Location"] == progress
    pdf = client.get(progress + "/result")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_a_job_for_something_deleted_says_so(app, client):
    sign_in(client, "officer")
    with app.app_context():
        job = Job(kind="paper-batch", subject="batch 99", arguments={"batch_id": 99}, who="x")
        db.session.add(job)
        db.session.commit()
        service.run(job.id)
        job_id = job.id
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "That batch is no longer stored, so there is nothing to print." in page


def test_an_attempt_given_up_on_cannot_overwrite_the_next(ctx):
    job = Job(kind="paper-batch", subject="batch 1", arguments={"batch_id": 1}, who="x")
    db.session.add(job)
    db.session.commit()
    assert service.claim(job.id) == 1
    assert service.claim(job.id) is None  # a repeated message: it is running already
    db.session.get(Job, job.id).state = "queued"  # as the sweep does when its worker died
    db.session.commit()
    assert service.claim(job.id) == 2
    with pytest.raises(service.Superseded):
        service.Attempt(db.engine, job.id, 1).step(5, 10, "Drawing")
    with pytest.raises(service.Superseded):
        service._finish(job.id, 1, {"state": "done", "result": "stale"})
    service.Attempt(db.engine, job.id, 2).step(3, 10, "Drawing")
    db.session.expire_all()
    stored = db.session.get(Job, job.id)
    assert (stored.state, stored.attempt, stored.done, stored.result) == ("running", 2, 3, None)


def _ended_process() -> int:
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    return ended.pid


def test_jobs_whose_worker_stopped_are_queued_again_and_no_others(ctx):
    here, now = socket.gethostname(), utcnow()
    died_here = _running_job(worker=f"{here}:{_ended_process()}", heartbeat_at=now).id
    alive_here = _running_job(worker=f"{here}:{os.getpid()}", heartbeat_at=now).id
    elsewhere = _running_job(worker="another-host:12", heartbeat_at=now).id
    silent = _running_job(worker="another-host:13", heartbeat_at=now - timedelta(minutes=2)).id
    assert sorted(service.abandoned()) == sorted([died_here, silent])
    db.session.expire_all()
    states = {
        job_id: db.session.get(Job, job_id).state
        for job_id in (died_here, alive_here, elsewhere, silent)
    }
    assert states == {
        died_here: "queued",
        alive_here: "running",
        elsewhere: "running",
        silent: "queued",
    }
    assert db.session.get(Job, died_here).doing == service.RESTARTED


def test_a_file_larger_than_a_part_is_stored_in_parts_and_streamed_whole(app, client, monkeypatch):
    monkeypatch.setattr(service, "PART_SIZE", 1000)
    sign_in(client, "officer")
    with app.app_context():
        job_id = _running_job().id
        made = bytes(range(256)) * 10  # 2,560 bytes: three parts
        service._finish(job_id, 1, {"state": "done"}, registry.Made("made", made, "a.pdf"))
    download = client.get(f"/jobs/{job_id}/result")
    assert download.is_streamed  # a part at a time, not the whole file in one piece
    assert download.headers["Content-Length"] == "2560"
    assert download.data == made
    with app.app_context():  # a shorter file stored again leaves no part of the longer one
        db.session.get(Job, job_id).state, db.session.get(Job, job_id).attempt = "running", 2
        db.session.commit()
        service._finish(job_id, 2, {"state": "done"}, registry.Made("made", b"short", "a.pdf"))
    assert client.get(f"/jobs/{job_id}/result").data == b"short"


def test_a_file_stored_whole_before_parts_is_kept_across_the_migration(database_url):
    app = make_app(database_url, CHECK_MIGRATED=False)
    stored = bytes(range(256)) * 5000  # 1.28 MB: two parts
    with app.app_context():
        downgrade(revision="0020")
        db.session.execute(
            text(
                "INSERT INTO job (id, kind, subject, arguments, who, state, attempt, done, doing,"
                " created_at) VALUES (7, 'paper-batch', 's', '{}', 'w', 'done', 1, 0, '',"
                " '2023-06-01')"
            )
        )
        db.session.execute(
            text("INSERT INTO job_file VALUES (7, 'a.pdf', 'application/pdf', :n, :c)"),
            {"n": len(stored), "c": stored},
        )
        db.session.commit()
        upgrade()
        assert b"".join(service.result_parts(7)) == stored
        db.session.commit()
        downgrade(revision="0020")
        assert db.session.execute(text("SELECT content FROM job_file")).scalar() == stored
        db.session.commit()
        upgrade()
        db.engine.dispose()


def test_a_second_kind_with_a_name_taken_is_refused():
    with pytest.raises(ValueError, match="registered already"):
        registry.register("paper-batch", "Something else")(lambda arguments, progress: None)


# Real workers


def _start_worker(env: dict, log) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "sefvoice", "worker", "--nice", "0"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _wait_for(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"waited {seconds} s for {what}")


COPIES = 400  # large print: a PDF of 3 MB, a few seconds of work to stop half-way


def test_a_worker_killed_mid_job_leaves_it_to_the_next_which_stores_it_whole(
    app, database_url, tmp_path
):
    """The web app queues the job; a worker starts it and is killed (SIGKILL) half-way;
    the page never offers half a file; the next worker to start runs it again, whole."""
    queue = f"sqlite:///{tmp_path / 'queue.db'}"
    web = make_app(database_url, JOBS_IMMEDIATE=False, QUEUE_URL=queue)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SEFVOICE_")},
        "SEFVOICE_DATABASE_URL": database_url,
        "SEFVOICE_SECRET_KEY": "test-secret",
        "SEFVOICE_QUEUE_URL": queue,
        "SEFVOICE_INSTANCE_DIR": str(tmp_path),
    }
    client = web.test_client()
    sign_in(client, "officer")
    started = post_form(
        client, "/paper/all-types/print", {"copies": str(COPIES), "large_print": "y"}
    )
    progress = started.headers["Location"]
    job_id = int(progress.rsplit("/", 1)[1])
    assert "Waiting for a worker." in client.get(progress).get_data(as_text=True)

    def job() -> Job:
        with web.app_context():
            return db.session.get(Job, job_id)

    with (tmp_path / "worker.log").open("w") as log:
        first = _start_worker(env, log)
        try:
            freeze_mid_job(first, lambda: job().state)
            first.send_signal(signal.SIGKILL)
            first.wait()
            page = client.get(progress).get_data(as_text=True)
            assert "Waiting for a worker" not in page and "/result" not in page
            assert client.get(progress + "/result").headers["Location"] == progress
            second = _start_worker(env, log)
            try:
                _wait_for(lambda: job().state == "done", 180, "the second worker to finish")
            finally:
                second.send_signal(signal.SIGINT)
                second.wait(timeout=60)
        finally:
            if first.poll() is None:
                first.kill()
                first.wait()
    assert job().attempt == 2
    pdf = job_result(client, started)
    pages = len(PdfReader(io.BytesIO(pdf.data)).pages)
    assert pages % COPIES == 0 and pages > COPIES
    with web.app_context():
        db.engine.dispose()
