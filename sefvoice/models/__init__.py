"""All SQLAlchemy models, imported here so Alembic and the app see every table."""

from .bulletin import (
    COMMITMENT_STATUSES,
    Brand,
    Bulletin,
    BulletinSection,
    Commitment,
    EasyReadLine,
)
from .comment import REVIEW_STATUSES, CommentReview
from .indicator import Import, Indicator, IndicatorValue, IndicatorValueHistory
from .survey import Answer, AnswerChoice, AnswerTally, Response, Survey, utcnow
from .user import AuditEvent, User

__all__ = [
    "COMMITMENT_STATUSES",
    "REVIEW_STATUSES",
    "Answer",
    "AnswerChoice",
    "AnswerTally",
    "AuditEvent",
    "Brand",
    "Bulletin",
    "BulletinSection",
    "CommentReview",
    "Commitment",
    "EasyReadLine",
    "Import",
    "Indicator",
    "IndicatorValue",
    "IndicatorValueHistory",
    "Response",
    "Survey",
    "User",
    "utcnow",
]
