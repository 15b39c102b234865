"""A batch's PDF, made once by a worker (sefvoice.jobs) and stored for every download."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from ..extensions import db
from ..jobs import JobError, Made, Progress, register, size_in_words
from ..models import PaperBatch
from . import service
from .pdf import CopyAddresses

BATCH_PDF = "paper-batch"


def batch_subject(batch: PaperBatch) -> str:
    """What the job makes, in words; the same words find a batch's stored PDF."""
    return (
        f"batch {batch.id} of {batch.survey.title}, version {batch.survey.version}:"
        f" {batch.copies:,} copies" + (", large print" if batch.large_print else "")
    )


def file_name(batch: PaperBatch) -> str:
    return f"{batch.survey.slug}-v{batch.survey.version}-batch-{batch.id}.pdf"


@register(BATCH_PDF, "Making the paper copies")
def make_batch_pdf(arguments: dict, progress: Progress) -> Made:
    batch = db.session.get(PaperBatch, arguments["batch_id"])
    if batch is None:
        raise JobError("That batch is no longer stored, so there is nothing to print.")
    name, copies = file_name(batch), batch.copies
    progress.step(0, None, "Choosing a reference for each copy")
    service.store_references(batch)
    pdf = service.batch_pdf(
        batch,
        CopyAddresses(**arguments["addresses"]),
        Path(current_app.config["EASYREAD_DIR"]),
        Path(current_app.static_folder),
        drew=lambda done, total: progress.step(done, total, "Drawing copy {done} of {total}"),
        drawn=lambda: progress.step(0, None, "Writing the PDF file"),
    )
    return Made(
        f"{copies:,} copies in one PDF ({size_in_words(len(pdf))}).",
        content=pdf,
        file_name=name,
        media_type="application/pdf",
    )
