"""A job's progress page, its status for the page's script, its result and a retry.
Thin views over service.py."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, stream_with_context, url_for
from werkzeug.wrappers import Response as HttpResponse

from ..auth import audit, role_required
from ..models import Job
from . import service
from .registry import size_in_words

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

REFRESH_SECONDS = 3  # the page without JavaScript reloads itself this often while it runs


def _job(job_id: int) -> Job:
    return service.get(job_id) or abort(404)


def _status(job: Job) -> dict:
    """What the progress page shows, for its template and its script."""
    next_page = (job.arguments or {}).get("next_page")
    return {
        "job": job,
        "title": service.kind_of(job).title,
        "say": service.describe(job),
        "estimate": service.estimate(job),
        "result_url": url_for(".result", job_id=job.id) if job.state == "done" else None,
        "next_url": url_for(next_page["endpoint"], **next_page["values"]) if next_page else None,
        "file": service.result_file(job.id) if job.state == "done" else None,
        "size_in_words": size_in_words,
    }


@bp.get("/")
@role_required("officer")
def index() -> str:
    jobs = service.recent()
    return render_template(
        "jobs/index.html", jobs=jobs, title_of=lambda job: service.kind_of(job).title
    )


@bp.get("/<int:job_id>")
@role_required("officer")
def show(job_id: int) -> str:
    job = _job(job_id)
    return render_template("jobs/show.html", refresh=REFRESH_SECONDS, **_status(job))


@bp.get("/<int:job_id>/status")
@role_required("officer")
def status(job_id: int) -> dict:
    """The status part of the progress page, for its script to swap in."""
    job = _job(job_id)
    shown = _status(job)
    return {
        "state": job.state,
        "say": " ".join(filter(None, [shown["say"], job.result])),
        "html": render_template("jobs/_status.html", **shown),
    }


@bp.get("/<int:job_id>/result")
@role_required("officer")
def result(job_id: int) -> HttpResponse:
    """The stored file, as made once by the job."""
    job = _job(job_id)
    made = service.result_file(job.id) if job.state == "done" else None
    if made is None:
        return redirect(url_for(".show", job_id=job.id))
    audit.record("download", f"job {job.id}: {made.name}")
    return HttpResponse(
        stream_with_context(service.result_parts(job.id)),
        content_type=made.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{made.name}"',
            "Content-Length": str(made.size),
        },
    )


@bp.post("/<int:job_id>/retry")
@role_required("officer")
def retry(job_id: int) -> HttpResponse:  # CSRFProtect has checked the token
    job = _job(job_id)
    if service.retry(job):
        audit.record("retry job", f"job {job.id}: {job.kind}, {job.subject}")
    return redirect(url_for(".show", job_id=job.id))
