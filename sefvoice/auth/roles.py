"""Roles and the check every staff page makes on the server."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user

# Each role can do everything the roles before it can.
ROLES = ("pcv_rep", "officer", "admin")
ROLE_NAMES = {"pcv_rep": "Parent carer forum rep", "officer": "Officer", "admin": "Admin"}


def has_role(user, minimum: str) -> bool:
    return user.is_authenticated and ROLES.index(user.role) >= ROLES.index(minimum)


def role_required(minimum: str) -> Callable:
    """Signed out: the sign-in page. Signed in without the role: 403. With a temporary
    password: the page to change it."""
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
            # A temporary password from an admin is changed before anything else is done.
            if current_user.must_change_password and request.endpoint != "auth.change_password":
                return redirect(url_for("auth.change_password"))
            return view(*args, **kwargs)

        return wrapped

    return decorator
