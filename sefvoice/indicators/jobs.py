"""An indicator import: at once for a small file, by a worker (sefvoice.jobs) for a large one,
with the same steps either way."""

from __future__ import annotations

from .. import uploads
from ..auth import audit
from ..extensions import db
from ..jobs import JobError, Made, Progress, register
from . import service
from .importer import ImportProblems

UPLOAD_KIND = "indicators"  # in pending_upload (see sefvoice/uploads.py)
INDICATOR_IMPORT = "indicator-import"
GONE = "That upload is no longer waiting. Please upload the file again."


def plan(details: dict, data: bytes, measures: bytes | None) -> service.Plan:
    return service.plan_file(
        data,
        details["file_name"],
        details["sheet"],
        details["la_code"],
        (measures, details["measures_name"]) if measures is not None else None,
        details.get("filters"),
    )


def import_waiting(waiting: uploads.Waiting, actor: str, user_id: int) -> str:
    """Check a confirmed upload again (the stored measures may have changed since its
    preview) and import it, with the upload's deletion, in one transaction. The sentence
    to show; ImportProblems (nothing written, the upload kept) if it is no longer right."""
    details = waiting.details
    checked = plan(details, waiting.files["file"], waiting.files.get("measures"))
    record = service.apply_import(checked, details["file_name"], actor, user_id)
    db.session.commit()  # a file that changes nothing writes nothing but the upload's deletion
    summary = checked.summary(details["file_name"])
    if record is None:
        return f"{details['file_name']} changed nothing."
    audit.record("import indicators", summary, actor=actor)
    return f"Imported {summary}."


@register(INDICATOR_IMPORT, "Importing indicators")
def import_large_file(arguments: dict, progress: Progress) -> Made:
    # Said before the import's transaction begins: on SQLite it holds the database's write
    # lock until it commits, and the progress is written on another connection.
    progress.step(0, None, "Checking and storing the figures")
    waiting = uploads.take(arguments["token"], UPLOAD_KIND, arguments["user_id"])
    if waiting is None:
        raise JobError(GONE)
    try:
        said = import_waiting(waiting, arguments["actor"], arguments["user_id"])
    except ImportProblems as error:
        raise JobError("Nothing was imported: " + " ".join(error.problems)) from None
    return Made(said, next_page=("indicators.measures", {}))
