"""Upload with preview, then confirm; the list of measures. Thin views over service.py."""

from __future__ import annotations

import secrets
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
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from werkzeug.wrappers import Response as HttpResponse
from wtforms import StringField
from wtforms.validators import Length

from ..auth import audit, role_required
from ..easyread import load_charter
from ..extensions import db
from ..models import Indicator
from . import service
from .importer import ImportProblems, read_rows

bp = Blueprint("indicators", __name__, url_prefix="/indicators")


class UploadForm(FlaskForm):
    file = FileField(
        validators=[
            FileRequired("Choose a CSV or Excel file."),
            FileAllowed(["csv", "xlsx"], "The file must be a CSV or an Excel (.xlsx) file."),
        ]
    )
    sheet = StringField(validators=[Length(max=100)])


class ConfirmForm(FlaskForm):
    """CSRF only: the upload waiting to be confirmed is named in the session."""


def _upload_dir() -> Path:
    folder = Path(current_app.instance_path) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


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
        direction=service.direction,
        format_value=service.format_value,
        form=ConfirmForm(),
    )


@bp.route("/upload", methods=["GET", "POST"])
@role_required("officer")
def upload() -> str | HttpResponse:
    form = UploadForm()
    problems: list[str] = []
    if form.validate_on_submit():
        data, file_name = form.file.data.read(), Path(form.file.data.filename).name
        try:
            plan = service.plan_import(read_rows(data, file_name, form.sheet.data or None))
        except ImportProblems as error:
            problems = error.problems
        else:
            token = secrets.token_hex(16)
            (_upload_dir() / token).write_bytes(data)
            session["indicator_upload"] = {
                "token": token,
                "file_name": file_name,
                "sheet": form.sheet.data or None,
            }
            return render_template(
                "indicators/preview.html", plan=plan, file_name=file_name, form=ConfirmForm()
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
    try:
        # Checked again: the stored measures may have changed since the preview.
        plan = service.plan_import(
            read_rows(path.read_bytes(), waiting["file_name"], waiting["sheet"])
        )
    except ImportProblems as error:
        return render_template(
            "indicators/upload.html", form=UploadForm(), problems=error.problems
        ), 400
    finally:
        path.unlink(missing_ok=True)
    record = service.apply_import(plan, waiting["file_name"], current_user.email, current_user.id)
    summary = (
        f"{waiting['file_name']}: {len(plan.new)} new, {len(plan.changed)} changed,"
        f" {plan.unchanged} unchanged"
    )
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
