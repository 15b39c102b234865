"""A term not yet published is a draft: counted live, and kept until the data it reads
changes (`fingerprint`), so a page view does not rerun the solver.

A draft is kept in two places:

- in the database (`draft_release`), as a published version's record holds its figures,
  so that every app server (every gunicorn worker, every machine) reads the draft the
  first one counted instead of counting and protecting it again. A row is found by the
  term, the disclosure rules, the settings and code it was made by and the data it was
  counted from; keeping a draft deletes the term's earlier row and every row counted from
  data that has since changed, so rows are replaced, never piled up;
- in this app's memory, the very object each view of the same data gets: the tab draws
  a release once and keeps the drawing by that object, so a repeat view reads neither
  the record nor redraws the charts.

The terms a draft shows are kept in memory too, each by its own counts
(release/kept.py): a new response in the draft's term leaves the earlier terms of its
trend to be read as they were."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from flask import current_app
from sqlalchemy import BigInteger, Connection, and_, cast, delete, func, insert, or_, select
from sqlalchemy.exc import IntegrityError, OperationalError

from ..database import SQLITE_BUSY_MS
from ..extensions import db
from ..models import (
    AnswerTally,
    DraftRelease,
    Import,
    Indicator,
    IndicatorValue,
    PublishedRelease,
    Response,
    Survey,
)
from ..release import service as release_service
from ..release.kept import KeptTerms
from ..release.service import Publication
from ..release.summary import FeedbackSummary
from ..terms import Term
from .record import release_from, release_record

DRAFTS_KEPT = 32
# SQLite: how long keeping a draft waits for another writer before giving up (the draft is
# shown all the same, and kept by a later view), not the 5 s a response's save may wait.
KEEP_WAIT_MS = 250
PACKAGE = Path(__file__).resolve().parent.parent

log = logging.getLogger(__name__)


@dataclass
class Memory:
    """What one app keeps of drafts in its own memory."""

    drafts: OrderedDict[tuple, tuple[str, Publication]] = field(default_factory=OrderedDict)
    terms: KeptTerms = field(default_factory=KeptTerms)
    lock: threading.Lock = field(default_factory=threading.Lock)  # a worker's threads

    def get(self, key: tuple, stamp: str) -> Publication | None:
        with self.lock:
            kept = self.drafts.get(key)
            if kept is None or kept[0] != stamp:
                return None
            self.drafts.move_to_end(key)
            return kept[1]

    def put(self, key: tuple, stamp: str, release: Publication) -> None:
        with self.lock:
            self.drafts[key] = (stamp, release)
            self.drafts.move_to_end(key)
            while len(self.drafts) > DRAFTS_KEPT:
                self.drafts.popitem(last=False)


def _memory() -> Memory:
    return current_app.extensions.setdefault("sefvoice_drafts", Memory())


_measure = cast(Indicator.id, BigInteger)


def _fingerprint_statement():
    parts = [
        select(func.max(Response.id)),
        select(func.max(Import.id)),
        select(func.count(IndicatorValue.id)),
        # Which SEF outcome each measure is linked to (an officer may move one).
        select(func.sum(_measure * (func.coalesce(Indicator.outcome, -1) + 2))),
        select(func.sum(_measure * _measure * (func.coalesce(Indicator.outcome, -1) + 2))),
        select(func.max(Survey.id)),
        select(func.count(Survey.id)),
        select(func.max(PublishedRelease.id)),
        select(func.count(PublishedRelease.id)),
    ]
    return select(
        func.count(),
        func.coalesce(func.sum(AnswerTally.count), 0),
        *(p.scalar_subquery() for p in parts),
    ).select_from(AnswerTally)


def _digest(values) -> str:
    text = ",".join("-" if v is None else str(int(v)) for v in values)
    return hashlib.sha256(text.encode()).hexdigest()


def fingerprint(connection: Connection | None = None) -> str:
    """Changes whenever anything a draft reads changes: a response sent or withdrawn (the
    tally and the newest response), a moderation decision that sets answers aside (the
    tally), an import, a measure linked to another outcome, a survey version, a term
    published. One query, reading the tally
    once (its rows and their sum together); a digest of what it reads."""
    statement = _fingerprint_statement()
    found = (connection or db.session).execute(statement).one()
    return _digest(found)


@lru_cache(maxsize=8)
def _files_digest(folder: str, pattern: str) -> str:
    found = hashlib.sha256()
    for path in sorted(Path(folder).rglob(pattern)):
        found.update(str(path.relative_to(folder)).encode())
        found.update(path.read_bytes())
    return found.hexdigest()


def settings() -> str:
    """A digest of what a draft is made by besides its data and rules: the trend's length,
    the terms' dates and time zone, the charter and survey files, and sefvoice's own code
    (a server running other code counts its own drafts)."""
    config = current_app.config
    parts = (
        config["TREND_TERMS"],
        config["TERMS"],
        config["TIMEZONE"],
        _files_digest(str(config["EASYREAD_DIR"]), "*.yaml"),
        _files_digest(str(PACKAGE), "*.py"),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _read(key: tuple, stamp: str) -> Publication | None:
    """The draft another server (or this one) kept for `key` from the same data."""
    term_name, min_count, min_base, made_by = key
    record = db.session.scalar(
        select(DraftRelease.record).filter_by(
            term_name=term_name,
            min_count=min_count,
            min_base=min_base,
            settings=made_by,
            fingerprint=stamp,
        )
    )
    if record is None:
        return None
    return release_from(record)


def _keep(key: tuple, stamp: str, release: Publication) -> None:
    """Keep the draft for every server, in a transaction of its own (a view's session is
    left as it was). Not kept when the data changed while it was counted; the term's
    earlier row and every row counted from other data are deleted."""
    term_name, min_count, min_base, made_by = key
    same = and_(
        DraftRelease.term_name == term_name,
        DraftRelease.min_count == min_count,
        DraftRelease.min_base == min_base,
        DraftRelease.settings == made_by,
    )
    try:
        with db.engine.begin() as connection, _short_wait(connection):
            if fingerprint(connection) != stamp:
                return
            connection.execute(
                delete(DraftRelease).where(or_(same, DraftRelease.fingerprint != stamp))
            )
            connection.execute(
                insert(DraftRelease).values(
                    term_name=term_name,
                    min_count=min_count,
                    min_base=min_base,
                    settings=made_by,
                    fingerprint=stamp,
                    record=release_record(release),
                )
            )
    except IntegrityError:
        pass  # another server kept the same draft at the same moment
    except OperationalError as error:  # SQLite: a writer held the database for too long
        log.warning("%s's draft was counted but not kept: %s", term_name, error.orig)


@contextmanager
def _short_wait(connection: Connection) -> Iterator[None]:
    """On SQLite, wait KEEP_WAIT_MS at most for the database to be free to write."""
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.exec_driver_sql(f"PRAGMA busy_timeout={KEEP_WAIT_MS}")
    try:
        yield
    finally:
        if sqlite:
            connection.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")


def draft_release(
    term: Term, published: Callable[[Term], dict[Term, FeedbackSummary]]
) -> Publication:
    """The term's figures counted live, kept until the data they read changes: from this
    app's memory, else as another server kept them, else counted and protected now.
    `published(term)`: the other published terms' summaries, as published (read only
    when the draft is counted)."""
    rules = release_service.rules()
    key = (term.name, rules.min_count, rules.min_base, settings())
    stamp = fingerprint()
    memory = _memory()
    kept = memory.get(key, stamp)
    if kept is not None:
        return kept
    release = _read(key, stamp)
    if release is None:
        release = release_service.publication_for(
            term, published=published(term), kept=memory.terms
        )
        _keep(key, stamp, release)
    memory.put(key, stamp, release)
    return release


def forget(stored: bool = False) -> None:
    """Drop every draft and term this app keeps in memory (a benchmark's first view; a
    test's second server); with `stored`, the drafts kept in the database too."""
    memory = _memory()
    with memory.lock:
        memory.drafts.clear()
        memory.terms.clear()
    if stored:
        db.session.execute(delete(DraftRelease))
        db.session.commit()
