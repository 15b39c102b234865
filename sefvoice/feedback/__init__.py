"""The feedback tab of the SEND data dashboard: the tab, its charts and downloads, and
comment moderation. Its figures come from sefvoice.release."""

from . import moderation  # noqa: F401  (the moderation pages attach themselves to bp)
from .views import bp

__all__ = ["bp"]
