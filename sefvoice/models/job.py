"""Long work done off the web request (sefvoice.jobs): what was asked, how far it has got,
and what it made."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .survey import utcnow

JOB_STATES = ("queued", "running", "done", "failed")


class Job(db.Model):
    """One piece of long work. A worker claims it by raising `attempt`; every later write
    names that attempt, so a worker that was given up on cannot overwrite a newer run."""

    __tablename__ = "job"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # a name in sefvoice.jobs.registry
    # What the job makes, e.g. "paper batch 12": finds its latest result.
    subject: Mapped[str] = mapped_column(String(200), index=True)
    arguments: Mapped[dict] = mapped_column(JSON)
    who: Mapped[str] = mapped_column(String(254))  # the staff member's email, or a command
    state: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    attempt: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int | None]
    doing: Mapped[str] = mapped_column(String(200), default="Waiting for a worker")
    worker: Mapped[str | None] = mapped_column(String(200))  # host:pid running it now
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]  # the worker was alive then
    finished_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)  # in plain words, for the staff member
    result: Mapped[str | None] = mapped_column(Text)  # what it made, in a sentence


class JobFile(db.Model):
    """The file a job made, stored once in the database (which every app server reads), and
    written in the same transaction that marks the job done: never half a file. Its bytes
    are kept in parts (JobFilePart), so a download streams them a part at a time."""

    __tablename__ = "job_file"

    job_id: Mapped[int] = mapped_column(ForeignKey("job.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))  # the download's file name
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]


class JobFilePart(db.Model):
    """One part of a job's file, in order of `number` (0 first)."""

    __tablename__ = "job_file_part"

    job_id: Mapped[int] = mapped_column(
        ForeignKey("job_file.job_id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[int] = mapped_column(primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
