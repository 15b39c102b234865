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


MAX_PROBLEM_CHARS = 400
MAX_PROBLEMS = 100


def capped(problem: str) -> str:
    """A problem cut to MAX_PROBLEM_CHARS: one that quotes a huge value stays readable."""
    if len(problem) <= MAX_PROBLEM_CHARS:
        return problem
    return problem[: MAX_PROBLEM_CHARS - 1] + "…"


class SurveyDefinitionError(ValueError):
    """A definition that cannot be used; .problems lists every fault found (at most
    MAX_PROBLEMS, then how many more)."""

    def __init__(self, problems: list[str]):
        if len(problems) > MAX_PROBLEMS:
            more = len(problems) - MAX_PROBLEMS
            problems = [*problems[:MAX_PROBLEMS], f"and {more:,} more problems like these"]
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
    way_out: bool = False  # "Something else": fits someone none of the other answers fits


@dataclass(frozen=True)
class ShowIf:
    """A question asked only after certain answers to an earlier one (routing)."""

    question: str  # the earlier question's id
    answers: tuple[str, ...]  # its option ids that make this question apply


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
    show_if: ShowIf | None = None  # asked only after these answers (routing)
    no_way_out: str = ""  # why a required choice question needs no way out (option_rules)

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
    # Who to talk to: shown under the questions listed and on the thank-you page.
    support: tuple[str, ...] = ()
    support_after: tuple[str, ...] = ()

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def index_of(self, question_id: str) -> int:
        return next(i for i, q in enumerate(self.questions) if q.id == question_id)
