"""Survey definitions: validation names the file, question and field of every fault."""

from __future__ import annotations

import copy
import shutil

import pytest
import yaml
from click.testing import CliRunner

from sefvoice.cli import main
from sefvoice.definitions import (
    SurveyDefinitionError,
    check_all,
    check_survey_text,
    easy_read_problems,
    glossary_problems,
    glossary_words_in,
    load_charter,
    parse_survey,
)
from sefvoice.surveys.pagecheck import page_problems, unexplained_words

from .conftest import EASYREAD, FIXTURES, STATIC

TEST_SURVEY = yaml.safe_load((FIXTURES / "easyread" / "all-types.yaml").read_text())


def problems_of(data: dict) -> list[str]:
    with pytest.raises(SurveyDefinitionError) as raised:
        parse_survey(data, "broken.yaml", load_charter(EASYREAD), STATIC)
    return raised.value.problems


def with_question(index: int, **changes) -> dict:
    data = copy.deepcopy(TEST_SURVEY)
    data["questions"][index].update(changes)
    return data


def test_the_test_survey_is_valid():
    definition = parse_survey(TEST_SURVEY, "all-types.yaml", load_charter(EASYREAD), STATIC)
    assert [q.type for q in definition.questions] == [
        "single",
        "multiple",
        "face3",
        "face5",
        "yes_partly_no",
        "number",
        "text",
    ]


@pytest.mark.parametrize(
    ("index", "changes", "expected"),
    [
        (0, {"type": "dropdown"}, "question 'pick-one': 'type' must be one of"),
        (0, {"principle": "be-quick"}, "question 'pick-one': 'principle' must be one of"),
        (
            0,
            {"outcome": 6},
            "question 'pick-one': 'outcome' must be one of [1, 2, 3, 4, 5], found 6",
        ),
        (0, {"text": ""}, "question 'pick-one': 'text' must be text"),
        (0, {"optional": "sometimes"}, "question 'pick-one': 'optional' must be true or false"),
        (
            2,
            {"options": TEST_SURVEY["questions"][2]["options"][:2]},
            "a face3 question needs 3 options, found 2",
        ),
        (
            4,
            {"options": list(reversed(TEST_SURVEY["questions"][4]["options"]))},
            "needs options yes, partly, no",
        ),
        (
            5,
            {"min": 10, "max": 5},
            "question 'weeks-waited': 'min' and 'max' must be whole numbers",
        ),
        (6, {"max_length": 5000}, "question 'anything-else': 'max_length' must be from 1 to 2000"),
        (6, {"options": []}, "a text question has no 'options'"),
        (1, {"id": "Pick Many"}, "'id' must be lower-case letters, digits and dashes"),
        (1, {"id": "pick-one"}, "question 'pick-one': this question id is used twice"),
    ],
)
def test_each_fault_is_named(index, changes, expected):
    problems = problems_of(with_question(index, **changes))
    assert any(expected in p for p in problems), problems
    assert all(p.startswith("broken.yaml: ") for p in problems)


def test_option_faults_name_question_and_option():
    data = copy.deepcopy(TEST_SURVEY)
    data["questions"][0]["options"][1].update(picture="pictures/nope.svg", alt="")
    problems = problems_of(data)
    assert (
        "broken.yaml: question 'pick-one' option 'dogs':"
        " 'picture' 'pictures/nope.svg' is not a file under static/" in problems
    )
    assert any("option 'dogs': 'alt' must be text" in p for p in problems)


def test_all_faults_are_reported_at_once():
    data = with_question(0, type="dropdown", outcome=9)
    data["version"] = "one"
    assert len(problems_of(data)) >= 3


def test_unquoted_yes_no_is_caught():
    data = copy.deepcopy(TEST_SURVEY)
    data["questions"][4]["options"][0]["id"] = True  # what YAML makes of an unquoted yes
    assert any("option True" in p for p in problems_of(data))


def test_easy_read_check_flags_long_sentences_and_hard_words():
    hard = with_question(
        0,
        text="Notwithstanding considerable organisational reconfiguration, how satisfactorily "
        "were multidisciplinary professionals communicating comprehensively and "
        "collaboratively regarding individualised educational provision arrangements?",
    )
    definition = parse_survey(hard, "hard.yaml", load_charter(EASYREAD), STATIC)
    problems = easy_read_problems(definition, "hard.yaml")
    assert any("question 'pick-one' text: a sentence has 18 words" in p for p in problems), problems
    assert any("question 'pick-one': reading ease" in p for p in problems), problems


def test_easy_read_check_flags_percentages_decimals_and_numbers_in_words():
    numbers = with_question(0, text="Did five people, or 50%, wait 2.5 weeks?")
    definition = parse_survey(numbers, "numbers.yaml", load_charter(EASYREAD), STATIC)
    problems = easy_read_problems(definition, "numbers.yaml")
    where = "question 'pick-one' text: "
    assert any(where + "'50%' is a percentage" in p for p in problems), problems
    assert any(where + "'2.5' has a decimal point" in p for p in problems), problems
    assert any(where + "write 5, not 'five'" in p for p in problems), problems
    plain = with_question(0, text="Did 5 people, or most of you, wait 2 weeks or one or two?")
    definition = parse_survey(plain, "plain.yaml", load_charter(EASYREAD), STATIC)
    assert not [p for p in easy_read_problems(definition, "plain.yaml") if "pick-one' text" in p]


def test_problems_in_yaml_text_name_their_line():
    """Lines as the file has them: an edit elsewhere in the file moves them, not the text."""
    text = (FIXTURES / "easyread" / "all-types.yaml").read_text()
    lines = text.splitlines()
    text = text.replace(
        "alt: A bus}", "alt: A bus, positive: maybe}"
    ).replace(  # a question with a long sentence: the line of its 'text'
        "  - id: pick-one\n    text: ",
        "  - id: pick-one\n    text: One two three four five six seven eight nine ten eleven"
        " twelve thirteen fourteen fifteen sixteen. ",
    )
    definition, problems = check_survey_text(text, "edited.yaml", load_charter(EASYREAD), STATIC)
    assert definition is None
    bus = next(n for n, line in enumerate(lines, 1) if "{id: bus," in line)
    assert any(
        p.startswith(f"edited.yaml: line {bus}: question 'pick-many' option 'bus': 'positive'")
        for p in problems
    ), problems

    wordy = check_survey_text(
        text.replace("positive: maybe", "positive: true"), "e.yaml", load_charter(EASYREAD), STATIC
    )[1]
    pick_one_text = lines.index("  - id: pick-one") + 2
    assert any(
        p.startswith(f"e.yaml: line {pick_one_text}: question 'pick-one' text: a sentence has")
        for p in wordy
    ), wordy


def test_text_that_is_not_yaml_is_one_problem():
    definition, problems = check_survey_text("slug: [", "bad.yaml", load_charter(EASYREAD), STATIC)
    assert definition is None
    assert len(problems) == 1 and problems[0].startswith("bad.yaml: not valid YAML")


def test_shipped_surveys_pass_the_check():
    definitions, problems = check_all(EASYREAD, STATIC)
    assert problems == []
    assert {d.slug for d in definitions} == {
        "parent-carer-annual",
        "young-people-quality-of-life",
        "new-ehcp-parent",
        "annual-review-feedback",
    }
    for definition in definitions:
        assert definition.questions, definition.slug


def test_surveys_check_command(tmp_path, monkeypatch):
    runner = CliRunner()
    monkeypatch.setenv("SEFVOICE_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    ok = runner.invoke(main, ["surveys", "check"])
    assert ok.exit_code == 0, ok.output
    assert "ok  new-ehcp-parent v3" in ok.output

    broken_dir = tmp_path / "easyread"
    shutil.copytree(EASYREAD, broken_dir)
    broken = with_question(3, outcome=7)
    text = yaml.safe_dump(broken)
    (broken_dir / "all-types.yaml").write_text(text)
    monkeypatch.setenv("SEFVOICE_EASYREAD_DIR", str(broken_dir))
    failed = runner.invoke(main, ["surveys", "check"])
    assert failed.exit_code == 1
    line = text.splitlines().index("  outcome: 7") + 1  # the field's own line
    assert (
        f"all-types.yaml: line {line}: question 'five-faces': 'outcome' must be one of"
        in failed.output
    )


def test_only_a_multiple_question_has_exclusive_options():
    data = copy.deepcopy(TEST_SURVEY)
    data["questions"][0]["options"][1]["exclusive"] = True
    data["questions"][1]["options"][2]["exclusive"] = "yes"
    problems = problems_of(data)
    assert any(
        "'pick-one': only a multiple question has 'exclusive' options" in p for p in problems
    )
    assert any("option 'walk': 'exclusive' must be true or false" in p for p in problems)
    data["questions"][0]["options"][1]["exclusive"] = False
    data["questions"][1]["options"][2]["exclusive"] = True
    definition = parse_survey(data, "ok.yaml", load_charter(EASYREAD), STATIC)
    assert [o.exclusive for o in definition.questions[1].options] == [False, False, True]


def test_glossary_words_are_matched_as_words():
    glossary = {"SEND": "SEND is short for it.", "short breaks": "Short breaks are a rest."}
    assert glossary_words_in("Help with SEND.", glossary) == ["SEND"]
    assert glossary_words_in("Send my answers. Sending it.", glossary) == []
    assert glossary_words_in("Short\n breaks or a short break", glossary) == ["short breaks"]
    assert glossary_words_in("shortbreaks", glossary) == []


def test_glossary_faults_are_named(tmp_path):
    glossary = {
        "physio": "It is exercises with an expert.",
        "caseworker": "A caseworker looks after the plan. They may send you to physio.",
    }
    definitions, _ = check_all(EASYREAD, STATIC)
    problems = glossary_problems(glossary, definitions)
    assert "glossary.yaml: 'physio': the meaning must use the word itself" in problems
    assert "glossary.yaml: 'caseworker': the meaning uses 'physio', also a hard word" in problems
    assert any(
        "question 'who-helped': 'explain': 'SENDIASS' is not in glossary" in p for p in problems
    )


GLOSSARY = {"physio": "Physio is exercises with an expert.", "safe": "Safe means no one else sees."}


@pytest.mark.parametrize(
    ("html", "unexplained"),
    [
        ("<h1>Do you see a physio?</h1>", ["physio"]),
        ('<h1>Physio?</h1><p class="hint">Physio is exercises with an expert.</p>', []),
        (
            "<h1>Physio?</h1><details><summary>What does this mean?</summary>"
            "<p>Physio is exercises\n with an expert.</p></details>",
            [],
        ),
        # The meaning somewhere else on the page is not an explanation tied to the question.
        ("<h1>Physio?</h1><p>Physio is exercises with an expert.</p>", ["physio"]),
        ('<img src="x.svg" alt="A physio">', ["physio"]),
        ("<script>var physio;</script><p>Keep it safe.</p>", ["safe"]),
    ],
)
def test_unexplained_words_on_a_page(html, unexplained):
    assert unexplained_words(html, GLOSSARY) == unexplained


def test_the_check_reads_the_rendered_pages(tmp_path):
    """A word in a question, and a word only the templates use (the footer's "safe"), are
    both found, on each page and state that shows them."""
    easyread = tmp_path / "easyread"
    shutil.copytree(EASYREAD, easyread)
    glossary = yaml.safe_load((easyread / "glossary.yaml").read_text())
    glossary["words"].append({"word": "safe", "means": "Safe means no one else can see them."})
    (easyread / "glossary.yaml").write_text(yaml.safe_dump(glossary))
    survey = yaml.safe_load((easyread / "young-people-quality-of-life.yaml").read_text())
    survey["questions"][1]["text"] = "Do you like your physio?"
    (easyread / "young-people-quality-of-life.yaml").write_text(yaml.safe_dump(survey))
    definitions, problems = check_all(easyread, STATIC)
    assert problems == []
    problems = page_problems(easyread, definitions)
    assert "/: uses 'safe' without saying what it means" in "\n".join(problems)
    assert any(p.startswith("/withdraw (sent empty): uses 'safe'") for p in problems)
    physio = [p.split(": uses")[0] for p in problems if "'physio'" in p]
    slug = "/s/young-people-quality-of-life"
    assert physio == [f"{slug}/q/feel-safe", f"{slug}/q/feel-safe (sent empty)", f"{slug}/check"]


def _options(index: int, **flags) -> list[dict]:
    """The question's options, each with `flags` (option id -> {flag: value}) applied."""
    return [
        {**option, **flags.get(option["id"], {})}
        for option in copy.deepcopy(TEST_SURVEY["questions"][index]["options"])
    ]


@pytest.mark.parametrize(
    ("index", "changes", "expected"),
    [
        (  # every answer would count as not positive, pulling its "% positive" figures down
            0,
            {"options": _options(0, cats={"positive": False})},
            "question 'pick-one': no option is 'positive'",
        ),
        (0, {"scored": "no"}, "question 'pick-one': 'scored' must be true or false"),
        (5, {"scored": False}, "a number question has no 'scored'"),
        (
            1,
            {"options": _options(1, walk={"not_applicable": True})},
            "only a one-answer question has 'not_applicable' options",
        ),
        (
            0,
            {"options": _options(0, cats={"not_applicable": True})},
            "option 'cats': an option cannot be both 'positive' and 'not_applicable'",
        ),
        (
            0,
            {"options": _options(0, dogs={"not_applicable": "yes"})},
            "option 'dogs': 'not_applicable' must be true or false",
        ),
    ],
)
def test_bases_must_say_what_they_mean(index, changes, expected):
    problems = problems_of(with_question(index, **changes))
    assert any(expected in p for p in problems), problems


def test_a_question_with_no_good_or_bad_answer_says_scored_false():
    options = _options(0, cats={"positive": False}, dogs={"not_applicable": True})
    definition = parse_survey(
        with_question(0, scored=False, options=options),
        "all-types.yaml",
        load_charter(EASYREAD),
        STATIC,
    )
    question = definition.question("pick-one")
    assert not question.scored and question.options[1].not_applicable


def test_a_version_stored_before_the_scored_rule_still_reads_back():
    """Stored versions are read back without the charter (as responses are shown in the
    wording they were given in); one stored before 'scored' existed must still read."""
    stored = with_question(0, options=_options(0, cats={"positive": False}))
    definition = parse_survey(stored, "stored version")
    assert not any(o.positive for o in definition.question("pick-one").options)
