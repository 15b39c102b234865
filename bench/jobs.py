"""Benchmark: long work as jobs, from the officer's click to the stored file's download.

    python bench/jobs.py                         # 5,000 large-print copies, a fresh SQLite database
    python bench/jobs.py --copies 500 --database postgresql+psycopg://postgres@127.0.0.1/bench

On a fresh database with the demo's data (surveys, responses, measures, the Summer 2023
bulletin), signed in
as an officer through Flask's test client in this process, with a real worker (`sefvoice
worker`, a process of its own, the queue a SQLite file) it times:
- the request that prints a batch of --copies large-print copies (it stores a reference for
  each and queues the job; goal: under 200 ms),
- the job, from queued to done, as its progress page reports it (goal: under 30 s for 5,000),
- the download of the stored PDF, streamed a part at a time: until its first bytes, and
  the whole file read (goal: under 100 ms; the best and the worst of 5),
and the same for the bulletin's PDF and its easy-read edition's. It also prints the CPU the
starting requests used, and how far the progress page had got each time it was read.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from flask_migrate import upgrade
from fresh import fresh_database

from sefvoice import create_app
from sefvoice.auth import service as auth_service
from sefvoice.bulletin.service import load_demo_bulletin
from sefvoice.config import EASYREAD_DIR, STATIC_DIR
from sefvoice.definitions import check_all
from sefvoice.demo import load_demo_data
from sefvoice.extensions import db
from sefvoice.models import Job
from sefvoice.surveys import versions as survey_versions

SURVEY = "parent-carer-annual"
OFFICER, PASSWORD = "officer@example.org", "a long bench password"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
DOWNLOADS = 5


def timed(work):
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def post(client, path: str, data: dict, token_from: str):
    token = CSRF.search(client.get(token_from).get_data(as_text=True))[1]
    return timed(lambda: client.post(path, data={"csrf_token": token, **data}))


def follow(app, client, progress: str) -> tuple[float, list[str]]:
    """Seconds from the job's creation to its end, and what its page said on the way."""
    said = []
    job_id = int(progress.rsplit("/", 1)[1])
    while True:
        page = client.get(progress).get_data(as_text=True)
        line = re.search(r'<p class="job__doing"><strong>([^<]+)</strong>', page)[1]
        if not said or said[-1] != line:
            said.append(line)
        with app.app_context():
            job = db.session.get(Job, job_id)
            if job.state in ("done", "failed"):
                assert job.state == "done", job.error
                return (job.finished_at - job.created_at).total_seconds(), said
        time.sleep(0.5)


def worker_cpu(worker: psutil.Process) -> float:
    times = worker.cpu_times()
    return times.user + times.system


def report(what: str, started, app, client, worker: psutil.Process) -> None:
    before = worker_cpu(worker)
    wall, cpu, reply = started
    progress = reply.headers["Location"]
    print(f"{what}")
    print(f"  the request starting it  {wall * 1000:7.0f} ms ({cpu * 1000:.0f} ms CPU)")
    seconds, said = follow(app, client, progress)
    print(
        f"  the job, queued to done  {seconds:7.1f} s ({worker_cpu(worker) - before:.1f} s of"
        f" the worker's CPU; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    shown = said if len(said) <= 6 else [*said[:3], "...", *said[-2:]]
    print(f"  its page said            {' | '.join(shown)}")
    starts, wholes, size = [], [], 0
    for _ in range(DOWNLOADS):
        begun = time.perf_counter()
        download = client.get(progress + "/result")
        assert download.status_code == 200
        parts = iter(download.response)
        first = next(parts)
        starts.append(time.perf_counter() - begun)
        size = len(first) + sum(len(part) for part in parts)
        wholes.append(time.perf_counter() - begun)
    print(
        f"  the download ({size / 1e6:.1f} MB)   first bytes best {min(starts) * 1000:.0f} ms,"
        f" worst {max(starts) * 1000:.0f} ms; the whole file best {min(wholes) * 1000:.0f} ms,"
        f" worst {max(wholes) * 1000:.0f} ms, of {DOWNLOADS}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=5000)
    parser.add_argument("--database", help="a PostgreSQL URL (its public schema is wiped)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = fresh_database(args.database, Path(folder) / "bench-jobs.db")
        queue = f"sqlite:///{Path(folder) / 'queue.db'}"
        config = {"SQLALCHEMY_DATABASE_URI": url, "QUEUE_URL": queue, "SECRET_KEY": "bench"}
        app = create_app({**config, "CHECK_MIGRATED": False})
        with app.app_context():
            upgrade()
            definitions, problems = check_all(EASYREAD_DIR, STATIC_DIR)
            assert not problems, problems
            survey_versions.store_definitions(definitions)
            load_demo_data()
            load_demo_bulletin()
            auth_service.create_user(OFFICER, PASSWORD, "officer")
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("SEFVOICE_")},
            "SEFVOICE_DATABASE_URL": url,
            "SEFVOICE_QUEUE_URL": queue,
            "SEFVOICE_SECRET_KEY": "bench",
            "SEFVOICE_INSTANCE_DIR": folder,
        }
        with Path(folder, "worker.log").open("w") as log:
            worker = subprocess.Popen(
                [sys.executable, "-m", "sefvoice", "worker"], env=env, stdout=log, stderr=log
            )
        try:
            # A worker that is already running, as in production: its start is not the job's.
            while "sefvoice worker:" not in Path(folder, "worker.log").read_text():
                assert worker.poll() is None, Path(folder, "worker.log").read_text()
                time.sleep(0.2)
            client = app.test_client()
            post(client, "/sign-in", {"email": OFFICER, "password": PASSWORD}, "/sign-in")
            printed = post(
                client,
                f"/paper/{SURVEY}/print",
                {"copies": str(args.copies), "large_print": "y"},
                f"/paper/{SURVEY}/print",
            )
            watched = psutil.Process(worker.pid)
            report(f"{args.copies:,} large-print copies", printed, app, client, watched)
            for edition in ("bulletin", "easy-read"):
                path = f"/bulletins/summer-2023/{edition}.pdf"
                report(
                    f"the {edition} PDF for Summer 2023",
                    timed(lambda p=path: client.get(p)),
                    app,
                    client,
                    watched,
                )
        finally:
            worker.terminate()
            worker.wait()
            with app.app_context():
                db.engine.dispose()


if __name__ == "__main__":
    main()
