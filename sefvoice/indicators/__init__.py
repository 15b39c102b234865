"""Indicator data: import the area's measures and show them."""

from .views import bp

__all__ = ["bp"]
