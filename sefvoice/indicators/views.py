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
from ..models import Indicator
from . import service
from .forms import ConfirmForm, UploadForm
from .importer import ImportProblems

bp = Blueprint("indicators", __name__, url_prefix="/indicators")

UPLOAD_KIND = "indicators"  # in pending_upload (see sefvoice/uploads.py)


def _plan(details: dict, data: bytes, measures: bytes | None) -> service.Plan:
    return service.plan_file(
        data,
        details["file_name"],
        details["sheet"],
        details["la_code"],
        (measures, details["measures_name"]) if measures is not None else None,
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
        }
        data = form.file.data.read()
        measures = measures_file.read() if measures_file else None
        try:
            plan = _plan(details, data, measures)
        except ImportProblems as error:
            problems = error.problems
        else:
            files = {"file": data} | ({"measures": measures} if measures is not None else {})
            session["indicator_upload"] = uploads.keep(UPLOAD_KIND, current_user.id, details, files)
            return render_template(
                "indicators/preview.html",
                plan=plan,
                file_name=details["file_name"],
                form=ConfirmForm(),
            )
    status = 400 if form.errors or problems else 200
    return render_template("indicators/upload.html", form=form, problems=problems), status


@bp.post("/upload/confirm")
@role_required("officer")
def confirm() -> HttpResponse:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    waiting = uploads.take(session.pop("indicator_upload", None), UPLOAD_KIND, current_user.id)
    if waiting is None:
        flash("That upload is no longer waiting. Please upload the file again.")
        return redirect(url_for(".upload"))
    details = waiting.details
    try:
        # Checked again: the stored measures may have changed since the preview.
        plan = _plan(details, waiting.files["file"], waiting.files.get("measures"))
    except ImportProblems as error:
        db.session.commit()  # used up: once fixed, the file is uploaded again
        return render_template(
            "indicators/upload.html", form=UploadForm(), problems=error.problems
        ), 400
    # The import commits the upload's deletion with it; a file that changes nothing writes
    # nothing, so that deletion is committed here.
    record = service.apply_import(plan, details["file_name"], current_user.email, current_user.id)
    db.session.commit()
    summary = plan.summary(details["file_name"])
    if record:
        audit.record("import indicators", summary)
    flash(f"Imported {summary}." if record else f"{details['file_name']} changed nothing.")
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
