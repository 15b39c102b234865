"""Answers added together where few gave them (easyread/combined-answers.yaml): which
answers may be, how a release decides and shows it, and that a revision keeps it."""

from __future__ import annotations

import dataclasses
import json

import pytest

from sefvoice.definitions import SurveyDefinitionError
from sefvoice.definitions.combined_answers import (
    NONE,
    joined_label,
    load_combined_answers,
    parse_combined_answers,
)
from sefvoice.release.protected_figures import ProtectedFigures
from sefvoice.release.summary import question_results
from sefvoice.release.versions import read_facts

from .conftest import EASYREAD
from .test_release import FILLED_BY, RULES, _counts, _small_survey

NO_NUMBERS = __import__("pandas").DataFrame(columns=["slug", "question_id", "number", "n"])


def _release(answers: list[str], earlier=(), rules=RULES) -> ProtectedFigures:
    """The small survey's "feel" (face3: sad, OK, happy), one person per answer."""
    definition = _small_survey("small", only=("feel",))
    responses = [("small", "me", {"feel": [a]}) for a in answers]
    counts = _counts([definition], responses)
    return ProtectedFigures([definition], [FILLED_BY], counts, rules, earlier)


def _rows(release: ProtectedFigures) -> list[tuple[str, str, str]]:
    (result,) = question_results(release, NO_NUMBERS)
    return [(o.label, o.count.text, o.percent.text) for o in result.options]


def test_answers_few_gave_are_added_together_and_nothing_is_hidden():
    """13 people: 6 happy, 7 OK, none sad. One by one, sad (0) must be hidden and OK with
    it; added together, "Sad or OK" is 7 and the whole table is shown."""
    release = _release(["happy"] * 6 + ["ok"] * 7)
    assert _rows(release) == [("Sad or OK", "7", "54%"), ("Happy", "6", "46%")]
    assert release.percent(("question", "small", "feel")).text == "46%"
    question = {k: s for k, s in release.protection.counts.items() if "feel" in k}
    assert set(question.values()) == {"shown"}
    # The single answers inside a row stay uncertain, as a hidden count does.
    audited = {f.key: f for f in release.audit()}
    sad = audited[("chose", "small", "feel", "sad")]
    assert (sad.low, sad.high) == (0, 7) and sad.safe
    assert not release.unsafe()


def test_answers_each_given_by_5_or_more_are_shown_one_by_one_and_a_reader_knows_it():
    release = _release(["happy"] * 6 + ["ok"] * 7 + ["sad"] * 5)
    assert _rows(release) == [("Sad", "5", "28%"), ("OK", "7", "39%"), ("Happy", "6", "33%")]
    told = {k.figure.key: (k.low, k.high) for k in release.published_facts()}
    five_or_more = (RULES.min_count, float("inf"))
    assert told[("told", "chose", "small", "feel", "sad")] == five_or_more
    assert told[("told", "chose", "small", "feel", "ok")] == five_or_more


def test_a_revision_keeps_how_version_1_showed_each_question():
    """Version 1 shows sad (5) and OK (7) one by one; one sad person withdraws. Version 2
    keeps them one by one (the 4 hidden): had it added them together, a reader would know
    an answer fell under 5, and with version 1's numbers, which one the person gave."""
    first = _release(["happy"] * 6 + ["ok"] * 7 + ["sad"] * 5)
    earlier = [read_facts(1, json.loads(json.dumps(first.facts())))]
    assert earlier[0].levels == {("small", "feel"): 0}
    second = _release(["happy"] * 6 + ["ok"] * 7 + ["sad"] * 4, earlier)
    assert [label for label, *_ in _rows(second)] == ["Sad", "OK", "Happy"]
    assert _rows(second)[0][1] == "hidden"
    assert not second.unsafe()
    # And the other way: added together in version 1, so in version 2 too.
    first = _release(["happy"] * 6 + ["ok"] * 7 + ["sad"] * 4)
    earlier = [read_facts(1, json.loads(json.dumps(first.facts())))]
    second = _release(["happy"] * 6 + ["ok"] * 7 + ["sad"] * 6, earlier)
    assert [label for label, *_ in _rows(second)] == ["Sad or OK", "Happy"]


def test_a_scale_of_five_goes_as_far_as_it_must():
    """15 parents on "How good is the help?": 3 very bad, 1 bad, 4 OK, 3 good, 4 very good.
    Very bad or bad (4) is still under 5, so the table goes on to the next level: the
    positive answers and the rest."""
    rules = load_combined_answers(EASYREAD)
    from sefvoice.definitions import load_charter, load_survey_file

    from .conftest import STATIC

    survey = load_survey_file(EASYREAD / "parent-carer-annual.yaml", load_charter(EASYREAD), STATIC)
    survey = dataclasses.replace(survey, questions=(survey.question("overall-help"),))
    answers = ["1"] * 3 + ["2"] + ["3"] * 4 + ["4"] * 3 + ["5"] * 4
    responses = [(survey.slug, "me", {"overall-help": [a]}) for a in answers]
    release = ProtectedFigures(
        [survey],
        [FILLED_BY],
        _counts([survey], responses),
        dataclasses.replace(RULES, combined=rules),
    )
    assert _rows(release) == [
        ("Very bad, bad or OK", "8", "53%"),
        ("Good or very good", "7", "47%"),
    ]
    told = {k.figure.key: k.low for k in release.published_facts() if k.figure.key[0] == "told"}
    assert ("told", "chose", survey.slug, "overall-help", "1+2") not in told
    assert not release.unsafe()
    # With 5 bad and 5 OK, the first level is enough, and a reader knows that its rows
    # the next level would add together are 5 or more.
    answers = ["1"] * 3 + ["2"] * 5 + ["3"] * 5 + ["4"] * 3 + ["5"] * 4
    responses = [(survey.slug, "me", {"overall-help": [a]}) for a in answers]
    release = ProtectedFigures([survey], [FILLED_BY], _counts([survey], responses), RULES)
    assert [label for label, *_ in _rows(release)] == ["Very bad or bad", "OK", "Good or very good"]
    told = {k.figure.key: k.low for k in release.published_facts() if k.figure.key[0] == "told"}
    assert told[("told", "chose", survey.slug, "overall-help", "1+2")] == RULES.min_count
    assert told[("told", "chose", survey.slug, "overall-help", "3")] == RULES.min_count


def test_without_rules_every_answer_is_its_own_row():
    rules = dataclasses.replace(RULES, combined=NONE)
    release = _release(["happy"] * 6 + ["ok"] * 7, rules=rules)
    assert [(label, count) for label, count, _ in _rows(release)] == [
        ("Sad", "hidden"),
        ("OK", "hidden"),
        ("Happy", "6"),
    ]


def test_the_labels_of_answers_added_together():
    labels = [
        ("Very bad", "Bad", "Very bad or bad"),
        ("Good", "Very good", "Good or very good"),
        ("Not good", "OK", "Not good or OK"),
        ("Partly", "No", "Partly or no"),
    ]
    for first, second, joined in labels:
        options = tuple(
            dataclasses.replace(_small_survey("s").questions[0].options[0], label=label)
            for label in (first, second)
        )
        assert joined_label(options) == joined


def test_the_repositorys_rules_group_each_surveys_scales():
    rules = load_combined_answers(EASYREAD)
    from sefvoice.definitions import load_charter, load_survey_file

    from .conftest import STATIC

    survey = load_survey_file(EASYREAD / "parent-carer-annual.yaml", load_charter(EASYREAD), STATIC)
    overall = survey.question("overall-help")
    assert [r.label for r in rules.rows(survey, overall, 1)] == [
        "Very bad or bad",
        "OK",
        "Good or very good",
    ]
    assert [r.label for r in rules.rows(survey, overall, 2)] == [
        "Very bad, bad or OK",
        "Good or very good",
    ]
    # A group must agree on "positive" and hold no "does not apply".
    parsed = parse_combined_answers("single: [[[4, 5]], [[1, 2]]]", "x.yaml")
    assert len(parsed.levels(survey, survey.question("hear-back"))) == 1


def test_a_group_split_by_a_routed_question_is_kept_apart():
    rules = parse_combined_answers("face3: [[[1, 2]]]", "rules.yaml")
    routed = {
        "id": "why",
        "text": "Why?",
        "type": "text",
        "principle": "be-respectful",
        "outcome": 5,
        "optional": True,
        "show_if": {"question": "feel", "answers": ["sad"]},
    }
    survey = _small_survey("s", only=("feel",), more=(routed,))
    assert len(rules.levels(survey, survey.question("feel"))) == 1
    routed["show_if"]["answers"] = ["sad", "ok"]
    survey = _small_survey("s", only=("feel",), more=(routed,))
    assert len(rules.levels(survey, survey.question("feel"))) == 2


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[1, 2]", "needs a question type and its levels"),
        ("text: [[[1, 2]]]", "not a one-answer question type"),
        ("questions: [1]", "needs each question as"),
        ("questions: {nope: [[[1, 2]]]}", "name it"),
        ("questions: {'a b': [[1, 2]]}", "level 1: 1: a group needs"),
        ("face5: [1, 2]", "needs a list of levels"),
        ("face5: [[1, 2]]", "level 1: 1: a group needs two or more places"),
        ("face5: [[[1]]]", "two or more places"),
        ("face5: [[[0, 1]]]", "each a whole number"),
        ("face5: [[[true, 2]]]", "each a whole number"),
        ("face5: [[[1, 99999999999999999999]]]", "each a whole number"),
        ("face5: [[[1, 2], [2, 3]]]", "in one group of a level only"),
        ("face5: [[[1, 1]]]", "in a group once only"),
        ("face5: [[[1, 2]]\n", "not valid YAML"),
        (
            "a: &a [1, 2]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
            "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
            "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n",
            "aliases",
        ),
    ],
)
def test_bad_rules_say_what_is_wrong(text, problem):
    with pytest.raises(SurveyDefinitionError) as raised:
        parse_combined_answers(text, "combined-answers.yaml")
    assert problem in str(raised.value)
    assert str(raised.value).startswith("combined-answers.yaml: ")


def test_no_rules_file_adds_nothing_together(tmp_path):
    assert load_combined_answers(tmp_path) == NONE
    assert parse_combined_answers("", "x.yaml") == NONE


def test_the_surveys_check_names_a_fault_in_the_rules(tmp_path):
    import shutil

    from sefvoice.definitions import check_all

    from .conftest import STATIC

    easyread = tmp_path / "easyread"
    shutil.copytree(EASYREAD, easyread)
    assert check_all(easyread, STATIC, easy_read=False)[1] == []
    (easyread / "combined-answers.yaml").write_text("face5: [[[1, 2], [2, 3]]]\n")
    problems = check_all(easyread, STATIC, easy_read=False)[1]
    assert problems == [
        "combined-answers.yaml: face5: level 1: [2, 3]: an answer can be in one group of a"
        " level only"
    ]
    text = "questions:\n  parent-carer-annual no-such-question: [[[1, 2]]]\n"
    (easyread / "combined-answers.yaml").write_text(text)
    problems = check_all(easyread, STATIC, easy_read=False)[1]
    assert problems == [
        "combined-answers.yaml: questions: 'parent-carer-annual no-such-question': no survey"
        " has that question"
    ]


def test_a_question_of_its_own_takes_its_rule_before_its_types():
    rules = load_combined_answers(EASYREAD)
    from sefvoice.definitions import load_charter, load_survey_file

    from .conftest import STATIC

    survey = load_survey_file(EASYREAD / "parent-carer-annual.yaml", load_charter(EASYREAD), STATIC)
    rows = [r.label for r in rules.rows(survey, survey.question("hear-back"), 2)]
    assert rows == [
        "In a few days",
        "In one or two weeks, it takes longer than that or they never reply",
        "I have not asked them a question",
    ]
    local = [r.label for r in rules.rows(survey, survey.question("local-offer"), 1)]
    assert local == ["Yes", "Partly or no", "I have not used it"]


def test_a_revision_of_a_version_that_kept_no_levels_shows_answers_one_by_one():
    """A version published before tables could add answers together stored no levels: it
    showed every answer on its own row, so its revision does too, whatever its counts (had
    it added "Sad" and "OK" together, a reader would learn one of them is now under 5)."""
    first = _release(["happy"] * 6 + ["ok"] * 7)
    stored = json.loads(json.dumps(first.facts()))
    del stored["levels"]
    second = _release(["happy"] * 7 + ["ok"] * 7, [read_facts(1, stored)])
    assert [label for label, *_ in _rows(second)] == ["Sad", "OK", "Happy"]
    assert not second.unsafe()
