"""The bulletin pages: reps read the web version; officers write, preview and export.
Thin views over service.py (writing), content.py (reading) and pdf.py."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response as HttpResponse

from ..auth import audit, role_required
from ..feedback.charts import web_svgs
from ..feedback.service import calendar
from ..feedback.terms import Term
from ..models import Bulletin
from . import service
from .brand import BrandError, current, save_look, text_pairs
from .content import BulletinContent, build_content, section_specs
from .forms import CreateForm, DetailsForm, LookForm, ProgressForm, SectionForm
from .markdown import link_runs, parse
from .pdf import build_pdf

bp = Blueprint("bulletin", __name__, url_prefix="/bulletins")
bp.add_app_template_filter(link_runs)


def render_page(content: BulletinContent, standalone: bool = False) -> str:
    """The web version: inside the site, or (standalone) as one file, its style inline, to
    put on the partnership's website."""
    if not standalone:
        return render_template("bulletin/show.html", content=content, chart_svg=web_svgs)
    css = Path(current_app.static_folder, "css", "sefvoice.css").read_text(encoding="utf-8")
    return render_template("bulletin/standalone.html", content=content, chart_svg=web_svgs, css=css)


def _found(slug: str) -> tuple[Term, Bulletin]:
    """The term named in the URL (summer-2023) and its bulletin; 404 if either is missing."""
    try:
        term = calendar().named(slug.replace("-", " "))
    except ValueError:
        abort(404)
    bulletin = service.bulletin_for(term)
    if bulletin is None:
        abort(404)
    return term, bulletin


def _index(form: CreateForm) -> str:
    terms = calendar()
    listed = [(b, terms.named(b.term_name).slug) for b in service.bulletins()]
    return render_template("bulletin/index.html", bulletins=listed, form=form)


@bp.get("/")
@role_required("pcv_rep")
def index() -> str:
    return _index(CreateForm())


@bp.post("/")
@role_required("officer")
def create() -> str | HttpResponse:
    form = CreateForm()
    if form.validate_on_submit():
        term = calendar().named(form.term.data)
        if service.bulletin_for(term) is None:
            service.create_bulletin(term)
            flash(f"Bulletin for {term.name} started.")
        return redirect(url_for(".edit", slug=term.slug))
    return _index(form), 400


@bp.get("/<slug>/")
@role_required("pcv_rep")
def show(slug: str) -> str:
    term, _ = _found(slug)
    return render_page(build_content(term))


def _download(slug: str, kind: str) -> HttpResponse:
    term, _ = _found(slug)
    content = build_content(term)
    if kind == "pdf":
        body, mimetype = build_pdf(content, base_url=request.host_url), "application/pdf"
    else:
        body, mimetype = render_page(content, standalone=True), "text/html; charset=utf-8"
    audit.record("export", f"bulletin {term.name} as {kind}")
    return HttpResponse(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="bulletin-{term.slug}.{kind}"'},
    )


@bp.get("/<slug>/bulletin.pdf")
@role_required("officer")
def download_pdf(slug: str) -> HttpResponse:
    return _download(slug, "pdf")


@bp.get("/<slug>/bulletin.html")
@role_required("officer")
def download_html(slug: str) -> HttpResponse:
    return _download(slug, "html")


def _edit_page(
    term: Term, bulletin: Bulletin, details: DetailsForm, progress: ProgressForm, status: int = 200
) -> tuple[str, int]:
    carried = {c.id: c for c in bulletin.commitments if c.carried_from_id}
    written = {s.key for s in bulletin.sections if s.body.strip() or s.stories.strip()}
    return render_template(
        "bulletin/edit.html",
        slug=term.slug,
        bulletin=bulletin,
        specs=section_specs(),
        written=written,
        details=details,
        progress=progress,
        carried=carried,
    ), status


def _progress_form(bulletin: Bulletin) -> ProgressForm:
    """The carried-forward list as a form, filled in with what is recorded so far."""
    items = [
        {"commitment": str(c.id), "status": c.status, "note": c.note}
        for c in bulletin.commitments
        if c.carried_from_id
    ]
    return ProgressForm(data={"items": items})


@bp.get("/<slug>/edit")
@role_required("officer")
def edit(slug: str) -> tuple[str, int]:
    term, bulletin = _found(slug)
    return _edit_page(term, bulletin, DetailsForm(obj=bulletin), _progress_form(bulletin))


@bp.post("/<slug>/details")
@role_required("officer")
def save_details(slug: str) -> tuple[str, int] | HttpResponse:
    term, bulletin = _found(slug)
    form = DetailsForm()
    if not form.validate_on_submit():
        return _edit_page(term, bulletin, form, _progress_form(bulletin), 400)
    service.save_details(bulletin, form.title.data, form.author.data)
    flash("Title and publisher saved.")
    return redirect(url_for(".edit", slug=slug))


@bp.post("/<slug>/progress")
@role_required("officer")
def save_progress(slug: str) -> tuple[str, int] | HttpResponse:
    term, bulletin = _found(slug)
    form = ProgressForm()
    if form.validate_on_submit():
        try:
            service.save_progress(
                bulletin,
                {
                    int(item.commitment.data): (item.status.data or None, item.note.data or "")
                    for item in form.items
                },
            )
        except service.BulletinError:
            abort(400)  # a commitment that is not carried into this bulletin: a stale page
        flash("Progress saved.")
        return redirect(url_for(".edit", slug=slug))
    return _edit_page(term, bulletin, DetailsForm(obj=bulletin), form, 400)


@bp.route("/<slug>/sections/<key>", methods=["GET", "POST"])
@role_required("officer")
def section(slug: str, key: str) -> tuple[str, int] | HttpResponse:
    _, bulletin = _found(slug)
    spec = next((s for s in section_specs() if s.key == key), None)
    if spec is None:
        abort(404)
    stored = service.stored_section(bulletin, key)
    lines = [c.text for c in bulletin.commitments if c.section == key and not c.carried_from_id]
    form = SectionForm(obj=stored, commitments="\n".join(lines))
    preview = None
    if form.validate_on_submit():
        commitments = service.commitment_lines(form.commitments.data)
        if form.save.data:
            service.save_section(
                bulletin,
                key,
                form.body.data,
                form.stories.data if spec.outcome else "",
                commitments,
            )
            flash(f"{spec.title} saved.")
            return redirect(url_for(".edit", slug=slug))
        # Preview: the same parser and template as the bulletin itself; nothing is stored.
        preview = {
            "body": parse(form.body.data),
            "stories": parse(form.stories.data),
            "commitments": commitments,
        }
    return render_template(
        "bulletin/section.html",
        slug=slug,
        bulletin=bulletin,
        spec=spec,
        form=form,
        preview=preview,
    ), 400 if form.errors else 200


@bp.route("/look", methods=["GET", "POST"])
@role_required("officer")
def look() -> tuple[str, int] | HttpResponse:
    """The partnership's name, logo and colours, for every bulletin's cover and headers."""
    saved = current()
    form = LookForm(obj=saved)
    problems: list[str] = []
    if form.validate_on_submit():
        logo = form.logo.data.read() if form.logo.data else None
        try:
            save_look(
                form.name.data,
                form.main_colour.data,
                form.second_colour.data,
                logo,
                form.logo_alt.data or "",
                remove_logo=form.remove_logo.data,
            )
        except BrandError as error:
            problems = error.problems
        else:
            flash("The partnership's look is saved.")
            return redirect(url_for(".look"))
    return render_template(
        "bulletin/look.html",
        form=form,
        saved=saved,
        pairs=text_pairs(saved.main_colour, saved.second_colour),
        problems=problems,
    ), 400 if problems or form.errors else 200
