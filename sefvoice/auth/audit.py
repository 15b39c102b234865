"""The audit log: every staff action (import, moderate, export, user change) is recorded."""

from __future__ import annotations

from flask_login import current_user

from ..extensions import db
from ..models import AuditEvent, User


def current_actor() -> str:
    """Who is acting: the signed-in user's e-mail, else "command line"."""
    signed_in = current_user if current_user and current_user.is_authenticated else None
    return signed_in.email if signed_in else "command line"


def record(
    action: str, detail: str = "", actor: str | None = None, user: User | None = None
) -> AuditEvent:
    """Record an action by the signed-in user (or `user`, while signing in, or `actor`, e.g.
    "command line"). Commits."""
    signed_in = user or (current_user if current_user and current_user.is_authenticated else None)
    event = AuditEvent(
        user_id=signed_in.id if signed_in else None,
        actor=actor or (signed_in.email if signed_in else "command line"),
        action=action,
        detail=detail,
    )
    db.session.add(event)
    db.session.commit()
    return event
