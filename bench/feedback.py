"""Benchmark: the feedback tab for one term, with N responses in the database.

    python bench/feedback.py                       # SQLite, 10k and 100k responses
    python bench/feedback.py --sizes 10000,100000,1000000
    python bench/feedback.py --database postgresql+psycopg://postgres@127.0.0.1:5432/bench

For each size it makes a fresh database, loads the shipped surveys, generates responses
spread over one school year (sefvoice.demo.generate_responses), signs in an officer (the
term is a draft, which only officers and admins see) and times GET
/feedback/?term=Summer 2023 (best of 3, after one warm-up), then `sefvoice release
audit`'s work for that term (the pass and the attacker's exact ranges). It prints the
answers in the database, the page time, and answers per second of page time, so growth with size
can be read off: linear cost keeps answers/s roughly flat.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import datetime
from pathlib import Path

from flask_migrate import upgrade
from fresh import fresh_database
from sqlalchemy import func, select, text

from sefvoice import create_app
from sefvoice.auth import service as auth_service
from sefvoice.config import EASYREAD_DIR, STATIC_DIR
from sefvoice.definitions import check_all
from sefvoice.demo import generate_responses
from sefvoice.extensions import db
from sefvoice.models import Answer
from sefvoice.release import service as release_service
from sefvoice.surveys import versions as survey_versions
from sefvoice.terms import calendar

PASSWORD = "benchmark password"


def run(url: str, size: int) -> None:
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "CHECK_MIGRATED": False, "WTF_CSRF_ENABLED": False}
    )
    with app.app_context():
        upgrade()
        definitions, problems = check_all(EASYREAD_DIR, STATIC_DIR)
        assert not problems, problems
        survey_versions.store_definitions(definitions)
        started = time.perf_counter()
        surveys = survey_versions.current_surveys()
        for seed, survey in enumerate(surveys):
            generate_responses(
                survey,
                survey_versions.definition_of(survey),
                size // len(surveys),
                datetime(2022, 9, 1),
                datetime(2023, 8, 31, 23, 59),
                seed=seed,
            )
        loaded = time.perf_counter() - started
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(text("ANALYZE"))
        else:
            db.session.execute(text("ANALYZE"))
        answers = db.session.scalar(select(func.count()).select_from(Answer))
        auth_service.create_user("officer@example.org", PASSWORD, "officer")
    client = app.test_client()
    client.post("/sign-in", data={"email": "officer@example.org", "password": PASSWORD})
    url_path = "/feedback/?term=Summer+2023"
    assert client.get(url_path).status_code == 200  # warm-up
    times = []
    for _ in range(3):
        started = time.perf_counter()
        reply = client.get(url_path)
        times.append(time.perf_counter() - started)
        assert reply.status_code == 200
    best = min(times)
    with app.app_context():  # what `sefvoice release audit` does: the pass, then the attack
        started = time.perf_counter()
        release = release_service.protected_figures_for(calendar().named("Summer 2023"))
        findings = release.audit()
        audit = time.perf_counter() - started
    print(
        f"{url.split(':')[0]:<22} responses {size:>9,}"
        f"  answers {answers:>11,}  (generated in {loaded:6.1f} s)"
        f"  feedback tab {best * 1000:7.1f} ms  {answers / best:>14,.0f} answers/s"
        f"  release audit {audit:5.2f} s ({len(findings)} hidden figures attacked,"
        f" {sum(not f.safe for f in findings)} unsafe)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--database", help="a PostgreSQL URL to use (its schema is dropped!)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for size in (int(s) for s in args.sizes.split(",")):
            run(fresh_database(args.database, Path(folder) / f"bench-{size}.db"), size)


if __name__ == "__main__":
    main()
