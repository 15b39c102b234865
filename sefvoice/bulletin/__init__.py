"""The termly SEF update bulletin: officers' words around the data, as a web page and a PDF."""

from . import (
    register_views,  # noqa: F401  (the register's routes attach themselves to bp)
    section_views,  # noqa: F401  (the sections pages attach themselves to bp)
)
from .views import bp

__all__ = ["bp"]
