"""The commitments register's page: officers add what families said, the commitments that
answer it, and each commitment's progress term by term. Thin views over register.py."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as HttpResponse

from ..auth import role_required
from ..extensions import db
from ..feedback.comments import themes
from ..models import WE_DID_STATUSES, WeDid, YouSaid, utcnow
from ..terms import calendar
from . import register
from .views import bp

TERM_YEARS = 5


def _page(problem: str | None = None) -> tuple[str, int]:
    now = calendar().term_at(utcnow()).starts_on
    # Progress is often recorded late: offer the terms of the last five years.
    terms = calendar().between(now.replace(year=now.year - TERM_YEARS), now)
    return render_template(
        "bulletin/register.html",
        entries=register.entries(),
        themes=themes(),
        terms=list(reversed(terms)),
        statuses=WE_DID_STATUSES,
        problem=problem,
    ), (400 if problem else 200)


def _term():
    try:
        return calendar().named(request.form.get("term", ""))
    except ValueError as error:
        raise register.RegisterError(f"Choose a term: {error}.") from error


def _saved(action, message: str) -> tuple[str, int] | HttpResponse:
    """Run a register change; on a problem, roll back and show the page with it."""
    try:
        action()
    except register.RegisterError as error:
        db.session.rollback()
        return _page(str(error))
    flash(message)
    return redirect(url_for(".register_page"))


@bp.get("/register")
@role_required("officer")
def register_page() -> tuple[str, int]:
    return _page()


@bp.post("/register")
@role_required("officer")
def add_you_said() -> tuple[str, int] | HttpResponse:
    form = request.form
    return _saved(
        lambda: register.save_you_said(
            None, form.get("text", ""), form.get("themes", "").split(",")
        ),
        "Added to the register.",
    )


@bp.post("/register/<int:you_said_id>/commitments")
@role_required("officer")
def add_commitment(you_said_id: int) -> tuple[str, int] | HttpResponse:
    you_said = db.session.get(YouSaid, you_said_id) or abort(404)
    return _saved(
        lambda: register.add_commitment(you_said, request.form.get("text", ""), _term()),
        "Commitment added.",
    )


@bp.post("/register/commitments/<int:item_id>")
@role_required("officer")
def change_commitment(item_id: int) -> tuple[str, int] | HttpResponse:
    item = db.session.get(WeDid, item_id) or abort(404)
    form = request.form
    return _saved(
        lambda: register.change_commitment(
            item, _term(), form.get("text", ""), form.get("status", ""), form.get("note", "")
        ),
        "Commitment saved.",
    )
