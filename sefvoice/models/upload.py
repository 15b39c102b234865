"""Uploads waiting for their owner to confirm them, after a preview."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .survey import utcnow


class PendingUpload(db.Model):
    """What an upload's confirm step needs: its files and the choices made with them. Kept in
    the database, not on the app server that showed the preview, so that the confirm may reach
    any server. Any feature with a preview-then-confirm step uses it, named by `kind`."""

    __tablename__ = "pending_upload"

    token: Mapped[str] = mapped_column(String(32), primary_key=True)  # named in the session
    kind: Mapped[str] = mapped_column(String(40))  # the feature, e.g. "indicators"
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    details: Mapped[dict] = mapped_column(JSON)  # file names, sheet, options
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)

    files: Mapped[list[PendingUploadFile]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )


class PendingUploadFile(db.Model):
    __tablename__ = "pending_upload_file"

    upload_token: Mapped[str] = mapped_column(
        ForeignKey("pending_upload.token", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(40), primary_key=True)  # e.g. "file", "measures"
    content: Mapped[bytes] = mapped_column(LargeBinary)
