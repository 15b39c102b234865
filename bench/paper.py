"""Benchmark: printing a batch of paper copies of the parent carer survey as one PDF.

    python bench/paper.py                          # 500 copies, a fresh SQLite database
    python bench/paper.py --copies 5000 --repeat 1 --database postgresql+psycopg://postgres@127.0.0.1/bench

On a fresh database with the shipped surveys, it times, for standard and large print:
- storing the batch (a reference for each copy, checked against those already used),
- making the batch's PDF from the stored references (as the download does),
the first time in this process (fonts registered, pictures read) and the best of --repeat
after that; and prints the pages, the PDF's size and its size per copy beyond the first
(every copy's pages draw the same page forms, so a copy adds only its reference).
The goal: 500 copies in under 10 s.
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade
from fresh import fresh_database
from pypdf import PdfReader

from sefvoice import create_app
from sefvoice.config import EASYREAD_DIR, STATIC_DIR
from sefvoice.definitions import check_all
from sefvoice.paper import service as paper
from sefvoice.paper.pdf import CopyAddresses
from sefvoice.surveys import versions as survey_versions

SURVEY = "parent-carer-annual"
EASYREAD, STATIC = EASYREAD_DIR, STATIC_DIR
ADDRESSES = CopyAddresses(
    survey=f"https://sefvoice.example.org/s/{SURVEY}",
    withdraw="https://sefvoice.example.org/withdraw",
)


def timed(work):
    wall = time.perf_counter()
    result = work()
    return time.perf_counter() - wall, result


def run(copies: int, large_print: bool, repeat: int) -> None:
    survey = survey_versions.current_survey(SURVEY)
    store_times, pdf_times = [], []
    for _ in range(repeat + 1):  # the first is the cold one
        seconds, batch = timed(lambda: paper.print_batch(survey, copies, large_print))
        store_times.append(seconds)
        seconds, pdf = timed(lambda b=batch: paper.batch_pdf(b, ADDRESSES, EASYREAD, STATIC))
        pdf_times.append(seconds)
    one = paper.print_batch(survey, 1, large_print)
    one_copy = len(paper.batch_pdf(one, ADDRESSES, EASYREAD, STATIC))
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    kind = "large print (24 pt)" if large_print else "standard (16 pt)"
    print(f"{copies:,} copies, {kind}: {pages:,} pages ({pages // copies} a copy)")
    for label, times in (("store the references", store_times), ("make the PDF", pdf_times)):
        print(f"  {label:<23}first {times[0]:6.2f} s, best {min(times[1:]):6.2f} s")
    total = min(s + p for s, p in zip(store_times[1:], pdf_times[1:], strict=True))
    print(f"  whole batch            best  {total:6.2f} s (goal: 500 copies under 10 s)")
    print(
        f"  PDF size               {len(pdf) / 1e6:.2f} MB; one copy alone {one_copy / 1e3:.0f} kB;"
        f" each further copy {(len(pdf) - one_copy) / (copies - 1) / 1e3:.1f} kB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database", help="a PostgreSQL URL (its public schema is wiped)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = fresh_database(args.database, Path(folder) / "bench-paper.db")
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "CHECK_MIGRATED": False})
        with app.app_context(), app.test_request_context():
            upgrade()
            definitions, problems = check_all(EASYREAD, STATIC)
            assert not problems, problems
            survey_versions.store_definitions(definitions)
            for large_print in (False, True):
                run(args.copies, large_print, args.repeat)


if __name__ == "__main__":
    main()
