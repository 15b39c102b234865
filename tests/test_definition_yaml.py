"""Survey definitions are YAML that anyone with an officer's account uploads: aliases that
multiply, nesting without end and huge values are refused quickly with short messages."""

from __future__ import annotations

import time
import tracemalloc

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sefvoice.definitions import (
    MAX_PROBLEM_CHARS,
    MAX_PROBLEMS,
    SurveyDefinitionError,
    check_survey_text,
    load_charter,
    parse_survey,
    parse_yaml,
)

from .conftest import EASYREAD, FIXTURES, STATIC
from .test_manage import officer, upload  # noqa: F401 (officer is a fixture)


def alias_bomb(levels: int) -> str:
    """Each level a list of ten aliases of the one before: 10**levels values, in a few
    hundred bytes."""
    lines = ['a0: &a0 ["lol"]']
    for level in range(1, levels + 1):
        lines.append(f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * 10)}]")
    return "\n".join(lines) + f"\nslug: all-types\nversion: 2\nquestions: *a{levels}\n"


def measured(call) -> tuple[float, float, object]:
    """Seconds and MB a call takes, and what it returned or raised."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        outcome = call()
    except Exception as error:  # what it raised is the outcome
        outcome = error
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return seconds, peak, outcome


def test_an_alias_bomb_is_refused_in_well_under_a_second():
    text = alias_bomb(7)  # 10 million values if expanded
    assert len(text) < 500
    seconds, megabytes, outcome = measured(
        lambda: check_survey_text(text, "bomb.yaml", load_charter(EASYREAD), STATIC)
    )
    definition, problems = outcome
    assert definition is None
    assert problems == [
        "bomb.yaml: its aliases (*name) repeat more than 5,000 values; write the repeated"
        " parts out, or repeat them fewer times"
    ]
    assert seconds < 2 and megabytes < 5


def test_an_alias_that_contains_itself_is_refused():
    with pytest.raises(SurveyDefinitionError, match="an alias refers to the list or mapping"):
        parse_yaml("a: &a [1, *a]\n", "loop.yaml")


def test_nesting_without_end_is_refused():
    with pytest.raises(SurveyDefinitionError, match="nest too deeply"):
        parse_yaml("questions: " + "[" * 50_000 + "]" * 50_000, "deep.yaml")


def test_the_shipped_surveys_shared_option_lists_are_within_the_budget():
    text = (EASYREAD / "new-ehcp-parent.yaml").read_text()
    assert "*ypn" in text
    node, data = parse_yaml(text, "new-ehcp-parent.yaml")
    assert data["slug"] == "new-ehcp-parent"


def test_problems_quoting_a_huge_value_are_cut_short_and_counted():
    text = (FIXTURES / "easyread" / "all-types.yaml").read_text()
    huge = "title: [" + ", ".join(["x" * 200] * 2000) + "]\n"
    many = "\n".join(f"extra-{n}: {{id: Bad Id {n}}}" for n in range(10))
    text = text.replace("title:", "old-title:", 1) + huge + many
    definition, problems = check_survey_text(text, "big.yaml", load_charter(EASYREAD), STATIC)
    assert definition is None
    assert problems and all(len(p) <= MAX_PROBLEM_CHARS for p in problems)
    assert any(p.startswith("big.yaml: line") and "'title' must be text" in p for p in problems)


def test_more_problems_than_the_cap_end_with_a_count():
    error = SurveyDefinitionError([f"problem {n}" for n in range(MAX_PROBLEMS + 50)])
    assert len(error.problems) == MAX_PROBLEMS + 1
    assert error.problems[-1] == "and 50 more problems like these"


def test_an_uploaded_alias_bomb_gets_a_short_page(app, officer):  # noqa: F811
    seconds, _, reply = measured(lambda: upload(officer, alias_bomb(7)))
    page = reply.get_data(as_text=True)
    assert reply.status_code == 400
    assert "repeat more than 5,000 values" in page
    assert len(page) < 50_000 and seconds < 10  # minutes when the 10 million values were expanded


YAML_PIECES = st.sampled_from(
    [
        "&a ",
        "*a",
        "&b ",
        "*b",
        "[",
        "]",
        "{",
        "}",
        ": ",
        ", ",
        "- ",
        "\n",
        "  ",
        "x",
        "1",
        '"',
        "!!",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(YAML_PIECES | st.text(max_size=4), max_size=60).map("".join))
def test_any_text_is_parsed_or_refused_with_a_short_message(text):
    try:
        parse_yaml(text, "fuzz.yaml")
    except SurveyDefinitionError as refused:
        assert refused.problems and all(len(p) <= MAX_PROBLEM_CHARS for p in refused.problems)
        assert all(p.startswith("fuzz.yaml: ") for p in refused.problems)


def checking_time(count: int) -> tuple[float, list[str]]:
    """Seconds to check the test survey with `count` options (and two repeated ids) on one
    question, and the problems found. Each option has the same words and picture: one
    picture, one meaning."""
    data = yaml.safe_load((FIXTURES / "easyread" / "all-types.yaml").read_text())
    options = [
        {"id": f"o{n}", "label": "Yes", "picture": "pictures/yes.svg", "alt": "A"}
        for n in range(count)
    ]
    data["questions"][1]["options"] = [*options, options[5], options[7]]
    charter = load_charter(EASYREAD)
    started = time.perf_counter()
    with pytest.raises(SurveyDefinitionError) as refused:
        parse_survey(data, "many.yaml", charter, STATIC)
    return time.perf_counter() - started, refused.value.problems


def test_checking_options_takes_time_in_proportion_to_their_number():
    """20,000 options: about 0.3 s on an idle machine (29 s when each id was counted in the
    list). Compared with 2,000, so that a busy machine does not fail it: ten times the
    options take about ten times as long, not a hundred."""
    small = min(checking_time(2_000)[0] for _ in range(3))  # the best of three: less noise
    large, problems = min(checking_time(20_000) for _ in range(3))
    assert large < 25 * small
    assert [p.split(": ", 2)[-1] for p in problems] == [
        "option id 'o5' is used twice",
        "option id 'o7' is used twice",
    ]
