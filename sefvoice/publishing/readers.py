"""Who reads which versions of a term's figures: a draft is seen only by the people who
produce it, everyone else reads published versions (docs/figures.md, "Who sees which
versions")."""

from __future__ import annotations

from flask import render_template

from ..auth import has_role
from ..terms import Term


class NotPublished(LookupError):
    """The term's figures are a draft, asked for by a reader who sees published versions
    only (a LookupError: a view that does not say so answers 404, never the draft)."""


def sees_drafts(user) -> bool:
    """Whether `user` may see a term's figures before they are published: only the people
    who produce them (officers and admins, who handle the raw returns already), as with
    official statistics' pre-release access. Everyone else reads published versions only,
    so no two versions of a draft can be set side by side."""
    return has_role(user, "officer")


def not_published_page(
    term: Term, what: str, links: list[tuple[str, str]], status: int = 200
) -> tuple[str, int]:
    """What a reader who sees published versions only gets for a draft term's output:
    that its figures are being prepared, and `links` (label, address) to the published
    terms'."""
    return render_template(
        "publishing/not_published.html", term=term, what=what, links=links
    ), status
