"""Benchmark: the demo's whole Summer 2023 bulletin (the full bulletin and its easy-read
edition) as PDFs with reportlab, and the full bulletin as a Word document (its accessible
edition), against WeasyPrint turning the web version of the same full bulletin into a PDF.

    python bench/bulletin.py                      # a fresh SQLite database in a temp folder
    python bench/bulletin.py --repeat 5 --database postgresql+psycopg://postgres@127.0.0.1/bench

It loads the demo (surveys, responses, measures and the officers' sections) into a fresh
database, then times, best of --repeat after one warm-up:
- reading the bulletin's content from the database (build_content),
- reportlab laying it out as a PDF (build_pdf),
- the easy-read edition from the same content, and its PDF (build_easy_read_pdf),
- the Word document from the same content (build_docx),
- WeasyPrint turning the standalone web page of the full bulletin into a PDF,
and prints the pages, charts and times, and WeasyPrint's time as a multiple of reportlab's
(for the same full bulletin).
WeasyPrint is a benchmark-only extra (pip install -e '.[bench]'), and it needs Debian's
pango (apt-get install -y libpango-1.0-0 libpangoft2-1.0-0); without either the benchmark
says so and prints reportlab's time alone.
"""

from __future__ import annotations

import argparse
import io
import logging
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from flask_migrate import upgrade
from fresh import fresh_database
from pypdf import PdfReader

from sefvoice import create_app
from sefvoice.bulletin.content import build_content
from sefvoice.bulletin.docx import build_docx
from sefvoice.bulletin.easy_read import build_easy_read
from sefvoice.bulletin.pdf.easy_read import build_easy_read_pdf
from sefvoice.bulletin.pdf.full import build_pdf
from sefvoice.bulletin.service import load_demo_bulletin
from sefvoice.bulletin.views import render_page
from sefvoice.config import EASYREAD_DIR, STATIC_DIR
from sefvoice.definitions import check_all
from sefvoice.demo import load_demo_data
from sefvoice.surveys import versions as survey_versions
from sefvoice.terms import calendar

TERM = "Summer 2023"


def best_of(repeat: int, work: Callable[[], object]) -> tuple[float, float, object]:
    """Best wall-clock and CPU seconds of `repeat` runs after a warm-up, and the result."""
    result = work()
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus), result


def report(label: str, seconds: float, note: str) -> None:
    print(f"  {label:<30}{seconds:6.3f} s ({note})")


def weasyprint_pdf() -> Callable[[str], bytes] | str:
    """A function turning HTML into PDF bytes, or why WeasyPrint cannot run here."""
    try:
        import weasyprint
    except ImportError as error:  # not installed, or installed without pango
        return f"WeasyPrint is not available ({error}); install it with pip install -e '.[bench]'"
    except OSError as error:
        return f"WeasyPrint cannot load pango ({error}); apt-get install -y libpango-1.0-0"
    # It warns of every CSS property it does not support (the charts' SVG styles, ...).
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    return lambda html: weasyprint.HTML(string=html).write_pdf()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database", help="a PostgreSQL URL (its public schema is wiped)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": fresh_database(
                    args.database, Path(folder) / "bench-bulletin.db"
                ),
                "CHECK_MIGRATED": False,
            }
        )
        with app.app_context(), app.test_request_context():
            upgrade()
            definitions, problems = check_all(EASYREAD_DIR, STATIC_DIR)
            assert not problems, problems
            survey_versions.store_definitions(definitions)
            load_demo_data()
            load_demo_bulletin()
            term = calendar().named(TERM)
            content_wall, content_cpu, content = best_of(args.repeat, lambda: build_content(term))
            pdf_wall, pdf_cpu, pdf = best_of(args.repeat, lambda: build_pdf(content))
            easy_wall, easy_cpu, easy = best_of(
                args.repeat, lambda: build_easy_read_pdf(build_easy_read(content))
            )
            docx_wall, docx_cpu, docx = best_of(args.repeat, lambda: build_docx(content))
            html = render_page(content, standalone=True)
            charts = sum(1 for figure in content.figures if figure.summary)
            pages = len(PdfReader(io.BytesIO(pdf)).pages)
            easy_pages = len(PdfReader(io.BytesIO(easy)).pages)
            print(f"{TERM} bulletin: {pages} pages, {charts} charts, {len(pdf):,} bytes of PDF")
            print(f"  easy-read edition: {easy_pages} pages, {len(easy):,} bytes of PDF")
            print(f"  Word document: {len(docx):,} bytes")
            report("content from the database", content_wall, f"{content_cpu:.3f} s CPU")
            report("PDF with reportlab", pdf_wall, f"{pdf_cpu:.3f} s CPU")
            report("easy-read edition and its PDF", easy_wall, f"{easy_cpu:.3f} s CPU")
            report("Word document", docx_wall, f"{docx_cpu:.3f} s CPU")
            report(
                "both editions and the Word one",
                content_wall + pdf_wall + easy_wall + docx_wall,
                f"{content_cpu + pdf_cpu + easy_cpu + docx_cpu:.3f} s CPU; limit 3 s",
            )
            weasy = weasyprint_pdf()
            if isinstance(weasy, str):
                print(f"  {weasy}")
                return
            weasy_wall, weasy_cpu, weasy_bytes = best_of(args.repeat, lambda: weasy(html))
            weasy_pages = len(PdfReader(io.BytesIO(weasy_bytes)).pages)
            report("web page to PDF, WeasyPrint", weasy_wall, f"{weasy_cpu:.3f} s CPU")
            print(f"  {'WeasyPrint / reportlab':<30}{weasy_wall / pdf_wall:6.1f}x")
            print(f"  (WeasyPrint's PDF of the web page has {weasy_pages} pages)")


if __name__ == "__main__":
    main()
