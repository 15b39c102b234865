"""The feedback tab of the SEND data dashboard: aggregates, disclosure control, charts, exports."""

from flask import Blueprint

bp = Blueprint("feedback", __name__, url_prefix="/feedback")

from . import moderation, views  # noqa: E402,F401  (routes attach themselves to bp)

__all__ = ["bp"]
