"""Publishing a term's release, and reading the figures any output shows for a term.

A published term's outputs read its stored record (the newest version, or the one asked
for), never live data. A term not yet published is a draft: counted live, and kept per term
until the data it reads changes (drafts.py), so a page view does not rerun the
solver. `publish_term` is a plain function: the command and the staff page call it.
"""

from __future__ import annotations

import base64
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..auth import audit
from ..definitions import SurveyDefinition
from ..extensions import db
from ..models import PublishedRelease
from ..release import service as release_service
from ..release.service import Publication
from ..release.shown import Rules, Shown
from ..release.summary import FeedbackSummary
from ..release.tables import SummaryTables
from ..surveys.versions import current_surveys, definition_of
from ..terms import Term, calendar
from . import drafts
from .contents import indicators_shown, record_of
from .readers import NotPublished
from .record import decode, release_from

if TYPE_CHECKING:
    from ..feedback.comments import ApprovedComment

DRAFT = "Draft: these figures may change"
REASON_LENGTH = 500


class PublishError(ValueError):
    pass


@dataclass(frozen=True)
class Change:
    """One figure that a version shows differently from the version before."""

    figure: str
    before: str
    after: str


@dataclass(frozen=True)
class Revision:
    version: int
    published_at: datetime
    published_by: str
    reason: str
    changes: list[Change]


@dataclass(frozen=True)
class Status:
    """What every output says about its figures: a draft, or which version, and the
    revisions up to it."""

    version: int | None  # None: a draft
    published_at: datetime | None = None
    published_by: str = ""
    latest: int | None = None  # the newest version published
    revisions: tuple[Revision, ...] = ()
    # Where its answer tables are an earlier version's while late answers wait, says so.
    answers_note: str = ""

    @property
    def draft(self) -> bool:
        return self.version is None

    @property
    def line(self) -> str:
        """ "Published 3 October 2023, version 1", or the draft's warning."""
        if self.published_at is None:
            return DRAFT
        when = self.published_at
        return f"Published {when.day} {when:%B %Y}, version {self.version}"

    @property
    def revision_notes(self) -> list[str]:
        """The "Revisions" note: each version after the first, why, and each figure that
        changed."""
        notes = []
        for revision in self.revisions:
            when = revision.published_at
            # In words, not an arrow: a screen reader says "right arrow", and the PDF's
            # font has no glyph for one.
            changed = "; ".join(
                f"{c.figure}: from {c.before} to {c.after}" for c in revision.changes
            )
            reason = revision.reason  # an officer's line may lack its stop
            reason += "" if reason.endswith((".", "!", "?")) else "."
            notes.append(
                f"Version {revision.version}, published {when.day} {when:%B %Y}:"
                f" {reason} Changed: {changed}."
            )
        return notes


def answers_note(summary: FeedbackSummary, rules: Rules) -> str:
    """What a revision that keeps an earlier version's answers says of them ("" if none)."""
    if summary.answers_of is None:
        return ""
    return (
        f"The answers shown are those version {summary.answers_of} counted. People whose"
        " answers came in since are counted among the people who answered; their answers will"
        f" be added once there are {rules.min_count} or more of them, so that no one's answers"
        " can be worked out by comparing versions."
    )


def notes(status: Status) -> list[str]:
    """The lines every download ends with: the status, what its answers count, then any
    revisions."""
    revisions = ["Revisions", *status.revision_notes] if status.revisions else []
    return [status.line, *filter(None, [status.answers_note]), *revisions]


@dataclass(frozen=True)
class Stored:
    """A published version's record as its outputs read it (decoded once per process)."""

    release: Publication
    quotes: dict[int, list[ApprovedComment]]
    pictures: dict[str, tuple[str, str]]
    rules: Rules
    look: dict | None  # the partnership's look (Look's fields); None: stored before it was
    themes: dict[str, Shown] | None  # the register's themes' approved comments, as shown


@dataclass(frozen=True)
class TermFigures:
    """Everything an output shows for a term: the release (summary and tables) and the
    disclosure rules it was shown by; for a published term also the quotes, the answer
    pictures, the partnership's look and the register's theme counts as they were (None:
    a draft reads them live)."""

    term: Term
    release: Publication
    status: Status
    quotes: dict[int, list[ApprovedComment]] | None = None
    pictures: dict[str, tuple[str, str]] | None = None
    rules: Rules = field(default_factory=Rules)
    look: dict | None = None
    themes: dict[str, Shown] | None = None


# Reading


def versions_of(term: Term) -> list[PublishedRelease]:
    """The term's published versions, oldest first (records not loaded)."""
    return release_service.published_versions(term)


def published_terms() -> dict[str, PublishedRelease]:
    """Each published term's newest version, by term name."""
    rows = db.session.scalars(select(PublishedRelease).order_by(PublishedRelease.version))
    return {row.term_name: row for row in rows}


@lru_cache(maxsize=64)
def _stored(row_id: int) -> Stored:
    """A version's record, read once per process (a published version never changes)."""
    record = db.session.scalar(select(PublishedRelease.record).filter_by(id=row_id))
    look = record.get("look")
    if look is not None:
        logo = look["logo"]
        look = {**look, "logo": base64.b64decode(logo) if logo else None}
    themes = record.get("themes")
    return Stored(
        release=release_from(record),
        quotes={int(k): decode(v) for k, v in record["quotes"].items()},
        pictures={k: tuple(v) for k, v in record["pictures"].items()},
        rules=Rules(record["rules"]["min_count"], record["rules"]["min_base"]),
        look=look,
        themes=None if themes is None else decode(themes),
    )


def _status(row: PublishedRelease, rows: list[PublishedRelease], stored: Stored) -> Status:
    revisions = tuple(
        Revision(
            r.version,
            r.published_at,
            r.published_by,
            r.reason,
            [Change(**c) for c in r.changes],
        )
        for r in rows
        if 1 < r.version <= row.version
    )
    note = answers_note(stored.release.summary, stored.rules)
    return Status(
        row.version, row.published_at, row.published_by, rows[-1].version, revisions, note
    )


def figures_for(term: Term, version: int | None = None, *, drafts: bool) -> TermFigures:
    """What the term's outputs show: a published version (the newest unless `version` is
    given) or, for a term not published, the draft (`drafts`: the reader may see drafts,
    readers.sees_drafts; else NotPublished). LookupError for a version not published."""
    rows = versions_of(term)
    if rows:
        row = rows[-1] if version is None else next((r for r in rows if r.version == version), None)
        if row is not None:
            stored = _stored(_stored_key(row))
            return TermFigures(
                term,
                stored.release,
                _status(row, rows, stored),
                stored.quotes,
                stored.pictures,
                stored.rules,
                stored.look,
                stored.themes,
            )
    if version is not None:
        raise LookupError(f"{term.name} has no version {version}")
    if not drafts:
        raise NotPublished(f"{term.name}'s figures are not published yet")
    return TermFigures(term, draft_release(term), Status(None), rules=release_service.rules())


def _stored_key(row: PublishedRelease) -> int:
    # Tests make databases afresh, where an id can come back with another record: clear
    # the cache when the first version a process sees is not the one it kept.
    cached = _stored_rows.get(row.id)
    if cached is not None and cached != (row.term_name, row.version, row.published_at):
        _stored.cache_clear()
        _stored_rows.clear()
    _stored_rows[row.id] = (row.term_name, row.version, row.published_at)
    return row.id


_stored_rows: dict[int, tuple] = {}


def published_summaries(term: Term) -> dict[Term, FeedbackSummary]:
    """Every other published term's summary as published: the trend and "change since
    last term" show those, never a recount."""
    terms = calendar()
    found = {}
    for name, row in published_terms().items():
        if name != term.name:
            found[terms.named(name)] = _stored(_stored_key(row)).release.summary
    return found


def terms_shown(drafts: bool = True) -> list[Term]:
    """Every term with responses or a published release, newest first (a published term
    stays listed after the retention run deletes its answers); without `drafts`, the
    published terms only."""
    terms = calendar()
    found = set(map(terms.named, published_terms()))
    if drafts:
        found.update(release_service.terms_with_responses())
    return sorted(found, reverse=True)


# Drafts


def draft_release(term: Term) -> Publication:
    """The term's figures counted live, kept until the data they read changes."""
    return drafts.draft_release(term, published_summaries)


# Publishing


def _definitions(row: PublishedRelease | None) -> list[SurveyDefinition]:
    """The survey versions a term is counted by: those its first version covered (a
    revision keeps the wording as published), else the current ones."""
    if row is None:
        return [definition_of(s) for s in current_surveys()]
    return release_service.published_definitions(row)


def changes_between(before: SummaryTables, after: SummaryTables) -> list[Change]:
    """Every figure shown differently, table by table, row by row, column by column (a row
    or table that is new or gone counts each of its figures as changed)."""
    old = {t.id: t for t in before.every_table()}
    changes = []
    for table in after.every_table():
        earlier = old.get(table.id)
        rows = {r[0]: r for r in earlier.text_rows()} if earlier else {}
        for row in table.text_rows():
            was = rows.get(row[0])
            for index, column in enumerate(table.columns[1:], start=1):
                then = was[index] if was and index < len(was) else "none"
                if then != row[index]:
                    changes.append(
                        Change(f"{table.title}: {row[0]}, {column or 'figure'}", then, row[index])
                    )
    return changes


@dataclass(frozen=True)
class Pending:
    """A published term whose live data now differs: what a revision would change."""

    latest: int
    changes: list[Change]
    answers_note: str = ""  # when late answers would wait (answers_note)


def _revision_release(term: Term, rows: list[PublishedRelease]) -> Publication:
    """The term counted live as a revision: by the survey versions it was published with,
    protected against every version published."""
    earlier = release_service.earlier_versions(rows)
    return release_service.publication_for(
        term, _definitions(rows[0]), published_summaries(term), earlier
    )


def pending_revision(term: Term) -> Pending | None:
    """For a published term whose live figures now differ (late returns, withdrawals,
    corrected measures), the figures a revision would change; None when nothing would."""
    rows = versions_of(term)
    if not rows:
        return None
    latest = _stored(_stored_key(rows[-1])).release
    revision = _revision_release(term, rows)
    changes = changes_between(latest.tables, revision.tables)
    note = answers_note(revision.summary, release_service.rules())
    return Pending(rows[-1].version, changes, note) if changes else None


def check_reason(term: Term, reason: str) -> str:
    """The reason, its spaces folded; PublishError if it is too long, or missing for a
    revision (a first version needs none)."""
    reason = " ".join(reason.split())
    if len(reason) > REASON_LENGTH:
        raise PublishError(f"keep the reason to {REASON_LENGTH} characters or fewer")
    if not reason and versions_of(term):
        raise PublishError("say in a line why the figures are being revised")
    return reason


def publish_term(term: Term, actor: str, reason: str = "") -> int:
    """Store the term's release as a new version and return its number: version 1, or a
    revision (which needs a reason, and changes to publish) protected against every
    version before it. The attacker checks it first (PublishError if a hidden figure could
    be narrowed: the protection should never allow it)."""
    reason = check_reason(term, reason)
    rows = versions_of(term)
    if rows:
        definitions = _definitions(rows[0])
        release = _revision_release(term, rows)
        changes = changes_between(_stored(_stored_key(rows[-1])).release.tables, release.tables)
        if not changes:
            raise PublishError(
                f"nothing would change: version {rows[-1].version} shows the figures as they are"
            )
    else:
        definitions = [definition_of(s) for s in current_surveys()]
        release = release_service.publication_for(term, definitions, published_summaries(term))
        changes = []
    version = rows[-1].version + 1 if rows else 1
    term_release = release.summary.release
    # The attacker checks what is about to be frozen, every version before it known (a
    # revision's release is protected over them all).
    unsafe = term_release.unsafe() if term_release else []
    if unsafe:
        raise PublishError(f"a reader could narrow {len(unsafe)} hidden figures: not published")
    db.session.add(
        PublishedRelease(
            term_name=term.name,
            version=version,
            published_by=actor,
            reason=reason,
            record=record_of(term, release, definitions),
            facts=term_release.facts() if term_release else {"cells": [], "facts": []},
            changes=[asdict(c) for c in changes],
        )
    )
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise PublishError(f"{term.name} version {version} was published just now") from None
    audit.record("publish release", f"{term.name} version {version}", actor=actor)
    return version


@dataclass(frozen=True)
class Frozen:
    """What publishing a draft term would freeze, for the confirmation."""

    tables: int
    figures: int
    questions: int
    surveys: list[dict]
    measures: int
    min_count: int


def what_is_frozen(term: Term) -> Frozen:
    release = draft_release(term)
    tables = release.tables.every_table()
    definitions = [definition_of(s) for s in current_surveys()]
    return Frozen(
        tables=len(tables),
        figures=sum(len(row) - 1 for table in tables for row in table.rows),
        questions=len(release.summary.questions),
        surveys=[{"title": d.title, "version": d.version} for d in definitions],
        measures=len(indicators_shown(term)),
        min_count=release_service.rules().min_count,
    )
