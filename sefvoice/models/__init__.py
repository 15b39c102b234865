"""All SQLAlchemy models, imported here so Alembic and the app see every table."""

from .indicator import Import, Indicator, IndicatorValue, IndicatorValueHistory
from .survey import Answer, AnswerChoice, AnswerTally, Response, Survey, utcnow
from .user import AuditEvent, User

__all__ = [
    "Answer",
    "AnswerChoice",
    "AnswerTally",
    "AuditEvent",
    "Import",
    "Indicator",
    "IndicatorValue",
    "IndicatorValueHistory",
    "Response",
    "Survey",
    "User",
    "utcnow",
]
