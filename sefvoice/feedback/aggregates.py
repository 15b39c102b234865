"""What families said, counted in the database and protected before anything is shown.

Counting is SQL GROUP BY over answers and chosen options (a few thousand grouped rows at
most); pandas only reshapes those grouped rows. Every number leaves this module as a
`Shown` value that disclosure control has passed (see disclosure.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import and_, case, func, literal, select

from ..easyread import SurveyDefinition
from ..extensions import db
from ..models import AnswerTally
from ..surveys.service import current_surveys, definition_of
from . import disclosure
from .disclosure import Rules, Shown
from .statistics import wilson_interval
from .terms import Term

SCORED_TYPES = ("single", "face3", "face5", "yes_partly_no")  # one answer each, some positive


@dataclass
class OptionResult:
    label: str
    positive: bool
    count: Shown
    percent: Shown


@dataclass
class QuestionResult:
    survey_slug: str
    survey_title: str
    question_id: str
    text: str
    type: str
    principle: str
    outcome: int
    answering: Shown
    options: list[OptionResult] = field(default_factory=list)
    positive: Shown = Shown(None, "")
    interval: tuple[Shown, Shown] | None = None
    median: Shown = Shown(None, "")
    # Positive and answering counts, kept only when the % positive is published, so that
    # pooling them (scorecards) reveals nothing new.
    published_positive: tuple[int, int] | None = None


@dataclass
class ScoreRow:
    key: str
    name: str
    questions: int
    answers: Shown
    positive: Shown
    change: Shown  # percentage points since the previous term


@dataclass
class GroupRow:
    name: str
    respondents: Shown
    positive: Shown


@dataclass
class FeedbackSummary:
    term: Term
    previous: Term
    respondents: Shown
    questions: list[QuestionResult]
    by_principle: list[ScoreRow]
    by_outcome: list[ScoreRow]
    by_filled_by: list[GroupRow]
    by_survey: list[GroupRow]
    by_term: list[GroupRow]


def _term_case(terms: list[Term]):
    """SQL CASE that names the term a tally month falls in."""
    whens = [
        (
            and_(AnswerTally.month >= t.starts_on, AnswerTally.month <= t.ends_on),
            t.name,
        )
        for t in terms
    ]
    return case(*whens, else_=literal(None))


@dataclass
class Counts:
    """Grouped counts for some terms, split by kind of tally row (see AnswerTally)."""

    choices: pd.DataFrame  # term, slug, question_id, filled_by, option_id, n
    answering: pd.DataFrame  # term, slug, question_id, filled_by, n
    numbers: pd.DataFrame  # term, slug, question_id, number, n
    respondents: pd.DataFrame  # term, slug, filled_by, n


def grouped_counts(terms: list[Term]) -> Counts:
    """One GROUP BY over the tally for the terms given (contiguous, oldest first)."""
    term = _term_case(terms).label("term")
    columns = [
        term,
        AnswerTally.survey_slug,
        AnswerTally.question_id,
        AnswerTally.kind,
        AnswerTally.key,
        AnswerTally.filled_by,
    ]
    statement = (
        select(*columns, func.sum(AnswerTally.count))
        .where(
            AnswerTally.month >= terms[0].starts_on,
            AnswerTally.month <= terms[-1].ends_on,
        )
        .group_by(*columns)
    )
    rows = pd.DataFrame(
        db.session.execute(statement).all(),
        columns=["term", "slug", "question_id", "kind", "key", "filled_by", "n"],
    ).astype({"n": "int64"})

    def kind(name: str, keep: list[str]) -> pd.DataFrame:
        return rows.loc[rows["kind"] == name, keep].reset_index(drop=True)

    numbers = kind("number", ["term", "slug", "question_id", "key", "n"])
    numbers = numbers.rename(columns={"key": "number"}).astype({"number": "int64"})
    return Counts(
        choices=kind("choice", ["term", "slug", "question_id", "filled_by", "key", "n"]).rename(
            columns={"key": "option_id"}
        ),
        answering=kind("answered", ["term", "slug", "question_id", "filled_by", "n"]),
        numbers=numbers.groupby(["term", "slug", "question_id", "number"], as_index=False)[
            "n"
        ].sum(),
        respondents=kind("response", ["term", "slug", "filled_by", "n"]),
    )


def _respondents(respondents: pd.DataFrame, column: str) -> pd.DataFrame:
    """Respondents per term and per `column`, as term, group, n."""
    grouped = respondents.groupby(["term", column], as_index=False)["n"].sum()
    return grouped.rename(columns={column: "group"})


def _median(values: pd.DataFrame) -> float:
    """Median from (number, n) rows, without expanding them into one row per person."""
    ordered = values.sort_values("number")
    cumulative = ordered["n"].cumsum()
    total = int(cumulative.iloc[-1])
    lower = ordered["number"][cumulative >= (total + 1) // 2].iloc[0]
    upper = ordered["number"][cumulative >= total // 2 + 1].iloc[0]
    return (lower + upper) / 2


def question_result(
    definition: SurveyDefinition,
    question_id: str,
    option_counts: dict[str, int],
    answering: int,
    numbers: pd.DataFrame,
    rules: Rules,
) -> QuestionResult:
    """One question's results with disclosure control applied."""
    question = definition.question(question_id)
    result = QuestionResult(
        survey_slug=definition.slug,
        survey_title=definition.title,
        question_id=question.id,
        text=question.text,
        type=question.type,
        principle=question.principle,
        outcome=question.outcome,
        answering=disclosure.count(answering, rules),
    )
    if question.type == "number":
        if answering >= rules.min_base and not numbers.empty:
            median = _median(numbers)
            result.median = Shown(median, f"{median:g} {question.unit}".strip())
        else:
            result.median = Shown(None, "too few answers")
        return result
    if not question.is_choice:
        return result

    counts = [option_counts.get(o.id, 0) for o in question.options]
    positive_cells = [i for i, o in enumerate(question.options) if o.positive]
    other_cells = [i for i, o in enumerate(question.options) if not o.positive]
    positive_total = sum(counts[i] for i in positive_cells)
    scored = question.type in SCORED_TYPES and positive_cells
    show_positive = (
        scored
        and answering >= rules.min_base
        and positive_total >= rules.min_count
        and answering - positive_total >= rules.min_count
    )
    whole = list(range(len(counts)))
    # Options of a one-answer question add up to the number answering; a multiple-choice
    # question's do not, so only its small cells need hiding.
    total_groups = [whole] if question.type != "multiple" else []
    if show_positive:
        protection = disclosure.protect(counts, [positive_cells, other_cells], rules)
        show_positive = not protection.gave_up
    if not show_positive:
        protection = disclosure.protect(counts, total_groups, rules)
    for i, option in enumerate(question.options):
        result.options.append(
            OptionResult(
                label=option.label,
                positive=option.positive,
                count=disclosure.label(protection, i, counts[i], rules),
                percent=disclosure.percent(
                    counts[i], answering, rules, hidden=protection.hidden(i)
                ),
            )
        )
    if show_positive:
        result.positive = disclosure.percent(positive_total, answering, rules)
        low, high = wilson_interval(positive_total, answering)
        result.interval = (
            disclosure.percent(low, 1, Rules(rules.min_count, 1)),
            disclosure.percent(high, 1, Rules(rules.min_count, 1)),
        )
        result.published_positive = (positive_total, answering)
    elif scored:
        result.positive = Shown(None, "too few answers" if answering < rules.min_base else "hidden")
    return result


def question_results(
    definitions: list[SurveyDefinition],
    term: str,
    choices: pd.DataFrame,
    answering: pd.DataFrame,
    numbers: pd.DataFrame,
    rules: Rules,
) -> list[QuestionResult]:
    """Results for every question of every survey, for one term, in survey order."""
    option_counts = (
        choices[choices["term"] == term].groupby(["slug", "question_id", "option_id"])["n"].sum()
    )
    answering_counts = (
        answering[answering["term"] == term].groupby(["slug", "question_id"])["n"].sum()
    )
    term_numbers = numbers[numbers["term"] == term]
    results = []
    for definition in definitions:
        for question in definition.questions:
            key = (definition.slug, question.id)
            counts = (
                option_counts.loc[key].to_dict() if key in option_counts.index.droplevel(2) else {}
            )
            values = term_numbers[
                (term_numbers["slug"] == definition.slug)
                & (term_numbers["question_id"] == question.id)
            ]
            results.append(
                question_result(
                    definition,
                    question.id,
                    counts,
                    int(answering_counts.get(key, 0)),
                    values,
                    rules,
                )
            )
    return results


def scorecard(
    results: list[QuestionResult],
    previous: list[QuestionResult],
    key: str,
    names: dict,
    rules: Rules,
) -> list[ScoreRow]:
    """% positive per principle or outcome, pooled over questions whose % is published."""

    def pooled(rows: list[QuestionResult]) -> dict:
        sums: dict = {}
        for row in rows:
            if row.published_positive:
                positive, answering = sums.get(getattr(row, key), (0, 0))
                sums[getattr(row, key)] = (
                    positive + row.published_positive[0],
                    answering + row.published_positive[1],
                )
        return sums

    now, before = pooled(results), pooled(previous)
    rows = []
    for value, name in names.items():
        questions = sum(1 for r in results if getattr(r, key) == value and r.positive.text)
        positive, answers = now.get(value, (0, 0))
        shown = disclosure.percent(positive, answers, rules)
        if not questions:
            shown = Shown(None, "no questions with a positive answer")
        change = Shown(None, "no comparison")
        if value in before and not shown.hidden:
            earlier = disclosure.percent(*before[value], rules)
            if not earlier.hidden:
                points = shown.value - earlier.value
                change = Shown(points, f"{points:+.0f} points")
        rows.append(
            ScoreRow(
                key=str(value),
                name=name,
                questions=questions,
                answers=disclosure.count(answers, rules) if answers else Shown(None, "none"),
                positive=shown,
                change=change,
            )
        )
    return rows


def positive_by_group(
    choices: pd.DataFrame,
    respondents: pd.DataFrame,
    definitions: list[SurveyDefinition],
    term: str,
    group_column: str,
    group_names: dict[str, str],
    rules: Rules,
) -> list[GroupRow]:
    """% positive (over one-answer questions) per group, with respondents per group.

    Group totals add up to published totals, so both the respondent counts and the
    positive and other answer counts get secondary suppression across the groups.
    """
    scored_options = pd.DataFrame(
        [
            (d.slug, q.id, o.id, o.positive)
            for d in definitions
            for q in d.questions
            if q.type in SCORED_TYPES
            for o in q.options
        ],
        columns=["slug", "question_id", "option_id", "positive"],
    )
    rows = choices[choices["term"] == term].merge(
        scored_options, on=["slug", "question_id", "option_id"]
    )
    positive = rows[rows["positive"]].groupby(group_column)["n"].sum()
    total = rows.groupby(group_column)["n"].sum()
    people = respondents[respondents["term"] == term].groupby("group")["n"].sum()

    names = list(group_names)
    people_counts = [int(people.get(g, 0)) for g in names]
    positive_counts = [int(positive.get(g, 0)) for g in names]
    other_counts = [int(total.get(g, 0)) - p for g, p in zip(names, positive_counts, strict=True)]
    everyone = list(range(len(names)))
    people_protection = disclosure.protect(people_counts, [everyone], rules)
    too_few = {i for i, n in enumerate(people_counts) if n < rules.min_base}
    positive_protection = disclosure.protect(positive_counts, [everyone], rules, too_few)
    other_protection = disclosure.protect(other_counts, [everyone], rules, too_few)
    result = []
    for i, group in enumerate(names):
        hidden = positive_protection.hidden(i) or other_protection.hidden(i)
        result.append(
            GroupRow(
                name=group_names[group],
                respondents=disclosure.label(people_protection, i, people_counts[i], rules),
                positive=disclosure.percent(
                    positive_counts[i],
                    positive_counts[i] + other_counts[i],
                    rules,
                    hidden=hidden,
                ),
            )
        )
    return result


def term_trend(
    choices: pd.DataFrame,
    respondents: pd.DataFrame,
    definitions: list[SurveyDefinition],
    terms: list[Term],
    rules: Rules,
) -> list[GroupRow]:
    """Respondents and % positive in each term. Terms share no published total, so only
    the small-number rules apply."""
    rows = []
    for term in terms:
        people = int(respondents.loc[respondents["term"] == term.name, "n"].sum())
        group = positive_by_group(
            choices.assign(everyone="all"),
            respondents.assign(group="all"),
            definitions,
            term.name,
            "everyone",
            {"all": term.name},
            rules,
        )[0]
        rows.append(GroupRow(term.name, disclosure.count(people, rules), group.positive))
    return rows


def build_summary(
    term: Term, previous: Term, trend: list[Term], charter, rules: Rules
) -> FeedbackSummary:
    """Everything the feedback tab shows for a term: five GROUP BY queries in all."""
    terms = sorted({*trend, term, previous})
    definitions = [definition_of(s) for s in current_surveys()]
    counts = grouped_counts(terms)
    choices, answering, numbers = counts.choices, counts.answering, counts.numbers
    by_filled_by = _respondents(counts.respondents, "filled_by")
    by_slug = _respondents(counts.respondents, "slug")

    results = question_results(definitions, term.name, choices, answering, numbers, rules)
    before = question_results(definitions, previous.name, choices, answering, numbers, rules)
    everyone = disclosure.count(int(by_slug.loc[by_slug["term"] == term.name, "n"].sum()), rules)
    return FeedbackSummary(
        term=term,
        previous=previous,
        respondents=everyone,
        questions=results,
        by_principle=scorecard(
            results,
            before,
            "principle",
            {p.id: p.name for p in charter.principles.values()},
            rules,
        ),
        by_outcome=scorecard(
            results, before, "outcome", {o.number: o.name for o in charter.outcomes.values()}, rules
        ),
        by_filled_by=positive_by_group(
            choices,
            by_filled_by,
            definitions,
            term.name,
            "filled_by",
            charter.filled_by,
            rules,
        ),
        by_survey=positive_by_group(
            choices,
            by_slug,
            definitions,
            term.name,
            "slug",
            {d.slug: d.title for d in definitions},
            rules,
        ),
        by_term=term_trend(choices, by_slug, definitions, trend, rules),
    )
