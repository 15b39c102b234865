"""Upload with preview, then confirm; the list of measures. Thin views over service.py."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response as HttpResponse

from .. import uploads
from ..auth import audit, role_required
from ..definitions import load_charter
from ..extensions import db
from ..jobs.service import start as start_job
from ..models import Indicator
from . import jobs, service
from .forms import ConfirmForm, UploadForm
from .importer import ImportProblems
from .jobs import INDICATOR_IMPORT, UPLOAD_KIND

bp = Blueprint("indicators", __name__, url_prefix="/indicators")


def _preview(details: dict, files: dict[str, bytes], plan: service.Plan) -> str:
    """Keep the upload for the confirm, and show what it would import."""
    session["indicator_upload"] = uploads.keep(UPLOAD_KIND, current_user.id, details, files)
    return render_template(
        "indicators/preview.html",
        plan=plan,
        file_name=details["file_name"],
        form=ConfirmForm(),
        format_value=service.format_value,
    )


@bp.get("/")
@role_required("pcv_rep")
def measures() -> str:
    charter = load_charter(Path(current_app.config["EASYREAD_DIR"]))
    groups = [
        (o.number, o.name, service.measures_for_outcome(o.number))
        for o in charter.outcomes.values()
    ]
    groups.append((None, "Not yet linked to an outcome", service.measures_for_outcome(None)))
    return render_template(
        "indicators/measures.html",
        groups=groups,
        outcomes=charter.outcomes,
        rag_status=service.rag_status,
        status_words=service.status_words,
        format_value=service.format_value,
        england_words=service.england_words,
    )


@bp.route("/upload", methods=["GET", "POST"])
@role_required("officer")
def upload() -> str | HttpResponse:
    form = UploadForm()
    problems: list[str] = []
    if form.validate_on_submit():
        measures_file = form.measures.data
        details = {
            "file_name": Path(form.file.data.filename).name,
            "sheet": form.sheet.data or None,
            "la_code": (form.la_code.data or "").strip() or None,
            "measures_name": Path(measures_file.filename).name if measures_file else None,
            "filters": {},
        }
        data = form.file.data.read()
        measures = measures_file.read() if measures_file else None
        details["size"] = len(data) + len(measures or b"")
        try:
            plan = jobs.plan(details, data, measures)
        except ImportProblems as error:
            problems = error.problems
        else:
            files = {"file": data} | ({"measures": measures} if measures is not None else {})
            return _preview(details, files, plan)
    status = 400 if form.errors or problems else 200
    return render_template("indicators/upload.html", form=form, problems=problems), status


@bp.post("/upload/filters")
@role_required("officer")
def choose_filters() -> tuple[str, int] | str | HttpResponse:
    """Show the waiting upload's figures again at other values of its filter columns."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    waiting = uploads.take(session.pop("indicator_upload", None), UPLOAD_KIND, current_user.id)
    if waiting is None:
        flash("That upload is no longer waiting. Please upload the file again.")
        return redirect(url_for(".upload"))
    details = waiting.details | {
        "filters": {
            name.removeprefix("filter-"): value
            for name, value in request.form.items()
            if name.startswith("filter-") and value
        }
    }
    try:
        plan = jobs.plan(details, waiting.files["file"], waiting.files.get("measures"))
    except ImportProblems as error:
        db.session.commit()  # used up: the officer uploads the file again with a choice
        return render_template(
            "indicators/upload.html", form=UploadForm(), problems=error.problems
        ), 400
    return _preview(details, waiting.files, plan)


@bp.post("/upload/confirm")
@role_required("officer")
def confirm() -> HttpResponse:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    token = session.pop("indicator_upload", None)
    details = uploads.details_of(token, UPLOAD_KIND, current_user.id)
    if details is not None and details.get("size", 0) > current_app.config["IMPORT_JOB_BYTES"]:
        job = start_job(
            INDICATOR_IMPORT,
            f"{details['file_name']} ({details['size'] / 1e6:.1f} MB)",
            {"token": token, "user_id": current_user.id, "actor": current_user.email},
            current_user.email,
        )
        return redirect(url_for("jobs.show", job_id=job.id))
    waiting = uploads.take(token, UPLOAD_KIND, current_user.id)
    if waiting is None:
        flash(jobs.GONE)
        return redirect(url_for(".upload"))
    try:
        said = jobs.import_waiting(waiting, current_user.email, current_user.id)
    except ImportProblems as error:
        db.session.commit()  # used up: once fixed, the file is uploaded again
        return render_template(
            "indicators/upload.html", form=UploadForm(), problems=error.problems
        ), 400
    flash(said)
    return redirect(url_for(".measures"))


@bp.post("/<code>/outcome")
@role_required("officer")
def set_outcome(code: str) -> HttpResponse:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    indicator = db.session.scalar(db.select(Indicator).filter_by(code=code)) or abort(404)
    chosen = request.form.get("outcome", "")
    if chosen not in ("", "1", "2", "3", "4", "5"):
        abort(400)
    indicator.outcome = int(chosen) if chosen else None
    db.session.commit()
    audit.record("set measure outcome", f"{code} -> {chosen or 'none'}")
    flash(f"{indicator.name} is now under outcome {chosen or 'none'}.")
    return redirect(url_for(".measures") + f"#measure-{code}")
