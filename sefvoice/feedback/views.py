"""The feedback tab and its downloads. Reps and officers only; every number is protected.
A term not yet published is shown to officers and admins only (publishing.readers);
a rep asking for one is told its figures are being prepared."""

from __future__ import annotations

import weakref

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response as HttpResponse

from ..auth import audit, role_required
from ..models import utcnow
from ..publishing import service as publishing
from ..publishing.readers import NotPublished, not_published_page, sees_drafts
from ..publishing.service import TermFigures, notes
from ..release.service import Publication
from ..release.shown import Rules
from ..terms import calendar
from .charts import summary_sentence, web_svgs
from .exports import to_csv, to_xlsx

bp = Blueprint("feedback", __name__, url_prefix="/feedback")

EXPORTS = {  # Werkzeug adds "; charset=utf-8" to text types itself
    "csv": ("text/csv", to_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", to_xlsx),
}


def _drafts() -> bool:
    return sees_drafts(current_user)


def _chosen_term():
    """The term asked for (?term=Summer 2023), else the newest the reader may see (with
    responses, or published for a reader who sees published versions only); 404 if
    unknown."""
    available = publishing.terms_shown(_drafts())
    asked = request.args.get("term")
    if asked:
        try:
            return calendar().named(asked), available
        except ValueError:
            abort(404)
    if available:
        return available[0], available
    every = publishing.terms_shown()  # none published yet: the newest, being prepared
    return (every[0] if every else calendar().term_at(utcnow())), available


def _figures(term) -> TermFigures:
    """The term's figures: the version asked for (?version=1), else the newest published,
    else the draft; 404 for a version not published."""
    asked = request.args.get("version")
    try:
        return publishing.figures_for(term, int(asked) if asked else None, drafts=_drafts())
    except NotPublished:
        raise
    except (ValueError, LookupError):
        abort(404)


def _not_published(term, status: int = 200) -> tuple[str, int]:
    links = [(t.name, url_for(".tab", term=t.name)) for t in publishing.terms_shown(drafts=False)]
    return not_published_page(term, "Feedback", links, status)


RENDERED_KEPT = 64
_rendered: dict[tuple[int, str | None, Rules], tuple[weakref.ref, Markup]] = {}


def _figures_html(release: Publication, version: str | None, rules: Rules) -> Markup:
    """The tab's tables and charts, drawn once per release: a published version, or a kept
    draft, is the same object until it changes (drawing them is most of a view's work)."""
    key = (id(release), version, rules)
    kept = _rendered.get(key)
    if kept and kept[0]() is release:
        return kept[1]
    tables = release.tables
    charts = {
        t.id: (web_svgs(t), summary_sentence(t))
        for t in tables.overview
        if t.chart_value is not None
    }
    html = Markup(
        render_template(
            "feedback/_figures.html",
            summary=release.summary,
            overview=tables.overview,
            charts=charts,
            questions=tables.questions,
            outcomes=tables.outcomes,
            rules=rules,
            version=version,
        )
    )
    if len(_rendered) >= RENDERED_KEPT:
        _rendered.pop(next(iter(_rendered)))
    _rendered[key] = (weakref.ref(release), html)
    return html


@bp.get("/")
@role_required("pcv_rep")
def tab() -> str | tuple[str, int]:
    term, available = _chosen_term()
    try:
        figures = _figures(term)
    except NotPublished:
        return _not_published(term)
    summary, tables = figures.release.summary, figures.release.tables
    return render_template(
        "feedback/tab.html",
        summary=summary,
        overview=tables.overview,
        figures=_figures_html(figures.release, request.args.get("version"), figures.rules),
        available=available,
        rules=figures.rules,
        status=figures.status,
    )


@bp.get("/download/<table_id>.<kind>")
@role_required("pcv_rep")
def download(table_id: str, kind: str) -> HttpResponse | tuple[str, int]:
    if kind not in EXPORTS:
        abort(404)
    term, _ = _chosen_term()
    try:
        figures = _figures(term)
    except NotPublished:
        return _not_published(term, 404)  # no file: the page says why
    tables = figures.release.tables
    table = next((t for t in tables.every_table() if t.id == table_id), None)
    if table is None:
        abort(404)
    mimetype, render = EXPORTS[kind]
    audit.record("export", f"{table.title} ({term.name}) as {kind}")
    filename = f"sefvoice-{term.slug}-{table.id}.{kind}"
    return HttpResponse(
        render(table, notes(figures.status)),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
