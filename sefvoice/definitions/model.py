"""What a survey definition and the charter are, once read and checked."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

CHOICE_TYPES = ("single", "multiple", "face3", "face5", "yes_partly_no")
ONE_ANSWER_TYPES = ("single", "face3", "face5", "yes_partly_no")  # exactly one option each
QUESTION_TYPES = (*CHOICE_TYPES, "text", "number")
FILLED_BY_IDS = ("me", "me-with-help", "someone-for-me")
YES_PARTLY_NO = ("yes", "partly", "no")
TEXT_LIMIT = 2000
ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class SurveyDefinitionError(ValueError):
    """A definition that cannot be used; .problems lists every fault found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class CharterPrinciple:
    id: str
    name: str


@dataclass(frozen=True)
class Outcome:
    number: int
    name: str


@dataclass(frozen=True)
class Charter:
    principles: dict[str, CharterPrinciple]
    outcomes: dict[int, Outcome]
    filled_by: dict[str, str]  # staff-facing names for who filled a response in


@dataclass(frozen=True)
class Option:
    id: str
    label: str
    picture: str
    alt: str
    positive: bool = False
    not_applicable: bool = False  # "does not apply to me": left out of every % base
    exclusive: bool = False  # "No one", "None of these": chosen only on its own


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    type: str
    principle: str
    outcome: int
    optional: bool
    hint: str = ""
    options: tuple[Option, ...] = ()
    min: int | None = None
    max: int | None = None
    unit: str = ""
    max_length: int = TEXT_LIMIT
    scored: bool = True  # False: a one-answer question that no "% positive" counts
    explain: tuple[str, ...] = ()  # glossary words explained under the question

    @property
    def is_choice(self) -> bool:
        return self.type in CHOICE_TYPES

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


@dataclass(frozen=True)
class SurveyDefinition:
    slug: str
    version: int
    title: str
    audience: str
    start: dict[str, Any]
    filled_by_question: str
    filled_by: tuple[Option, ...]
    finish: tuple[str, ...]
    questions: tuple[Question, ...]
    raw: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def index_of(self, question_id: str) -> int:
        return next(i for i, q in enumerate(self.questions) if q.id == question_id)
