"""Which answers a term's figures add together where too few people gave them to show one
by one (easyread/combined-answers.yaml): by question type, groups of answers by place."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .model import ONE_ANSWER_TYPES, Option, Question, SurveyDefinition, SurveyDefinitionError
from .yaml_source import parse_yaml

COMBINED_ANSWERS_FILE = "combined-answers.yaml"
MAX_ANSWERS = 20  # a place further on than any question's answers is a mistake


@dataclass(frozen=True)
class AnswerRow:
    """A row of a question's table: one answer, or answers added together."""

    key: str  # the answers' ids joined by "+" ("1+2"): a figure's last key part
    label: str  # "Very bad", or "Very bad or bad"
    options: tuple[Option, ...]

    @property
    def positive(self) -> bool:
        return self.options[0].positive

    @property
    def not_applicable(self) -> bool:
        return self.options[0].not_applicable

    @property
    def combined(self) -> bool:
        return len(self.options) > 1


def joined_label(options: tuple[Option, ...]) -> str:
    """ "Very bad or bad": each later label lowercased, unless it is in capitals ("OK")."""
    later = [
        o.label if o.label[1:2].isupper() else o.label[:1].lower() + o.label[1:]
        for o in options[1:]
    ]
    return " or ".join([options[0].label, *later])


@dataclass(frozen=True)
class CombinedAnswers:
    # Each question type with its groups of places (1 is the first answer): pairs, so
    # that the rules are hashable (a key of the kept terms).
    by_type: tuple[tuple[str, tuple[tuple[int, ...], ...]], ...] = ()

    def groups(self, definition: SurveyDefinition, question: Question) -> list[tuple[Option, ...]]:
        """The question's groups of answers that may be added together: those of its type
        whose answers exist, agree on "positive", include no "does not apply" or exclusive
        answer, and are not split by another question's routing (show_if)."""
        routed = [
            set(q.show_if.answers)
            for q in definition.questions
            if q.show_if is not None and q.show_if.question == question.id
        ]
        found = []
        for places in dict(self.by_type).get(question.type, ()):
            if max(places) > len(question.options):
                continue
            options = tuple(question.options[p - 1] for p in places)
            ids = {o.id for o in options}
            if (
                len({o.positive for o in options}) == 1
                and not any(o.not_applicable or o.exclusive for o in options)
                and all(ids <= answers or not ids & answers for answers in routed)
            ):
                found.append(options)
        return found

    def rows(
        self, definition: SurveyDefinition, question: Question, combined: bool
    ) -> list[AnswerRow]:
        """The rows of the question's table: each answer, or with `combined` each group as
        one row, where its first answer stands."""
        groups = self.groups(definition, question) if combined else []
        grouped = {o.id: group for group in groups for o in group}
        rows = []
        for option in question.options:
            group = grouped.get(option.id, (option,))
            if group[0] is option:
                label = joined_label(group) if len(group) > 1 else option.label
                rows.append(AnswerRow("+".join(o.id for o in group), label, group))
        return rows


NONE = CombinedAnswers()


def parse_combined_answers(text: str, source: str) -> CombinedAnswers:
    """The rules from YAML text; SurveyDefinitionError naming every fault."""
    _, data = parse_yaml(text, source)
    if data is None:
        return NONE
    if not isinstance(data, dict):
        raise SurveyDefinitionError([f"{source}: needs a question type and its groups of places"])
    problems: list[str] = []
    by_type: dict[str, tuple[tuple[int, ...], ...]] = {}
    for kind, groups in data.items():
        where = f"{source}: {kind}"
        if kind not in ONE_ANSWER_TYPES:
            problems.append(
                f"{where}: not a one-answer question type ({', '.join(ONE_ANSWER_TYPES)})"
            )
            continue
        if not isinstance(groups, list) or not all(isinstance(g, list) for g in groups):
            problems.append(f"{where}: needs a list of groups, each a list of places like [1, 2]")
            continue
        seen: set[int] = set()
        for group in groups:
            if len(group) < 2 or not all(
                isinstance(p, int) and not isinstance(p, bool) and 1 <= p <= MAX_ANSWERS
                for p in group
            ):
                problems.append(
                    f"{where}: {group!r}: a group needs two or more places, each a whole number"
                    f" from 1 to {MAX_ANSWERS}"
                )
            elif seen & set(group) or len(set(group)) < len(group):
                problems.append(f"{where}: {group!r}: an answer can be in one group only, once")
            else:
                seen |= set(group)
        by_type[kind] = tuple(tuple(g) for g in groups)
    if problems:
        raise SurveyDefinitionError(problems)
    return CombinedAnswers(tuple(by_type.items()))


@lru_cache(maxsize=8)
def load_combined_answers(easyread_dir: Path | str) -> CombinedAnswers:
    """The folder's rules (none where it has no such file), read once per process."""
    path = Path(easyread_dir) / COMBINED_ANSWERS_FILE
    if not path.exists():
        return NONE
    return parse_combined_answers(path.read_text(encoding="utf-8"), path.name)
