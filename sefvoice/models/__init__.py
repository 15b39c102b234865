"""All SQLAlchemy models, imported here so Alembic and the app see every table."""

from .survey import Answer, AnswerChoice, Response, Survey, utcnow

__all__ = ["Answer", "AnswerChoice", "Response", "Survey", "utcnow"]
