"""Everything `sefvoice surveys check` checks: one definition, or every survey file."""

from __future__ import annotations

from pathlib import Path

from .combined_answers import COMBINED_ANSWERS_FILE, parse_combined_answers
from .glossary import glossary_problems, load_glossary
from .model import Charter, SurveyDefinition, SurveyDefinitionError
from .parser import load_charter, read_survey_text, survey_files
from .readability import easy_read_problems


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
    rules = Path(easyread_dir) / COMBINED_ANSWERS_FILE
    if rules.exists():  # read on every count of the figures, so checked here too
        try:
            parsed = parse_combined_answers(rules.read_text(encoding="utf-8"), rules.name)
        except SurveyDefinitionError as error:
            problems += error.problems
        else:
            known = {f"{d.slug} {q.id}" for d in definitions for q in d.questions}
            problems += [
                f"{rules.name}: questions: {name!r}: no survey has that question"
                for name, _ in parsed.by_question
                if name not in known
            ]
    return definitions, problems
