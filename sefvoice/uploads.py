"""Uploads waiting between a preview and their owner's confirm, kept in the database with
an expiry (models.PendingUpload), so that no app server keeps anything a later request needs.

keep() stores one and gives its token (for the session); take() hands it back once, to its
owner, before it expires; forget_expired() deletes the rest (keep() and `sefvoice retention
run` call it).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from .extensions import db
from .models import PendingUpload, PendingUploadFile, utcnow

KEPT_FOR = timedelta(days=1)  # an upload never confirmed is deleted after a day


@dataclass(frozen=True)
class Waiting:
    details: dict
    files: dict[str, bytes]


def keep(
    kind: str, user_id: int, details: dict, files: dict[str, bytes], kept_for: timedelta = KEPT_FOR
) -> str:
    """Store an upload until its owner confirms it; returns the token that names it."""
    forget_expired()
    token = secrets.token_hex(16)
    db.session.add(
        PendingUpload(
            token=token,
            kind=kind,
            user_id=user_id,
            details=details,
            expires_at=utcnow() + kept_for,
            files=[PendingUploadFile(name=name, content=data) for name, data in files.items()],
        )
    )
    db.session.commit()
    return token


def details_of(token: str | None, kind: str, user_id: int) -> dict | None:
    """The choices kept with `user_id`'s waiting upload, leaving it waiting."""
    if not token:
        return None
    return db.session.scalar(
        select(PendingUpload.details).where(
            PendingUpload.token == token,
            PendingUpload.kind == kind,
            PendingUpload.user_id == user_id,
            PendingUpload.expires_at > utcnow(),
        )
    )


def take(token: str | None, kind: str, user_id: int) -> Waiting | None:
    """The upload `token` names, deleted in the caller's transaction (commit to use it up, or
    roll back to leave it waiting). None unless it is `user_id`'s, of this kind and not
    expired, and no other request took it first: two confirms sent at once (a double click
    reaching two servers) give one import, not two."""
    if not token:
        return None
    mine = (
        (PendingUpload.token == token)
        & (PendingUpload.kind == kind)
        & (PendingUpload.user_id == user_id)
        & (PendingUpload.expires_at > utcnow())
    )
    upload = db.session.scalar(
        select(PendingUpload).where(mine).options(selectinload(PendingUpload.files))
    )
    if upload is None:
        return None
    waiting = Waiting(upload.details, {file.name: file.content for file in upload.files})
    db.session.expunge(upload)
    # The delete waits for another request's delete of the same row, then finds nothing.
    deleted = db.session.execute(
        delete(PendingUpload).where(mine), execution_options={"synchronize_session": False}
    )
    return waiting if deleted.rowcount == 1 else None


def forget_expired() -> int:
    """Delete the uploads nobody confirmed in time (their files go with them); returns how many."""
    deleted = db.session.execute(
        delete(PendingUpload).where(PendingUpload.expires_at <= utcnow()),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    return deleted.rowcount
