"""The tally's counts for some terms, grouped in the database.

One SQL GROUP BY over the answer tally (a few thousand grouped rows at most); pandas only
splits those grouped rows by kind and by term.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import and_, case, func, literal, select

from ..extensions import db
from ..models import AnswerTally
from ..terms import Term


@dataclass(frozen=True)
class TermCounts:
    """One term's grouped counts (each with the grouping columns and n)."""

    respondents: pd.DataFrame  # slug, groups, n
    answering: pd.DataFrame  # slug, question_id, groups, n
    choices: pd.DataFrame  # slug, question_id, option_id, groups, n


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
class GroupedCounts:
    """Grouped counts for some terms, split by kind of tally row (see AnswerTally)."""

    choices: pd.DataFrame  # term, slug, question_id, option_id, groups..., n
    answering: pd.DataFrame  # term, slug, question_id, groups..., n
    numbers: pd.DataFrame  # term, slug, question_id, number, n
    respondents: pd.DataFrame  # term, slug, groups..., n

    def of(self, term: str) -> TermCounts:
        def only(frame: pd.DataFrame) -> pd.DataFrame:
            return frame[frame["term"] == term].drop(columns="term")

        return TermCounts(only(self.respondents), only(self.answering), only(self.choices))


def grouped_counts(
    terms: list[Term], group_columns: Sequence[str] = ("filled_by",)
) -> GroupedCounts:
    """One GROUP BY over the tally for the terms given (contiguous, oldest first)."""
    term = _term_case(terms).label("term")
    groups = [getattr(AnswerTally, c) for c in group_columns]
    columns = [term, AnswerTally.survey_slug, AnswerTally.question_id, AnswerTally.kind]
    columns += [AnswerTally.key, *groups]
    statement = (
        select(*columns, func.sum(AnswerTally.count))
        .where(
            AnswerTally.month >= terms[0].starts_on,
            AnswerTally.month <= terms[-1].ends_on,
        )
        .group_by(*columns)
    )
    # Plain tuples: pandas probes each Row object's attributes, which takes longer than
    # the query.
    rows = pd.DataFrame.from_records(
        [tuple(row) for row in db.session.execute(statement)],
        columns=["term", "slug", "question_id", "kind", "key", *group_columns, "n"],
    ).astype({"n": "int64"})

    def kind(name: str, keep: list[str]) -> pd.DataFrame:
        return rows.loc[rows["kind"] == name, keep].reset_index(drop=True)

    per_group = [*group_columns, "n"]
    numbers = kind("number", ["term", "slug", "question_id", "key", "n"])
    numbers = numbers.rename(columns={"key": "number"}).astype({"number": "int64"})
    return GroupedCounts(
        choices=kind("choice", ["term", "slug", "question_id", "key", *per_group]).rename(
            columns={"key": "option_id"}
        ),
        answering=kind("answered", ["term", "slug", "question_id", *per_group]),
        numbers=numbers.groupby(["term", "slug", "question_id", "number"], as_index=False)[
            "n"
        ].sum(),
        respondents=kind("response", ["term", "slug", *per_group]),
    )
