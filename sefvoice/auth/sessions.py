"""Server-side sessions for staff: a row per signed-in browser, checked on every staff request.

The browser's (signed) cookie holds a random token and the row holds its hash, so a copied
cookie is worth nothing once the row has ended: at sign-out, after STAFF_IDLE_MINUTES without
a request, STAFF_SESSION_HOURS after sign-in, when the password changes or an admin disables
the account. Everything is in the database, so every app server agrees.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from ..extensions import db
from ..models import StaffSession, User, utcnow
from . import audit

# last_seen_at is written at most this often, not on every request.
SEEN_EVERY = timedelta(seconds=60)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(user: User) -> str:
    """A new session for the user; returns the token for the browser's cookie. Commits."""
    token = secrets.token_urlsafe(32)
    db.session.add(StaffSession(token_hash=_hash(token), user_id=user.id))
    db.session.commit()
    return token


def _limits() -> tuple[timedelta, timedelta]:
    config = current_app.config
    return (
        timedelta(minutes=config["STAFF_IDLE_MINUTES"]),
        timedelta(hours=config["STAFF_SESSION_HOURS"]),
    )


def user_for(token: str | None, user_id: int, now: datetime | None = None) -> User | None:
    """The signed-in user, if the token's session is live and is theirs; else None. A session
    found idle or too old is ended here. Commits only when something changed."""
    if not token:
        return None
    now = now or utcnow()
    row = db.session.execute(
        select(StaffSession, User)
        .join(User, StaffSession.user_id == User.id)
        .where(StaffSession.token_hash == _hash(token), StaffSession.ended_at.is_(None))
    ).one_or_none()
    if row is None or row.User.id != user_id:
        return None
    staff_session, user = row
    idle, longest = _limits()
    ended_because = (
        "account disabled"
        if user.disabled_at is not None
        else "idle"
        if now - staff_session.last_seen_at > idle
        else "too long"
        if now - staff_session.started_at > longest
        else None
    )
    if ended_because:
        staff_session.ended_at, staff_session.ended_because = now, ended_because
        audit.record("session ended", ended_because, user=user)  # commits
        return None
    if now - staff_session.last_seen_at > SEEN_EVERY:
        staff_session.last_seen_at = now
        db.session.commit()
    return user


def end(token: str | None, because: str) -> None:
    """End the token's session (sign-out). Commits."""
    if token:
        db.session.execute(
            update(StaffSession)
            .where(StaffSession.token_hash == _hash(token), StaffSession.ended_at.is_(None))
            .values(ended_at=utcnow(), ended_because=because)
        )
        db.session.commit()


def end_all(user_id: int, because: str, keep: str | None = None) -> int:
    """End every live session of the account (but `keep`'s token's). Does not commit: the
    caller commits with the change that ends them. Returns how many ended."""
    statement = (
        update(StaffSession)
        .where(StaffSession.user_id == user_id, StaffSession.ended_at.is_(None))
        .values(ended_at=utcnow(), ended_because=because)
    )
    if keep:
        statement = statement.where(StaffSession.token_hash != _hash(keep))
    return db.session.execute(statement).rowcount
