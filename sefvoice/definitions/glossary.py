"""The glossary of hard words a survey may explain (easyread/glossary.yaml)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .model import SurveyDefinition, SurveyDefinitionError
from .readability import MAX_SENTENCE_WORDS, sentences


def load_glossary(easyread_dir: Path) -> dict[str, str]:
    """glossary.yaml: each word a respondent may not know, and its meaning in easy read."""
    path = Path(easyread_dir) / "glossary.yaml"
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        return {str(entry["word"]): str(entry["means"]).strip() for entry in data["words"]}
    except (KeyError, TypeError) as error:
        raise SurveyDefinitionError(
            [f"{path.name}: needs 'words', a list of {{word, means}}"]
        ) from error


def glossary_pattern(word: str) -> re.Pattern:
    """The word as a whole word, plural or not, across line breaks. Capitals (SEND) must
    match exactly, so that "Send my answers" is not the word SEND."""
    words = r"\s+".join(re.escape(w) for w in word.split())
    return re.compile(rf"\b{words}s?\b", 0 if word.isupper() else re.IGNORECASE)


def glossary_words_in(text: str, glossary: dict[str, str]) -> list[str]:
    return [word for word in glossary if glossary_pattern(word).search(text)]


ABBREVIATION = re.compile(r"\b[A-Z]{2,}(?:s\b|\b)")


@dataclass(frozen=True)
class PlainWords:
    """easyread/plain-words.yaml: words with plainer ones to say instead, and the
    abbreviations everyone knows."""

    plain: dict[str, str]
    known: frozenset[str]


def load_plain_words(easyread_dir: Path) -> PlainWords:
    path = Path(easyread_dir) / "plain-words.yaml"
    if not path.is_file():
        return PlainWords({}, frozenset())
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return PlainWords(
        {str(k): str(v) for k, v in (data.get("plain") or {}).items()},
        frozenset(str(word) for word in data.get("known") or []),
    )


def jargon_problems(text: str, glossary: dict[str, str], words: PlainWords) -> list[str]:
    """Each word in `text` with a plainer one to say instead, and each abbreviation that is
    neither in the glossary nor one everyone knows."""
    problems = [
        f"say {plain!r} instead of {word!r}"
        for word, plain in words.plain.items()
        if glossary_pattern(word).search(text)
    ]
    explained = [glossary_pattern(word) for word in glossary if word.isupper()]
    for abbreviation in dict.fromkeys(m.removesuffix("s") for m in ABBREVIATION.findall(text)):
        if abbreviation in words.known or abbreviation in words.plain:
            continue
        if not any(pattern.fullmatch(abbreviation) for pattern in explained):
            problems.append(
                f"{abbreviation!r} is an abbreviation: say it in words, or explain it in"
                " easyread/glossary.yaml"
            )
    return problems


def glossary_problems(glossary: dict[str, str], definitions: list[SurveyDefinition]) -> list[str]:
    """Each meaning names its word and uses no other listed word; each question explains
    only listed words."""
    problems = []
    for word, meaning in glossary.items():
        if not glossary_pattern(word).search(meaning):
            problems.append(f"glossary.yaml: {word!r}: the meaning must use the word itself")
        for other in glossary_words_in(meaning, glossary):
            if other != word:
                problems.append(
                    f"glossary.yaml: {word!r}: the meaning uses {other!r}, also a hard word"
                )
        for sentence in sentences(meaning):
            if len(sentence.split()) > MAX_SENTENCE_WORDS:
                problems.append(
                    f"glossary.yaml: {word!r}: a sentence has more than"
                    f" {MAX_SENTENCE_WORDS} words: {sentence!r}"
                )
    for definition in definitions:
        for word in definition.start.get("explain", ()):
            if word not in glossary:
                problems.append(
                    f"{definition.slug}: start: 'explain': {word!r} is not in glossary.yaml"
                )
        for question in definition.questions:
            for word in question.explain:
                if word not in glossary:
                    problems.append(
                        f"{definition.slug}: question {question.id!r}: 'explain':"
                        f" {word!r} is not in glossary.yaml"
                    )
    return problems
