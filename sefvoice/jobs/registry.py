"""The kinds of job: each is one registration, beside the feature it belongs to.

    @register("paper-batch", "Making the paper copies")
    def make_copies(arguments: dict, progress: Progress) -> Made: ...

`arguments` is what start() was given (JSON); the function reports how far it has got with
`progress.step(done, total, "Drawing the copies")` and returns what it made. It runs in a
worker, inside an app context, with the job's own database session; an exception fails the
job, and a JobError's message is shown to the staff member as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol


class JobError(RuntimeError):
    """A job cannot finish, for a reason the person who started it can act on: the message
    says it in plain words."""


class Progress(Protocol):
    def step(self, done: int, total: int | None, doing: str) -> None: ...


@dataclass(frozen=True)
class Made:
    """What a job made: a sentence, and a file (stored once, downloaded as often as needed)
    or a page of the site to go on to (an endpoint and its arguments)."""

    summary: str
    content: bytes | None = None
    file_name: str = ""
    media_type: str = "application/octet-stream"
    next_page: tuple[str, dict] | None = None


@dataclass(frozen=True)
class JobKind:
    name: str
    title: str  # what it is doing, as a page heading: "Making the paper copies"
    work: Callable[[dict, Progress], Made]


KINDS: dict[str, JobKind] = {}


def size_in_words(size: int) -> str:
    """A file's size for people: "49.7 MB", "312 kB" (rounded half up)."""
    if size >= 100_000:
        megabytes = (Decimal(size) / 10**6).quantize(Decimal("0.1"), ROUND_HALF_UP)
        return f"{megabytes} MB"
    return f"{max((Decimal(size) / 10**3).quantize(Decimal(1), ROUND_HALF_UP), 1)} kB"


def register(name: str, title: str) -> Callable:
    """Make a function a kind of job (a decorator)."""

    def add(work: Callable[[dict, Progress], Made]) -> Callable[[dict, Progress], Made]:
        if name in KINDS and KINDS[name].work is not work:
            raise ValueError(f"a job kind named {name!r} is registered already")
        KINDS[name] = JobKind(name, title, work)
        return work

    return add
