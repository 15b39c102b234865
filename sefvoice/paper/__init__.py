"""Paper copies of the surveys and staff data entry of paper, phone and assisted returns."""

from .views import bp

__all__ = ["bp"]
