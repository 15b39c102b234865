"""Roles and the check every staff page makes on the server."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user

# Each role can do everything the roles before it can.
ROLES = ("pcv_rep", "officer", "admin")
ROLE_NAMES = {"pcv_rep": "Parent carer forum rep", "officer": "Officer", "admin": "Admin"}


def has_role(user, minimum: str) -> bool:
    return user.is_authenticated and ROLES.index(user.role) >= ROLES.index(minimum)


def role_required(minimum: str) -> Callable:
    """Signed out: the sign-in page. Signed in without the role: 403."""
    if minimum not in ROLES:
        raise ValueError(f"unknown role {minimum!r}")

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                from ..extensions import login_manager

                return login_manager.unauthorized()
            if not has_role(current_user, minimum):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
