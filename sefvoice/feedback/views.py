"""The feedback tab and its downloads. Reps and officers only; every number is protected."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from werkzeug.wrappers import Response as HttpResponse

from ..auth import audit, role_required
from ..models import utcnow
from ..release import service
from ..terms import calendar
from .charts import summary_sentence, web_svgs
from .exports import to_csv, to_xlsx

bp = Blueprint("feedback", __name__, url_prefix="/feedback")

EXPORTS = {  # Werkzeug adds "; charset=utf-8" to text types itself
    "csv": ("text/csv", to_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", to_xlsx),
}


def _chosen_term():
    """The term asked for (?term=Summer 2023), else the newest with responses; 404 if unknown."""
    available = service.terms_with_responses()
    asked = request.args.get("term")
    if asked:
        try:
            return calendar().named(asked), available
        except ValueError:
            abort(404)
    return (available[0] if available else calendar().term_at(utcnow())), available


@bp.get("/")
@role_required("pcv_rep")
def tab() -> str:
    term, available = _chosen_term()
    release = service.publication_for(term)
    summary, tables = release.summary, release.tables
    charts = {
        t.id: (web_svgs(t), summary_sentence(t))
        for t in tables.overview
        if t.chart_value is not None
    }
    return render_template(
        "feedback/tab.html",
        summary=summary,
        overview=tables.overview,
        charts=charts,
        questions=tables.questions,
        outcomes=tables.outcomes,
        available=available,
        rules=service.rules(),
    )


@bp.get("/download/<table_id>.<kind>")
@role_required("pcv_rep")
def download(table_id: str, kind: str) -> HttpResponse:
    if kind not in EXPORTS:
        abort(404)
    term, _ = _chosen_term()
    tables = service.publication_for(term).tables
    table = next((t for t in tables.every_table() if t.id == table_id), None)
    if table is None:
        abort(404)
    mimetype, render = EXPORTS[kind]
    audit.record("export", f"{table.title} ({term.name}) as {kind}")
    filename = f"sefvoice-{term.slug}-{table.id}.{kind}"
    return HttpResponse(
        render(table),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
