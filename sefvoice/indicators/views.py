"""Upload with preview, then confirm; the list of measures. Thin views over service.py."""

from __future__ import annotations

import contextlib
import secrets
import time
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

from ..auth import audit, role_required
from ..easyread import load_charter
from ..extensions import db
from ..models import Indicator
from . import service
from .forms import ConfirmForm, UploadForm
from .importer import ImportProblems

bp = Blueprint("indicators", __name__, url_prefix="/indicators")

UPLOAD_KEPT_SECONDS = 24 * 3600  # an upload never confirmed is deleted after a day


def _upload_dir() -> Path:
    folder = Path(current_app.instance_path) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _forget_old_uploads() -> None:
    for path in _upload_dir().iterdir():
        # Another request may confirm (and delete) an upload while this one looks.
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mtime < time.time() - UPLOAD_KEPT_SECONDS:
                path.unlink()


def _plan(waiting: dict, data: bytes, measures: bytes | None) -> service.Plan:
    return service.plan_file(
        data,
        waiting["file_name"],
        waiting["sheet"],
        waiting["la_code"],
        (measures, waiting["measures_name"]) if measures is not None else None,
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
        waiting = {
            "token": secrets.token_hex(16),
            "file_name": Path(form.file.data.filename).name,
            "sheet": form.sheet.data or None,
            "la_code": (form.la_code.data or "").strip() or None,
            "measures_name": Path(measures_file.filename).name if measures_file else None,
        }
        data = form.file.data.read()
        measures = measures_file.read() if measures_file else None
        try:
            plan = _plan(waiting, data, measures)
        except ImportProblems as error:
            problems = error.problems
        else:
            _forget_old_uploads()
            (_upload_dir() / waiting["token"]).write_bytes(data)
            if measures is not None:
                (_upload_dir() / f"{waiting['token']}.measures").write_bytes(measures)
            session["indicator_upload"] = waiting
            return render_template(
                "indicators/preview.html",
                plan=plan,
                file_name=waiting["file_name"],
                form=ConfirmForm(),
            )
    status = 400 if form.errors or problems else 200
    return render_template("indicators/upload.html", form=form, problems=problems), status


@bp.post("/upload/confirm")
@role_required("officer")
def confirm() -> HttpResponse:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    waiting = session.pop("indicator_upload", None)
    path = _upload_dir() / waiting["token"] if waiting else None
    if path is None or not path.exists():
        flash("That upload is no longer waiting. Please upload the file again.")
        return redirect(url_for(".upload"))
    measures_path = path.with_suffix(".measures")
    try:
        # Checked again: the stored measures may have changed since the preview.
        plan = _plan(
            waiting,
            path.read_bytes(),
            measures_path.read_bytes() if waiting["measures_name"] else None,
        )
    except ImportProblems as error:
        return render_template(
            "indicators/upload.html", form=UploadForm(), problems=error.problems
        ), 400
    finally:
        path.unlink(missing_ok=True)
        measures_path.unlink(missing_ok=True)
    record = service.apply_import(plan, waiting["file_name"], current_user.email, current_user.id)
    summary = plan.summary(waiting["file_name"])
    if record:
        audit.record("import indicators", summary)
    flash(f"Imported {summary}." if record else f"{waiting['file_name']} changed nothing.")
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
