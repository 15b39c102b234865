"""Reading a survey definition from YAML (a file, or a stored version) and checking it.

Every problem is reported as "file: line N: question id: field: what is wrong", so
whoever edits the YAML can find it (the line is known when it was read from YAML text).
The same parser reads a definition back from the database, so a stored version is always
read the way it was checked.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from ..pictures import picture_problem
from .model import (
    CHOICE_TYPES,
    FILLED_BY_IDS,
    ID_PATTERN,
    ONE_ANSWER_TYPES,
    QUESTION_TYPES,
    TEXT_LIMIT,
    YES_PARTLY_NO,
    Charter,
    CharterPrinciple,
    Option,
    Outcome,
    Question,
    SurveyDefinition,
    SurveyDefinitionError,
    capped,
)
from .option_rules import picture_problems, way_out_problems
from .routing import read_show_if, routing_problems
from .yaml_source import parse_yaml


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
        self.problems.append(problem_at(self.source, self.lines, where, message, key))

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
        flags = {
            key: data.get(key, False)
            for key in ("positive", "exclusive", "not_applicable", "way_out")
        }
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
            way_out=flags["way_out"] is True,
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
    show_if, unreadable = read_show_if(data.get("show_if"))
    if unreadable:
        reader.problem(where, unreadable, "show_if")

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
        show_if=show_if,
        no_way_out=reader.text(data, "no_way_out", where, required=False),
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
        # Glossary words the start page explains under "What does … mean?".
        "explain": tuple(w for w in start.get("explain", []) if isinstance(w, str)),
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

    support = data.get("support") if isinstance(data.get("support"), dict) else {}
    if "support" in data and not support:
        reader.problem("support", "'support' must be a mapping with 'after' and 'paragraphs'")
    support_after = support.get("after", [])
    if not isinstance(support_after, list) or not set(support_after) <= set(ids):
        reader.problem("support", f"'after' must list question ids, found {support_after!r}")
        support_after = []
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
        support=reader.paragraphs(support, "paragraphs", "support") if support else (),
        support_after=tuple(support_after),
    )
    rules = routing_problems(definition)
    if charter:  # new definitions only: a stored version reads back as it was checked
        rules += way_out_problems(definition) + picture_problems(definition)
    for where, message in rules:
        reader.problem(where, message)
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
NOT_SURVEYS = (
    "charter.yaml",
    "combined-answers.yaml",
    "glossary.yaml",
    "paper.yaml",
    "plain-words.yaml",
)


def survey_files(easyread_dir: Path) -> list[Path]:
    return sorted(p for p in Path(easyread_dir).glob("*.yaml") if p.name not in NOT_SURVEYS)


def problem_at(
    source: str, lines: dict[str, int], where: str, message: str, key: str | None = None
) -> str:
    line = lines.get(f"{where} {key}") if key else None
    line = line or lines.get(where)
    return capped(f"{source}: {f'line {line}: ' if line else ''}{where}: {message}")


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
