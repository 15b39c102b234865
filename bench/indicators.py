"""Benchmark: importing 150 measures x 40 periods (6,000 rows) into a fresh database.

    python bench/indicators.py [--database URL] [--measures 150] [--periods 40]

Generates the file in the long format, then times read + check + plan + write (the whole
`sefvoice indicators import`), and a second import of a newer file where every value
changes (so every row also writes history). Goal: under 2 s for the first import.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from sefvoice import create_app
from sefvoice.indicators import service
from sefvoice.indicators.importer import UNITS


def make_file(measures: int, periods: int, seed: int) -> bytes:
    rng = random.Random(seed)
    lines = ["code,name,domain,period,value,unit,england,target,higher_is_better,outcome"]
    for m in range(measures):
        unit = UNITS[m % len(UNITS)]
        for p in range(periods):
            year, month = 2020 + p // 12, p % 12 + 1
            lines.append(
                f"m{m:03d},Measure {m},education,{year}-{month:02d},{rng.uniform(0, 100):.1f},"
                f"{unit},{rng.uniform(0, 100):.1f},50,true,{m % 5 + 1}"
            )
    return "\n".join(lines).encode()


def timed_import(data: bytes) -> tuple[float, service.Plan]:
    started = time.perf_counter()
    plan = service.plan_file(data, "bench.csv")
    service.apply_import(plan, "bench.csv", "benchmark")
    return time.perf_counter() - started, plan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", help="a PostgreSQL URL (its schema is dropped!)")
    parser.add_argument("--measures", type=int, default=150)
    parser.add_argument("--periods", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database or f"sqlite:///{Path(folder) / 'bench.db'}"
        if args.database:
            engine = create_engine(url)
            with engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            engine.dispose()
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "CHECK_MIGRATED": False})
        with app.app_context():
            upgrade()
            first, plan = timed_import(make_file(args.measures, args.periods, seed=1))
            rows = len(plan.rows)
            second, changed = timed_import(make_file(args.measures, args.periods, seed=2))
        print(
            f"{url.split(':')[0]:<22} {rows:,} rows: first import {first:.2f} s"
            f" ({rows / first:,.0f} rows/s); newer file, {len(changed.changed):,} changed"
            f" with history, {second:.2f} s ({rows / second:,.0f} rows/s)"
        )


if __name__ == "__main__":
    main()
