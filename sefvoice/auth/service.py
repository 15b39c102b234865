"""Staff accounts as plain functions: create, sign in (with lockout), change role."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import User, utcnow
from .roles import ROLES

MAX_FAILED_SIGN_INS = 5
LOCKOUT = timedelta(minutes=15)
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
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    if db.session.scalar(select(func.count(User.id)).where(User.email == email)):
        raise AccountError(f"There is already an account for {email}.")
    user = User(email=email, password_hash=generate_password_hash(password), role=role)
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user if the password is right and the account is not locked, else None.

    The caller shows one message for every failure, so nobody can learn which e-mails
    have accounts or which accounts are locked.
    """
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        check_password_hash(_NO_SUCH_USER_HASH, password)
        return None
    now = utcnow()
    if user.locked_until and user.locked_until > now:
        return None
    if not check_password_hash(user.password_hash, password):
        user.failed_sign_ins += 1
        if user.failed_sign_ins >= MAX_FAILED_SIGN_INS:
            user.locked_until = now + LOCKOUT
            user.failed_sign_ins = 0
        db.session.commit()
        return None
    user.failed_sign_ins = 0
    user.locked_until = None
    db.session.commit()
    return user


def users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.email)))
