"""Bursts of sent surveys from one source, and setting a batch aside from the figures."""

from .views import bp

__all__ = ["bp"]
