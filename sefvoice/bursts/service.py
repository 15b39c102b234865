"""Finding bursts of sends from one source, and setting a batch of responses aside.

Each sent response carries a keyed hash of the address it was sent from (never the address;
surveys.held.source_hash). Many sends from one source close together may be one family
filling in for each child, a class at a school event, or someone stuffing the figures: an
officer looks and decides. A batch set aside is kept and marked, leaves the answer tally in
the same transaction (sefvoice.tally counts only responses not set aside), is audited, and
can be put back.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import func, select, update

from .. import answer_tally
from ..extensions import db
from ..models import Response, SetAsideBatch, Survey, utcnow


class Burst(NamedTuple):
    source_hash: str
    first_sent_at: datetime
    last_sent_at: datetime
    responses: int
    surveys: tuple[str, ...]


class NothingToSetAside(ValueError):
    pass


def _counted():
    """Sent responses that are in the figures."""
    return Response.submitted_at.is_not(None) & Response.set_aside_batch_id.is_(None)


def find_bursts(min_sends: int, gap: timedelta) -> list[Burst]:
    """Runs of at least `min_sends` counted responses from one source, each sent within `gap`
    of the one before, newest first. The sources come from a GROUP BY ... HAVING; only
    their send times are read to split them into runs."""
    busy = (
        select(Response.source_hash)
        .where(_counted(), Response.source_hash.is_not(None))
        .group_by(Response.source_hash)
        .having(func.count() >= min_sends)
    )
    rows = db.session.execute(
        select(Response.source_hash, Response.submitted_at, Survey.title)
        .join(Survey, Response.survey_id == Survey.id)
        .where(_counted(), Response.source_hash.in_(busy))
        .order_by(Response.source_hash, Response.submitted_at)
    ).all()
    bursts: list[Burst] = []
    run: list = []
    for row in [*rows, None]:  # None ends the last run
        if run and (
            row is None
            or row.source_hash != run[-1].source_hash
            or row.submitted_at - run[-1].submitted_at > gap
        ):
            if len(run) >= min_sends:
                bursts.append(
                    Burst(
                        run[0].source_hash,
                        run[0].submitted_at,
                        run[-1].submitted_at,
                        len(run),
                        tuple(sorted({r.title for r in run})),
                    )
                )
            run = []
        if row is not None:
            run.append(row)
    return sorted(bursts, key=lambda burst: burst.last_sent_at, reverse=True)


def find_burst(
    source_hash: str, first: datetime, last: datetime, min_sends: int, gap: timedelta
) -> Burst:
    """The burst from the source sent from `first` to `last`, exactly as find_bursts finds
    it now; NothingToSetAside if there is none (a changed or made-up range)."""
    for burst in find_bursts(min_sends, gap):
        if (burst.source_hash, burst.first_sent_at, burst.last_sent_at) == (
            source_hash,
            first,
            last,
        ):
            return burst
    raise NothingToSetAside("Those responses are not a burst as shown any more: look again.")


def set_aside(
    source_hash: str, first: datetime, last: datetime, reason: str, actor: str
) -> SetAsideBatch:
    """Set aside the counted responses from the source sent from `first` to `last`: marked,
    kept, and taken out of the tally in one transaction. Commits."""
    which = (
        _counted()
        & (Response.source_hash == source_hash)
        & Response.submitted_at.between(first, last)
    )
    ids = list(db.session.scalars(select(Response.id).where(which)))
    if not ids:
        raise NothingToSetAside("Those responses are no longer in the figures.")
    answer_tally.add_responses(Response.id.in_(ids), sign=-1)  # while they still count
    batch = SetAsideBatch(
        source_hash=source_hash,
        first_sent_at=first,
        last_sent_at=last,
        responses=len(ids),
        reason=reason,
        set_aside_by=actor,
    )
    db.session.add(batch)
    db.session.flush()
    marked = db.session.execute(
        update(Response).where(Response.id.in_(ids), which).values(set_aside_batch_id=batch.id)
    )
    if marked.rowcount != len(ids):  # another officer set some aside meanwhile
        db.session.rollback()
        raise NothingToSetAside("Some of those responses were set aside meanwhile: look again.")
    db.session.commit()
    return batch


def put_back(batch_id: int, actor: str) -> SetAsideBatch:
    """Put a batch back into the figures (its mark goes, its counts return). Commits."""
    batch = db.session.get(SetAsideBatch, batch_id)
    if batch is None or batch.restored_at is not None:
        raise NothingToSetAside("That batch is not set aside.")
    ids = list(db.session.scalars(select(Response.id).filter_by(set_aside_batch_id=batch.id)))
    if ids:
        db.session.execute(
            update(Response).where(Response.id.in_(ids)).values(set_aside_batch_id=None)
        )
        answer_tally.add_responses(Response.id.in_(ids))
    batch.restored_at, batch.restored_by = utcnow(), actor
    db.session.commit()
    return batch


def batches() -> list[SetAsideBatch]:
    return list(db.session.scalars(select(SetAsideBatch).order_by(SetAsideBatch.id.desc())))
