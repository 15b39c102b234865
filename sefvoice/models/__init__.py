"""All SQLAlchemy models, imported here so Alembic and the app see every table."""

from .survey import Answer, AnswerChoice, Response, Survey, utcnow
from .user import AuditEvent, User

__all__ = ["Answer", "AnswerChoice", "AuditEvent", "Response", "Survey", "User", "utcnow"]
