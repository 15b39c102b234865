"""Surveys (one row per version), responses and their answers."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


def utcnow() -> datetime:
    """Naive UTC, the same on SQLite (which drops time zones) and PostgreSQL."""
    return datetime.now(UTC).replace(tzinfo=None)


class Survey(db.Model):
    """One version of a survey definition. Old versions are kept so old answers keep meaning."""

    __tablename__ = "survey"
    __table_args__ = (UniqueConstraint("slug", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80))
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    # Loaded only when asked for: pages need the parsed definition, which is cached
    # (surveys.versions.definition_of), not this JSON on every row they read.
    definition: Mapped[dict] = mapped_column(JSON, deferred=True)
    # The newest version carries the survey's state: is_open is the officers' switch, and
    # opens_at/closes_at (naive UTC, either may be empty) a schedule within it.
    is_open: Mapped[bool] = mapped_column(default=True)
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    def takes_answers(self, now: datetime) -> bool:
        """Open, and `now` within the schedule (surveys.statements.TAKES_ANSWERS in SQL)."""
        return (
            self.is_open
            and (self.opens_at is None or self.opens_at <= now)
            and (self.closes_at is None or now < self.closes_at)
        )


# How a response reached us. Staff-facing names; respondents never see these.
CHANNELS = {"online": "Online", "paper": "Paper", "phone": "Phone", "with_help": "With help"}


class Response(db.Model):
    """One person's go at one survey version. Only a hash of the resume code is kept.

    `channel` says how it came in: online (the respondent's own pages), or entered by staff
    from a paper copy, a phone call or with the respondent beside them (see sefvoice.paper).
    Which staff member entered it is in the audit log only.
    """

    __tablename__ = "response"
    __table_args__ = (
        Index("ix_response_survey_submitted", "survey_id", "submitted_at"),
        Index("ix_response_source_submitted", "source_hash", "submitted_at"),
        # The first and last response sent (the terms the feedback tab lists), at once.
        Index("ix_response_submitted_at", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"))
    filled_by: Mapped[str] = mapped_column(String(20))
    resume_code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_saved_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    submitted_at: Mapped[datetime | None]
    channel: Mapped[str] = mapped_column(String(10), default="online", server_default="online")
    # The browser holding the response keeps a random token in its session; this is its hash.
    holder_token_hash: Mapped[str | None] = mapped_column(String(64))
    # A keyed hash of the address it was sent from (never the address), to see bursts.
    source_hash: Mapped[str | None] = mapped_column(String(32))
    # Set aside from the figures by an officer (kept, and can be put back).
    set_aside_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("set_aside_batch.id"), index=True
    )

    survey: Mapped[Survey] = relationship(lazy="joined")  # every page needs both
    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", passive_deletes=True
    )


class SetAsideBatch(db.Model):
    """Sent responses an officer set aside from the figures (a burst from one source, say).
    The responses are kept and marked; putting the batch back restores them to the counts."""

    __tablename__ = "set_aside_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_hash: Mapped[str] = mapped_column(String(32))
    first_sent_at: Mapped[datetime]
    last_sent_at: Mapped[datetime]
    responses: Mapped[int]
    reason: Mapped[str] = mapped_column(Text)
    set_aside_at: Mapped[datetime] = mapped_column(default=utcnow)
    set_aside_by: Mapped[str] = mapped_column(String(254))
    restored_at: Mapped[datetime | None]
    restored_by: Mapped[str | None] = mapped_column(String(254))


class Answer(db.Model):
    """The answer to one question. A row with no choices, number or text is a skipped question."""

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(80))
    number: Mapped[int | None]
    text: Mapped[str | None] = mapped_column(Text)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)

    response: Mapped[Response] = relationship(back_populates="answers")
    # Loaded with the answers, in one more query, not one query per answer.
    choices: Mapped[list[AnswerChoice]] = relationship(
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="AnswerChoice.position",
        lazy="selectin",
    )

    @property
    def option_ids(self) -> list[str]:
        return [choice.option_id for choice in self.choices]


class AnswerChoice(db.Model):
    """An option chosen in an answer: one row per option, so counting is a SQL GROUP BY."""

    __tablename__ = "answer_choice"

    answer_id: Mapped[int] = mapped_column(
        ForeignKey("answer.id", ondelete="CASCADE"), primary_key=True
    )
    option_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)


class AnswerTally(db.Model):
    """Submitted answers counted per survey, question, answer, who filled it in, channel
    and month.

    Kept up to date as each response is submitted (sefvoice.tally), so the
    feedback tab groups a few thousand tally rows instead of every answer. `kind` is
    "response" (question_id and key empty), "answered", "choice" (key: the option id) or
    "number" (key: the number). `sefvoice feedback recount` rebuilds it from the answers.
    """

    __tablename__ = "answer_tally"
    __table_args__ = (Index("ix_answer_tally_month", "month"),)

    survey_slug: Mapped[str] = mapped_column(String(80), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    filled_by: Mapped[str] = mapped_column(String(20), primary_key=True)
    channel: Mapped[str] = mapped_column(String(10), primary_key=True, server_default="online")
    month: Mapped[date] = mapped_column(primary_key=True)  # the first day of the month
    count: Mapped[int]
