"""All SQLAlchemy models, imported here so Alembic and the app see every table."""

from .bulletin import COMMITMENT_STATUSES, Bulletin, BulletinSection, Commitment
from .comment import REVIEW_STATUSES, CommentReview
from .indicator import Import, Indicator, IndicatorValue, IndicatorValueHistory
from .survey import Answer, AnswerChoice, AnswerTally, Response, Survey, utcnow
from .upload import PendingUpload, PendingUploadFile
from .user import AuditEvent, User

__all__ = [
    "COMMITMENT_STATUSES",
    "REVIEW_STATUSES",
    "Answer",
    "AnswerChoice",
    "AnswerTally",
    "AuditEvent",
    "Bulletin",
    "BulletinSection",
    "CommentReview",
    "Commitment",
    "Import",
    "Indicator",
    "IndicatorValue",
    "IndicatorValueHistory",
    "PendingUpload",
    "PendingUploadFile",
    "Response",
    "Survey",
    "User",
    "utcnow",
]
