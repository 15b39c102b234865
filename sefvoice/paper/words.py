"""The fixed words of a printed copy, read from easyread/paper.yaml and checked on load."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ..definitions import MAX_SENTENCE_WORDS, SurveyDefinitionError, sentences

HEADINGS = (
    *("what_for", "who_sees", "how_long", "anonymous", "online", "send_back", "reference"),
    *("thanks", "help"),
)
PARAGRAPHS = ("anonymous", "withdraw", "online", "send_back", "help")
INSTRUCTIONS = (
    *("single", "multiple", "number", "text", "optional"),
    *("only_if", "go_to", "go_to_end", "exclusive", "meaning"),
)


@dataclass(frozen=True)
class PaperWords:
    headings: dict[str, str]
    anonymous: tuple[str, ...]
    withdraw: tuple[str, ...]
    online: tuple[str, ...]
    send_back: tuple[str, ...]
    help: tuple[str, ...]  # how to get help to answer (on the flyer)
    instructions: dict[str, str]
    page: str  # "Page {page} of {pages}"
    answer_by: str  # "Please answer by {day}." (on the flyer)

    def instruction(self, question_type: str) -> str:
        """Every choice question (faces, yes/partly/no) is ticked like a single choice."""
        if question_type in self.instructions:
            return self.instructions[question_type]
        return self.instructions["single"]


def load_paper_words(easyread_dir: Path) -> PaperWords:
    """easyread/paper.yaml, or SurveyDefinitionError naming every fault in it."""
    path = Path(easyread_dir) / "paper.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise SurveyDefinitionError([f"paper.yaml: cannot be read: {error}"]) from error
    data = data if isinstance(data, dict) else {}
    problems: list[str] = []

    def texts(section: str, keys: tuple[str, ...]) -> dict[str, str]:
        found = data.get(section) if isinstance(data.get(section), dict) else {}
        for key in keys:
            if not isinstance(found.get(key), str) or not found[key].strip():
                problems.append(f"paper.yaml: {section}: '{key}' must be text")
        return {key: str(found.get(key, "")).strip() for key in keys}

    def paragraphs(key: str) -> tuple[str, ...]:
        found = data.get(key)
        if not isinstance(found, list) or not found or not all(isinstance(p, str) for p in found):
            problems.append(f"paper.yaml: '{key}' must be a list of paragraphs")
            return ()
        return tuple(p.strip() for p in found)

    words = PaperWords(
        headings=texts("headings", HEADINGS),
        anonymous=paragraphs("anonymous"),
        withdraw=paragraphs("withdraw"),
        online=paragraphs("online"),
        send_back=paragraphs("send_back"),
        help=paragraphs("help"),
        instructions=texts("instructions", INSTRUCTIONS),
        page=str(data.get("page", "")),
        answer_by=str(data.get("answer_by", "")),
    )
    if "{page}" not in words.page or "{pages}" not in words.page:
        problems.append("paper.yaml: 'page' must hold {page} and {pages}")
    if "{day}" not in words.answer_by:
        problems.append("paper.yaml: 'answer_by' must hold {day}")
    everything = [*words.headings.values(), *words.instructions.values(), words.answer_by]
    for key in PARAGRAPHS:
        everything += getattr(words, key)
    for paragraph in everything:
        for sentence in sentences(paragraph):
            if len(sentence.split()) > MAX_SENTENCE_WORDS:
                problems.append(
                    f"paper.yaml: a sentence has {len(sentence.split())} words"
                    f" (at most {MAX_SENTENCE_WORDS}): {sentence!r}"
                )
    if problems:
        raise SurveyDefinitionError(problems)
    return words
