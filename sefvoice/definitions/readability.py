"""The easy-read rules every text a respondent reads must meet."""

from __future__ import annotations

import re

from .model import SurveyDefinition
from .parser import problem_at

MAX_SENTENCE_WORDS = 15
MIN_READING_EASE = 70.0
# Numbers in easy read: whole numbers in digits ("5", easier to read than "five"), and no
# percentages or decimals, which many readers cannot picture: "most", "7 in 10" instead.
# ("one" is left alone: "no one", "one of them" are words, not counts; so is "one or two",
# which means "a few".)
DIGITS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
}
PERCENTAGE = re.compile(r"\d[\d,.]*\s*%|\bper\s?cent\b", re.IGNORECASE)
DECIMAL = re.compile(r"(?<![\d.])\d+\.\d+(?![\d.])")
NUMBER_WORD = re.compile(r"(?<!one or )\b(" + "|".join(DIGITS) + r")\b", re.IGNORECASE)


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


def number_problems(text: str) -> list[str]:
    """Each number `text` gives in a way easy read avoids: a percentage, a decimal, or a
    number spelt out in words."""
    found = [
        f"{m[0].strip()!r} is a percentage: say it in words, such as 'most' or '7 in 10'"
        for m in PERCENTAGE.finditer(text)
    ]
    found += [
        f"{m[0]!r} has a decimal point: give a whole number, or say it in words"
        for m in DECIMAL.finditer(text)
        if not PERCENTAGE.match(text, m.start())
    ]
    found += [
        f"write {DIGITS[m[0].lower()]}, not {m[0]!r}: a number is easier to read in digits"
        for m in NUMBER_WORD.finditer(text)
    ]
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
    """Sentences over 15 words, numbers easy read avoids (number_problems), and questions
    (with their options) below reading ease 70."""
    lines = lines or {}
    problems = []
    for where, text in respondent_texts(definition):
        problems += [problem_at(source, lines, where, p) for p in long_sentences(text)]
        problems += [problem_at(source, lines, where, p) for p in number_problems(text)]
    for q in definition.questions:
        parts = [q.text, q.hint, *(o.label for o in q.options)]
        problem = hard_to_read(". ".join(p.rstrip(".?!") for p in parts if p) + ".")
        if problem:
            problems.append(problem_at(source, lines, f"question {q.id!r}", problem))
    return problems
