"""A bulletin's PDF (the full bulletin or its easy-read edition), made by a worker
(sefvoice.jobs) and stored, so that the download is the stored file."""

from __future__ import annotations

from ..jobs import JobError, Made, Progress, register, size_in_words
from ..terms import calendar
from .content import build_content
from .easy_read import build_easy_read
from .pdf.easy_read import build_easy_read_pdf
from .pdf.full import build_pdf

BULLETIN_PDF = "bulletin-pdf"
LABELS = {"bulletin": "bulletin", "easy-read": "easy-read bulletin"}


def export_subject(term_name: str, edition: str) -> str:
    return f"the {LABELS[edition]} for {term_name} as a PDF"


@register(BULLETIN_PDF, "Making a bulletin PDF")
def make_bulletin_pdf(arguments: dict, progress: Progress) -> Made:
    try:
        term = calendar().named(arguments["term"])
    except ValueError as error:
        raise JobError(f"{arguments['term']} is not one of the terms set up: {error}") from None
    edition = arguments["edition"]
    steps = 3 if edition == "easy-read" else 2
    progress.step(0, steps, "Reading the figures and the sections")
    try:
        content = build_content(term, arguments.get("version"))
    except LookupError:
        raise JobError(
            f"Version {arguments.get('version')} of {term.name}'s figures is not published."
        ) from None
    if edition == "easy-read":
        progress.step(1, steps, "Writing the easy-read edition")
        easy = build_easy_read(content)
        progress.step(2, steps, "Laying out the pages")
        pdf = build_easy_read_pdf(easy)
    else:
        progress.step(1, steps, "Laying out the pages and drawing the charts")
        pdf = build_pdf(content, base_url=arguments.get("base_url"))
    return Made(
        f"The {LABELS[edition]} for {term.name}: a PDF of {size_in_words(len(pdf))}.",
        content=pdf,
        file_name=f"{edition}-{term.slug}.pdf",
        media_type="application/pdf",
    )
