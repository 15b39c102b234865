"""Which answers a term's figures add together where too few people gave them to show one
by one (easyread/combined-answers.yaml): by question type, levels of groups of answers by
place, each level adding together more than the one before."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .model import (
    ID_PATTERN,
    ONE_ANSWER_TYPES,
    Option,
    Question,
    SurveyDefinition,
    SurveyDefinitionError,
)
from .yaml_source import parse_yaml

COMBINED_ANSWERS_FILE = "combined-answers.yaml"
MAX_ANSWERS = 20  # a place further on than any question's answers is a mistake

Places = tuple[int, ...]
Row = tuple[Option, ...]  # the answers one row of a table counts


@dataclass(frozen=True)
class AnswerRow:
    """A row of a question's table: one answer, or answers added together."""

    key: str  # the answers' ids joined by "+" ("1+2"): a figure's last key part
    label: str  # "Very bad", or "Very bad or bad"
    options: Row

    @property
    def positive(self) -> bool:
        return self.options[0].positive

    @property
    def not_applicable(self) -> bool:
        return self.options[0].not_applicable

    @property
    def combined(self) -> bool:
        return len(self.options) > 1


def answer_row(options: Row) -> AnswerRow:
    return AnswerRow("+".join(o.id for o in options), joined_label(options), options)


def joined_label(options: Row) -> str:
    """ "Very bad or bad", "Very bad, bad or OK": each later label lowercased, unless it is
    in capitals ("OK")."""
    labels = [options[0].label] + [
        o.label if o.label[1:2].isupper() else o.label[:1].lower() + o.label[1:]
        for o in options[1:]
    ]
    if len(labels) == 1:
        return labels[0]
    return f"{', '.join(labels[:-1])} or {labels[-1]}"


def _fits(definition: SurveyDefinition, question: Question, options: Row) -> bool:
    """Whether answers may be added together: they agree on "positive", none is "does not
    apply" or exclusive, and no routing (show_if) takes some of them but not all (every
    figure must stay a sum of whole rows)."""
    ids = {o.id for o in options}
    routed = [
        set(q.show_if.answers)
        for q in definition.questions
        if q.show_if is not None and q.show_if.question == question.id
    ]
    return (
        len({o.positive for o in options}) == 1
        and not any(o.not_applicable or o.exclusive for o in options)
        and all(ids <= answers or not ids & answers for answers in routed)
    )


@dataclass(frozen=True)
class CombinedAnswers:
    # Each question type with its levels, each a tuple of groups of places (1 is the first
    # answer): tuples, so that the rules are hashable (a key of the kept terms).
    by_type: tuple[tuple[str, tuple[tuple[Places, ...], ...]], ...] = ()
    # The same for single questions ("survey-slug question-id"), before their type's.
    by_question: tuple[tuple[str, tuple[tuple[Places, ...], ...]], ...] = ()

    def levels(self, definition: SurveyDefinition, question: Question) -> list[list[Row]]:
        """The question's table at each level: first every answer on its own row, then
        each level's groups that fit the question (`_fits`) added together, each level
        from the rows of the one before. Only levels that add something are listed."""
        rows: list[Row] = [(o,) for o in question.options]
        found = [rows]
        named = dict(self.by_question).get(f"{definition.slug} {question.id}")
        for level in named if named is not None else dict(self.by_type).get(question.type, ()):
            for places in level:
                if max(places) > len(question.options):
                    continue
                wanted = {question.options[p - 1].id for p in places}
                inside = [r for r in rows if {o.id for o in r} <= wanted]
                if {o.id for r in inside for o in r} != wanted or len(inside) < 2:
                    continue  # not whole rows of the level before, or nothing to add
                merged = tuple(o for o in question.options if o.id in wanted)
                if not _fits(definition, question, merged):
                    continue
                at = rows.index(inside[0])
                rows = [r for r in rows if r not in inside]
                rows.insert(at, merged)
            if rows != found[-1]:
                found.append(rows)
        return found

    def rows(
        self, definition: SurveyDefinition, question: Question, level: int = 0
    ) -> list[AnswerRow]:
        """The rows of the question's table at a level (0: every answer on its own)."""
        levels = self.levels(definition, question)
        return [answer_row(row) for row in levels[min(level, len(levels) - 1)]]


NONE = CombinedAnswers()


def _places_problem(group: object) -> str | None:
    if not isinstance(group, list) or len(group) < 2:
        return "a group needs two or more places"
    if not all(
        isinstance(p, int) and not isinstance(p, bool) and 1 <= p <= MAX_ANSWERS for p in group
    ):
        return f"a group needs two or more places, each a whole number from 1 to {MAX_ANSWERS}"
    if len(set(group)) < len(group):
        return "an answer can be in a group once only"
    return None


def _levels(where: str, levels: object, problems: list[str]) -> tuple[tuple[Places, ...], ...]:
    """A list of levels, each a list of groups of places; each fault added to `problems`."""
    if not isinstance(levels, list) or not all(isinstance(level, list) for level in levels):
        problems.append(
            f"{where}: needs a list of levels, each a list of groups of places like"
            " [[1, 2], [4, 5]]"
        )
        return ()
    before = len(problems)
    for number, level in enumerate(levels, 1):
        seen: set[int] = set()
        for group in level:
            problem = _places_problem(group)
            if problem is None and seen & set(group):
                problem = "an answer can be in one group of a level only"
            if problem:
                problems.append(f"{where}: level {number}: {group!r}: {problem}")
            else:
                seen |= set(group)
    if len(problems) > before:
        return ()
    return tuple(tuple(tuple(g) for g in level) for level in levels)


def parse_combined_answers(text: str, source: str) -> CombinedAnswers:
    """The rules from YAML text; SurveyDefinitionError naming every fault."""
    _, data = parse_yaml(text, source)
    if data is None:
        return NONE
    if not isinstance(data, dict):
        raise SurveyDefinitionError([f"{source}: needs a question type and its levels of groups"])
    problems: list[str] = []
    by_type: dict[str, tuple[tuple[Places, ...], ...]] = {}
    by_question: dict[str, tuple[tuple[Places, ...], ...]] = {}
    questions = data.pop("questions", {})
    if not isinstance(questions, dict):
        problems.append(f'{source}: questions: needs each question as "survey-slug question-id"')
        questions = {}
    for name, levels in questions.items():
        parts = str(name).split(" ")
        if len(parts) != 2 or not all(ID_PATTERN.match(p) for p in parts):
            problems.append(f'{source}: questions: {name!r}: name it "survey-slug question-id"')
            continue
        by_question[str(name)] = _levels(f"{source}: questions: {name}", levels, problems)
    for kind, levels in data.items():
        where = f"{source}: {kind}"
        if kind not in ONE_ANSWER_TYPES:
            types = ", ".join(ONE_ANSWER_TYPES)
            problems.append(f"{where}: not a one-answer question type ({types}) or questions")
            continue
        by_type[kind] = _levels(where, levels, problems)
    if problems:
        raise SurveyDefinitionError(problems)
    return CombinedAnswers(tuple(by_type.items()), tuple(by_question.items()))


@lru_cache(maxsize=8)
def load_combined_answers(easyread_dir: Path | str) -> CombinedAnswers:
    """The folder's rules (none where it has no such file), read once per process."""
    path = Path(easyread_dir) / COMBINED_ANSWERS_FILE
    if not path.exists():
        return NONE
    return parse_combined_answers(path.read_text(encoding="utf-8"), path.name)
