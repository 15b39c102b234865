"""The officers' page that starts a release audit (a job). Thin over jobs.py."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as HttpResponse

from ..auth import role_required
from ..forms import TermForm
from ..jobs import service as jobs
from ..terms import calendar
from .jobs import RELEASE_AUDIT

bp = Blueprint("release", __name__, url_prefix="/release")


@bp.route("/audit", methods=["GET", "POST"])
@role_required("officer")
def audit() -> tuple[str, int] | HttpResponse:
    form = TermForm()
    if form.validate_on_submit():
        term = calendar().named(form.term.data).name
        job = jobs.start(
            RELEASE_AUDIT, f"the release for {term}", {"term": term}, current_user.email
        )
        return redirect(url_for("jobs.show", job_id=job.id))
    return render_template("release/audit.html", form=form), 400 if form.errors else 200
