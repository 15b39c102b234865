"""Load: simulated respondents take whole surveys at once against gunicorn on 127.0.0.1.

    python bench/load.py [--users 200] [--duration 60] [--database sqlite|postgresql|URL]
                         [--think 0.5] [--workers 3] [--threads 2] [--kill-worker]
                         [--hosts N [--redis URL]]

Starts gunicorn on a free port against a fresh database (SQLite in a temporary folder, or the
PostgreSQL database named in the URL, default sefvoice_load, which is DROPPED and made again),
then runs locust in this process: each user (the users arrive over 10 s) starts the parent
carer survey, answers every question (sending the second page twice, to show that is
harmless), sends it and sees the thank-you page, and remembers each answer the app accepted (a
redirect to the next page). Afterwards every accepted answer must be in the database exactly
once, with the value sent: the script exits 1 if any is lost, duplicated or different. It
prints surveys/s, answers/s, p50/p95/p99 and errors (and p95 for each 10 s of the measured
window, with how busy the machine was and how much the host stole), then drives a bare Flask
route (bench/bare_flask.py) with the same gunicorn settings, users and pauses, as the ceiling,
and ends with the goal (docs/performance.md), figure by figure: p95 under 100 ms, no failed
requests, nothing lost, duplicated or different, and sefvoice's CPU per answer at most 3 times
the bare route's.
The load average before and after each run says how busy the machine was.

--kill-worker: a third of the way in, SIGKILL one gunicorn worker (gunicorn starts another);
two thirds in, on PostgreSQL, end all the app's connections (pg_terminate_backend). Requests
may fail (the users retry, as a person would); no accepted answer may be lost.

--jobs: a worker (`sefvoice worker`) runs beside the servers, and as the measured window
opens an officer prints 5,000 large-print copies and exports the bulletin's PDF (bench/
long_jobs.py); how long each job took is printed after the run.

--hosts N: the same load through nginx (round robin, no sticky sessions) to N gunicorn
servers, each with its own empty instance folder, sharing the PostgreSQL database, the secret
key and, with --redis, the rate-limit counts (tests/cluster.py starts them, as the multi-host
test does). The bare Flask ceiling runs the same way. CPU is summed over all the servers.

Needs `pip install -e '.[bench]'` (locust).
"""

from __future__ import annotations

import argparse
import hashlib
import math
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlencode

import gevent
import psutil
from locust import FastHttpUser, constant, task
from locust.env import Environment
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's sefvoice, and tests/cluster.py

import long_jobs  # noqa: E402  (beside this file)

from sefvoice.definitions import (  # noqa: E402
    Question,
    SurveyDefinition,
    load_charter,
    load_survey_file,
)
from tests.cluster import (  # noqa: E402
    Cluster,
    recreate_postgresql_database,
    start_cluster,
    start_gunicorn,
    start_worker,
)

SURVEY = "parent-carer-annual"
POSTGRESQL = "postgresql+psycopg://postgres@127.0.0.1:5432/sefvoice_load"
# Measured on the 2-core development machine (SQLite, 200 users, 20 s each, think 0.05 s, locust
# sharing the cores, 2026-11-28): sync workers 2 / 3 / 4 gave 152 / 161 / 150 answers/s. The
# app is CPU-bound (a few ms of Python per page), so more processes only add switching.
# At a person's pace (1,000 users, --think 5, 2026-11-30) 2 threads each did better than sync
# workers: a sync worker closes each connection and waits for the client to close its end
# (gunicorn's close_graceful) before it takes the next, and each new connection costs the
# client too; gthread keeps them open (tests/cluster.py sets the keep-alive).
WORKERS = 3
THREADS = 2
ARRIVAL = 10  # seconds over which the users start, after locust has spawned them
RETRIES = 5  # a person seeing the "try again" page tries again; after 5 goes they give up
SLICE = 10  # seconds: the window's p95 and the machine's use are also given slice by slice
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@dataclass
class Tally:
    """What the simulated users saw. Times are time.monotonic(), to count inside the window."""

    accepted: list[tuple[str, str, tuple]] = field(default_factory=list)  # code, question, value
    answer_times: list[float] = field(default_factory=list)
    completed: list[tuple[str, float]] = field(default_factory=list)  # code, when
    double_sends: Counter = field(default_factory=Counter)  # "ok" or "failed"
    failures: Counter = field(default_factory=Counter)  # what went wrong, over the whole run
    given_up: int = 0
    window_start: float = 0.0


def pause(think: float) -> None:
    """A person reading the page. Spread +-50% so the users do not move in step."""
    if think:
        gevent.sleep(random.uniform(0.5, 1.5) * think)


def answer_for(question: Question, code: str) -> tuple[dict, tuple]:
    """Form fields to send for a question, and the value the database must then hold."""
    if question.type == "multiple":
        # As a person would: an exclusive option ("No one") alone, the others one or two at once
        # (the app refuses "No one" beside another answer with a 400, rightly).
        chosen = random.sample([o.id for o in question.options], random.randint(1, 2))
        if len(chosen) > 1 and any(o.exclusive for o in question.options if o.id in chosen):
            chosen = chosen[:1]
        return {"answer": chosen}, ("choices", tuple(sorted(chosen)))
    if question.is_choice:
        chosen = random.choice(question.options).id
        return {"answer": chosen}, ("choices", (chosen,))
    if question.type == "number":
        number = random.randint(question.min, question.max)
        return {"answer": str(number)}, ("number", number)
    words = f"Load test {code} {question.id}: the help came late but it came."
    return {"answer": words}, ("text", words)


class ArrivingUser(FastHttpUser):
    """Users arrive over ARRIVAL seconds, as people do: started together, they would move
    through the pages in step, all sending the same page in the same second."""

    abstract = True
    wait_time = constant(0)  # the pauses are between pages, inside the task

    def on_start(self) -> None:
        gevent.sleep(random.uniform(0, ARRIVAL))


class Respondent(ArrivingUser):
    """One person taking the survey from start to thank-you page, again and again."""

    answer_name: ClassVar[str] = "POST question"
    survey: ClassVar[SurveyDefinition]
    think: ClassVar[float]
    tally: ClassVar[Tally]

    def page_token(self, url: str, name: str) -> str | None:
        with self.client.get(url, name=name, catch_response=True) as page:
            if page.status_code != 200 or 'name="csrf_token"' not in (page.text or ""):
                page.failure(f"GET {page.status_code}")
                return None
            return page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]

    def post(self, url: str, data: dict, expect: str, name: str) -> bool:
        body = urlencode(data, doseq=True)
        with self.client.post(
            url, data=body, headers=FORM, name=name, allow_redirects=False, catch_response=True
        ) as reply:
            location = reply.headers.get("Location", "") if reply.headers else ""
            if reply.status_code == 302 and location.endswith(expect):
                return True
            reply.failure(f"POST {reply.status_code} {location}")
            return False

    def send(self, url: str, data: dict, expect: str, name: str, twice: bool = False) -> bool:
        """Open the page, read it, send the form; on a failure, open the page again and resend."""
        for attempt in range(RETRIES):
            if attempt:
                gevent.sleep(1)  # the retry page says to try again; people take a moment
            token = self.page_token(url, f"GET {name}")
            if token is None:
                continue
            pause(self.think)
            form = {**data, "csrf_token": token}
            if self.post(url, form, expect, f"POST {name}"):
                if twice:  # a double click: the same form again must change nothing
                    ok = self.post(url, form, expect, f"POST {name} again")
                    self.tally.double_sends["ok" if ok else "failed"] += 1
                return True
        self.tally.given_up += 1
        return False

    def resume_code(self, slug: str) -> str | None:
        for _attempt in range(RETRIES):
            with self.client.get(f"/s/{slug}/code", name="GET code", catch_response=True) as page:
                if page.status_code == 200 and 'class="resume-code"' in (page.text or ""):
                    after = page.text.split('class="resume-code"', 1)[1]
                    return after.split(">", 1)[1].split("<", 1)[0]
                page.failure(f"GET {page.status_code}")
            gevent.sleep(1)
        return None

    @task
    def take_survey(self) -> None:
        slug, questions = self.survey.slug, self.survey.questions
        filled_by = random.choice(self.survey.filled_by).id
        if not self.send(f"/s/{slug}", {"filled_by": filled_by}, f"/s/{slug}/code", "start"):
            return
        code = self.resume_code(slug)
        if code is None:
            return
        for position, question in enumerate(questions):
            data, value = answer_for(question, code)
            following = (
                f"/s/{slug}/q/{questions[position + 1].id}"
                if position + 1 < len(questions)
                else f"/s/{slug}/check"
            )
            url = f"/s/{slug}/q/{question.id}"
            if not self.send(url, data, following, "question", twice=position == 1):
                return  # abandoned: what was accepted so far must still be stored
            self.tally.accepted.append((code, question.id, value))
            self.tally.answer_times.append(time.monotonic())
        if not self.send(f"/s/{slug}/check", {}, f"/s/{slug}/done", "check"):
            return
        with self.client.get(f"/s/{slug}/done", name="GET done", catch_response=True) as page:
            if page.status_code == 200 and "Thank you" in (page.text or ""):
                self.tally.completed.append((code, time.monotonic()))
            else:
                page.failure(f"GET {page.status_code}")


class BareUser(ArrivingUser):
    """The same GET-then-POST pattern against a route that does nothing."""

    answer_name: ClassVar[str] = "POST page"
    think: ClassVar[float]
    tally: ClassVar[Tally]

    @task
    def pages(self) -> None:
        for number in range(15):
            with self.client.get(f"/page/{number}", name="GET page", catch_response=True) as page:
                if page.status_code != 200:
                    page.failure(f"GET {page.status_code}")
                    continue
            pause(self.think)
            with self.client.post(
                f"/page/{number}",
                data=urlencode({"csrf_token": "x"}),
                headers=FORM,
                name="POST page",
                allow_redirects=False,
                catch_response=True,
            ) as reply:
                if reply.status_code == 302:
                    self.tally.answer_times.append(time.monotonic())
                else:
                    reply.failure(f"POST {reply.status_code}")


def serve(
    app: str, chdir: Path, env: dict, folder: Path, hosts: int | None, workers: int, threads: int
) -> Cluster:
    """One gunicorn server, reached directly; or with `hosts`, that many behind nginx."""
    folder.mkdir()
    if hosts:
        return start_cluster(hosts, env, folder, workers, threads, app=app, chdir=chdir)
    log = folder / "gunicorn.log"
    server, port = start_gunicorn(app, chdir, env, log, workers, threads)
    return Cluster(folder, f"http://127.0.0.1:{port}", [server], logs=[log])


def fresh_database(database: str, folder: Path) -> str:
    """The URL of a new, empty database."""
    if database == "sqlite":
        return f"sqlite:///{folder / 'load.db'}"
    url = make_url(POSTGRESQL if database == "postgresql" else database)
    if not url.database or "load" not in url.database:
        # The database is dropped: refuse anything not plainly meant for this (such as `test`).
        raise SystemExit(f"refusing to drop {url.database!r}: use a name with 'load' in it")
    return recreate_postgresql_database(url)


def app_environment(url: str, folder: Path) -> dict:
    return {
        **os.environ,
        "SEFVOICE_DATABASE_URL": url,
        "SEFVOICE_INSTANCE_DIR": str(folder),
        "SEFVOICE_SECRET_KEY": secrets.token_hex(32),
        # Every simulated user comes from 127.0.0.1: the per-address limit on starting a
        # survey would stop all but 60 a minute. (Answers are limited per response, as usual.)
        "SEFVOICE_START_LIMIT": "1000000 per minute",
    }


def kill_a_worker(servers: list[subprocess.Popen]) -> None:
    number = random.randrange(len(servers))
    workers = psutil.Process(servers[number].pid).children()
    victim = random.choice(workers)
    os.kill(victim.pid, signal.SIGKILL)
    print(f"  fault: SIGKILL gunicorn worker {victim.pid} (of {len(workers)}) of server {number}")


def end_connections(url: str) -> None:
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        ended = connection.scalar(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    engine.dispose()
    print(f"  fault: pg_terminate_backend on the app's {ended} connections")


def cpu_seconds(processes: list[psutil.Process], children: bool) -> float:
    """CPU time used so far by processes, and by their living children (gunicorn's workers)."""
    family = [
        member
        for process in processes
        for member in ((process, *process.children(recursive=True)) if children else (process,))
    ]
    return sum(sum(p.cpu_times()[:2]) for p in family)


def postgresql_cpu_seconds() -> float:
    """CPU time used so far by the PostgreSQL server's living processes on this machine."""
    total = 0.0
    for process in psutil.process_iter(["name", "cpu_times"]):
        if process.info["name"] == "postgres" and process.info["cpu_times"]:
            total += sum(process.info["cpu_times"][:2])
    return total


@dataclass
class Run:
    seconds: float
    answers: int
    surveys: int
    requests: int
    failures: int  # in the measured window
    p50: float
    p95: float
    p99: float
    answer_p95: float
    server_cpu: float  # CPU seconds gunicorn (every server) used in the measured window
    balancer_cpu: float  # and nginx (0 without --hosts)
    generator_cpu: float  # and locust, in this process
    database_cpu: float  # and PostgreSQL's processes (SQLite works inside gunicorn's)
    stolen: float  # share of the machine's time the hypervisor gave to other guests
    machine_busy: float  # cores the whole machine was busy (any process, the kernel's network)
    # each kind of request, the most frequent first: name, per second, p50, p95
    kinds: list[tuple[str, float, float, float]]
    # each SLICE seconds of the window: p95 (ms), cores the machine was busy, share stolen
    slices: list[tuple[float, float, float]]


def machine_use(before, after) -> tuple[float, float]:
    """Cores the whole machine was busy between two psutil.cpu_times(), and the share of
    its time the hypervisor gave to other guests."""
    elapsed = sum(after) - sum(before)
    stolen = (after.steal - before.steal) / elapsed
    idle = after.idle + after.iowait - before.idle - before.iowait
    return (os.cpu_count() or 1) * (1 - idle / elapsed - stolen), stolen


def p95_of(times: list[float]) -> float:
    return sorted(times)[int(len(times) * 0.95)] if times else 0.0


def drive(
    user: type[Respondent | BareUser], target: Cluster, users: int, duration: int, faults=()
) -> Run:
    """Spawn the users, measure `duration` seconds once all are running, then stop them."""
    tally: Tally = user.tally
    environment = Environment(user_classes=[user], host=target.url)

    def count_failure(request_type, name, exception=None, **_kwargs) -> None:
        if exception:
            tally.failures[f"{name}: {str(exception)[:60]}"] += 1

    environment.events.request.add_listener(count_failure)
    latencies: list[tuple[float, float]] = []  # when each request ended, how long it took

    def note_latency(response_time, **_kwargs) -> None:
        latencies.append((time.monotonic(), response_time))

    environment.events.request.add_listener(note_latency)
    runner = environment.create_local_runner()
    spawn_rate = max(1, users // 5)
    runner.start(users, spawn_rate=spawn_rate)
    gevent.sleep(users / spawn_rate + ARRIVAL + 1)
    environment.stats.reset_all()  # measure the steady state, not the ramp
    tally.window_start = started = time.monotonic()
    gunicorn = [psutil.Process(server.pid) for server in target.servers]
    nginx = [psutil.Process(target.nginx.pid)] if target.nginx else []
    locust = [psutil.Process()]
    server_cpu, generator_cpu = cpu_seconds(gunicorn, True), cpu_seconds(locust, False)
    balancer_cpu = cpu_seconds(nginx, True)
    database_cpu, machine = postgresql_cpu_seconds(), psutil.cpu_times()
    for at, fault in faults:
        gevent.spawn_later(at * duration, fault)
    machine_by_slice, before = [], machine
    for number in range(1, math.ceil(duration / SLICE) + 1):
        gevent.sleep(max(0.0, started + min(number * SLICE, duration) - time.monotonic()))
        after = psutil.cpu_times()
        machine_by_slice.append(machine_use(before, after))
        before = after
    seconds = time.monotonic() - started
    server_cpu = cpu_seconds(gunicorn, True) - server_cpu
    balancer_cpu = cpu_seconds(nginx, True) - balancer_cpu
    generator_cpu = cpu_seconds(locust, False) - generator_cpu
    database_cpu = postgresql_cpu_seconds() - database_cpu
    machine_busy, stolen = machine_use(machine, psutil.cpu_times())
    total = environment.stats.total
    answers = sum(1 for t in tally.answer_times if t >= started)
    run = Run(
        seconds=seconds,
        answers=answers,
        surveys=sum(1 for _code, t in tally.completed if t >= started),
        requests=total.num_requests,
        failures=total.num_failures,
        p50=total.get_response_time_percentile(0.50),
        p95=total.get_response_time_percentile(0.95),
        p99=total.get_response_time_percentile(0.99),
        answer_p95=environment.stats.get(user.answer_name, "POST").get_response_time_percentile(
            0.95
        ),
        server_cpu=server_cpu,
        balancer_cpu=balancer_cpu,
        generator_cpu=generator_cpu,
        database_cpu=database_cpu,
        stolen=stolen,
        machine_busy=machine_busy,
        kinds=[
            (
                entry.name,
                entry.num_requests / seconds,
                entry.get_response_time_percentile(0.5),
                entry.get_response_time_percentile(0.95),
            )
            for entry in sorted(environment.stats.entries.values(), key=lambda e: -e.num_requests)
            if entry.num_requests
        ],
        slices=[
            (
                p95_of([ms for t, ms in latencies if 0 <= t - started - number * SLICE < SLICE]),
                *use,
            )
            for number, use in enumerate(machine_by_slice)
        ],
    )
    runner.quit()
    return run


def check_stored(url: str, tally: Tally) -> tuple[int, int, int, int]:
    """Lost, duplicated and different accepted answers; sent surveys not marked sent."""
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT r.resume_code_hash, a.id, a.question_id, a.number, a.text,"
                " r.submitted_at IS NOT NULL FROM answer a JOIN response r ON r.id = a.response_id"
            )
        ).all()
        chosen: dict[int, list[str]] = {}
        for answer_id, option_id in connection.execute(
            text("SELECT answer_id, option_id FROM answer_choice")
        ):
            chosen.setdefault(answer_id, []).append(option_id)
    engine.dispose()
    stored: dict[tuple[str, str], list[tuple]] = {}
    sent: set[str] = set()
    for code_hash, answer_id, question_id, number, words, submitted in rows:
        options = chosen.get(answer_id, [])
        if options:
            value = ("choices", tuple(sorted(options)))
            if len(set(options)) != len(options):
                value = ("duplicated choices", tuple(options))
        elif number is not None:
            value = ("number", number)
        else:
            value = ("text", words)
        stored.setdefault((code_hash, question_id), []).append(value)
        if submitted:
            sent.add(code_hash)

    def hashed(code: str) -> str:  # as the app hashes a resume code
        return hashlib.sha256("".join(c for c in code.upper() if c.isalnum()).encode()).hexdigest()

    lost = duplicated = different = 0
    for code, question_id, value in tally.accepted:
        found = stored.get((hashed(code), question_id), [])
        lost += not found
        duplicated += len(found) > 1 or any(v[0] == "duplicated choices" for v in found)
        different += bool(found) and found[0] != value
    unsent = sum(1 for code, _t in tally.completed if hashed(code) not in sent)
    return lost, duplicated, different, unsent


def report(label: str, run: Run) -> None:
    per_answer = 1000 / max(run.answers, 1)
    print(
        f"  {label}: {run.answers / run.seconds:.1f} answers/s, {run.surveys / run.seconds:.2f}"
        f" surveys/s, {run.requests / run.seconds:.1f} requests/s; latency p50 {run.p50:.0f} ms,"
        f" p95 {run.p95:.0f} ms, p99 {run.p99:.0f} ms (answer POSTs p95 {run.answer_p95:.0f} ms);"
        f" {run.failures} failed requests\n"
        f"    CPU: gunicorn {run.server_cpu / run.seconds:.2f} cores,"
        f" {run.server_cpu * per_answer:.2f} ms per answer"
        f" ({1000 * run.server_cpu / max(run.requests, 1):.2f} ms per request);"
        f" PostgreSQL {run.database_cpu / run.seconds:.2f} cores,"
        f" {run.database_cpu * per_answer:.2f} ms per answer;"
        + (f" nginx {run.balancer_cpu / run.seconds:.2f} cores;" if run.balancer_cpu else "")
        + f" locust {run.generator_cpu / run.seconds:.2f} cores,"
        f" {run.generator_cpu * per_answer:.2f} ms per answer; the whole machine busy"
        f" {run.machine_busy:.2f} cores; stolen by the host {run.stolen:.0%}\n"
        "    each kind of request, per second, p50 / p95: "
        + "; ".join(
            f"{name} {rate:.1f}/s, {p50:.0f} / {p95:.0f} ms" for name, rate, p50, p95 in run.kinds
        )
        + f"\n    each {SLICE} s of the window, p95 (machine busy, stolen by the host): "
        + "; ".join(f"{p95:.0f} ms ({busy:.2f}, {stolen:.0%})" for p95, busy, stolen in run.slices)
    )


def load_average() -> str:
    return "load average {:.1f}, {:.1f}, {:.1f}".format(*os.getloadavg())


def goal(run: Run, failed: int, wrong: int, ceiling: Run | None) -> bool:
    """The goal (docs/performance.md), figure by figure. Returns whether all of it was met."""
    checks = [
        (f"p95 {run.p95:.0f} ms", run.p95 < 100, "under 100 ms"),
        (f"{failed} failed requests", failed == 0, "none"),
        (f"{wrong} answers lost, duplicated or different", wrong == 0, "none"),
    ]
    if ceiling is not None:
        ratio = (run.server_cpu / max(run.answers, 1)) / (
            ceiling.server_cpu / max(ceiling.answers, 1)
        )
        checks.append((f"CPU per answer {ratio:.2f} times the bare route's", ratio <= 3, "<= 3"))
    print(
        "  goal: "
        + "; ".join(f"{got} ({'met' if ok else 'NOT met'}: {want})" for got, ok, want in checks)
    )
    return all(ok for _got, ok, _want in checks)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--duration", type=int, default=60, help="seconds measured, per target")
    parser.add_argument(
        "--database", default="sqlite", help="sqlite, postgresql (sefvoice_load) or a URL"
    )
    parser.add_argument(
        "--think", type=float, default=0.5, help="mean seconds a user spends on each page"
    )
    parser.add_argument("--workers", type=int, default=WORKERS, help="gunicorn workers")
    parser.add_argument(
        "--threads", type=int, default=THREADS, help="threads per worker (1: sync workers)"
    )
    parser.add_argument("--kill-worker", action="store_true", help="inject faults mid-load")
    parser.add_argument("--no-ceiling", action="store_true", help="skip the bare Flask run")
    parser.add_argument(
        "--jobs", action="store_true", help="a paper batch and a bulletin PDF made meanwhile"
    )
    parser.add_argument(
        "--hosts", type=int, help="this many gunicorn servers behind nginx (PostgreSQL only)"
    )
    parser.add_argument(
        "--redis", help="rate-limit counts in this Redis (redis://127.0.0.1:6379/N), shared"
    )
    args = parser.parse_args()
    if args.hosts and args.database == "sqlite":
        parser.error("--hosts needs PostgreSQL: SQLite is for one server")

    charter = load_charter(ROOT / "easyread")
    survey = load_survey_file(ROOT / "easyread" / f"{SURVEY}.yaml", charter, ROOT / "static")
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        url = fresh_database(args.database, folder)
        env = app_environment(url, folder)
        if args.redis:
            env["SEFVOICE_REDIS_URL"] = args.redis
        if args.hosts:
            env["SEFVOICE_PROXY_COUNT"] = "1"  # nginx
        if args.jobs:  # the servers and the worker share the queue
            env["SEFVOICE_QUEUE_URL"] = args.redis or f"sqlite:///{folder / 'queue.db'}"
        for command in (["db", "upgrade"], ["surveys", "load"]):
            subprocess.run(
                [sys.executable, "-c", "from sefvoice.cli import main; main()", *command],
                env=env,
                check=True,
                capture_output=True,
            )
        app = serve("wsgi:app", ROOT, env, folder / "app", args.hosts, args.workers, args.threads)
        if args.jobs:
            long_jobs.prepare(url)
            app.worker = start_worker(env, folder)
        servers = f"{args.hosts} servers behind nginx, each" if args.hosts else "one server,"
        limits = env.get("SEFVOICE_REDIS_URL", "each process's memory")
        print(
            f"{make_url(url).get_backend_name()}: {args.users} users, {args.duration} s,"
            f" ~{args.think} s on each page, {servers} gunicorn {args.workers} workers x"
            f" {args.threads} threads; rate limits in {limits}; {os.cpu_count()} cores;"
            f" {load_average()}"
        )
        faults = []
        if args.kill_worker:
            faults.append((1 / 3, lambda: kill_a_worker(app.servers)))
            if make_url(url).get_backend_name() == "postgresql":
                faults.append((2 / 3, lambda: end_connections(url)))
        if args.jobs:
            faults.append((0.0, lambda: long_jobs.start(app.url)))
        Respondent.survey, Respondent.think, Respondent.tally = survey, args.think, Tally()
        try:
            run = drive(Respondent, app, args.users, args.duration, faults)
        finally:
            app.stop()
        logged = "".join(log.read_text() for log in app.logs)
        tally = Respondent.tally
        lost, duplicated, different, unsent = check_stored(url, tally)
        print(f"  after the run: {load_average()}")
        report("sefvoice", run)
        if args.jobs:
            long_jobs.report(url)
        print(
            f"  checked {len(tally.accepted):,} accepted answers and {len(tally.completed):,}"
            f" sent surveys: {lost} lost, {duplicated} duplicated, {different} different,"
            f" {unsent} sent surveys not marked sent; double sends {dict(tally.double_sends)};"
            f" users gave up {tally.given_up} times"
        )
        print(
            f"  failed requests over the whole run: {sum(tally.failures.values())};"
            f" retry pages logged by the app: {logged.count('database unavailable')}"
        )
        for failure, count in tally.failures.most_common(6):
            print(f"    {count:>5}  {failure}")
        # A 500 leaves a traceback in gunicorn's log: name what was raised.
        raised = Counter(
            line
            for line in logged.splitlines()
            if line
            and not line[0].isspace()
            and ("Error" in line or "Exception" in line)
            and "database unavailable" not in line
        )
        for line, count in raised.most_common(6):
            print(f"    {count:>5}  app log: {line[:160]}")

        ceiling = None
        if not args.no_ceiling:
            BareUser.think, BareUser.tally = args.think, Tally()
            bare = serve(
                "bare_flask:app",
                ROOT / "bench",
                env,
                folder / "bare",
                args.hosts,
                args.workers,
                args.threads,
            )
            try:
                ceiling = drive(BareUser, bare, args.users, args.duration)
            finally:
                bare.stop()
            report("bare Flask", ceiling)
            print(
                f"  sefvoice answers/s is {run.answers / ceiling.answers:.0%} of the bare Flask"
                f" POSTs/s; {load_average()}"
            )
        goal(run, sum(tally.failures.values()), lost + duplicated + different, ceiling)
    return 1 if lost or duplicated or different or unsent else 0


if __name__ == "__main__":
    sys.exit(main())
