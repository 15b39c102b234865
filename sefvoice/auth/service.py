"""Staff accounts as plain functions: create, sign in (with lockout), passwords, disabling."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import User, utcnow
from . import sessions, throttle
from .roles import ROLES

MIN_PASSWORD_LENGTH = 12
# Checked against when the e-mail is unknown, so a wrong e-mail takes as long as a wrong password.
_NO_SUCH_USER_HASH = generate_password_hash("no such user")


class AccountError(ValueError):
    pass


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(email: str, password: str, role: str) -> User:
    email = normalise_email(email)
    if role not in ROLES:
        raise AccountError(f"Role must be one of {', '.join(ROLES)}, not {role!r}.")
    if "@" not in email or len(email) > 254:
        raise AccountError(f"{email!r} is not an e-mail address.")
    check_password_rules(password)
    if db.session.scalar(select(func.count(User.id)).where(User.email == email)):
        raise AccountError(f"There is already an account for {email}.")
    user = User(email=email, password_hash=generate_password_hash(password), role=role)
    db.session.add(user)
    db.session.commit()
    return user


class SignIn(NamedTuple):
    """What a sign-in try came to: the user if it succeeded; the locks it set, if any."""

    user: User | None
    locked: tuple[str, ...] = ()


def authenticate(email: str, password: str, address: str, now: datetime | None = None) -> SignIn:
    """Sign in with an e-mail and password from an address.

    Every failure (unknown e-mail, wrong password, locked, disabled) runs one password hash
    and the same database statements, so none answers faster than another, and the caller
    shows one message for all: nobody learns which e-mails have accounts or are locked.
    """
    email = normalise_email(email)
    now = now or utcnow()
    user = db.session.scalar(select(User).where(User.email == email))
    verdict = throttle.count_try(email, address, user.id if user else None, now)
    right = check_password_hash(user.password_hash if user else _NO_SUCH_USER_HASH, password)
    if not verdict.may_check or user is None or user.disabled_at is not None:
        return SignIn(None)
    if not right:
        return SignIn(None, locked=throttle.lock_if_over(verdict, now))
    throttle.forget_success(verdict)
    return SignIn(user)


def set_password(
    user: User, password: str, must_change: bool = False, keep_session: str | None = None
) -> None:
    """A new password; every signed-in session of the account ends (but `keep_session`,
    the browser that changed it). Commits."""
    check_password_rules(password)
    user.password_hash = generate_password_hash(password)
    user.must_change_password = must_change
    sessions.end_all(user.id, "password changed", keep=keep_session)
    db.session.commit()


def change_own_password(user: User, current: str, new: str, session_token: str | None) -> None:
    """A staff member changes their own password, giving the current one; their other
    sessions end. Raises AccountError saying what is wrong."""
    if not check_password_hash(user.password_hash, current):
        raise AccountError("Your current password is not right.")
    if check_password_hash(user.password_hash, new):
        raise AccountError("The new password must differ from the current one.")
    set_password(user, new, keep_session=session_token)


def reset_password(user: User) -> str:
    """An admin gives the account a temporary password (returned, shown once), which must be
    changed at the next sign-in; the account's sessions end."""
    temporary = secrets.token_urlsafe(12)
    set_password(user, temporary, must_change=True)
    return temporary


def set_disabled(user: User, disabled: bool) -> None:
    """Disable (every session ends, sign-in refused) or enable an account. Commits."""
    user.disabled_at = utcnow() if disabled else None
    if disabled:
        sessions.end_all(user.id, "account disabled")
    db.session.commit()


def check_password_rules(password: str) -> None:
    if len(password.strip()) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"The password must have at least {MIN_PASSWORD_LENGTH} characters, not counting"
            " spaces at its start and end."
        )


def users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.email)))


def user_by_id(user_id: int) -> User | None:
    return db.session.get(User, user_id)
