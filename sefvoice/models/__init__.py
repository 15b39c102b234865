"""All SQLAlchemy models, imported here so Alembic and the app see every table."""

from .survey import Answer, AnswerChoice, AnswerTally, Response, Survey, utcnow
from .user import AuditEvent, User

__all__ = [
    "Answer",
    "AnswerChoice",
    "AnswerTally",
    "AuditEvent",
    "Response",
    "Survey",
    "User",
    "utcnow",
]
