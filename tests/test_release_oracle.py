"""The audit against brute force: on tiny terms, every table of counts consistent with
what a release publishes is enumerated (tests/reader_enumeration.py, written without the
release's own cells or attacker), and each hidden figure's range over them must be the
range the audit (`ProtectedFigures.audit`) gives it.

A reader knows facts the release's model may not have yet (reader_enumeration.FACTS).
Those the model lacks are listed in GAPS: the random terms are compared with the reader
less those, and each gap has a term of its own where it narrows a hidden figure, expected
to fail until the model has it (strict: each flips when the model learns the fact, and
then the fact leaves GAPS).
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import pandas as pd
import pytest
import yaml

from sefvoice.definitions import parse_survey
from sefvoice.definitions.model import ONE_ANSWER_TYPES
from sefvoice.release.figure_statuses import SHOWN
from sefvoice.release.keys import Grouping, base_key, scored
from sefvoice.release.protected_figures import ProtectedFigures
from sefvoice.release.shown import Rules
from sefvoice.release.summary import group_tables, question_results

from .reader_enumeration import (
    COMBINED,
    EMPTY,
    EXCLUSIVE,
    FACTS,
    INF,
    LISTED,
    SURVEY_SIZE,
    Question,
    Reading,
    enumerate_ranges,
)
from .test_release import _counts

RULES = Rules(min_count=5, min_base=10)
GROUPS = {"me": "Me", "someone-for-me": "Someone for me"}
GROUPING = Grouping("filled_by", "by-filled-by", "By who filled it in", "Who", GROUPS)
# The facts a reader has that the release's model does not model yet.
GAPS: frozenset[str] = frozenset()
SURVEY = """
slug: tiny
version: 1
title: Tiny survey
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
  - id: site
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
      - {id: health, label: Health, picture: p.svg, alt: A}
      - {id: nobody, label: No one, picture: p.svg, alt: A, exclusive: true}
  - id: school
    text: How is school?
    type: face5
    principle: be-respectful
    outcome: 5
    options:
      - {id: "1", label: Very bad, picture: p.svg, alt: A}
      - {id: "2", label: Bad, picture: p.svg, alt: A}
      - {id: "3", label: OK, picture: p.svg, alt: A}
      - {id: "4", label: Good, picture: p.svg, alt: A, positive: true}
      - {id: "5", label: Very good, picture: p.svg, alt: A, positive: true}
"""


def tiny_survey(questions: Sequence[str]):
    data = yaml.safe_load(SURVEY)
    data["questions"] = [q for q in data["questions"] if q["id"] in questions]
    return parse_survey(data, "tiny")


Answers = dict[str, list[str]]


def release_of(
    definition, people: list[tuple[str, Answers]], rules: Rules = RULES
) -> ProtectedFigures:
    """The release of a term of `people` (group, answers; a question left out was skipped)."""
    responses = [(definition.slug, group, answers) for group, answers in people]
    return ProtectedFigures([definition], [GROUPING], _counts([definition], responses), rules)


# Reading a release as a reader does


def _count_fact(release: ProtectedFigures, key) -> tuple[float, float] | None:
    status, text = release.protection.counts[key], release.count(key).text
    if status == SHOWN:
        return (int(text.replace(",", "")),) * 2
    assert text == "hidden"  # under the rule or hidden to protect another: no size
    return None


def _published_number(release: ProtectedFigures, key) -> int | None:
    text = release.count(key).text.replace(",", "")
    return int(text) if text.isdigit() else None


def _percent(text: str) -> int | None:
    return int(text[:-1]) if text.endswith("%") else None


def read(release: ProtectedFigures) -> Reading:
    """Everything the release shows, as facts about its figures (reader_enumeration's
    docstring says how each label is read)."""
    (definition,) = release.definitions
    slug, rules = definition.slug, release.rules
    reading = Reading(
        slug,
        tuple(GROUPS),
        tuple(
            Question(
                q.id,
                tuple(o.id for o in q.options),
                q.type in ONE_ANSWER_TYPES,
                q.optional,
                frozenset(o.id for o in q.options if o.positive),
                frozenset(o.id for o in q.options if o.not_applicable),
                frozenset(o.id for o in q.options if o.exclusive),
                # The published rule (easyread/combined-answers.yaml) gives the levels.
                tuple(
                    tuple(tuple(o.id for o in row) for row in level)
                    for level in rules.combined.levels(definition, q)
                ),
            )
            for q in definition.questions
        ),
        min_count=rules.min_count,
        min_base=rules.min_base,
    )
    for key in release.protection.counts:
        fact = _count_fact(release, key)
        if fact is not None:
            reading.counts[key] = fact
        if key[0] == "respondents":
            reading.people.append(key)

    def _check_label(text: str, gates) -> None:
        """A percentage not shown says "no answers" exactly where one of the counts it needs
        is published as 0, and "too few answers" where one is published as under 10: its
        label tells a reader nothing more."""
        published = [_published_number(release, g) for g in gates]
        if 0 in published:
            expected = "no answers"
        elif any(n is not None and n < rules.min_base for n in published):
            expected = "too few answers"
        else:
            expected = "hidden"
        assert text == expected, f"{text!r} beside {gates}"

    def read_percent(scope, text: str, gates) -> None:
        """A % positive: shown, "no answers", "too few answers" or "hidden"."""
        positive, base = ("positive", *scope), ("base", *scope)
        shown = _percent(text)
        if shown is not None:
            reading.percents[(positive, base)] = shown
            for gate in gates:  # shown only over at least 10 people, hidden or not
                low, high = reading.counts.get(gate, (0, INF))
                reading.counts[gate] = (max(low, rules.min_base), high)
        elif text in ("no answers", "too few answers", "hidden"):
            _check_label(text, gates)
        elif text:
            raise AssertionError(f"a % positive shown as {text!r}")

    numbers = pd.DataFrame(columns=["slug", "question_id", "number", "n"])
    results = question_results(release, numbers)
    # In place of its answers, the survey says too few people answered it.
    reading.answers_shown = all(r.answers_shown for r in results)
    for question, result in zip(definition.questions, results, strict=True):
        base = base_key(slug, question)
        levels = rules.combined.levels(definition, question)
        if result.answers_shown and len(levels) > 1:  # the level whose rows the table shows
            rows = [o.option_ids for o in result.options]
            reading.levels[question.id] = next(
                i
                for i, level in enumerate(levels)
                if [tuple(o.id for o in r) for r in level] == rows
            )
        for option in result.options:
            # The answers the row counts: one, or several added together.
            chose = ("chose", slug, question.id, "+".join(option.option_ids))
            shown = _percent(option.percent.text)
            if shown is not None:
                reading.percents[(chose, base)] = shown
            elif option.percent.text:
                _check_label(option.percent.text, (base,))
        if scored(question):
            scope = ("question", slug, question.id)
            if result.interval is not None:  # "of 12 answers": the base is printed
                reading.counts[("base", *scope)] = (int(result.base.text.replace(",", "")),) * 2
            read_percent(scope, result.positive.text, (base,))
    tables = group_tables(release, "Term")
    for table in tables:
        for row in table.rows:
            if table.id == "by-survey":
                scope = ("survey", slug)
            else:
                scope = (GROUPING.column, next(v for v, n in GROUPS.items() if n == row.name))
            people = (
                ("respondents", *scope) if scope[0] != "survey" else ("respondents", "survey", slug)
            )
            read_percent(scope, row.positive.text, (people,))
    listed = {row.name for row in tables[0].rows}
    reading.left_out += [
        ("respondents", GROUPING.column, value)
        for value, name in GROUPS.items()
        if name not in listed
    ]
    if definition.title not in {row.name for row in tables[-1].rows}:
        reading.left_out.append(("respondents", "survey", slug))
    read_percent(("all",), release.percent(("all",)).text, (("respondents",),))
    return reading


# Comparing


def disagreements(release: ProtectedFigures, facts: frozenset[str], cap: int = 16) -> list[str]:
    """Each figure the audit must keep uncertain whose range differs from the enumeration's
    (with the reader's `facts`), said as figure, true value, audit's range, enumeration's."""
    findings = release.audit()
    assert findings, "nothing hidden: nothing to compare"
    keys = [f.key for f in findings]
    ranges = enumerate_ranges(read(release), keys, facts, cap)
    found = []
    for finding in findings:
        got = ranges[finding.key]
        assert got.low <= finding.value <= got.high, f"{finding.key}: the truth was not enumerated"
        if (got.low, got.high) == (finding.low, finding.high):
            continue
        # Groups are enumerated up to `cap` people, and a group that nothing published
        # limits can be larger: above its top a rounded percentage can need more people
        # than the cap, so there the enumeration may stop short of the audit (never go past
        # it), and agrees where both find the figure safe.
        within = got.low == finding.low and got.high <= finding.high
        agrees = within and (got.high >= cap or got.high - got.low + 1 >= RULES.min_count)
        if not agrees:
            high = f"{got.high} or more" if got.high >= cap else got.high
            found.append(
                f"{' / '.join(finding.key)} (true {finding.value}): the audit says"
                f" {finding.low} to {finding.high}, the enumeration {got.low} to {high}"
            )
    return found


def _person(definition, rng: random.Random, lean: float) -> Answers:
    answers: Answers = {}
    for q in definition.questions:
        if q.optional and rng.random() < 0.3:
            continue
        ids = [o.id for o in q.options]
        if q.type == "multiple":
            alone = [o.id for o in q.options if o.exclusive]
            others = [i for i in ids if i not in alone]
            if alone and rng.random() < 0.3:
                answers[q.id] = alone
            else:
                answers[q.id] = sorted(set(rng.choices(others, k=rng.randint(1, 2))))
        else:
            weights = [lean if o.positive else (1 - lean) / 2 for o in q.options]
            answers[q.id] = rng.choices(ids, weights)
    return answers


QUESTION_SETS = (("feel",), ("feel", "help"), ("feel", "site"), ("site", "help"))


def random_term(seed: int) -> tuple[object, list[tuple[str, Answers]]]:
    """A term of 4 to 12 people on one to two questions of the tiny survey, in two groups
    (one of them small now and then)."""
    rng = random.Random(seed)
    definition = tiny_survey(rng.choice(QUESTION_SETS))
    size, lean = rng.randint(4, 12), rng.uniform(0.2, 0.8)
    small = rng.random() < 0.5
    people = []
    for i in range(size):
        group = (
            "someone-for-me" if (i < rng.randint(1, 3) if small else rng.random() < 0.5) else "me"
        )
        people.append((group, _person(definition, rng, lean)))
    return definition, people


def _check(seed: int) -> None:
    definition, people = random_term(seed)
    release = release_of(definition, people)
    if not release.audit():
        return  # nothing hidden (a term shown whole): nothing to compare
    found = disagreements(release, FACTS - GAPS)
    assert not found, f"seed {seed}: " + "; ".join(found)


@pytest.mark.parametrize("seed", range(6))
def test_the_audit_matches_the_enumeration_on_tiny_terms(seed):
    _check(seed)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(6, 80))
def test_the_audit_matches_the_enumeration_on_many_tiny_terms(seed):
    _check(seed)


# Terms where a fact matters: a reader who knows it narrows what one who does not cannot


def _people(*groups: tuple[int, str, Answers]) -> list[tuple[str, Answers]]:
    """(how many, group, answers) for each kind of person."""
    return [(group, answers) for n, group, answers in groups for _ in range(n)]


GAP_TERMS = {
    # 12 "me" and no one "for me": that row is listed all the same, as 0.
    LISTED: (
        ("feel",),
        _people(
            (8, "me", {"feel": ["happy"]}),
            (3, "me", {"feel": ["ok"]}),
            (1, "me", {"feel": ["sad"]}),
        ),
    ),
    # 6 "for me" and no one "me": the survey says too few answered to show its answers, so
    # it is fewer than 10.
    SURVEY_SIZE: (
        ("feel",),
        _people(
            (3, "someone-for-me", {"feel": ["sad"]}), (3, "someone-for-me", {"feel": ["happy"]})
        ),
    ),
    # "No one" is ticked alone: with 12 people, 6 of whom ticked Health, "No one" is at
    # most the 6 who did not.
    EXCLUSIVE: (
        ("site", "help"),
        _people(
            (2, "someone-for-me", {"help": ["nobody"]}),
            (2, "someone-for-me", {"help": ["nobody"], "site": ["yes"]}),
            (2, "someone-for-me", {"help": ["health"]}),
            (1, "me", {"help": ["health"], "site": ["no"]}),
            (1, "me", {"help": ["school"], "site": ["yes"]}),
            (1, "me", {"help": ["health"], "site": ["not-used"]}),
            (1, "me", {"help": ["health"]}),
            (1, "me", {"help": ["nobody"]}),
            (1, "me", {"help": ["health", "school"], "site": ["no"]}),
        ),
    ),
    # 12 "me" and 2 "someone for me": the row of 2 says "hidden" beside "with help" 0, so it
    # is at least 1.
    EMPTY: (
        ("feel",),
        _people(
            (8, "me", {"feel": ["happy"]}),
            (4, "me", {"feel": ["ok"]}),
            (2, "someone-for-me", {"feel": ["sad"]}),
        ),
    ),
    # 15 people, 6 sad shown: Sad and OK are shown one by one, so the hidden OK is 5 or
    # more, and Happy at most 4.
    COMBINED: (
        ("feel",),
        _people(
            (6, "me", {"feel": ["sad"]}),
            (6, "me", {"feel": ["ok"]}),
            (3, "me", {"feel": ["happy"]}),
        ),
    ),
}


# 10 people, 6 "me" and 4 "someone for me" (fewer than 5): had the term's % positive said
# "hidden" because its base is 10 or more (and "too few answers" under 10), a reader would
# know the hidden total is exactly 10.
TERM_OF_TEN = _people(
    (3, "me", {"feel": ["ok"]}),
    (3, "me", {"feel": ["sad"]}),
    (2, "someone-for-me", {"feel": ["ok"]}),
    (1, "someone-for-me", {"feel": ["sad"]}),
    (1, "someone-for-me", {"feel": ["happy"]}),
)


def test_a_percentage_label_is_read_off_published_counts_alone():
    release = release_of(tiny_survey(("feel",)), TERM_OF_TEN)
    assert not disagreements(release, FACTS - GAPS)
    total = {f.key: f for f in release.audit()}.get(("respondents",))
    assert total is None or total.safe


def _gap_release(fact: str) -> ProtectedFigures:
    questions, people = GAP_TERMS[fact]
    return release_of(tiny_survey(questions), people)


@pytest.mark.parametrize("fact", sorted(GAP_TERMS))
def test_the_audit_matches_the_enumeration_without_the_facts_it_lacks(fact):
    """Each term below agrees on everything the model has: what differs is that fact."""
    assert not disagreements(_gap_release(fact), FACTS - GAPS)


@pytest.mark.parametrize(
    "fact",
    [
        pytest.param(
            fact,
            marks=pytest.mark.xfail(
                fact in GAPS, strict=True, reason=f"the release's model lacks: {fact}"
            ),
        )
        for fact in sorted(GAP_TERMS)
    ],
)
def test_a_reader_who_knows_the_fact_narrows_nothing(fact):
    found = disagreements(_gap_release(fact), (FACTS - GAPS) | {fact})
    assert not found, f"{fact}: " + "; ".join(found)


def test_a_percentage_of_exactly_a_half_is_read_as_shown():
    """14 people, all "me": 8 happy, 2 OK, 4 sad (shown added together, "Sad or OK" 6);
    2 of the happy ones said the website helped. The term's % positive pools 10 positive
    answers of 16: 62.5%, shown "63%"."""
    people = _people(
        (2, "me", {"feel": ["happy"], "site": ["yes"]}),
        (6, "me", {"feel": ["happy"]}),
        (2, "me", {"feel": ["ok"]}),
        (4, "me", {"feel": ["sad"]}),
    )
    release = release_of(tiny_survey(("feel", "site")), people)
    assert release.percent(("all",)).text == "63%"
    found = disagreements(release, FACTS - GAPS)
    assert not found, "; ".join(found)


def test_a_survey_too_small_to_show_its_answers_has_fewer_than_10_people():
    """6 people, all "for me": the survey says too few answered to show its answers, and
    the reader's facts say what that means: fewer than 10 people, and (not shown as 0) at
    least 1."""
    release = _gap_release(SURVEY_SIZE)
    numbers = pd.DataFrame(columns=["slug", "question_id", "number", "n"])
    assert not any(r.answers_shown for r in question_results(release, numbers))
    told = {k.figure.key: (k.low, k.high) for k in release.published_facts()}
    assert told[("told", "respondents", "survey", "tiny")] == (1, RULES.min_base - 1)


# Answers added together (easyread/combined-answers.yaml)

# 17 people: 1 sad and 5 OK, shown as one row "Sad or OK" 6, with Happy 11.
ADDED_TOGETHER = _people(
    (1, "me", {"feel": ["sad"]}),
    (5, "me", {"feel": ["ok"]}),
    (6, "me", {"feel": ["happy"]}),
    (5, "someone-for-me", {"feel": ["happy"]}),
)


def test_a_row_of_answers_added_together_is_read_as_their_sum():
    """The row's count is the sad and OK answers together; the single sad answer inside
    it is kept uncertain, and the enumeration gives it the audit's range."""
    release = release_of(tiny_survey(("feel",)), ADDED_TOGETHER)
    numbers = pd.DataFrame(columns=["slug", "question_id", "number", "n"])
    (result,) = question_results(release, numbers)
    assert [(o.label, o.count.text) for o in result.options] == [
        ("Sad or OK", "6"),
        ("Happy", "11"),
    ]
    assert ("chose", "tiny", "feel", "sad") in {f.key for f in release.audit()}
    found = disagreements(release, FACTS - GAPS)
    assert not found, "; ".join(found)


def test_answers_shown_one_by_one_are_each_5_or_more():
    """The release knows what its table's shape tells: without that fact the enumeration
    lets Happy reach 9, with it Happy is at most 4, as the audit says."""
    release = _gap_release(COMBINED)
    assert release.levels[("tiny", "feel")] == 0
    assert not release.shown(("chose", "tiny", "feel", "ok"))
    assert not disagreements(release, FACTS - GAPS)
    without = disagreements(release, FACTS - GAPS - {COMBINED})
    assert any(line.startswith("chose / tiny / feel / happy") for line in without), without


def _school_term(ok: int):
    """A five-face term: 4 "very bad", 2 "bad", `ok` "OK" and 4 "very good"; its release
    and the question's result."""
    people = _people(
        (2, "me", {"school": ["1"]}),
        (ok, "me", {"school": ["3"]}),
        (4, "me", {"school": ["5"]}),
        (2, "someone-for-me", {"school": ["1"]}),
        (2, "someone-for-me", {"school": ["2"]}),
    )
    release = release_of(tiny_survey(("school",)), people)
    numbers = pd.DataFrame(columns=["slug", "question_id", "number", "n"])
    (result,) = question_results(release, numbers)
    return release, result


def test_two_groups_of_answers_added_together_are_read_as_their_sums():
    """A five-face question adds its two bad answers together and its two good ones (5
    "OK"): 15 people."""
    release, result = _school_term(ok=5)
    assert [o.option_ids for o in result.options] == [("1", "2"), ("3",), ("4", "5")]
    audited = {f.key for f in release.audit()}
    assert {("chose", "tiny", "school", x) for x in "1245"} <= audited
    found = disagreements(release, FACTS - GAPS)
    assert not found, "; ".join(found)


def test_a_row_still_under_5_takes_the_table_to_the_next_level():
    """12 people, 2 of them "OK": under 5, and the next level adds it to the bad answers,
    so the table shows the positive answers and the rest; the reader knows the first level
    had a row under 5, and agrees."""
    release, result = _school_term(ok=2)
    assert [o.option_ids for o in result.options] == [("1", "2", "3"), ("4", "5")]
    assert [o.label for o in result.options] == ["Very bad, bad or OK", "Good or very good"]
    found = disagreements(release, FACTS - GAPS)
    assert not found, "; ".join(found)
