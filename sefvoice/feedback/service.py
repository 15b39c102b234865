"""The feedback tab's data, from the app's settings: which terms, which rules, which tables."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from ..easyread import Charter, SurveyDefinition, load_charter
from ..extensions import db
from ..models import CHANNELS, Response
from ..release.cells import Grouping
from ..release.shown import Rules
from ..release.term import TermRelease
from ..release.versions import Earlier
from ..surveys.service import current_surveys, definition_of
from .aggregates import FeedbackSummary, build_summary, grouped_counts
from .tables import SummaryTables, summary_tables
from .terms import Term, TermCalendar, local_date


def rules() -> Rules:
    config = current_app.config
    return Rules(config["DISCLOSURE_MIN_COUNT"], config["DISCLOSURE_MIN_BASE"])


def calendar() -> TermCalendar:
    return TermCalendar(current_app.config["TERMS"], current_app.config["TIMEZONE"])


def charter() -> Charter:
    return load_charter(Path(current_app.config["EASYREAD_DIR"]))


def groupings(charter: Charter) -> list[Grouping]:
    """The ways the tab splits respondents, each its own table. A further one (a column of
    the tally) is one more entry here."""
    return [
        Grouping("filled_by", "by-filled-by", "By who filled it in", "Who", charter.filled_by),
        Grouping("channel", "by-channel", "How people answered", "How", CHANNELS),
    ]


def terms_with_responses() -> list[Term]:
    """Every term from the first submitted response to the last, newest first."""
    first, last = db.session.execute(
        select(func.min(Response.submitted_at), func.max(Response.submitted_at))
    ).one()
    if first is None:
        return []
    terms = calendar()
    days = (local_date(first, terms.zone), local_date(last, terms.zone))
    return list(reversed(terms.between(*days)))


def term_release(
    term: Term,
    definitions: list[SurveyDefinition] | None = None,
    earlier: Sequence[Earlier] = (),
) -> TermRelease:
    """One term's figures and their protection (what `release_for` shows for the term);
    `definitions` and `earlier` as for `release_for`."""
    the_charter = charter()
    splits = groupings(the_charter)
    counts = grouped_counts([term], [g.column for g in splits])
    definitions = definitions or [definition_of(s) for s in current_surveys()]
    return TermRelease(definitions, splits, counts.of(term.name), rules(), earlier)


@dataclass(frozen=True)
class Release:
    """Everything any output shows for a term: the tab, its downloads and the bulletin all
    read this one object (one disclosure pass per term over every table)."""

    summary: FeedbackSummary
    tables: SummaryTables


def release_for(
    term: Term,
    definitions: list[SurveyDefinition] | None = None,
    published: dict[Term, FeedbackSummary] | None = None,
    earlier: Sequence[Earlier] = (),
) -> Release:
    """The term's release, counted live: the trend covers up to TREND_TERMS terms, from the
    first term anyone answered in. `definitions`: the survey versions to count by (default:
    the current ones); `published`: earlier terms' summaries as published, shown as they
    are; `earlier`: this term's versions already published (a revision is protected over
    them all)."""
    terms = calendar()
    answered = terms_with_responses()
    trend, current = [], term
    for _ in range(current_app.config["TREND_TERMS"]):
        trend.insert(0, current)
        current = terms.previous(current)
    if answered:
        trend = [t for t in trend if t >= answered[-1]] or [term]
    the_charter = charter()
    summary = build_summary(
        term,
        terms.previous(term),
        trend,
        the_charter,
        rules(),
        definitions or [definition_of(s) for s in current_surveys()],
        groupings(the_charter),
        published,
        earlier,
    )
    return Release(summary, summary_tables(summary))
