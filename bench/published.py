"""Benchmark: the feedback tab for a draft term and for a published one, and publishing.

    python bench/published.py                      # SQLite, 100k responses, and the demo
    python bench/published.py --sizes 10000,100000
    python bench/published.py --no-demo            # the tabs only
    python bench/published.py --database postgresql+psycopg://postgres@127.0.0.1:5432/bench

For each size it makes a fresh database, loads the shipped surveys and generates responses
over one school year (sefvoice.demo.generate_responses), signs in an officer (a draft's
reader), then times GET /feedback/?term=Summer 2023 (server time, through Flask's test
client):

- draft, first view: everything kept of drafts is dropped first (in memory and in the
  database), so the view counts and protects every term it shows (the solver runs for
  each);
- draft, repeat view: no new data, so the draft this app keeps in memory is shown, its
  drawing too (best of 3);
- draft, first view after a new response in the term: the term is counted and protected
  again, the earlier terms of its trend are read as kept (their counts are unchanged);
- draft, repeat view on another server: the app's memory dropped before each view, so the
  draft is read from the database, decoded and drawn (best of 3);
- published: after `publish_term`, the stored record (best of 3, after one view that
  reads it).

Each time is the server's wall time and, in brackets, the CPU time this process spent
(time.process_time): on a shared machine the CPU time is the steadier figure. A
PostgreSQL server's own work is in the wall time only.

Then, on a fresh database with the demo's data (`sefvoice demo`'s 480 responses, its
measures), the time to publish Summer 2023 (`sefvoice release publish`: the release
protected, then attacked in whole numbers with every version known, then stored), and
the same for a revision after one late response.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from flask_migrate import upgrade
from fresh import fresh_database
from sqlalchemy import func, select, text

from sefvoice import answer_tally as tally
from sefvoice import create_app
from sefvoice.auth import service as auth_service
from sefvoice.config import EASYREAD_DIR, STATIC_DIR
from sefvoice.definitions import check_all
from sefvoice.demo import generate_responses, load_demo_data
from sefvoice.extensions import db
from sefvoice.feedback import views as feedback_views
from sefvoice.models import Answer
from sefvoice.publishing import drafts
from sefvoice.publishing import service as publishing
from sefvoice.surveys import versions as service
from sefvoice.terms import calendar

PASSWORD = "benchmark password"
TAB = "/feedback/?term=Summer+2023"


def _app(url: str):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "CHECK_MIGRATED": False, "WTF_CSRF_ENABLED": False}
    )
    with app.app_context():
        upgrade()
        definitions, problems = check_all(EASYREAD_DIR, STATIC_DIR)
        assert not problems, problems
        service.store_definitions(definitions)
    return app


def _analyse() -> None:
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text("ANALYZE"))
    else:
        db.session.execute(text("ANALYZE"))


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _timed_view(client) -> tuple[float, float]:
    """One view of the tab: its wall time and the CPU time this process spent on it."""
    wall, cpu = time.perf_counter(), time.process_time()
    _view(client)
    return time.perf_counter() - wall, time.process_time() - cpu


def _ms(timing: tuple[float, float]) -> str:
    return f"{timing[0] * 1000:7.1f} ms (CPU {timing[1] * 1000:6.1f} ms)"


def _view(client) -> None:
    reply = client.get(TAB)
    assert reply.status_code == 200, reply.status_code


def tabs(url: str, size: int) -> None:
    app = _app(url)
    with app.app_context():
        surveys = service.current_surveys()
        for seed, survey in enumerate(surveys):
            generate_responses(
                survey,
                service.definition_of(survey),
                size // len(surveys),
                datetime(2022, 9, 1),
                datetime(2023, 8, 31, 23, 59),
                seed=seed,
            )
        _analyse()
        answers = db.session.scalar(select(func.count()).select_from(Answer))
        auth_service.create_user("officer@example.org", PASSWORD, "officer")
    client = app.test_client()
    client.post("/sign-in", data={"email": "officer@example.org", "password": PASSWORD})
    _view(client)  # warm-up: templates, definitions, connections
    _forget(app, stored=True)  # the first view of a draft with nothing kept
    first = _timed_view(client)
    repeat = min(_timed_view(client) for _ in range(3))
    with app.app_context():  # one more response in the term
        survey = service.current_surveys()[0]
        late = (datetime(2023, 6, 20), datetime(2023, 6, 21))
        generate_responses(survey, service.definition_of(survey), 1, *late, seed=99)
    new_data = _timed_view(client)
    elsewhere = []
    for _ in range(3):  # as another server would: the draft read from the database
        _forget(app)
        elsewhere.append(_timed_view(client))
    elsewhere = min(elsewhere)
    with app.app_context():
        term = calendar().named("Summer 2023")
        publish = _timed(lambda: publishing.publish_term(term, "benchmark"))
    _view(client)  # the record read once
    published = min(_timed_view(client) for _ in range(3))
    name = url.split(":")[0]
    print(
        f"{name:<22} responses {size:>9,}  answers {answers:>11,}\n"
        f"{name:<22} draft tab: first view {_ms(first)}, repeat {_ms(repeat)},"
        f" first view after a new response {_ms(new_data)},"
        f" repeat on another server {_ms(elsewhere)}\n"
        f"{name:<22} publish {publish:5.2f} s, published tab {_ms(published)}",
        flush=True,
    )


def _forget(app, stored: bool = False) -> None:
    """Drop everything this process keeps of drafts: the drafts, the terms counted and
    protected for them, and the tab's drawings; with `stored`, the drafts kept in the
    database too."""
    with app.app_context():
        drafts.forget(stored)
    feedback_views._rendered.clear()


def demo(url: str) -> None:
    app = _app(url)
    with app.app_context():
        load_demo_data()
        _analyse()
        term = calendar().named("Summer 2023")

        def publish_and_audit(reason: str) -> int:
            # publish_term protects the release over every version, then attacks it (the
            # audit in whole numbers) before storing it.
            return publishing.publish_term(term, "benchmark", reason)

        first = _timed(lambda: publish_and_audit(""))
        survey = service.current_surveys()[0]
        late = (datetime(2023, 6, 20), datetime(2023, 6, 21))
        generate_responses(survey, service.definition_of(survey), 1, *late, seed=99)
        tally.recount()
        revision = _timed(lambda: publish_and_audit("One late paper return"))
    print(
        f"{url.split(':')[0]:<22} demo (480 responses)"
        f"  publish Summer 2023 + audit {first:5.2f} s"
        f"  revision (1 late response) + audit over both versions {revision:5.2f} s",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000")
    parser.add_argument("--database", help="a PostgreSQL URL to use (its schema is dropped!)")
    parser.add_argument("--no-demo", action="store_true", help="time the tabs only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for size in (int(s) for s in args.sizes.split(",") if s):
            tabs(fresh_database(args.database, Path(folder) / f"bench-{size}.db"), size)
        if not args.no_demo:
            demo(fresh_database(args.database, Path(folder) / "bench-demo.db"))


if __name__ == "__main__":
    main()
