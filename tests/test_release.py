"""A term's release: one disclosure pass over every table, checked by the attacker (an
integer programme over the cells), on chosen cases and on hundreds of random releases."""

from __future__ import annotations

import dataclasses
import json
import random
from datetime import datetime

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sefvoice.definitions import load_charter, load_survey_file, parse_survey
from sefvoice.definitions.combined_answers import NONE
from sefvoice.demo import generate_responses
from sefvoice.models import CHANNELS
from sefvoice.release import service as release_service
from sefvoice.release.figure_statuses import SHOWN
from sefvoice.release.grouped_counts import TermCounts, grouped_counts
from sefvoice.release.keys import Grouping
from sefvoice.release.protected_figures import ProtectedFigures
from sefvoice.release.shown import Rules
from sefvoice.release.summary import group_tables, question_results
from sefvoice.release.tables import answers_not_shown
from sefvoice.release.versions import read_facts, stack
from sefvoice.surveys.versions import current_surveys, definition_of
from sefvoice.terms import calendar

from .conftest import EASYREAD, FIXTURES, STATIC

RULES = Rules(min_count=5, min_base=10)
SUMMER_2023 = (datetime(2023, 5, 2), datetime(2023, 8, 30))
# One survey with 3 respondents beside larger ones: protected table by table, the other
# tables gave its count away.
SMALL_BESIDE_LARGE = {
    "parent-carer-annual": 3,
    "annual-review-feedback": 12,
    "new-ehcp-parent": 40,
    "young-people-quality-of-life": 40,
    "all-types": 40,
}
CHARTER = load_charter(EASYREAD)
FILLED_BY = Grouping("filled_by", "by-filled-by", "By who filled it in", "Who", CHARTER.filled_by)


def _counts(definitions, responses) -> TermCounts:
    """Grouped counts from responses given as (slug, filled_by, {question: [options]}), or
    (slug, filled_by, answers, channel) to count by channel too; a question left out was
    skipped."""
    columns = ["filled_by", "channel"] if any(len(r) == 4 for r in responses) else ["filled_by"]
    people, answered, chose = [], [], []
    for slug, filled_by, answers, *channel in responses:
        groups = (filled_by, *channel)[: len(columns)]
        people.append((slug, *groups, 1))
        for question_id, options in answers.items():
            answered.append((slug, question_id, *groups, 1))
            chose += [(slug, question_id, option, *groups, 1) for option in options]
    return TermCounts(
        pd.DataFrame(people, columns=["slug", *columns, "n"]),
        pd.DataFrame(answered, columns=["slug", "question_id", *columns, "n"]),
        pd.DataFrame(chose, columns=["slug", "question_id", "option_id", *columns, "n"]),
    )


SMALL_SURVEY = """
slug: small
version: 1
title: Small survey
audience: Testers
start: {picture: p.svg, alt: A, what_for: [x], who_sees: [x], how_long: x, anonymous: [x]}
filled_by:
  question: Who?
  options:
    - {id: me, label: Me, picture: p.svg, alt: A}
    - {id: me-with-help, label: Me with help, picture: p.svg, alt: A}
    - {id: someone-for-me, label: Someone for me, picture: p.svg, alt: A}
finish: [x]
questions:
  - id: feel
    text: How do you feel?
    type: face3
    principle: be-respectful
    outcome: 5
    options:
      - {id: sad, label: Sad, picture: p.svg, alt: A}
      - {id: ok, label: OK, picture: p.svg, alt: A}
      - {id: happy, label: Happy, picture: p.svg, alt: A, positive: true}
  - id: website
    text: Did the website help?
    type: single
    principle: be-respectful
    outcome: 5
    optional: true
    options:
      - {id: "yes", label: "Yes", picture: p.svg, alt: A, positive: true}
      - {id: "no", label: "No", picture: p.svg, alt: A}
      - {id: not-used, label: I have not used it, picture: p.svg, alt: A, not_applicable: true}
  - id: help
    text: Who helps?
    type: multiple
    principle: work-together
    outcome: 3
    options:
      - {id: school, label: School, picture: p.svg, alt: A}
      - {id: nobody, label: No one, picture: p.svg, alt: A, exclusive: true}
  - id: weeks
    text: How many weeks?
    type: number
    principle: work-together
    outcome: 3
    optional: true
    min: 0
    max: 50
"""


def _small_survey(slug: str, only: tuple[str, ...] = (), more: tuple[dict, ...] = ()):
    """The small survey as `slug`, with `only` those questions (if given) and `more`."""
    data = yaml.safe_load(SMALL_SURVEY)
    data["questions"] = [q for q in data["questions"] if not only or q["id"] in only]
    data["questions"] += more
    return dataclasses.replace(parse_survey(data, "small"), slug=slug)


def _all_types(slug: str = "all-types"):
    definition = load_survey_file(FIXTURES / "easyread" / "all-types.yaml", CHARTER, STATIC)
    return dataclasses.replace(definition, slug=slug)


def _unsafe(release: ProtectedFigures) -> list:
    return release.unsafe()


def _note(number: int) -> dict:
    """A free-text question for the small survey."""
    return {
        "id": f"note-{number}",
        "text": f"Anything else ({number})?",
        "type": "text",
        "principle": "be-respectful",
        "outcome": 5,
        "optional": True,
    }


def test_a_survey_with_two_comment_questions_has_at_least_its_comments_added_up():
    """Comments to two questions of one survey sent in different months are different
    people's, so a reader may count more people than wrote to either: each survey's
    respondents are taken to be at least its comments added up, but never more than it
    has (in "both", one person wrote to each question). The facts are published with the
    release, and it stays safe with them."""
    surveys = [
        _small_survey(s, only=("feel",), more=(_note(1), _note(2))) for s in ("apart", "both")
    ]
    people = [("apart", "me", {"feel": ["ok"], f"note-{1 + i % 2}": []}) for i in range(4)]
    wrote = [("note-1", "note-2"), ("note-1",), ("note-2",)]
    people += [("both", "me", {"feel": ["ok"], **dict.fromkeys(notes, [])}) for notes in wrote]
    release = ProtectedFigures(surveys, [FILLED_BY], _counts(surveys, people), RULES)
    facts = {fact.figure.key: fact.low for fact in release.commented}
    assert facts == {
        ("comments", "apart", "note-1"): 2,
        ("comments", "apart", "note-2"): 2,
        ("comments", "apart"): 4,
        ("comments", "both", "note-1"): 2,
        ("comments", "both", "note-2"): 2,
        ("comments", "both"): 3,
    }
    published = {tuple(key) for key, *_ in release.facts()["facts"]}
    assert set(facts) <= published
    assert not _unsafe(release)


def test_a_small_option_takes_a_second_option_with_it():
    definition = _all_types()
    answers = ["cats"] * 30 + ["dogs"] * 3
    responses = [("all-types", "me", {"pick-one": [a]}) for a in answers]
    release = ProtectedFigures([definition], [FILLED_BY], _counts([definition], responses), RULES)
    assert release.count(("chose", "all-types", "pick-one", "dogs")).text == "hidden"
    # 33 answered, shown: the 30 goes too, or 33 - 30 would give the 3 away.
    assert release.count(("answering", "all-types", "pick-one")).text == "33"
    assert release.count(("chose", "all-types", "pick-one", "cats")).text == "hidden"
    assert release.percent(("question", "all-types", "pick-one")).text == "hidden"
    assert not _unsafe(release)


def test_two_small_counts_that_make_a_shown_total_say_nothing_of_size():
    """7 people, 3 and 4 by survey: "fewer than 5" for both would say each is 3 or 4; each
    says "hidden", which says nothing of its size."""
    first, second = _all_types("first"), _all_types("second")
    responses = [("first", "me", {})] * 2 + [("first", "me-with-help", {})]
    responses += [("second", "someone-for-me", {})] * 4
    release = ProtectedFigures(
        [first, second], [FILLED_BY], _counts([first, second], responses), RULES
    )
    assert release.count(("respondents",)).text == "7"
    labels = {release.count(("respondents", "survey", s)).text for s in ("first", "second")}
    assert labels == {"hidden"}
    assert not _unsafe(release)


def test_a_count_hidden_to_protect_another_says_nothing_of_its_size():
    """13 people: 6 happy, 7 OK, none sad. Hiding the 7 protects the 0, as long as "hidden"
    does not say "5 or more" (it would put sad at 13 - 6 - 5 = 2 at most, and take the
    happy 6, the question's % positive and more with it)."""
    definition = _small_survey("small", only=("feel",))
    answers = ["happy"] * 6 + ["ok"] * 7
    responses = [("small", "me", {"feel": [a]}) for a in answers]
    counts = _counts([definition], responses)
    # Answers shown one by one (added together, "sad or OK" would be 7: nothing hidden).
    one_by_one = dataclasses.replace(RULES, combined=NONE)
    release = ProtectedFigures([definition], [FILLED_BY], counts, one_by_one)
    shown = {key: release.count(key).text for key in release.protection.counts}
    assert shown[("chose", "small", "feel", "sad")] == "hidden"
    assert shown[("chose", "small", "feel", "ok")] == "hidden"
    question = [k for k in shown if k[:3] == ("chose", "small", "feel")]
    assert [k for k in question if shown[k] == "hidden" and release.value(k) >= 5] == [
        ("chose", "small", "feel", "ok")
    ]
    assert shown[("answering", "small", "feel")] == shown[("respondents",)] == "13"
    assert shown[("chose", "small", "feel", "happy")] == "6"
    assert release.percent(("question", "small", "feel")).text == "46%"
    assert not _unsafe(release)


def test_a_rounded_percentage_stays_beside_its_hidden_total():
    """A survey of 3 (one in each group) beside one of 30: the term's total must be hidden
    (30 + 3 = 33 would give the 3 away), but its % positive, over 33 answers, need not be:
    shown, it says only that the total is at least 10, which the attacker is told."""
    first, second = _small_survey("first", only=("feel",)), _small_survey("second", only=("feel",))
    responses = [("first", "me", {"feel": ["happy"]})] * 2
    responses += [("first", "me", {"feel": ["ok"]})] * 18
    responses += [("first", "me-with-help", {"feel": ["ok"]})] * 9
    responses += [("first", "someone-for-me", {"feel": ["happy"]})]
    responses += [("second", group, {"feel": ["happy"]}) for group in FILLED_BY.names]
    release = ProtectedFigures(
        [first, second], [FILLED_BY], _counts([first, second], responses), RULES
    )
    assert release.count(("respondents",)).text == "hidden"
    assert release.percent(("all",)).text == "18%"  # 6 of 33
    facts = {k.figure.key: (k.low, k.high) for k in release.published_facts()}
    assert facts[("gate", "percent", "all")] == (RULES.min_base, float("inf"))
    assert not _unsafe(release)


def test_a_row_no_one_is_in_is_listed_as_0_and_a_hidden_one_is_read_as_1_or_more():
    """12 people "me" and 2 "with help", all on the first of two surveys: the group no one
    was in and the survey no one answered are listed as 0, with "no answers" for their %
    positive; the group of 2 says "hidden", which a reader then knows is at least 1."""
    first = _all_types("first")
    second = dataclasses.replace(_all_types("second"), title="Second survey")
    responses = [("first", "me", {})] * 12 + [("first", "me-with-help", {})] * 2
    release = ProtectedFigures(
        [first, second], [FILLED_BY], _counts([first, second], responses), RULES
    )
    by_filled_by, by_survey = group_tables(release, "Summer 2023")
    rows = {row.name: (row.respondents.text, row.positive.text) for row in by_filled_by.rows}
    assert list(rows) == list(CHARTER.filled_by.values())
    assert rows[CHARTER.filled_by["someone-for-me"]] == ("0", "no answers")
    assert rows[CHARTER.filled_by["me-with-help"]][0] == "hidden"
    surveys = {row.name: row.respondents.text for row in by_survey.rows}
    assert surveys[second.title] == "0" and len(surveys) == 2
    found = {f.key: f for f in release.audit()}
    assert found[("respondents", "filled_by", "me-with-help")].low >= 1
    assert not _unsafe(release)


def _load(sizes: dict[str, int]) -> None:
    for seed, survey in enumerate(current_surveys()):
        generate_responses(
            survey, definition_of(survey), sizes[survey.slug], *SUMMER_2023, seed=seed
        )


def test_a_small_survey_cannot_be_recovered_from_any_table(app):
    """3 respondents beside surveys of 12 and 40. Protected table by table, the 12 would be
    hidden to protect the 3, but its question tables give it away, and the term's total minus
    the others gives the 3. Protected over the whole release, nothing can be narrowed."""
    with app.app_context():
        _load(SMALL_BESIDE_LARGE)
        term = calendar().named("Summer 2023")
        counts = grouped_counts([term])
        definitions = [definition_of(s) for s in current_surveys()]
        release = ProtectedFigures(definitions, [FILLED_BY], counts.of(term.name), RULES)
        summary = release_service.publication_for(term).summary
    assert not _unsafe(release)
    by_survey = {row.name: row.respondents.text for row in summary.group("by-survey").rows}
    assert by_survey["Parent carer survey"] == "hidden"
    assert release.protection.secondary  # something more had to be hidden


# Random releases: surveys of 0 to 6 people beside larger ones, skips, every grouping.

GROUPS = list(CHARTER.filled_by)


@st.composite
def releases(draw):
    surveys = [_small_survey(f"survey-{i}") for i in range(draw(st.integers(2, 3)))]
    sizes = [draw(st.integers(0, 6))] + [
        draw(st.integers(0, 6) | st.integers(10, 30)) for _ in surveys[1:]
    ]
    rng = random.Random(draw(st.integers(0, 10**6)))
    lean = draw(st.floats(0.1, 0.9))
    responses = []
    for survey, size in zip(surveys, sizes, strict=True):
        for _ in range(size):
            answers = {}
            for question in survey.questions:
                if question.optional and rng.random() < 0.3:  # skipped
                    continue
                if question.type == "number":
                    answers[question.id] = []
                    continue
                weights = [lean if o.positive else 1 - lean for o in question.options]
                ids = [o.id for o in question.options]
                if question.type == "multiple":
                    answers[question.id] = _several(question, rng)
                else:
                    answers[question.id] = rng.choices(ids, weights)
            responses.append((survey.slug, rng.choice(GROUPS), answers))
    return surveys, responses


def _several(question, rng: random.Random) -> list[str]:
    """Answers to a multiple-choice question: one or two, an exclusive one ("No one") alone."""
    chosen = set(rng.choices([o.id for o in question.options], k=rng.randint(1, 2)))
    alone = [o.id for o in question.options if o.exclusive and o.id in chosen]
    return alone[:1] if alone and rng.random() < 0.5 else sorted(chosen - set(alone) or alone)


def _attacker_finds_nothing(release_input) -> None:
    surveys, responses = release_input
    release = ProtectedFigures(surveys, [FILLED_BY], _counts(surveys, responses), RULES)
    assert not _unsafe(release)
    # Whatever is shown is the true count.
    for key, status in release.protection.counts.items():
        if status == SHOWN:
            assert release.count(key).value == release.value(key)


# Each release is a few seconds' solving on a busy machine: a developer's run tries a few,
# CI (`-m slow`) many.
RANDOM_RELEASES = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}


@settings(max_examples=8, derandomize=True, **RANDOM_RELEASES)
@given(releases())
def test_the_attacker_finds_nothing_in_random_releases(release_input):
    _attacker_finds_nothing(release_input)


@pytest.mark.slow
@settings(max_examples=80, derandomize=True, **RANDOM_RELEASES)
@given(releases())
def test_the_attacker_finds_nothing_in_many_random_releases(release_input):
    _attacker_finds_nothing(release_input)


# Random revisions: small groups by who filled it in and by channel, "No one" ticked alone,
# published; then late returns (and now and then a withdrawal) published as version 2.

CHANNEL = Grouping("channel", "by-channel", "How people answered", "How", CHANNELS)
WAYS = list(CHANNELS)


@st.composite
def revisions(draw, larger: bool = True):
    survey = _small_survey("survey-0", only=("feel", "website", "help"))
    rng = random.Random(draw(st.integers(0, 10**6)))
    size = draw(st.integers(3, 8) | st.integers(10, 18) if larger else st.integers(3, 8))
    lean = draw(st.floats(0.1, 0.9))

    def person(ways: list[str]) -> tuple:
        answers = {}
        for question in survey.questions:
            if question.optional and rng.random() < 0.3:
                continue
            if question.type == "multiple":
                answers[question.id] = _several(question, rng)
            else:
                weights = [lean if o.positive else 1 - lean for o in question.options]
                answers[question.id] = rng.choices([o.id for o in question.options], weights)
        return (survey.slug, rng.choice(GROUPS), answers, rng.choice(ways))

    first = [person(["online"] * 6 + WAYS) for _ in range(size)]
    late = [person(["paper", "phone", "with_help"]) for _ in range(draw(st.integers(1, 2)))]
    withdrawn = draw(st.integers(0, 1)) if size > 3 else 0
    return survey, first, first[withdrawn:] + late


def _revision_is_safe(revision_input) -> None:
    """Version 1 published; version 2 protected against it; the attacker, knowing both
    versions, narrows nothing in either (nor the answers of the people added or
    withdrawn)."""
    survey, first, second = revision_input
    groupings = [FILLED_BY, CHANNEL]
    published = ProtectedFigures([survey], groupings, _counts([survey], first), RULES)
    assert not _unsafe(published)
    earlier = [read_facts(1, json.loads(json.dumps(published.facts())))]
    revised = ProtectedFigures([survey], groupings, _counts([survey], second), RULES, earlier)
    assert not _unsafe(revised)


@settings(max_examples=2, derandomize=True, **RANDOM_RELEASES)
@given(revisions(larger=False))
def test_the_attacker_finds_nothing_in_random_revisions(revision_input):
    _revision_is_safe(revision_input)


@pytest.mark.slow
@settings(max_examples=30, derandomize=True, **RANDOM_RELEASES)
@given(revisions())
def test_the_attacker_finds_nothing_in_many_random_revisions(revision_input):
    _revision_is_safe(revision_input)


def _version(number: int, release: ProtectedFigures):
    return read_facts(number, json.loads(json.dumps(release.facts())))


def _answer_counts(release: ProtectedFigures) -> list[dict]:
    """The release's cells of answers: who answered each question, and who gave each answer."""
    frame = release.cells.frame
    return frame[frame["kind"].isin(["answering", "chose"])].to_dict("records")


def test_late_answers_wait_until_there_are_five_and_a_withdrawal_never_waits():
    survey = _small_survey("survey-0", only=("feel", "website", "help"))
    groupings = [FILLED_BY, CHANNEL]
    rng = random.Random(3)

    def person(way: str) -> tuple:
        answers = {
            q.id: [rng.choice([o.id for o in q.options if not o.exclusive])]
            for q in survey.questions
        }
        return (survey.slug, rng.choice(GROUPS), answers, way)

    first = [person("online") for _ in range(14)]
    late = [person("paper") for _ in range(5)]

    def release(people: list, earlier=()) -> ProtectedFigures:
        found = ProtectedFigures([survey], groupings, _counts([survey], people), RULES, earlier)
        assert not _unsafe(found)
        return found

    one = release(first)
    earlier = [_version(1, one)]
    # One late return: counted among the people, its answers wait (version 1's, cell for
    # cell), and the attacker knows 1 to 4 people were added.
    two = release(first + late[:1], earlier)
    assert two.kept_answers.version == 1 and _answer_counts(two) == _answer_counts(one)
    assert two.value(("respondents",)) == 15
    over = stack(two.cells, two.figures, earlier, RULES, two.answers)
    assert [(k.low, k.high) for k in over.known if k.figure.key[0] == "late"] == [(1, 4)]
    earlier.append(_version(2, two))
    assert earlier[-1].answers_of == 1
    # Four more: five since version 1's answers, so all five people's answers are added,
    # protected against both versions.
    three = release(first + late, earlier)
    assert three.kept_answers is None
    assert _answer_counts(three) == _answer_counts(release(first + late))
    over = stack(three.cells, three.figures, earlier, RULES, three.answers)
    late_facts = sorted(
        (k.figure.key, k.low, k.high) for k in over.known if k.figure.key[0] == "late"
    )
    assert late_facts == [(("late", "2", "1"), 1, 4), (("late", "3", "1"), 5, np.inf)]
    # A withdrawal beside a late return: both people's answers leave or join the tables.
    withdrawn = release(first[1:] + late[:1], earlier[:1])
    assert withdrawn.kept_answers is None
    assert _answer_counts(withdrawn) == _answer_counts(release(first[1:] + late[:1]))


def test_a_survey_too_few_answered_stays_unshown_while_its_late_answers_wait():
    """9 people: no answers shown. One late return makes 10, but the answers kept are the
    9's: still not shown, and the line says whose."""
    survey = _small_survey("survey-0", only=("feel", "website"))
    nine = [(survey.slug, "me", {"feel": ["happy"], "website": ["yes"]}, "online")] * 9
    late = [(survey.slug, "me", {"feel": ["sad"], "website": ["no"]}, "paper")]
    groupings = [FILLED_BY, CHANNEL]
    first = ProtectedFigures([survey], groupings, _counts([survey], nine), RULES)
    earlier = [_version(1, first)]
    second = ProtectedFigures([survey], groupings, _counts([survey], nine + late), RULES, earlier)
    assert not _unsafe(second)
    assert second.count(("respondents", "survey", survey.slug)).text == "10"
    assert not second.answers_shown(survey.slug)
    (result, *_) = question_results(second, pd.DataFrame(columns=["slug", "question_id"]))
    assert answers_not_shown(result).rows == [
        ["Too few people had answered this survey by version 1 to show answers"]
    ]


def test_a_late_comment_is_read_while_its_answers_wait():
    """Reps read approved comments live: a late return's comment says one more person
    answered, whose answers wait. The survey's people are taken to be at least every
    comment written, the late one too."""
    survey = _small_survey("small", only=("feel",), more=(_note(1),))
    wrote = {"feel": ["ok"], "note-1": []}
    first = [("small", "me", wrote)] * 3 + [("small", "me", {"feel": ["ok"]})] * 9
    one = ProtectedFigures([survey], [FILLED_BY], _counts([survey], first), RULES)
    earlier = [_version(1, one)]
    late = _counts([survey], [*first, ("small", "me", wrote)])
    two = ProtectedFigures([survey], [FILLED_BY], late, RULES, earlier)
    assert two.kept_answers is not None
    facts = {fact.figure.key: fact.low for fact in two.commented}
    assert facts == {("comments", "small", "note-1"): 3, ("comments", "small"): 4}
    assert not _unsafe(two)


# Bases that say what they mean


def test_does_not_apply_answers_are_left_out_of_the_base_and_shown_beside_it():
    """10 yes and 10 no among users, 12 who never used the website."""
    survey = _small_survey("small", only=("feel", "website"))
    answers = ["yes"] * 10 + ["no"] * 10 + ["not-used"] * 12
    feel = ["happy"] * 20 + ["ok"] * 6 + ["sad"] * 6
    responses = [
        ("small", "me", {"feel": [f], "website": [a]}) for f, a in zip(feel, answers, strict=True)
    ]
    # Five more skip it (were none to skip, "people who answered" would say so).
    responses += [("small", "me", {"feel": ["happy"]})] * 5
    release = ProtectedFigures([survey], [FILLED_BY], _counts([survey], responses), RULES)
    assert release.percent(("question", "small", "website")).text == "50%"  # not 31%
    assert release.count(("base", "question", "small", "website")).text == "20"
    assert release.count(("chose", "small", "website", "not-used")).text == "12"
    base = ("base", "question", "small", "website")
    assert release.share(("chose", "small", "website", "yes"), base).text == "50%"
    # The survey's figure pools feel (25 of 37) and website (10 of 20): 35 of 57.
    assert release.percent(("survey", "small")).text == "61%"
    assert not _unsafe(release)


def test_group_figures_count_only_scored_questions():
    """A one-answer question with no positive option (scored: false)
    does not pull the survey's % positive down."""
    next_step = {
        "id": "next",
        "text": "What next?",
        "type": "single",
        "principle": "do-what-matters",
        "outcome": 4,
        "scored": False,
        "options": [
            {"id": "school", "label": "School", "picture": "p.svg", "alt": "A"},
            {"id": "job", "label": "Job", "picture": "p.svg", "alt": "A"},
        ],
    }
    survey = _small_survey("small", only=("feel",), more=(next_step,))
    feel = ["happy"] * 10 + ["ok"] * 5 + ["sad"] * 5
    next_steps = ["school"] * 11 + ["job"] * 9
    responses = [
        ("small", "me", {"feel": [f], "next": [n]}) for f, n in zip(feel, next_steps, strict=True)
    ]
    release = ProtectedFigures([survey], [FILLED_BY], _counts([survey], responses), RULES)
    assert release.percent(("survey", "small")).text == "50%"  # 10 of 20, not 10 of 40
    assert release.percent(("all",)).text == "50%"
    assert release.value(("base", "filled_by", "me")) == 20
    # Everyone is "me": the other rows are listed as 0, so that row is the total, shown.
    assert release.count(("respondents", "filled_by", "me")).text == "20"
    assert release.percent(("filled_by", "me")).text == "50%"


# Scorecards like for like


def _result(question_id: str, published: tuple[int, int] | None):
    from sefvoice.release.shown import Shown
    from sefvoice.release.summary import QuestionResult

    return QuestionResult(
        "s", "S", question_id, "Q", "single", "p", 1, Shown(None, ""), published_positive=published
    )


def test_change_since_last_term_compares_the_same_questions_unrounded():
    from sefvoice.release.summary import scorecard

    now = [_result("a", (50, 100)), _result("b", (90, 100)), _result("c", None)]
    # Last term "b" was not published and "c" was: neither is compared.
    before = [_result("a", (60, 100)), _result("b", None), _result("c", (10, 10))]
    (row,) = scorecard(now, before, "outcome", {1: "Outcome"}, RULES)
    assert row.questions == 2  # a and b fed the figure; c's % is hidden
    assert row.positive.text == "70%"  # 140 of 200
    assert row.change.text == "-10 points"  # a: 50% against 60%, the same question
    # From unrounded values, rounded once: 40.4% against 40.25% is less than a point up,
    # not -1 (and not "no change", which is said only of none).
    (row,) = scorecard(
        [_result("a", (202, 500))], [_result("a", (161, 400))], "outcome", {1: "O"}, RULES
    )
    assert row.change.text == "up by less than 1 point" and row.change.value == 0
    (row,) = scorecard(  # 48.4% against 40.6%: +7.8, not 48 - 41
        [_result("a", (484, 1000))], [_result("a", (406, 1000))], "outcome", {1: "O"}, RULES
    )
    assert row.change.text == "+8 points"
    # Shown only where both terms' bases meet the rule.
    (row,) = scorecard([_result("a", (5, 9))], [_result("a", (6, 10))], "outcome", {1: "O"}, RULES)
    assert row.change.hidden


def test_the_audit_command_prints_each_hidden_figure_and_fails_when_one_is_unsafe(
    app, database_url, monkeypatch
):
    from click.testing import CliRunner

    from sefvoice.cli import main
    from sefvoice.release.attack import Finding

    with app.app_context():
        _load({s.slug: 0 for s in current_surveys()} | {"all-types": 14})
    monkeypatch.setenv("SEFVOICE_DATABASE_URL", database_url)
    result = CliRunner().invoke(main, ["release", "audit", "--term", "Summer 2023"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Summer 2023: ")
    assert "No hidden figure can be narrowed to fewer than 5 values." in result.output
    unsafe = Finding(("respondents", "survey", "all-types"), 3, 3, 3, False)
    monkeypatch.setattr(ProtectedFigures, "audit", lambda self: [unsafe])
    result = CliRunner().invoke(main, ["release", "audit", "--term", "Summer 2023"])
    assert result.exit_code == 1
    assert "respondents / survey / all-types  true     3  a reader can tell: 3 to 3  UNSAFE" in (
        result.output
    )
    bad = CliRunner().invoke(main, ["release", "audit", "--term", "Michaelmas 2023"])
    assert bad.exit_code == 2 and "is not a term" in bad.output


def test_further_figures_are_chosen_at_least_cost_to_readers():
    """A survey of 3 beside one of 20, everyone "me" and online: the term's total, its "me"
    row and its "online" row (the others 0) each give the 3 away beside the 20. Hiding
    those three costs readers less than hiding the 20 and, with it, the people who
    answered each of its questions; no one or two of them is enough."""
    feelings = [
        {**yaml.safe_load(SMALL_SURVEY)["questions"][0], "id": f"feel-{n}"} for n in range(4)
    ]
    big = _small_survey("big", only=("feel",), more=tuple(feelings))
    small = _small_survey("small", only=("feel",))
    answers = {q.id: ["happy"] for q in big.questions}
    responses = [("big", "me", answers, "online")] * 20
    responses += [("small", "me", {"feel": ["ok"]}, "online")] * 3
    counts = _counts([big, small], responses)
    release = ProtectedFigures([big, small], [FILLED_BY, CHANNEL], counts, RULES)
    assert release.count(("respondents", "survey", "small")).text == "hidden"
    assert release.count(("respondents",)).text == "hidden"
    assert release.count(("respondents", "filled_by", "me")).text == "hidden"
    assert release.count(("respondents", "channel", "online")).text == "hidden"
    assert release.count(("respondents", "survey", "big")).text == "20"
    for question in big.questions:
        assert release.count(("answering", "big", question.id)).text == "20"
    assert not _unsafe(release)
