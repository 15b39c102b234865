"""Load and validate the survey definitions in easyread/.

Every problem is reported as "file: question id: field: what is wrong", so whoever edits
the YAML can find it. The same parser reads a definition back from the database, so a
stored version is always read the way it was checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CHOICE_TYPES = ("single", "multiple", "face3", "face5", "yes_partly_no")
QUESTION_TYPES = (*CHOICE_TYPES, "text", "number")
FILLED_BY_IDS = ("me", "me-with-help", "someone-for-me")
YES_PARTLY_NO = ("yes", "partly", "no")
TEXT_LIMIT = 2000
ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MAX_SENTENCE_WORDS = 15
MIN_READING_EASE = 70.0


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


class _Reader:
    """Collects problems while reading one file, so all of them are reported at once."""

    def __init__(self, source: str, static_dir: Path | None):
        self.source = source
        self.static_dir = static_dir
        self.problems: list[str] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{self.source}: {where}: {message}")

    def text(self, data: dict, key: str, where: str, required: bool = True) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(where, f"'{key}' is missing")
            return ""
        if not isinstance(value, str) or not value.strip():
            self.problem(where, f"'{key}' must be text, found {value!r}")
            return ""
        return value.strip()

    def paragraphs(self, data: dict, key: str, where: str) -> tuple[str, ...]:
        value = data.get(key)
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            self.problem(where, f"'{key}' must be a list of paragraphs, found {value!r}")
            return ()
        return tuple(v.strip() for v in value)

    def identifier(self, data: dict, where: str) -> str:
        value = data.get("id")
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            self.problem(
                where, f"'id' must be lower-case letters, digits and dashes, found {value!r}"
            )
            return str(value)
        return value

    def picture(self, data: dict, where: str) -> str:
        picture = self.text(data, "picture", where)
        if picture and self.static_dir is not None and not (self.static_dir / picture).is_file():
            self.problem(where, f"'picture' {picture!r} is not a file under static/")
        return picture

    def option(self, data: Any, where: str) -> Option | None:
        if not isinstance(data, dict):
            self.problem(where, f"an option must be a mapping, found {data!r}")
            return None
        where = f"{where} option {data.get('id')!r}"
        positive = self.flag(data, "positive", where)
        not_applicable = self.flag(data, "not_applicable", where)
        if positive and not_applicable:
            self.problem(where, "an option cannot be both 'positive' and 'not_applicable'")
        return Option(
            id=self.identifier(data, where),
            label=self.text(data, "label", where),
            picture=self.picture(data, where),
            alt=self.text(data, "alt", where),
            positive=positive,
            not_applicable=not_applicable,
        )

    def flag(self, data: dict, key: str, where: str, default: bool = False) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.problem(where, f"'{key}' must be true or false, found {value!r}")
            return default
        return value

    def options(self, data: dict, where: str) -> tuple[Option, ...]:
        raw = data.get("options")
        if not isinstance(raw, list):
            self.problem(where, f"'options' must be a list, found {raw!r}")
            return ()
        options = tuple(o for o in (self.option(item, where) for item in raw) if o)
        ids = [o.id for o in options]
        for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
            self.problem(where, f"option id {duplicate!r} is used twice")
        return options


def _whole_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _read_question(
    reader: _Reader, data: Any, position: int, charter: Charter | None
) -> Question | None:
    if not isinstance(data, dict):
        reader.problem(f"question {position}", f"must be a mapping, found {data!r}")
        return None
    where = f"question {data.get('id', position)!r}"
    qid = reader.identifier(data, where)
    qtype = data.get("type")
    if qtype not in QUESTION_TYPES:
        reader.problem(where, f"'type' must be one of {', '.join(QUESTION_TYPES)}, found {qtype!r}")
    principle = data.get("principle")
    if charter and principle not in charter.principles:
        reader.problem(
            where,
            f"'principle' must be one of {', '.join(charter.principles)}, found {principle!r}",
        )
    outcome = data.get("outcome")
    if charter and outcome not in charter.outcomes:
        reader.problem(
            where, f"'outcome' must be one of {sorted(charter.outcomes)}, found {outcome!r}"
        )
    optional = data.get("optional", False)
    if not isinstance(optional, bool):
        reader.problem(where, f"'optional' must be true or false, found {optional!r}")

    options: tuple[Option, ...] = ()
    if qtype in CHOICE_TYPES:
        options = reader.options(data, where)
        ids = tuple(o.id for o in options)
        expected_count = {"face3": 3, "face5": 5}.get(qtype)
        if expected_count and len(options) != expected_count:
            reader.problem(
                where, f"a {qtype} question needs {expected_count} options, found {len(ids)}"
            )
        if qtype == "yes_partly_no" and ids != YES_PARTLY_NO:
            reader.problem(
                where, f"a yes_partly_no question needs options yes, partly, no; found {ids}"
            )
        if qtype in ("single", "multiple") and len(options) < 2:
            reader.problem(where, f"a {qtype} question needs at least 2 options, found {len(ids)}")
    elif "options" in data:
        reader.problem(where, f"a {qtype} question has no 'options'")

    low, high = data.get("min"), data.get("max")
    if qtype == "number" and not (_whole_number(low) and _whole_number(high) and low < high):
        reader.problem(
            where, f"'min' and 'max' must be whole numbers with min < max, found {low!r}, {high!r}"
        )
    max_length = data.get("max_length", TEXT_LIMIT)
    if not _whole_number(max_length) or not 1 <= max_length <= TEXT_LIMIT:
        reader.problem(where, f"'max_length' must be from 1 to {TEXT_LIMIT}, found {max_length!r}")
        max_length = TEXT_LIMIT

    return Question(
        id=qid,
        text=reader.text(data, "text", where),
        hint=reader.text(data, "hint", where, required=False),
        type=str(qtype),
        principle=str(principle),
        outcome=outcome if isinstance(outcome, int) else 0,
        optional=optional is True,
        scored=reader.flag(data, "scored", where, default=True),
        options=options,
        min=low if qtype == "number" else None,
        max=high if qtype == "number" else None,
        unit=reader.text(data, "unit", where, required=False),
        max_length=max_length,
    )


def parse_survey(
    data: Any, source: str, charter: Charter | None = None, static_dir: Path | None = None
) -> SurveyDefinition:
    """Check a definition (a parsed YAML mapping) and return it, or raise with every problem.

    Without a charter or static_dir, principles and pictures are not checked: that is how a
    stored version is read back, since the charter may have changed since it was loaded.
    """
    reader = _Reader(source, static_dir)
    if not isinstance(data, dict):
        raise SurveyDefinitionError([f"{source}: the file must be a mapping of fields"])
    slug = data.get("slug")
    if not isinstance(slug, str) or not ID_PATTERN.match(slug):
        reader.problem("slug", f"must be lower-case letters, digits and dashes, found {slug!r}")
    version = data.get("version")
    if not _whole_number(version) or version < 1:
        reader.problem("version", f"must be a whole number from 1, found {version!r}")

    start = data.get("start") if isinstance(data.get("start"), dict) else {}
    if not start:
        reader.problem(
            "start", "'start' must be a mapping with what_for, who_sees, how_long, anonymous"
        )
    start_page = {
        "picture": reader.picture(start, "start"),
        "alt": reader.text(start, "alt", "start"),
        "what_for": reader.paragraphs(start, "what_for", "start"),
        "who_sees": reader.paragraphs(start, "who_sees", "start"),
        "how_long": reader.text(start, "how_long", "start"),
        "anonymous": reader.paragraphs(start, "anonymous", "start"),
    }

    filled_by = data.get("filled_by") if isinstance(data.get("filled_by"), dict) else {}
    filled_by_options = reader.options(filled_by, "filled_by")
    if tuple(o.id for o in filled_by_options) != FILLED_BY_IDS:
        reader.problem("filled_by", f"options must be {', '.join(FILLED_BY_IDS)} in that order")

    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        reader.problem("questions", "there must be a list of at least one question")
        raw_questions = []
    questions = tuple(
        q
        for q in (
            _read_question(reader, item, n, charter) for n, item in enumerate(raw_questions, 1)
        )
        if q
    )
    ids = [q.id for q in questions]
    for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
        reader.problem(f"question {duplicate!r}", "this question id is used twice")

    definition = SurveyDefinition(
        slug=str(slug),
        version=version if _whole_number(version) else 0,
        title=reader.text(data, "title", "title"),
        audience=reader.text(data, "audience", "audience"),
        start=start_page,
        filled_by_question=reader.text(filled_by, "question", "filled_by"),
        filled_by=filled_by_options,
        finish=reader.paragraphs(data, "finish", "finish"),
        questions=questions,
        raw=data,
    )
    if reader.problems:
        raise SurveyDefinitionError(reader.problems)
    return definition


def load_charter(easyread_dir: Path) -> Charter:
    path = Path(easyread_dir) / "charter.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        principles = {p["id"]: CharterPrinciple(p["id"], p["name"]) for p in data["principles"]}
        outcomes = {o["number"]: Outcome(o["number"], o["name"]) for o in data["outcomes"]}
        filled_by = {key: str(data["filled_by"][key]) for key in FILLED_BY_IDS}
    except (KeyError, TypeError) as error:
        raise SurveyDefinitionError(
            [f"{path.name}: needs principles, outcomes and filled_by"]
        ) from error
    return Charter(principles, outcomes, filled_by)


def survey_files(easyread_dir: Path) -> list[Path]:
    return sorted(p for p in Path(easyread_dir).glob("*.yaml") if p.name != "charter.yaml")


def load_survey_file(path: Path, charter: Charter, static_dir: Path) -> SurveyDefinition:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise SurveyDefinitionError([f"{path.name}: not valid YAML: {error}"]) from error
    return parse_survey(data, path.name, charter, static_dir)


def respondent_texts(definition: SurveyDefinition) -> list[tuple[str, str]]:
    """Every text a respondent reads, as (where, text), for the easy-read check."""
    start = definition.start
    texts = [("title", definition.title), ("start how_long", start["how_long"])]
    for key in ("what_for", "who_sees", "anonymous"):
        texts += [(f"start {key}", p) for p in start[key]]
    texts += [("filled_by", definition.filled_by_question)]
    texts += [(f"filled_by option {o.id!r}", o.label) for o in definition.filled_by]
    texts += [("finish", p) for p in definition.finish]
    for q in definition.questions:
        texts += [(f"question {q.id!r} text", q.text)]
        texts += [(f"question {q.id!r} hint", q.hint)] if q.hint else []
        texts += [(f"question {q.id!r} option {o.id!r}", o.label) for o in q.options]
    return texts


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]


def easy_read_problems(definition: SurveyDefinition, source: str) -> list[str]:
    """Sentences over 15 words, and questions (with their options) below reading ease 70."""
    import textstat  # imported here: only the checker needs it, and it is slow to import

    problems = []
    for where, text in respondent_texts(definition):
        for sentence in sentences(text):
            words = len(sentence.split())
            if words > MAX_SENTENCE_WORDS:
                problems.append(
                    f"{source}: {where}: a sentence has {words} words"
                    f" (at most {MAX_SENTENCE_WORDS}): {sentence!r}"
                )
    for q in definition.questions:
        parts = [q.text, q.hint, *(o.label for o in q.options)]
        joined = ". ".join(p.rstrip(".?!") for p in parts if p) + "."
        score = textstat.flesch_reading_ease(joined)
        if score < MIN_READING_EASE:
            problems.append(
                f"{source}: question {q.id!r}: reading ease {score:.0f}"
                f" (at least {MIN_READING_EASE:.0f}): {joined!r}"
            )
    return problems


def check_all(easyread_dir: Path, static_dir: Path) -> tuple[list[SurveyDefinition], list[str]]:
    """Validate every survey file: the definitions that passed and every problem found."""
    charter = load_charter(easyread_dir)
    definitions, problems = [], []
    for path in survey_files(easyread_dir):
        try:
            definition = load_survey_file(path, charter, static_dir)
        except SurveyDefinitionError as error:
            problems += error.problems
            continue
        faults = easy_read_problems(definition, path.name)
        problems += faults
        if not faults:
            definitions.append(definition)
    slugs = [d.slug for d in definitions]
    problems += [
        f"slug {s!r} is used by more than one file"
        for s in sorted(set(slugs))
        if slugs.count(s) > 1
    ]
    return definitions, problems
