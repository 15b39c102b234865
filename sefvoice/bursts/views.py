"""Officers see bursts of sends from one source and set a batch aside, or put it back."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as HttpResponse

from ..auth import audit, role_required
from ..words import plural
from . import service
from .forms import SetAsideForm

bp = Blueprint("responses", __name__, url_prefix="/responses")


def _burst_rule() -> tuple[int, timedelta]:
    config = current_app.config
    return config["BURST_MIN_SENDS"], timedelta(minutes=config["BURST_GAP_MINUTES"])


def _page(form: SetAsideForm | None = None, status: int = 200) -> tuple[str, int]:
    config = current_app.config
    return render_template(
        "bursts/index.html",
        bursts=service.find_bursts(*_burst_rule()),
        batches=service.batches(),
        min_sends=config["BURST_MIN_SENDS"],
        gap_minutes=config["BURST_GAP_MINUTES"],
        failed=form,
    ), status


@bp.get("/bursts")
@role_required("officer")
def bursts() -> tuple[str, int]:
    return _page()


@bp.post("/bursts/set-aside")
@role_required("officer")
def set_aside() -> tuple[str, int] | HttpResponse:
    form = SetAsideForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    try:
        first, last = (
            datetime.fromisoformat(form.first.data),
            datetime.fromisoformat(form.last.data),
        )
    except ValueError:
        abort(400)
    try:
        # Only a burst the page shows: the form's source and times must name one exactly,
        # so no other responses from that source can be set aside with a wider range.
        shown = service.find_burst(form.source.data, first, last, *_burst_rule())
        batch = service.set_aside(
            shown.source_hash,
            shown.first_sent_at,
            shown.last_sent_at,
            form.reason.data,
            current_user.email,
        )
    except service.NothingToSetAside as error:
        flash(str(error))
    else:
        audit.record(
            "set aside responses",
            f"batch {batch.id}: {batch.responses} responses from source {batch.source_hash[:8]}"
            f" sent {first:%Y-%m-%d %H:%M} to {last:%H:%M}: {batch.reason}",
        )
        flash(
            f"{plural(batch.responses, 'response')} set aside from the figures (batch {batch.id})."
        )
    return redirect(url_for(".bursts"))


@bp.post("/batches/<int:batch_id>/put-back")
@role_required("officer")
def put_back(batch_id: int) -> HttpResponse:
    try:
        batch = service.put_back(batch_id, current_user.email)
    except service.NothingToSetAside as error:
        flash(str(error))
    else:
        audit.record("put back responses", f"batch {batch.id}: {batch.responses} responses")
        flash(f"Batch {batch.id} is back in the figures.")
    return redirect(url_for(".bursts"))
