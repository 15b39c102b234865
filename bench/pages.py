"""Benchmark: what one survey page costs the app, in process, with no network or server.

    python bench/pages.py                          # a fresh SQLite database
    python bench/pages.py --surveys 50 --database postgresql+psycopg://postgres@127.0.0.1/bench

Takes the parent carer survey --surveys times through Flask's test client, as bench/load.py's
users do (start, the code page, every question shown and sent, the second one twice, check,
send, the thank-you page) after two warm-up surveys, and prints the median and
95th percentile of showing a question page (GET) and of saving an answer (POST). This is the
CPU the app spends per answer, the figure bench/load.py's throughput follows; run py-spy over
it (`py-spy record -- python bench/pages.py`) to see where the time goes.

    python bench/pages.py --instructions           # needs valgrind (apt-get install valgrind)

counts the instructions the same surveys cost, under valgrind's callgrind, instead of timing
them. Timings on a shared virtual machine wander by a third from one minute to the next; the
count repeats to within 1%, so it is the figure to compare a change by.

    python bench/pages.py --round-trips --database postgresql+psycopg://...

counts the round trips to PostgreSQL each kind of page makes, and what was sent (the
pre-ping's SELECT 1, BEGIN, the statements, COMMIT or ROLLBACK).
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from flask_migrate import upgrade
from fresh import fresh_database
from psycopg import Connection, Cursor

from sefvoice import create_app
from sefvoice.config import EASYREAD_DIR, STATIC_DIR
from sefvoice.definitions import Question, SurveyDefinition, load_charter, load_survey_file
from sefvoice.surveys import versions as survey_versions

SURVEY = "parent-carer-annual"
UNDER_CALLGRIND = "SEFVOICE_BENCH_UNDER_CALLGRIND"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def token(page: str) -> str:
    return CSRF.search(page)[1]


def answer_for(question: Question) -> str:
    if question.type == "text":
        return "The help came late but it came."
    if question.type == "number":
        return str(question.min)
    return question.options[0].id


def take_survey(client, definition: SurveyDefinition, timings: list[tuple[float, float]]) -> None:
    slug = definition.slug
    page = client.get(f"/s/{slug}").get_data(as_text=True)
    client.post(f"/s/{slug}", data={"csrf_token": token(page), "filled_by": "me"})
    assert client.get(f"/s/{slug}/code").status_code == 200
    for position, question in enumerate(definition.questions):
        started = time.perf_counter()
        page = client.get(f"/s/{slug}/q/{question.id}").get_data(as_text=True)
        shown = time.perf_counter()
        data = {"csrf_token": token(page), "answer": answer_for(question)}
        reply = client.post(f"/s/{slug}/q/{question.id}", data=data)
        timings.append((shown - started, time.perf_counter() - shown))
        assert reply.status_code == 302, f"{question.id}: {reply.status_code}"
        if position == 1:  # sent twice, as bench/load.py's users do
            assert client.post(f"/s/{slug}/q/{question.id}", data=data).status_code == 302
    page = client.get(f"/s/{slug}/check").get_data(as_text=True)
    assert client.post(f"/s/{slug}/check", data={"csrf_token": token(page)}).status_code == 302
    assert client.get(f"/s/{slug}/done").status_code == 200


class RoundTrips:
    """What the app sends PostgreSQL, counted inside psycopg: each statement a cursor
    executes, and each BEGIN, COMMIT or ROLLBACK psycopg sends of itself, is a round trip."""

    def __init__(self) -> None:
        self.pages: dict[str, Counter] = defaultdict(Counter)  # page: requests, trips, statements
        self.sent: Counter = Counter()
        execute, command = Cursor.execute, Connection._exec_command
        sent = self.sent

        def named_execute(cursor, query, *args, **kwargs):
            sent[" ".join(str(query).split()[:2]).replace(";", "the pre-ping (;)")] += 1
            return execute(cursor, query, *args, **kwargs)

        def named_command(connection, command_text, *args, **kwargs):
            sent[bytes(command_text).decode()] += 1
            return command(connection, command_text, *args, **kwargs)

        Cursor.execute, Connection._exec_command = named_execute, named_command

    def count(self, page: str) -> None:
        """Charge what was sent since the last call to `page`."""
        self.pages[page]["requests"] += 1
        self.pages[page].update(self.sent)
        self.sent.clear()

    def print(self, answers: int) -> None:
        total = sum(counts.total() - counts["requests"] for counts in self.pages.values())
        print(f"{total / answers:.2f} round trips to PostgreSQL per answer ({answers:,} answers)")
        for page, counts in self.pages.items():
            requests = counts.pop("requests")
            trips = counts.total()
            sent = ", ".join(f"{what} {n / requests:g}" for what, n in counts.most_common())
            print(f"  {page:<16} {trips / requests:4.1f} per request: {sent}")


class CountingClient:
    """A test client that charges each request's round trips to its kind of page."""

    def __init__(self, client, round_trips: RoundTrips | None) -> None:
        self.client, self.round_trips = client, round_trips

    def request(self, method: str, url: str, **kwargs):
        reply = self.client.open(url, method=method, **kwargs)
        if self.round_trips:
            page = re.sub(r"/q/[^/?]+", "/q/…", re.sub(r"^/s/[^/]+", "", url)) or " start"
            self.round_trips.count(f"{method} {page}")
        return reply

    def get(self, url: str, **kwargs):
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs):
        return self.request("POST", url, **kwargs)


def count_instructions(arguments: list[str]) -> None:
    """Run this script again under callgrind, counting only the measured surveys."""
    with tempfile.TemporaryDirectory() as folder:
        run = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--instr-atstart=no",
                f"--callgrind-out-file={folder}/callgrind.out",
                sys.executable,
                __file__,
                *arguments,
            ],
            env={**os.environ, UNDER_CALLGRIND: "1"},
            capture_output=True,
            text=True,
            check=True,
        )
    answers = int(re.search(r"answers measured: (\d+)", run.stdout)[1])
    instructions = int(re.search(r"Collected : (\d+)", run.stderr)[1])
    print(
        f"{instructions / answers / 1e6:.2f} million instructions per answer ({answers:,} answers;"
        " each survey's start, check and send shared among its answers)"
    )


def callgrind_instrumentation(on: bool) -> None:
    command = ["callgrind_control", "--instr=" + ("on" if on else "off"), str(os.getpid())]
    subprocess.run(command, check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--surveys", type=int, default=30)
    parser.add_argument("--database", help="a PostgreSQL URL (its public schema is wiped)")
    parser.add_argument(
        "--instructions", action="store_true", help="count instructions (valgrind) instead"
    )
    parser.add_argument(
        "--round-trips", action="store_true", help="count round trips to PostgreSQL instead"
    )
    args = parser.parse_args()
    if args.round_trips and not args.database:
        parser.error("--round-trips needs a PostgreSQL --database")
    counting = UNDER_CALLGRIND in os.environ
    if args.instructions and not counting:
        count_instructions(sys.argv[1:])
        return
    with tempfile.TemporaryDirectory() as folder:
        url = fresh_database(args.database, Path(folder) / "bench-pages.db")
        # Limits as roomy as needed for one client sending as fast as it can, but still
        # checked: the limiter's cost is part of every page's.
        roomy = {name: "1000000 per minute" for name in ("START_LIMIT", "ANSWER_LIMIT")}
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "CHECK_MIGRATED": False,
                "SECRET_KEY": secrets.token_hex(32),  # PostgreSQL refuses to start without one
                **roomy,
            }
        )
        charter = load_charter(EASYREAD_DIR)
        definition = load_survey_file(EASYREAD_DIR / f"{SURVEY}.yaml", charter, STATIC_DIR)
        with app.app_context():
            upgrade()
            survey_versions.store_definitions([definition])
        timings: list[tuple[float, float]] = []
        for _ in range(2):
            take_survey(app.test_client(), definition, timings)
        timings.clear()
        round_trips = RoundTrips() if args.round_trips else None
        if counting:
            callgrind_instrumentation(on=True)
        for _ in range(args.surveys):
            take_survey(CountingClient(app.test_client(), round_trips), definition, timings)
        if counting:
            callgrind_instrumentation(on=False)
            print(f"answers measured: {len(timings)}")
            return
        if round_trips:
            round_trips.print(len(timings))
            return
    for label, times in (
        ("show a question", [t[0] for t in timings]),
        ("save an answer", [t[1] for t in timings]),
    ):
        ms = sorted(1000 * t for t in times)
        print(
            f"{label:<16} median {statistics.median(ms):5.2f} ms,"
            f" p95 {ms[int(len(ms) * 0.95)]:5.2f} ms ({len(ms):,} pages)"
        )


if __name__ == "__main__":
    main()
