"""All SQLAlchemy models, imported here so Alembic and the app see every table."""

from .bulletin import (
    COMMITMENT_STATUSES,
    SECTION_KINDS,
    Brand,
    Bulletin,
    BulletinPicture,
    BulletinSection,
    Commitment,
    EasyReadLine,
)
from .comment import REVIEW_STATUSES, CommentReview
from .demo import DemoMark
from .indicator import Import, Indicator, IndicatorValue, IndicatorValueHistory
from .job import JOB_STATES, Job, JobFile, JobFilePart
from .paper import PaperBatch, PaperCopy
from .register import CLOSED, WE_DID_STATUSES, WeDid, WeDidChange, YouSaid, YouSaidTheme
from .release import DraftRelease, PublishedBulletin, PublishedRelease
from .survey import (
    CHANNELS,
    Answer,
    AnswerChoice,
    AnswerTally,
    Response,
    SetAsideBatch,
    Survey,
    utcnow,
)
from .upload import PendingUpload, PendingUploadFile
from .user import AuditEvent, SignInThrottle, StaffSession, User

__all__ = [
    "CHANNELS",
    "CLOSED",
    "COMMITMENT_STATUSES",
    "JOB_STATES",
    "REVIEW_STATUSES",
    "Answer",
    "AnswerChoice",
    "AnswerTally",
    "AuditEvent",
    "Brand",
    "Bulletin",
    "BulletinPicture",
    "BulletinSection",
    "SECTION_KINDS",
    "CommentReview",
    "Commitment",
    "DemoMark",
    "DraftRelease",
    "EasyReadLine",
    "Import",
    "Indicator",
    "IndicatorValue",
    "IndicatorValueHistory",
    "Job",
    "JobFile",
    "JobFilePart",
    "PaperBatch",
    "PaperCopy",
    "PendingUpload",
    "PendingUploadFile",
    "PublishedBulletin",
    "PublishedRelease",
    "Response",
    "SetAsideBatch",
    "SignInThrottle",
    "StaffSession",
    "Survey",
    "User",
    "WE_DID_STATUSES",
    "WeDid",
    "WeDidChange",
    "YouSaid",
    "YouSaidTheme",
    "utcnow",
]
