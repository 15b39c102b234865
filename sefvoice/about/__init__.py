"""Pages about the service itself: help, privacy, accessibility and cookies, in easy read."""

from .views import bp

__all__ = ["bp"]
