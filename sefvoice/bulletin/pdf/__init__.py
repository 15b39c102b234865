"""The printed bulletin: the full edition and the easy-read edition, as PDF bytes."""

from .easy_read import build_easy_read_pdf
from .full import build_pdf

__all__ = ["build_easy_read_pdf", "build_pdf"]
