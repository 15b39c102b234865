"""Bursts of sent surveys from one source, and setting a batch aside from the figures."""

from flask import Blueprint

bp = Blueprint("bursts", __name__, url_prefix="/responses")

from . import views  # noqa: E402,F401  (routes attach themselves to bp)

__all__ = ["bp"]
