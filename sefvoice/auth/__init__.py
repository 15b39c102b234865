from . import audit
from .roles import ROLES, has_role, role_required
from .views import bp

__all__ = ["ROLES", "audit", "bp", "has_role", "role_required"]
