"""The easy-read rules every text a respondent reads must meet."""

from __future__ import annotations

import re

from .model import SurveyDefinition
from .parser import problem_at

MAX_SENTENCE_WORDS = 15
MIN_READING_EASE = 70.0


def respondent_texts(definition: SurveyDefinition) -> list[tuple[str, str]]:
    """Every text a respondent reads, as (where, text), for the easy-read check."""
    start = definition.start
    texts = [("title", definition.title), ("start how_long", start["how_long"])]
    texts += [("start invitation", start["invitation"])] if start.get("invitation") else []
    for key in ("what_for", "who_sees", "anonymous"):
        texts += [(f"start {key}", p) for p in start[key]]
    texts += [("filled_by", definition.filled_by_question)]
    texts += [(f"filled_by option {o.id!r}", o.label) for o in definition.filled_by]
    texts += [("finish", p) for p in definition.finish]
    texts += [("support", p) for p in definition.support]
    for q in definition.questions:
        texts += [(f"question {q.id!r} text", q.text)]
        texts += [(f"question {q.id!r} hint", q.hint)] if q.hint else []
        texts += [(f"question {q.id!r} option {o.id!r}", o.label) for o in q.options]
    return texts


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]


def long_sentences(text: str) -> list[str]:
    """Each sentence of `text` over 15 words, saying how long it is."""
    found = []
    for sentence in sentences(text):
        words = len(sentence.split())
        if words > MAX_SENTENCE_WORDS:
            found.append(
                f"a sentence has {words} words (at most {MAX_SENTENCE_WORDS}): {sentence!r}"
            )
    return found


def hard_to_read(text: str) -> str | None:
    """Why `text` is below reading ease 70 (Flesch), or None when it is easy enough."""
    import textstat  # imported here: only the checker needs it, and it is slow to import

    score = textstat.flesch_reading_ease(text)
    if score < MIN_READING_EASE:
        return f"reading ease {score:.0f} (at least {MIN_READING_EASE:.0f}): {text!r}"
    return None


def easy_read_problems(
    definition: SurveyDefinition, source: str, lines: dict[str, int] | None = None
) -> list[str]:
    """Sentences over 15 words, and questions (with their options) below reading ease 70."""
    lines = lines or {}
    problems = []
    for where, text in respondent_texts(definition):
        problems += [problem_at(source, lines, where, p) for p in long_sentences(text)]
    for q in definition.questions:
        parts = [q.text, q.hint, *(o.label for o in q.options)]
        problem = hard_to_read(". ".join(p.rstrip(".?!") for p in parts if p) + ".")
        if problem:
            problems.append(problem_at(source, lines, f"question {q.id!r}", problem))
    return problems
