"""A term not yet published is a draft: counted live, and kept until the data it reads
changes (`fingerprint`), so a page view does not rerun the solver. The terms a draft
shows are kept too, each by its own counts (release/kept.py): a new response in the
draft's term leaves the earlier terms of its trend to be read as they were."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from sqlalchemy import func, select

from ..extensions import db
from ..models import AnswerTally, Import, IndicatorValue, PublishedRelease, Response, Survey
from ..release import service as release_service
from ..release.kept import KeptTerms
from ..release.service import Publication
from ..release.summary import FeedbackSummary
from ..terms import Term

DRAFTS_KEPT = 32

_drafts: dict[tuple, tuple[tuple, Publication]] = {}
_kept_terms = KeptTerms()


def fingerprint() -> tuple:
    """Changes whenever anything a draft reads changes: a response sent or withdrawn (the
    tally and the newest response), a moderation decision that sets answers aside (the
    tally), an import, a survey version, a term published. One query, reading the tally
    once (its rows and their sum together)."""
    parts = [
        select(func.max(Response.id)),
        select(func.max(Import.id)),
        select(func.count(IndicatorValue.id)),
        select(func.max(Survey.id)),
        select(func.count(Survey.id)),
        select(func.max(PublishedRelease.id)),
        select(func.count(PublishedRelease.id)),
    ]
    statement = select(
        func.count(),
        func.coalesce(func.sum(AnswerTally.count), 0),
        *(p.scalar_subquery() for p in parts),
    ).select_from(AnswerTally)
    return tuple(db.session.execute(statement).one())


def draft_release(
    term: Term, published: Callable[[Term], dict[Term, FeedbackSummary]]
) -> Publication:
    """The term's figures counted live, kept until the data they read changes.
    `published(term)`: the other published terms' summaries, as published (read only
    when the draft is counted)."""
    config = current_app.config
    key = (
        str(db.engine.url),
        term.name,
        config["DISCLOSURE_MIN_COUNT"],
        config["DISCLOSURE_MIN_BASE"],
        config["TREND_TERMS"],
    )
    stamp = fingerprint()
    kept = _drafts.get(key)
    if kept and kept[0] == stamp:
        return kept[1]
    release = release_service.publication_for(term, published=published(term), kept=_kept_terms)
    if len(_drafts) >= DRAFTS_KEPT:
        _drafts.pop(next(iter(_drafts)))
    _drafts[key] = (stamp, release)
    return release


def forget() -> None:
    """Drop every draft and term kept (a benchmark's first view)."""
    _drafts.clear()
    _kept_terms.clear()
