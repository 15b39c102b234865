"""Load and validate the survey definitions in easyread/.

Every problem is reported as "file: line N: question id: field: what is wrong", so
whoever edits the YAML can find it (the line is known when it was read from YAML text).
The same parser reads a definition back from the database, so a stored version is always
read the way it was checked.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .pictures import picture_problem

CHOICE_TYPES = ("single", "multiple", "face3", "face5", "yes_partly_no")
ONE_ANSWER_TYPES = ("single", "face3", "face5", "yes_partly_no")  # exactly one option each
QUESTION_TYPES = (*CHOICE_TYPES, "text", "number")
FILLED_BY_IDS = ("me", "me-with-help", "someone-for-me")
YES_PARTLY_NO = ("yes", "partly", "no")
TEXT_LIMIT = 2000
ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MAX_SENTENCE_WORDS = 15
MIN_READING_EASE = 70.0
MAX_ALIAS_NODES = 5_000  # what aliases may add to a definition, in YAML values
MAX_PROBLEM_CHARS = 400
MAX_PROBLEMS = 100


class SurveyDefinitionError(ValueError):
    """A definition that cannot be used; .problems lists every fault found."""

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


class _Reader:
    """Collects problems while reading one file, so all of them are reported at once."""

    def __init__(self, source: str, static_dir: Path | None, lines: dict[str, int] | None):
        self.source = source
        self.static_dir = static_dir
        self.lines = lines or {}
        self.problems: list[str] = []
        self.pictures: dict[str, str | None] = {}  # each name's fault, checked once

    def problem(self, where: str, message: str, key: str | None = None) -> None:
        """`key`: the field at fault, whose line is given if known (else its mapping's)."""
        self.problems.append(_problem(self.source, self.lines, where, message, key))

    def text(self, data: dict, key: str, where: str, required: bool = True) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(where, f"'{key}' is missing")
            return ""
        if not isinstance(value, str) or not value.strip():
            self.problem(where, f"'{key}' must be text, found {value!r}", key)
            return ""
        return value.strip()

    def paragraphs(self, data: dict, key: str, where: str) -> tuple[str, ...]:
        value = data.get(key)
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            self.problem(where, f"'{key}' must be a list of paragraphs, found {value!r}", key)
            return ()
        return tuple(v.strip() for v in value)

    def identifier(self, data: dict, where: str) -> str:
        value = data.get("id")
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            self.problem(
                where, f"'id' must be lower-case letters, digits and dashes, found {value!r}", "id"
            )
            return str(value)
        return value

    def picture(self, data: dict, where: str) -> str:
        picture = self.text(data, "picture", where)
        if picture and self.static_dir is not None and picture not in self.pictures:
            self.pictures[picture] = picture_problem(self.static_dir, picture)
        fault = self.pictures.get(picture)
        if fault:
            self.problem(where, f"'picture' {picture!r} {fault}", "picture")
        return picture

    def option(self, data: Any, where: str) -> Option | None:
        if not isinstance(data, dict):
            self.problem(where, f"an option must be a mapping, found {data!r}")
            return None
        where = f"{where} option {data.get('id')!r}"
        flags = {key: data.get(key, False) for key in ("positive", "exclusive", "not_applicable")}
        for key, value in flags.items():
            if not isinstance(value, bool):
                self.problem(where, f"'{key}' must be true or false, found {value!r}", key)
        if flags["positive"] is True and flags["not_applicable"] is True:
            self.problem(
                where, "an option cannot be both 'positive' and 'not_applicable'", "not_applicable"
            )
        return Option(
            id=self.identifier(data, where),
            label=self.text(data, "label", where),
            picture=self.picture(data, where),
            alt=self.text(data, "alt", where),
            positive=flags["positive"] is True,
            exclusive=flags["exclusive"] is True,
            not_applicable=flags["not_applicable"] is True,
        )

    def options(self, data: dict, where: str) -> tuple[Option, ...]:
        raw = data.get("options")
        if not isinstance(raw, list):
            self.problem(where, f"'options' must be a list, found {raw!r}", "options")
            return ()
        options = tuple(o for o in (self.option(item, where) for item in raw) if o)
        ids = Counter(o.id for o in options)
        for duplicate in sorted(i for i, n in ids.items() if n > 1):
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
        reader.problem(
            where, f"'type' must be one of {', '.join(QUESTION_TYPES)}, found {qtype!r}", "type"
        )
    principle = data.get("principle")
    if charter and principle not in charter.principles:
        reader.problem(
            where,
            f"'principle' must be one of {', '.join(charter.principles)}, found {principle!r}",
            "principle",
        )
    outcome = data.get("outcome")
    if charter and outcome not in charter.outcomes:
        reader.problem(
            where,
            f"'outcome' must be one of {sorted(charter.outcomes)}, found {outcome!r}",
            "outcome",
        )
    optional = data.get("optional", False)
    if not isinstance(optional, bool):
        reader.problem(where, f"'optional' must be true or false, found {optional!r}", "optional")

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
        exclusive = [o.id for o in options if o.exclusive]
        if exclusive and qtype != "multiple":
            reader.problem(
                where, f"only a multiple question has 'exclusive' options, found {exclusive}"
            )
        not_applicable = [o.id for o in options if o.not_applicable]
        if not_applicable and qtype not in ONE_ANSWER_TYPES:
            reader.problem(
                where,
                f"only a one-answer question has 'not_applicable' options, found {not_applicable}",
            )
        if options and len(not_applicable) == len(options):
            reader.problem(where, "every option is 'not_applicable': one must not be")
    elif "options" in data:
        reader.problem(where, f"a {qtype} question has no 'options'", "options")
    scored = data.get("scored", True)
    if not isinstance(scored, bool):
        reader.problem(where, f"'scored' must be true or false, found {scored!r}", "scored")
    elif "scored" in data and qtype not in ONE_ANSWER_TYPES:
        reader.problem(where, f"a {qtype} question has no 'scored': only one-answer ones do")
    elif charter and scored and qtype in ONE_ANSWER_TYPES and not any(o.positive for o in options):
        # (Checked on new definitions only: a version stored before this rule still reads
        # back, and counts towards no "% positive" without a positive option.)
        reader.problem(
            where,
            "no option is 'positive', so no answer would count as positive and every answer"
            ' would lower its "% positive" figures: mark the positive options, or say'
            " 'scored: false' if the question has no good or bad answer",
        )

    low, high = data.get("min"), data.get("max")
    if qtype == "number" and not (_whole_number(low) and _whole_number(high) and low < high):
        reader.problem(
            where,
            f"'min' and 'max' must be whole numbers with min < max, found {low!r}, {high!r}",
            "min",
        )
    max_length = data.get("max_length", TEXT_LIMIT)
    if not _whole_number(max_length) or not 1 <= max_length <= TEXT_LIMIT:
        reader.problem(
            where,
            f"'max_length' must be from 1 to {TEXT_LIMIT}, found {max_length!r}",
            "max_length",
        )
        max_length = TEXT_LIMIT
    explain = data.get("explain", [])
    if not isinstance(explain, list) or not all(isinstance(w, str) and w for w in explain):
        reader.problem(where, f"'explain' must be a list of glossary words, found {explain!r}")
        explain = []

    return Question(
        id=qid,
        text=reader.text(data, "text", where),
        hint=reader.text(data, "hint", where, required=False),
        type=str(qtype),
        principle=str(principle),
        outcome=outcome if isinstance(outcome, int) else 0,
        optional=optional is True,
        scored=scored is not False,
        options=options,
        min=low if qtype == "number" else None,
        max=high if qtype == "number" else None,
        unit=reader.text(data, "unit", where, required=False),
        max_length=max_length,
        explain=tuple(explain),
    )


def parse_survey(
    data: Any,
    source: str,
    charter: Charter | None = None,
    static_dir: Path | None = None,
    lines: dict[str, int] | None = None,
) -> SurveyDefinition:
    """Check a definition (a parsed YAML mapping) and return it, or raise with every problem.

    Without a charter or static_dir, principles and pictures are not checked: that is how a
    stored version is read back, since the charter may have changed since it was loaded.
    `lines` (yaml_lines) puts the line of each problem in its message.
    """
    reader = _Reader(source, static_dir, lines)
    if not isinstance(data, dict):
        raise SurveyDefinitionError([f"{source}: the file must be a mapping of fields"])
    slug = data.get("slug")
    if not isinstance(slug, str) or not ID_PATTERN.match(slug):
        reader.problem(
            "slug", f"must be lower-case letters, digits and dashes, found {slug!r}", "slug"
        )
    version = data.get("version")
    if not _whole_number(version) or version < 1:
        reader.problem("version", f"must be a whole number from 1, found {version!r}", "version")

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
        # One line asking people to take part, for the printed flyer (optional).
        "invitation": reader.text(start, "invitation", "start", required=False),
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
    ids = Counter(q.id for q in questions)
    for duplicate in sorted(i for i, n in ids.items() if n > 1):
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


# Files in easyread/ that hold shared words, not a survey.
NOT_SURVEYS = ("charter.yaml", "glossary.yaml", "paper.yaml")


def survey_files(easyread_dir: Path) -> list[Path]:
    return sorted(p for p in Path(easyread_dir).glob("*.yaml") if p.name not in NOT_SURVEYS)


def _problem(
    source: str, lines: dict[str, int], where: str, message: str, key: str | None = None
) -> str:
    line = lines.get(f"{where} {key}") if key else None
    line = line or lines.get(where)
    return _capped(f"{source}: {f'line {line}: ' if line else ''}{where}: {message}")


def _capped(problem: str) -> str:
    """A problem cut to MAX_PROBLEM_CHARS: one that quotes a huge value stays readable."""
    if len(problem) <= MAX_PROBLEM_CHARS:
        return problem
    return problem[: MAX_PROBLEM_CHARS - 1] + "…"


def yaml_lines(node: yaml.Node, data: Any) -> dict[str, int]:
    """The line of each place a problem is reported at, named as the problems name it
    ("title", "start how_long", "question 'x'", "question 'x' text", "question 'x' option
    'y'", "filled_by option 'me' label"), from the composed YAML and the data built from it."""
    lines: dict[str, int] = {}

    def mapping(node: yaml.Node, values: Any, where: str) -> None:
        if not isinstance(node, yaml.MappingNode) or not isinstance(values, dict):
            return
        for key_node, value_node in node.value:
            key = key_node.value
            lines.setdefault(f"{where} {key}" if where else key, key_node.start_mark.line + 1)
            if key == "options" and isinstance(value_node, yaml.SequenceNode):
                for item_node, item in zip(value_node.value, values.get(key) or [], strict=False):
                    option_where = (
                        f"{where} option {item.get('id') if isinstance(item, dict) else None!r}"
                    )
                    lines.setdefault(option_where, item_node.start_mark.line + 1)
                    mapping(item_node, item, option_where)

    if not isinstance(node, yaml.MappingNode) or not isinstance(data, dict):
        return lines
    mapping(node, data, "")
    for key_node, value_node in node.value:
        if key_node.value in ("start", "filled_by"):
            mapping(value_node, data.get(key_node.value), key_node.value)
        elif key_node.value == "questions" and isinstance(value_node, yaml.SequenceNode):
            questions = data.get("questions") or []
            for position, (item_node, item) in enumerate(
                zip(value_node.value, questions, strict=False), 1
            ):
                values = item if isinstance(item, dict) else {}
                where = f"question {values.get('id', position)!r}"
                lines.setdefault(where, item_node.start_mark.line + 1)
                mapping(item_node, item, where)
    return lines


def _alias_growth(root: yaml.Node) -> int:
    """How many nodes the document's aliases add when expanded (each node counted once per
    place it appears, less once): a few for a shared option list, billions for a bomb whose
    every level repeats the one before. Each node is sized once, so this is quick either way."""
    sizes: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        if id(node) in sizes:
            if sizes[id(node)] < 0:
                raise SurveyDefinitionError(["an alias refers to the list or mapping it is in"])
            return sizes[id(node)]
        sizes[id(node)] = -1
        children: list = []
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        sizes[id(node)] = 1 + sum(size(child) for child in children)
        return sizes[id(node)]

    return size(root) - len(sizes)


def parse_yaml(text: str, source: str) -> tuple[yaml.Node | None, Any]:
    """The YAML text's nodes (which know their lines) and the data built from them, parsed
    once; SurveyDefinitionError if it is not YAML, nests too deeply or its aliases (&name,
    *name) would expand it by more than MAX_ALIAS_NODES."""
    loader = None
    try:
        loader = yaml.SafeLoader(text)  # which refuses control characters at once
        node = loader.get_single_node()
        if node is not None and _alias_growth(node) > MAX_ALIAS_NODES:
            raise SurveyDefinitionError(
                [
                    f"its aliases (*name) repeat more than {MAX_ALIAS_NODES:,} values;"
                    " write the repeated parts out, or repeat them fewer times"
                ]
            )
        return node, loader.construct_document(node) if node is not None else None
    except SurveyDefinitionError as refused:
        raise SurveyDefinitionError([f"{source}: {p}" for p in refused.problems]) from None
    except yaml.YAMLError as error:
        raise SurveyDefinitionError([_capped(f"{source}: not valid YAML: {error}")]) from None
    except RecursionError:
        raise SurveyDefinitionError([f"{source}: lists or mappings nest too deeply"]) from None
    finally:
        if loader is not None:
            loader.dispose()


def read_survey_text(
    text: str, source: str, charter: Charter, static_dir: Path
) -> tuple[SurveyDefinition, dict[str, int]]:
    """Parse and check a definition from YAML text; raise SurveyDefinitionError if it is not
    YAML or has faults. Returns it with its lines (yaml_lines)."""
    node, data = parse_yaml(text, source)
    lines = yaml_lines(node, data)
    return parse_survey(data, source, charter, static_dir, lines), lines


def load_survey_file(path: Path, charter: Charter, static_dir: Path) -> SurveyDefinition:
    return read_survey_text(path.read_text(encoding="utf-8"), path.name, charter, static_dir)[0]


def check_survey_text(
    text: str, source: str, charter: Charter, static_dir: Path, easy_read: bool = True
) -> tuple[SurveyDefinition | None, list[str]]:
    """Everything `sefvoice surveys check` checks, for one definition: the definition (None
    if it has faults) and every problem, each with its line. `easy_read=False` leaves out
    the easy-read rules, the slow part (for the demo, which loads the shipped surveys that
    CI has checked)."""
    try:
        definition, lines = read_survey_text(text, source, charter, static_dir)
    except SurveyDefinitionError as error:
        return None, error.problems
    problems = easy_read_problems(definition, source, lines) if easy_read else []
    return (None if problems else definition), problems


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
        problems += [_problem(source, lines, where, p) for p in long_sentences(text)]
    for q in definition.questions:
        parts = [q.text, q.hint, *(o.label for o in q.options)]
        problem = hard_to_read(". ".join(p.rstrip(".?!") for p in parts if p) + ".")
        if problem:
            problems.append(_problem(source, lines, f"question {q.id!r}", problem))
    return problems


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
        for question in definition.questions:
            for word in question.explain:
                if word not in glossary:
                    problems.append(
                        f"{definition.slug}: question {question.id!r}: 'explain':"
                        f" {word!r} is not in glossary.yaml"
                    )
    return problems


def check_all(
    easyread_dir: Path, static_dir: Path, easy_read: bool = True
) -> tuple[list[SurveyDefinition], list[str]]:
    """Validate every survey file: the definitions that passed and every problem found."""
    charter = load_charter(easyread_dir)
    definitions, problems = [], []
    for path in survey_files(easyread_dir):
        definition, faults = check_survey_text(
            path.read_text(encoding="utf-8"), path.name, charter, static_dir, easy_read
        )
        problems += faults
        if definition is not None:
            definitions.append(definition)
    slugs = [d.slug for d in definitions]
    problems += [
        f"slug {s!r} is used by more than one file"
        for s in sorted(set(slugs))
        if slugs.count(s) > 1
    ]
    problems += glossary_problems(load_glossary(easyread_dir), definitions)
    return definitions, problems
