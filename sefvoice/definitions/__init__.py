"""Survey definitions in easyread/: what they are (model), reading them from YAML (parser),
the easy-read rules (readability, glossary) and the checks `sefvoice surveys check` runs.

Every problem is reported as "file: line N: question id: field: what is wrong", so
whoever edits the YAML can find it.
"""

from .checks import check_all, check_survey_text
from .glossary import (
    PlainWords,
    glossary_pattern,
    glossary_problems,
    glossary_words_in,
    jargon_problems,
    load_glossary,
    load_plain_words,
)
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
)
from .parser import (
    NOT_SURVEYS,
    load_charter,
    load_survey_file,
    parse_survey,
    problem_at,
    read_survey_text,
    survey_files,
    yaml_lines,
)
from .readability import (
    MAX_SENTENCE_WORDS,
    MIN_READING_EASE,
    easy_read_problems,
    hard_to_read,
    long_sentences,
    respondent_texts,
    sentences,
)

__all__ = [
    "PlainWords",
    "jargon_problems",
    "load_plain_words",
    "CHOICE_TYPES",
    "Charter",
    "CharterPrinciple",
    "FILLED_BY_IDS",
    "ID_PATTERN",
    "MAX_SENTENCE_WORDS",
    "MIN_READING_EASE",
    "NOT_SURVEYS",
    "ONE_ANSWER_TYPES",
    "Option",
    "Outcome",
    "QUESTION_TYPES",
    "Question",
    "SurveyDefinition",
    "SurveyDefinitionError",
    "TEXT_LIMIT",
    "YES_PARTLY_NO",
    "check_all",
    "check_survey_text",
    "easy_read_problems",
    "glossary_pattern",
    "glossary_problems",
    "glossary_words_in",
    "hard_to_read",
    "load_charter",
    "load_glossary",
    "load_survey_file",
    "long_sentences",
    "parse_survey",
    "problem_at",
    "read_survey_text",
    "respondent_texts",
    "sentences",
    "survey_files",
    "yaml_lines",
]
