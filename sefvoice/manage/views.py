"""The officers' survey pages: open, close and schedule, preview, new versions, share.
Thin views over service.py, changes.py and share.py. Forum reps get 403 on every page."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response as HttpResponse

from ..auth import audit, role_required
from ..bulletin.brand import current as current_look
from ..definitions import SurveyDefinition
from ..models import Survey, utcnow
from ..paper.words import load_paper_words
from ..surveys import codes
from ..surveys import held as held_responses
from ..surveys import versions as survey_versions
from ..surveys.forms import FilledByForm, choices, question_form
from ..surveys.views import CARRIED_FORM, carried_over, page_after, question_page
from ..terms import calendar
from ..urls import public_url
from . import service, share
from .forms import PublishForm, ScheduleForm, UploadForm

bp = Blueprint("manage", __name__, url_prefix="/surveys/manage")


@bp.before_request
@role_required("officer")
def officers_only() -> None:
    """Every page here changes or shows surveys before families see them: officers only."""


def _current(slug: str) -> Survey:
    return survey_versions.current_survey(slug) or abort(404)


def _this_term():
    return calendar().term_at(utcnow())


def _local_days() -> service.LocalDays:
    return service.LocalDays(calendar().zone)


def _helpers() -> dict:
    """What the survey pages need to say a survey's state and dates."""
    return {
        "now": utcnow(),
        "state": service.state,
        "long_date": service.long_date,
        "days": _local_days(),
    }


@bp.get("/")
def index() -> str:
    term = _this_term()
    return render_template(
        "manage/index.html", rows=service.survey_rows(term), term=term, **_helpers()
    )


def _survey_page(
    slug: str, schedule_form: ScheduleForm | None = None, problem: str | None = None
) -> tuple[str, int]:
    term = _this_term()
    rows = service.survey_rows(term, slug)
    if not rows:
        abort(404)
    row = rows[0]
    link = public_url("surveys.start", slug=slug)
    status = 400 if problem or (schedule_form and schedule_form.errors) else 200
    return render_template(
        "manage/survey.html",
        row=row,
        term=term,
        **_helpers(),
        schedule_form=schedule_form or ScheduleForm(),
        schedule_problem=problem,
        link=link,
        short_link=share.short_link(link),
        qr_svg=share.qr_svg(link),
    ), status


@bp.get("/<slug>")
def survey(slug: str) -> tuple[str, int]:
    return _survey_page(slug)


@bp.post("/<slug>/open")
def open_now(slug: str) -> HttpResponse:
    change = service.open_now(_current(slug), utcnow())
    audit.record("open survey", change)
    flash("The survey is open. Families can fill it in now.")
    return redirect(url_for(".survey", slug=slug))


@bp.post("/<slug>/close")
def close_now(slug: str) -> HttpResponse:
    change = service.close_now(_current(slug))
    audit.record("close survey", change)
    flash("The survey is closed. Families who open its link see that it has closed.")
    return redirect(url_for(".survey", slug=slug))


@bp.post("/<slug>/schedule")
def schedule(slug: str) -> HttpResponse | tuple[str, int]:
    survey = _current(slug)
    form = ScheduleForm()
    if not form.validate():
        return _survey_page(slug, form)
    try:
        change = service.schedule(survey, form.opens_on.data, form.closes_on.data, _local_days())
    except service.ScheduleError as error:
        return _survey_page(slug, form, str(error))
    audit.record("schedule survey", change)
    flash("The dates are saved.")
    return redirect(url_for(".survey", slug=slug))


# New versions: upload, see the problems or the changes, publish.


def _check(slug: str, data: bytes, file_name: str) -> service.CheckedUpload:
    return service.check_upload(
        slug,
        data,
        file_name,
        Path(current_app.config["EASYREAD_DIR"]),
        Path(current_app.static_folder),
    )


@bp.route("/<slug>/upload", methods=["GET", "POST"])
def upload(slug: str) -> str | tuple[str, int]:
    current = _current(slug)
    form = UploadForm()
    refused = None
    if form.validate_on_submit():
        file_name = Path(form.file.data.filename or "upload.yaml").name
        try:
            checked = _check(slug, form.file.data.read(), file_name)
        except service.UploadRefused as error:
            refused = str(error)
        else:
            publish_form = PublishForm(
                definition=checked.text, file_name=file_name, base_version=checked.base_version
            )
            status = 400 if checked.problems else 200
            return render_template(
                "manage/changes.html",
                current=current,
                checked=checked,
                file_name=file_name,
                form=publish_form,
            ), status
    status = 400 if form.errors or refused else 200
    return render_template(
        "manage/upload.html", current=current, form=form, refused=refused
    ), status


@bp.post("/<slug>/publish")
def publish(slug: str) -> HttpResponse | tuple[str, int]:
    current = _current(slug)
    form = PublishForm()
    if not form.validate():
        abort(400)
    file_name = Path(form.file_name.data or "upload.yaml").name
    try:
        # Checked again: the form carried the text, and it may have been changed on the way.
        checked = _check(slug, form.definition.data.encode("utf-8"), file_name)
        stored = service.publish(checked, form.base_version.data)
    except (service.UploadRefused, service.PublishRefused) as error:
        return render_template(
            "manage/upload.html", current=current, form=UploadForm(), refused=str(error)
        ), 400
    audit.record("publish survey version", f"{slug} v{stored.version} from {file_name}")
    flash(
        f"Version {stored.version} is published. New responses use it; responses already"
        " started keep the version they were started in."
    )
    return redirect(url_for(".survey", slug=slug))


# Sharing.


@bp.get("/<slug>/qr.png")
def qr_png(slug: str) -> Response:
    _current(slug)
    link = public_url("surveys.start", slug=slug)
    return Response(
        share.qr_png(link),
        mimetype="image/png",
        headers={"Content-Disposition": f'attachment; filename="{slug}-qr.png"'},
    )


@bp.get("/<slug>/flyer.pdf")
def flyer(slug: str) -> Response:
    survey = _current(slug)
    link = public_url("surveys.start", slug=slug)
    pdf = share.flyer_pdf(
        survey_versions.definition_of(survey),
        link,
        Path(current_app.static_folder),
        load_paper_words(Path(current_app.config["EASYREAD_DIR"])),
        current_look(),
        _local_days().closing_day(survey),
    )
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{slug}-flyer.pdf"'},
    )


# Preview: the respondent's pages and forms, for any version, with nothing saved. The
# survey templates build their links with survey_url, which g.preview points here.


class Preview(NamedTuple):
    slug: str
    version: int


EXAMPLE_CODE = "ABCD2345"  # the code shown in a preview: the example the resume page gives


def _preview(slug: str, version: int) -> SurveyDefinition:
    survey = service.survey_version(slug, version) or abort(404)
    g.preview = Preview(slug, version)
    return survey_versions.definition_of(survey)


@bp.route("/<slug>/v<int:version>/preview", methods=["GET", "POST"])
def preview_start(slug: str, version: int) -> HttpResponse | tuple[str, int]:
    definition = _preview(slug, version)
    form = FilledByForm()
    form.filled_by.choices = choices(definition.filled_by)
    if not carried_over() and form.validate_on_submit():
        return redirect(url_for(".preview_code", slug=slug, version=version))
    status = 400 if form.errors else 200
    page = render_template(
        "surveys/start.html", definition=definition, form=form, carry_form=CARRIED_FORM
    )
    return page, status


@bp.get("/<slug>/v<int:version>/preview/code")
def preview_code(slug: str, version: int) -> str:
    definition = _preview(slug, version)
    return render_template(
        "surveys/code.html",
        definition=definition,
        code=codes.format_code(EXAMPLE_CODE),
        next_question=definition.questions[0],
    )


@bp.route("/<slug>/v<int:version>/preview/q/<question_id>", methods=["GET", "POST"])
def preview_question(slug: str, version: int, question_id: str) -> HttpResponse | tuple[str, int]:
    definition = _preview(slug, version)
    question = definition.question(question_id) or abort(404)
    changing = request.args.get("change") == "1"
    after = page_after(definition, question, changing, {})  # nothing saved: no answers route
    if request.method == "POST" and "skip" in request.form and question.optional:
        return redirect(after)
    form = question_form(question)
    if not carried_over() and form.validate_on_submit():
        return redirect(after)  # checked as a respondent's answer would be, and not saved
    return question_page(definition, question, form, changing)


@bp.route("/<slug>/v<int:version>/preview/check", methods=["GET", "POST"])
def preview_check(slug: str, version: int) -> HttpResponse | str:
    definition = _preview(slug, version)
    if request.method == "POST":  # nothing was saved, so nothing is missing
        return redirect(url_for(".preview_done", slug=slug, version=version))
    return render_template(
        "surveys/check.html",
        definition=definition,
        asked=definition.questions,
        answers={},
        missing=[],
        is_skipped=held_responses.is_skipped,
    )


@bp.get("/<slug>/v<int:version>/preview/done")
def preview_done(slug: str, version: int) -> str:
    return render_template("surveys/done.html", definition=_preview(slug, version))
