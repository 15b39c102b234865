"""Staff accounts (respondents never sign in) and the audit log of staff actions."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .survey import utcnow


class User(UserMixin, db.Model):
    __tablename__ = "user_account"  # "user" is reserved in PostgreSQL

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # An admin disables an account instead of deleting it, so the audit log keeps its name.
    disabled_at: Mapped[datetime | None]
    # Set when an admin gives a temporary password: every page asks for a new one first.
    must_change_password: Mapped[bool] = mapped_column(default=False)


class StaffSession(db.Model):
    """A signed-in browser. The cookie holds a random token; only its hash is kept here, and
    every staff request checks this row, so signing out, an idle or too-long session, or a
    disabled account ends it on every app server at once."""

    __tablename__ = "staff_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    ended_because: Mapped[str] = mapped_column(String(40), default="")


class SignInThrottle(db.Model):
    """Sign-in tries counted in the database (one atomic statement each), for one e-mail from
    one address, and for one address whatever the e-mail. `key` is a keyed hash of what is
    counted, so neither addresses nor mistyped e-mails are stored."""

    __tablename__ = "sign_in_throttle"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    # The account an e-mail-and-address row is for (none for an address, or an unknown
    # e-mail), so that an admin can unlock it.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    # An e-mail-and-address row's address counter, so that unlocking the account clears the
    # lock on the addresses it was tried from (a shared office's) too.
    place_key: Mapped[str | None] = mapped_column(String(64))
    tries: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None]
    lockouts: Mapped[int] = mapped_column(default=0)  # each lock lasts twice the one before


class AuditEvent(db.Model):
    """Who did what, when. The e-mail is copied so the record outlives the account."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(80))
    detail: Mapped[str] = mapped_column(Text, default="")
