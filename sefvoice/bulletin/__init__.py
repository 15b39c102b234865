"""The termly SEF update bulletin: officers' words around the data, as a web page and a PDF."""

from .views import bp

__all__ = ["bp"]
