"""A term's release, from the app's settings: which terms, which rules, which tables.

The figures are counted and protected only when a release is asked for: pandas and scipy
load then, not with the app.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import func, select

from ..definitions import Charter, SurveyDefinition
from ..definitions.combined_answers import load_combined_answers
from ..extensions import db
from ..models import CHANNELS, PublishedRelease, Response, Survey
from ..surveys.versions import charter, current_surveys, definition_of
from ..terms import Term, calendar, local_date
from .kept import CountedTerm, KeptTerms
from .keys import Grouping
from .shown import Rules
from .summary import (
    FeedbackSummary,
    GroupRow,
    QuestionResult,
    group_tables,
    question_results,
    scorecard,
)
from .tables import SummaryTables, summary_tables

if TYPE_CHECKING:
    from .protected_figures import ProtectedFigures
    from .versions import Earlier


def rules() -> Rules:
    config = current_app.config
    return Rules(
        config["DISCLOSURE_MIN_COUNT"],
        config["DISCLOSURE_MIN_BASE"],
        load_combined_answers(config["EASYREAD_DIR"]),
    )


def groupings(charter: Charter) -> list[Grouping]:
    """The ways the tab splits respondents, each its own table. A further one (a column of
    the tally) is one more entry here."""
    return [
        Grouping("filled_by", "by-filled-by", "By who filled it in", "Who", charter.filled_by),
        Grouping("channel", "by-channel", "How people answered", "How", CHANNELS),
    ]


def terms_with_responses() -> list[Term]:
    """Every term from the first submitted response to the last, newest first."""
    # Two subqueries, each read from the index on submitted_at (one query asking for both
    # makes SQLite read every response).
    first, last = db.session.execute(
        select(
            select(func.min(Response.submitted_at)).scalar_subquery(),
            select(func.max(Response.submitted_at)).scalar_subquery(),
        )
    ).one()
    if first is None:
        return []
    terms = calendar()
    days = (local_date(first, terms.zone), local_date(last, terms.zone))
    return list(reversed(terms.between(*days)))


def survey_schedules() -> dict[str, tuple[datetime, datetime | None]]:
    """When each survey could take answers, as naive UTC [from, until): from its first
    version's loading (or its schedule's opening, if later) until its schedule's closing
    (None: still open). The officers' open/closed switch keeps no history, so is left out."""
    first = dict(
        db.session.execute(
            select(Survey.slug, func.min(Survey.loaded_at)).group_by(Survey.slug)
        ).all()
    )
    found = {}
    for survey in current_surveys():
        loaded = first[survey.slug]
        opens = max(loaded, survey.opens_at) if survey.opens_at else loaded
        found[survey.slug] = (opens, survey.closes_at)
    return found


def open_in(term: Term, schedules: dict[str, tuple[datetime, datetime | None]]) -> set[str]:
    """The surveys that could take answers at some time during the term: the term lists
    them whether or not anyone answered (protected_figures.ProtectedFigures)."""
    start, end = term.bounds()
    return {
        slug
        for slug, (opens, closes) in schedules.items()
        if opens < end and (closes is None or closes > start)
    }


def protected_figures_for(
    term: Term,
    definitions: list[SurveyDefinition] | None = None,
    earlier: Sequence[Earlier] = (),
) -> ProtectedFigures:
    """One term's figures and their protection (what `publication_for` shows for the term);
    `definitions` and `earlier` as for `publication_for`."""
    from .grouped_counts import grouped_counts
    from .protected_figures import ProtectedFigures

    the_charter = charter()
    splits = groupings(the_charter)
    counts = grouped_counts([term], [g.column for g in splits])
    definitions = definitions or [definition_of(s) for s in current_surveys()]
    listed = open_in(term, survey_schedules())
    return ProtectedFigures(definitions, splits, counts.of(term.name), rules(), earlier, listed)


def published_versions(term: Term) -> list[PublishedRelease]:
    """The term's published versions, oldest first (their records not loaded)."""
    return list(
        db.session.scalars(
            select(PublishedRelease)
            .filter_by(term_name=term.name)
            .order_by(PublishedRelease.version)
        )
    )


def earlier_versions(rows: list[PublishedRelease]) -> list[Earlier]:
    """What a reader of each published version knows (its stored facts)."""
    from .versions import read_facts

    return [read_facts(row.version, row.facts, row.record) for row in rows]


def published_definitions(first: PublishedRelease) -> list[SurveyDefinition]:
    """The survey versions a term's first version counted by: a revision keeps the
    wording as published."""
    found = []
    for survey in first.record["surveys"]:
        stored = db.session.scalar(
            select(Survey).filter_by(slug=survey["slug"], version=survey["version"])
        )
        if stored is not None:
            found.append(definition_of(stored))
    return found


def audited_figures_for(term: Term) -> tuple[ProtectedFigures, int]:
    """The term's figures as they would be published now, protected against every version
    already published (a reader has them all), and how many versions that is."""
    rows = published_versions(term)
    definitions = published_definitions(rows[0]) if rows else None
    return protected_figures_for(term, definitions, earlier_versions(rows)), len(rows)


def build_summary(
    term: Term,
    previous: Term,
    trend: list[Term],
    charter,
    rules: Rules,
    definitions: list[SurveyDefinition],
    groupings: list[Grouping],
    published: dict[Term, FeedbackSummary] | None = None,
    earlier: Sequence[Earlier] = (),
    kept: KeptTerms | None = None,
) -> FeedbackSummary:
    """Everything the feedback tab shows for a term, from one GROUP BY and one release
    (one disclosure pass) per term it shows. An earlier term in `published` (its summary as
    published) is shown as published, never recounted: a reader has that release already.
    `earlier`: the term's own versions already published, when this is a revision.
    `kept`: terms already protected, found by their counts (and added to)."""
    from .grouped_counts import grouped_counts
    from .protected_figures import ProtectedFigures

    published = {t: s for t, s in (published or {}).items() if t != term}
    terms = sorted({*trend, term, previous} - set(published))
    counts = grouped_counts(terms, [g.column for g in groupings])
    numbers = counts.numbers
    context = kept.context(definitions, rules, groupings) if kept is not None else ()
    schedules = survey_schedules()

    def figures(t: Term) -> CountedTerm:
        own, numbers_of = counts.of(t.name), numbers[numbers["term"] == t.name]
        versions = earlier if t == term else ()
        listed = open_in(t, schedules)
        key = None
        if kept is not None and not versions:
            frames = (own.respondents, own.answering, own.choices, numbers_of)
            key = kept.key(t.name, frames, (*context, tuple(sorted(listed))))
            found = kept.get(key)
            if found is not None:
                return found
        release = ProtectedFigures(definitions, groupings, own, rules, versions, listed)
        made = CountedTerm(release, question_results(release, numbers_of))
        if key is not None:
            kept.put(key, made)
        return made

    counted = {t: figures(t) for t in terms}
    releases = {t: found.release for t, found in counted.items()}

    def results(t: Term) -> list[QuestionResult]:
        if t in published:
            return published[t].questions
        return counted[t].results

    def overall(t: Term) -> GroupRow:
        if t in published:
            return next(row for row in published[t].by_term if row.name == t.name)
        return GroupRow(t.name, releases[t].count(("respondents",)), releases[t].percent(("all",)))

    now, before = results(term), results(previous)
    summary = FeedbackSummary(
        term=term,
        previous=previous,
        respondents=releases[term].count(("respondents",)),
        questions=now,
        by_principle=scorecard(
            now, before, "principle", {p.id: p.name for p in charter.principles.values()}, rules
        ),
        by_outcome=scorecard(
            now, before, "outcome", {o.number: o.name for o in charter.outcomes.values()}, rules
        ),
        groups=group_tables(releases[term], term.name),
        by_term=[overall(t) for t in trend],
        answers_of=releases[term].answers_of,
    )
    summary.release = releases[term]
    return summary


@dataclass(frozen=True)
class Publication:
    """Everything any output shows for a term: the tab, its downloads and the bulletin all
    read this one object (one disclosure pass per term over every table)."""

    summary: FeedbackSummary
    tables: SummaryTables


def publication_for(
    term: Term,
    definitions: list[SurveyDefinition] | None = None,
    published: dict[Term, FeedbackSummary] | None = None,
    earlier: Sequence[Earlier] = (),
    kept: KeptTerms | None = None,
) -> Publication:
    """The term's release, counted live: the trend covers up to TREND_TERMS terms, from the
    first term anyone answered in. `definitions`: the survey versions to count by (default:
    the current ones); `published`: earlier terms' summaries as published, shown as they
    are; `earlier`: this term's versions already published (a revision is protected over
    them all); `kept`: terms' figures kept from an earlier count (kept.py)."""
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
        kept,
    )
    return Publication(summary, summary_tables(summary))
