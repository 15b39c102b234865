"""The pages where officers shape a bulletin's sections: add one, move it up or down
(buttons, no JavaScript), remove it (after a page that says what goes with it), and write
it: title, words, a story's picture with its alt text and caption, an outcome's headline
measures and easy-read lines. Thin views over sections.py and service.py."""

from __future__ import annotations

import base64

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as HttpResponse

from .. import uploads
from ..auth import role_required
from ..terms import Term
from . import sections, service
from .brand import BrandError, picture_type
from .content import build_content
from .easy_read import check_lines, figure_points, lines, store_lines, written_line_problems
from .forms import AddSectionForm, DetailsForm, SectionForm
from .markdown import parse
from .views import bp, edit_page, found, progress_form
from .words import written_lines

WAITING = "bulletin-picture"  # the kind of pending upload a chosen picture waits as


@bp.post("/<slug>/sections")
@role_required("officer")
def add_section(slug: str) -> tuple[str, int] | HttpResponse:
    term, bulletin = found(slug, editing=True)
    form = AddSectionForm()
    if form.validate_on_submit():
        kind, outcome = form.kind.data, None
        if kind.startswith("outcome-") and kind.removeprefix("outcome-").isdigit():
            kind, outcome = "outcome", int(kind.removeprefix("outcome-"))
        try:
            added = sections.add_section(bulletin, kind, form.new_title.data or "", outcome)
        except sections.SectionError as error:
            form.kind.errors = [str(error)]
        else:
            flash(f"{sections.title_of(added)} added at the end. Move it to its place below.")
            return redirect(url_for(".section", slug=slug, key=added.key))
    return edit_page(
        term, bulletin, DetailsForm(obj=bulletin), progress_form(bulletin), 400, add=form
    )


@bp.post("/<slug>/sections/<key>/move")
@role_required("officer")
def move_section(slug: str, key: str) -> HttpResponse:
    _, bulletin = found(slug, editing=True)
    step = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if step is None or sections.section_row(bulletin, key) is None:
        abort(400)
    sections.move_section(bulletin, key, step)
    return redirect(url_for(".edit", slug=slug, _anchor=f"section-{key}"))


@bp.route("/<slug>/sections/<key>/remove", methods=["GET", "POST"])
@role_required("officer")
def remove_section(slug: str, key: str) -> tuple[str, int] | HttpResponse:
    """A page that says what goes with the section; removed only when confirmed."""
    _, bulletin = found(slug, editing=True)
    section = sections.section_row(bulletin, key)
    if section is None:
        abort(404)
    if request.method == "POST":
        if request.form.get("confirm") != "yes":
            return redirect(url_for(".edit", slug=slug, _anchor=f"section-{key}"))
        title = sections.remove_section(bulletin, key)
        flash(f"{title} removed.")
        return redirect(url_for(".edit", slug=slug, _anchor="sections"))
    return render_template(
        "bulletin/remove_section.html",
        slug=slug,
        bulletin=bulletin,
        section=section,
        title=sections.title_of(section),
        loss=sections.losses(bulletin, section),
    ), 200


def _chosen_picture(form: SectionForm, problems: list[str]) -> str:
    """The token of the picture chosen on this form or an earlier send of it (kept as a
    pending upload, so nothing chosen is lost while other problems are put right); ""
    for none. A new picture is checked like the logo first."""
    upload = form.new_picture.data
    if upload and getattr(upload, "filename", ""):
        data = upload.read(sections.MAX_PICTURE_BYTES + 1)
        try:
            picture_type(data, "picture", sections.MAX_PICTURE_BYTES)
        except BrandError as error:
            form.new_picture.errors = [f"The picture was not kept: {p}." for p in error.problems]
            return ""
        return uploads.keep(WAITING, current_user.id, {}, {"picture": data})
    token = form.picture_token.data or ""
    if token and uploads.details_of(token, WAITING, current_user.id) is None:
        problems.append("The picture you chose earlier has expired: choose it again.")
        return ""
    return token


def _save(bulletin, section, form: SectionForm, token: str, headline: list[str]) -> str | None:
    """Store the section (the chosen picture taken from waiting); a problem, or None."""
    picture_id = None
    if token:
        waiting = uploads.take(token, WAITING, current_user.id)
        if waiting is None:
            return "The picture you chose earlier has expired: choose it again."
        picture_id = sections.store_picture(waiting.files["picture"]).id
    service.save_section(
        bulletin,
        section.key,
        form.body.data,
        form.stories.data if section.kind == "outcome" else "",
        service.commitment_lines(form.commitments.data),
        easy_read=form.easy_read.data or "",
        headline=headline,
        shape=service.Shape(
            form.title.data or "",
            picture_id,
            form.alt.data or "",
            form.caption.data or "",
            remove_picture=bool(form.remove_picture.data) and not token,
        ),
    )
    return None


@bp.route("/<slug>/sections/<key>", methods=["GET", "POST"])
@role_required("officer")
def section(slug: str, key: str) -> tuple[str, int] | HttpResponse:
    term, bulletin = found(slug, editing=True)
    stored = sections.section_row(bulletin, key)
    if stored is None:
        abort(404)
    title = sections.title_of(stored)
    commitments = [
        c.text for c in bulletin.commitments if c.section == key and not c.carried_from_id
    ]
    form = SectionForm(obj=stored, alt=stored.picture_alt, commitments="\n".join(commitments))
    outcome = _outcome(term, stored)
    points = figure_points(outcome, written_lines(bulletin))[0] if outcome else []
    sent = {
        point.key: request.form.get(f"easy-{i}", point.text)
        for i, point in enumerate(points, start=1)
    }
    number = sections.outcome_number(key) if stored.kind == "outcome" else None
    measures = service.measure_choices(number) if number else []
    saved_headline = stored.headline_measures.splitlines()
    chosen = request.form.getlist("headline") if request.method == "POST" else saved_headline
    preview, problems, token = None, [], ""
    if form.validate_on_submit():
        token = _chosen_picture(form, problems)
        if outcome:
            kept, found_problems = check_lines(outcome, sent, form.easy_read.data or "")
            problems += found_problems
        elif stored.kind == "story":
            problems += [
                f"“{line[:60]}”: {problem}"
                for line in lines(form.easy_read.data or "")
                for problem in written_line_problems(line, None)
            ]
        has_picture = bool(token) or (stored.picture_id and not form.remove_picture.data)
        shape = sections.shape_problems(
            stored.kind,
            form.title.data or "",
            form.body.data or "",
            bool(has_picture),
            form.alt.data or "",
            form.caption.data or "",
        )
        for name, problem in shape:  # shown at the field, and linked from the summary
            form[name].errors = [*form[name].errors, problem]
        try:
            service.checked_headline(bulletin, key, chosen)
        except service.BulletinError as error:
            problems.append(str(error))
        blocked = problems or any(field.errors for field in form)
        if form.save.data and not blocked:
            if outcome:
                store_lines(bulletin, [point.key for point in points], kept)
            problem = _save(bulletin, stored, form, token, chosen)
            if problem is None:
                flash(f"{sections.title_of(stored)} saved.")
                return redirect(url_for(".edit", slug=slug, _anchor=f"section-{key}"))
            problems.append(problem)
            token = ""
        # Preview: the same parser and template as the bulletin itself; nothing is stored.
        preview = {
            "body": parse(form.body.data),
            "stories": parse(form.stories.data),
            "commitments": service.commitment_lines(form.commitments.data),
        }
    form.picture_token.data = token
    picture = sections.picture_of(stored.picture_id)
    return render_template(
        "bulletin/section.html",
        slug=slug,
        bulletin=bulletin,
        section=stored,
        title=title,
        picture=picture,
        picture_src=f"data:{picture.kind};base64,{base64.b64encode(picture.data).decode()}"
        if picture
        else None,
        default_title=sections.default_title(stored.key, stored.kind),
        body_hint=sections.BODY_HINTS[stored.kind],
        form=form,
        preview=preview,
        points=[(point, sent[point.key]) for point in points],
        measures=measures,
        chosen=chosen,
        problems=problems,
    ), 400 if any(field.errors for field in form) or problems else 200


def _outcome(term: Term, stored):
    """The outcome's section of the bulletin's content (its figures, for the easy-read
    lines), or None for a section that is not an outcome's."""
    if stored.kind != "outcome":
        return None
    return next((s for s in build_content(term).outcomes if s.key == stored.key), None)
