"""The staff pages for publishing: every term's state (draft or published, by whom and
when), a term's versions and pending changes, and the confirmation that publishes.
Everyone on staff sees them; only officers and admins publish."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as HttpResponse

from ..auth import role_required
from ..jobs import service as jobs_service
from ..terms import Term, calendar
from . import service
from .forms import PublishForm
from .jobs import PUBLISH_TERM
from .readers import sees_drafts

bp = Blueprint("publishing", __name__, url_prefix="/releases")


def _term(slug: str) -> Term:
    try:
        return calendar().named(slug.replace("-", " "))
    except ValueError:
        abort(404)


@bp.get("/")
@role_required("pcv_rep")
def index() -> str:
    published = service.published_terms()
    terms = [(term, published.get(term.name)) for term in service.terms_shown()]
    return render_template("publishing/index.html", terms=terms)


def _term_page(term: Term, form: PublishForm, status: int = 200) -> tuple[str, int]:
    """A term's versions; for those who see drafts, also what a revision would change (a
    draft of the term's next version) or what publishing would freeze."""
    versions = service.versions_of(term)
    drafts = sees_drafts(current_user)
    return render_template(
        "publishing/term.html",
        term=term,
        versions=versions,
        drafts=drafts,
        pending=service.pending_revision(term) if versions and drafts else None,
        frozen=service.what_is_frozen(term) if not versions and drafts else None,
        form=form,
    ), status


@bp.get("/<slug>")
@role_required("pcv_rep")
def term(slug: str) -> tuple[str, int]:
    return _term_page(_term(slug), PublishForm())


@bp.post("/<slug>")
@role_required("officer")
def publish(slug: str) -> tuple[str, int] | HttpResponse:
    term = _term(slug)
    form = PublishForm()
    if not form.validate_on_submit():
        return _term_page(term, form, 400)
    try:
        reason = service.check_reason(term, form.reason.data or "")
    except service.PublishError as error:
        form.reason.errors = [str(error)[0].upper() + str(error)[1:] + "."]
        return _term_page(term, form, 400)
    job = jobs_service.start(
        PUBLISH_TERM,
        f"{term.name}'s figures",
        {"term": term.name, "actor": current_user.email, "reason": reason},
        current_user.email,
    )
    return redirect(url_for("jobs.show", job_id=job.id))
