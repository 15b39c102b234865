"""The bulletin pages: reps read the web version; officers write, preview and export.
Thin views over service.py (writing), content.py (reading) and pdf.py."""

from __future__ import annotations

import base64
from datetime import datetime
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
from flask_login import current_user
from werkzeug.wrappers import Response as HttpResponse

from ..assets import picture_url
from ..auth import audit, role_required
from ..feedback.charts import web_svgs
from ..jobs import service as jobs
from ..models import Bulletin
from ..pictures import PictureRefused, read_picture
from ..publishing import service as publishing
from ..publishing.readers import NotPublished, not_published_page, sees_drafts
from ..terms import Term, calendar
from ..urls import public_root
from . import service
from .brand import BrandError, current, save_look, text_pairs
from .content import BulletinContent, build_content
from .docx import build_docx
from .easy_read import (
    EasyReadEdition,
    build_easy_read,
)
from .forms import AddSectionForm, CreateForm, DetailsForm, LookForm, ProgressForm
from .jobs import BULLETIN_PDF, LABELS, export_subject
from .markdown import link_runs
from .pdf.easy_read import build_easy_read_pdf
from .pdf.full import build_pdf
from .sections import KIND_NAMES, KIND_SHORT, missing_outcomes, title_of
from .words import published_bulletin

bp = Blueprint("bulletins", __name__, url_prefix="/bulletins")
bp.add_app_template_filter(link_runs)


EDITIONS = ("bulletin", "easy-read")  # the full bulletin, and its easy-read edition
MIMETYPES = {
    "pdf": "application/pdf",
    "html": "text/html",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _css() -> str:
    return Path(current_app.static_folder, "css", "sefvoice.css").read_text(encoding="utf-8")


def _inline_picture(name: str) -> str | None:
    """A survey picture as a data: URL, so that the one-file web page needs nothing else;
    None (no picture) for a name that is not a picture in static/pictures."""
    try:
        found = read_picture(Path(current_app.static_folder), name)
    except PictureRefused:
        return None
    return f"data:{found.kind};base64,{base64.b64encode(found.data).decode('ascii')}"


def _version_url(endpoint: str, slug: str):
    """The address of each published version of a bulletin page (for its status note)."""
    return lambda number: url_for(endpoint, slug=slug, version=number)


def render_page(content: BulletinContent, standalone: bool = False) -> str:
    """The web version: inside the site, or (standalone) as one file, its style inline, to
    put on the partnership's website."""
    if not standalone:
        return render_template(
            "bulletin/show.html",
            content=content,
            chart_svg=web_svgs,
            version_url=_version_url(".show", content.term.slug),
        )
    return render_template(
        "bulletin/standalone.html",
        body="bulletin/_content.html",
        title=f"{content.title}: {content.heading}",
        content=content,
        chart_svg=web_svgs,
        css=_css(),
    )


def render_easy_read(edition: EasyReadEdition, slug: str, standalone: bool = False) -> str:
    """The easy-read edition's web page, inside the site or as one file."""
    if not standalone:
        return render_template(
            "bulletin/easy_read.html",
            edition=edition,
            slug=slug,
            picture_src=picture_url,
            version_url=_version_url(".easy_read", slug),
        )
    return render_template(
        "bulletin/standalone.html",
        body="bulletin/_easy_read.html",
        title=edition.title,
        edition=edition,
        picture_src=_inline_picture,
        css=_css(),
    )


def export(
    term: Term,
    edition: str,
    kind: str,
    created: datetime | None = None,
    base_url: str | None = None,
    version: int | None = None,
) -> bytes:
    """A term's bulletin (`edition` "bulletin") or its easy-read edition as a PDF or a
    one-file web page (`kind` "pdf" or "html"), or the bulletin as a Word document (`kind`
    "docx", the accessible edition), for a download or the export command: the newest
    published version of its figures, or `version`, or the draft."""
    content = build_content(term, version)
    if kind == "docx":
        return build_docx(content, base_url=base_url)
    if edition == "easy-read":
        easy = build_easy_read(content)
        if kind == "pdf":
            return build_easy_read_pdf(easy, created=created)
        return render_easy_read(easy, term.slug, standalone=True).encode("utf-8")
    if kind == "pdf":
        return build_pdf(content, created=created, base_url=base_url)
    return render_page(content, standalone=True).encode("utf-8")


def found(slug: str, editing: bool = False) -> tuple[Term, Bulletin]:
    """The term named in the URL (summer-2023) and its bulletin; 404 if either is missing.
    `editing`: a published bulletin's words are frozen, so its edit pages send the reader
    to the bulletin instead (409 for a form sent from a page left open)."""
    try:
        term = calendar().named(slug.replace("-", " "))
    except ValueError:
        abort(404)
    bulletin = service.bulletin_for(term)
    if bulletin is None:
        abort(404)
    if editing and published_bulletin(bulletin) is not None:
        if request.method == "POST":
            abort(409, description="This bulletin is published: its words can no longer change.")
        flash("This bulletin is published: its words can no longer change.")
        abort(redirect(url_for(".show", slug=slug)))
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


def _asked_version() -> int | None:
    """The version asked for (?version=2); 404 for one that is not a number."""
    asked = request.args.get("version")
    if asked is None:
        return None
    if not asked.isdigit():
        abort(404)
    return int(asked)


def _content(term: Term) -> BulletinContent:
    """The bulletin's content for the reader; publishing.NotPublished for a draft term's
    when the reader sees published versions only."""
    try:
        return build_content(term, _asked_version(), drafts=sees_drafts(current_user))
    except NotPublished:
        raise
    except LookupError:
        abort(404)


def _not_published(term: Term, endpoint: str, what: str) -> tuple[str, int]:
    """A draft term's bulletin, asked for by a rep: the published terms' bulletins."""
    published = {t.name for t in publishing.terms_shown(drafts=False)}
    terms = calendar()
    links = [
        (f"{b.term_name}", url_for(endpoint, slug=terms.named(b.term_name).slug))
        for b in service.bulletins()
        if b.term_name in published
    ]
    return not_published_page(term, what, links)


@bp.get("/<slug>/")
@role_required("pcv_rep")
def show(slug: str) -> str | tuple[str, int]:
    term, _ = found(slug)
    try:
        return render_page(_content(term))
    except NotPublished:
        return _not_published(term, ".show", "The bulletin")


@bp.get("/<slug>/easy-read")
@role_required("pcv_rep")
def easy_read(slug: str) -> str | tuple[str, int]:
    term, _ = found(slug)
    try:
        return render_easy_read(build_easy_read(_content(term)), slug)
    except NotPublished:
        return _not_published(term, ".easy_read", "The easy-read bulletin")


@bp.get("/<slug>/<any(bulletin, 'easy-read'):edition>.<any(pdf, html, docx):kind>")
@role_required("officer")
def download(slug: str, edition: str, kind: str) -> HttpResponse:
    """The web page at once; the PDF is made by a worker: its progress page, then the file."""
    term, _ = found(slug)
    if kind == "docx" and edition != "bulletin":
        abort(404)  # the easy-read edition's accessible form is its web page
    version = _asked_version()
    if kind == "pdf":
        job = jobs.start(
            BULLETIN_PDF,
            export_subject(term.name, edition),
            {"term": term.name, "edition": edition, "base_url": public_root(), "version": version},
            current_user.email,
        )
        audit.record("export", f"{LABELS[edition]} {term.name} as pdf")
        return redirect(url_for("jobs.show", job_id=job.id))
    try:
        body = export(term, edition, kind, base_url=public_root(), version=version)
    except LookupError:
        abort(404)
    audit.record("export", f"{LABELS[edition]} {term.name} as {kind}")
    return HttpResponse(
        body,
        mimetype=MIMETYPES[kind],  # Flask adds the charset to text/html
        headers={"Content-Disposition": f'attachment; filename="{edition}-{term.slug}.{kind}"'},
    )


def edit_page(
    term: Term,
    bulletin: Bulletin,
    details: DetailsForm,
    progress: ProgressForm,
    status: int = 200,
    add: AddSectionForm | None = None,
) -> tuple[str, int]:
    carried = {c.id: c for c in bulletin.commitments if c.carried_from_id}
    written = {s.key for s in bulletin.sections if s.body.strip() or s.stories.strip()}
    return render_template(
        "bulletin/edit.html",
        slug=term.slug,
        bulletin=bulletin,
        sections=[(s, title_of(s)) for s in bulletin.sections],
        kinds=KIND_NAMES,
        short=KIND_SHORT,
        missing=missing_outcomes(bulletin),
        add=add or AddSectionForm(),
        written=written,
        details=details,
        progress=progress,
        carried=carried,
    ), status


def progress_form(bulletin: Bulletin) -> ProgressForm:
    """The carried-forward list as a form, filled in with what is recorded so far."""
    items = [
        {"commitment": str(c.id), "status": c.status, "note": c.note, "easy_read": c.easy_read}
        for c in bulletin.commitments
        if c.carried_from_id
    ]
    return ProgressForm(data={"items": items})


@bp.post("/<slug>/publish")
@role_required("officer")
def publish(slug: str) -> HttpResponse:
    term, bulletin = found(slug, editing=True)
    try:
        service.publish_bulletin(bulletin, term)
    except service.BulletinError as error:
        flash(f"Not published: {error}.")
        return redirect(url_for(".edit", slug=slug))
    flash(f"The {term.name} bulletin is published: its words are frozen as they are.")
    return redirect(url_for(".show", slug=slug))


@bp.get("/<slug>/edit")
@role_required("officer")
def edit(slug: str) -> tuple[str, int]:
    term, bulletin = found(slug, editing=True)
    return edit_page(term, bulletin, DetailsForm(obj=bulletin), progress_form(bulletin))


@bp.post("/<slug>/details")
@role_required("officer")
def save_details(slug: str) -> tuple[str, int] | HttpResponse:
    term, bulletin = found(slug, editing=True)
    form = DetailsForm()
    if not form.validate_on_submit():
        return edit_page(term, bulletin, form, progress_form(bulletin), 400)
    service.save_details(bulletin, form.title.data, form.figures_in_full.data)
    flash("Title and figures in full saved.")
    return redirect(url_for(".edit", slug=slug))


@bp.post("/<slug>/progress")
@role_required("officer")
def save_progress(slug: str) -> tuple[str, int] | HttpResponse:
    term, bulletin = found(slug, editing=True)
    form = ProgressForm()
    if form.validate_on_submit():
        try:
            service.save_progress(
                bulletin,
                {
                    int(item.commitment.data): (item.status.data or None, item.note.data or "")
                    for item in form.items
                },
                easy_read={int(i.commitment.data): i.easy_read.data or "" for i in form.items},
            )
        except service.NotEasyRead as error:
            item = next(i for i in form.items if int(i.commitment.data) == error.commitment_id)
            item.easy_read.errors = [f"Easy read: {error}"]
        except service.BulletinError:
            abort(400)  # a commitment that is not carried into this bulletin: a stale page
        else:
            flash("Progress saved.")
            return redirect(url_for(".edit", slug=slug))
    return edit_page(term, bulletin, DetailsForm(obj=bulletin), form, 400)


@bp.route("/look", methods=["GET", "POST"])
@role_required("officer")
def look() -> tuple[str, int] | HttpResponse:
    """The partnership's name, logo and colours, for every bulletin's cover and headers."""
    saved = current()
    form = LookForm(obj=saved)
    problems: list[str] = []
    if form.validate_on_submit():
        logo = form.new_logo.data.read() if form.new_logo.data else None
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
