"""Officers' pages: print a batch of paper copies, enter returns. Thin views over service.py."""

from __future__ import annotations

from dataclasses import asdict

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as HttpResponse

from ..auth import role_required
from ..extensions import db
from ..jobs import service as jobs
from ..models import CHANNELS, Job, PaperBatch, Survey
from ..surveys import versions as survey_versions
from ..urls import public_url
from . import service
from .forms import PrintForm
from .jobs import BATCH_PDF, batch_subject
from .pdf import CopyAddresses, filled_by_question

bp = Blueprint("paper", __name__, url_prefix="/paper")


def _survey_version(slug: str, version: int) -> Survey:
    survey = db.session.scalar(select(Survey).filter_by(slug=slug, version=version))
    if survey is None:
        abort(404)
    return survey


@bp.get("/")
@role_required("officer")
def index() -> str:
    return render_template(
        "paper/index.html", surveys=survey_versions.current_surveys(), batches=service.batches()
    )


@bp.route("/<slug>/print", methods=["GET", "POST"])
@role_required("officer")
def print_copies(slug: str) -> str | HttpResponse:
    survey = survey_versions.current_survey(slug)
    if survey is None:
        abort(404)
    form = PrintForm()
    if form.validate_on_submit():
        try:
            batch = service.new_batch(survey, form.copies.data, form.large_print.data)
        except service.PaperError as error:
            form.copies.errors.append(str(error))
        else:
            return redirect(url_for("jobs.show", job_id=_start_pdf(batch).id))
    status = 400 if form.errors else 200
    return render_template(
        "paper/print.html", survey=survey, form=form, most=service.MAX_COPIES
    ), status


def _start_pdf(batch: PaperBatch) -> Job:
    """The job making the batch's PDF (a worker draws it; the PDF is stored once)."""
    addresses = CopyAddresses(
        survey=public_url("surveys.start", slug=batch.survey.slug),
        withdraw=public_url("surveys.withdraw"),
    )
    return jobs.start(
        BATCH_PDF,
        batch_subject(batch),
        {"batch_id": batch.id, "addresses": asdict(addresses)},
        current_user.email,
    )


@bp.get("/batches/<int:batch_id>")
@role_required("officer")
def batch(batch_id: int) -> str:
    found = db.session.get(PaperBatch, batch_id) or abort(404)
    made = jobs.latest_done(BATCH_PDF, batch_subject(found))
    return render_template("paper/batch.html", batch=found, made=made)


@bp.get("/batches/<int:batch_id>/copies.pdf")
@role_required("officer")
def batch_pdf(batch_id: int) -> HttpResponse:
    """The batch's stored PDF; if it has not been made (or is being made), its progress."""
    found = db.session.get(PaperBatch, batch_id) or abort(404)
    made = jobs.latest_done(BATCH_PDF, batch_subject(found))
    if made is None:
        return redirect(url_for("jobs.show", job_id=_start_pdf(found).id))
    return redirect(url_for("jobs.result", job_id=made.id))  # which records the download


@bp.route("/<slug>/<int:version>/enter", methods=["GET", "POST"])
@role_required("officer")
def enter(slug: str, version: int) -> str | HttpResponse:
    """All the questions on one page, answered by typing option numbers: keyboard only."""
    survey = _survey_version(slug, version)
    definition = survey_versions.definition_of(survey)
    channel = request.form.get("channel") or request.args.get("channel", "paper")
    errors: dict[str, str] = {}
    if request.method == "POST":  # CSRFProtect has checked the token
        checked, errors = service.read_return(survey, channel, request.form)
        if not errors:
            try:
                entered = service.enter_return(survey, channel, **checked)
            except service.PaperError as error:
                errors["reference" if channel == "paper" else "channel"] = str(error)
            else:
                flash({"channel": entered.channel, "code": entered.code})
                return redirect(url_for(".enter", slug=slug, version=version, channel=channel))
    return render_template(
        "paper/enter.html",
        survey=survey,
        definition=definition,
        filled_by=filled_by_question(definition),
        channel=channel,
        channels={key: CHANNELS[key] for key in service.STAFF_CHANNELS},
        typed=request.form,
        errors=errors,
        field_name=service.field_name,
        filled_by_field=service.FILLED_BY_FIELD,
    ), 400 if errors else 200
