"""A term's release: the attacker (an integer programme) against everything published."""

from __future__ import annotations

from datetime import datetime

import numpy as np

from sefvoice.demo import generate_responses
from sefvoice.easyread import load_charter
from sefvoice.feedback import service as feedback
from sefvoice.feedback.aggregates import grouped_counts
from sefvoice.release.attack import Known, attack
from sefvoice.release.cells import Grouping, make_cells, make_figures
from sefvoice.surveys.service import current_surveys, definition_of

from .conftest import EASYREAD

SUMMER_2023 = (datetime(2023, 5, 2), datetime(2023, 8, 30))
# One survey with 3 respondents beside larger ones: the scenario of issue 12, point 1.
SMALL_BESIDE_LARGE = {
    "parent-carer-annual": 3,
    "annual-review-feedback": 12,
    "new-ehcp-parent": 40,
    "young-people-quality-of-life": 40,
    "all-types": 40,
}


def _load(sizes: dict[str, int]) -> None:
    for seed, survey in enumerate(current_surveys()):
        generate_responses(
            survey, definition_of(survey), sizes[survey.slug], *SUMMER_2023, seed=seed
        )


def _known(shown, figure) -> Known | None:
    """What a reader learns of `figure` from a published value."""
    if shown.value is not None:
        return Known(figure, shown.value, shown.value)
    if shown.text.startswith("fewer than"):
        return Known(figure, 0, 4)
    if shown.text == "hidden":
        return Known(figure, 5, np.inf)
    return None


def _todays_release(summary, figures):
    """Map the table-by-table code's published numbers onto the figures they are."""
    pairs = [(summary.respondents, figures[("respondents",)])]
    titles = {d.slug: d.title for d in map(definition_of, current_surveys())}
    by_title = {row.name: row for row in summary.by_survey}
    for slug, title in titles.items():
        pairs.append((by_title[title].respondents, figures[("respondents", "survey", slug)]))
    names = load_charter(EASYREAD).filled_by
    by_name = {row.name: row for row in summary.by_filled_by}
    for value, name in names.items():
        pairs.append((by_name[name].respondents, figures[("respondents", "filled_by", value)]))
    for q in summary.questions:
        pairs.append((q.answering, figures[("answering", q.survey_slug, q.question_id)]))
        definition = next(
            d for d in map(definition_of, current_surveys()) if d.slug == q.survey_slug
        )
        for option, shown in zip(
            definition.question(q.question_id).options, q.options, strict=True
        ):
            pairs.append((shown.count, figures[("chose", q.survey_slug, q.question_id, option.id)]))
        if q.published_positive:  # the % with its Wilson interval gives both counts away
            positive, base = q.published_positive
            key = ("question", q.survey_slug, q.question_id)
            pairs.append((type(q.answering)(positive, ""), figures[("positive", *key)]))
            pairs.append((type(q.answering)(base, ""), figures[("base", *key)]))
    known = [k for k in (_known(shown, figure) for shown, figure in pairs) if k]
    hidden = [figure for shown, figure in pairs if shown.value is None and shown.text]
    return known, hidden


def test_the_attacker_recovers_a_small_survey_from_todays_tables(app):
    """Issue 12, point 1: by survey, 3 respondents show as "fewer than 5" and a second survey
    is hidden to protect them; but that survey's question tables give its count, so the
    term total minus the others gives the 3."""
    with app.app_context():
        _load(SMALL_BESIDE_LARGE)
        term = feedback.calendar().named("Summer 2023")
        summary, _ = feedback.summary_for(term)
        definitions = [definition_of(s) for s in current_surveys()]
        counts = grouped_counts([term])
        groupings = [
            Grouping("filled_by", "by-filled-by", "", "", load_charter(EASYREAD).filled_by)
        ]
        cells = make_cells(
            definitions, groupings, counts.respondents, counts.answering, counts.choices
        )
        figures = make_figures(cells, definitions, groupings)
        known, hidden = _todays_release(summary, figures)
        findings = {f.key: f for f in attack(cells, known, hidden, 5)}
    small = findings[("respondents", "survey", "parent-carer-annual")]
    assert (small.low, small.high, small.value) == (3, 3, 3)
    # ... through a question table of the survey hidden to protect it.
    assert ("answering", "annual-review-feedback", "invite-in-time") in small.relied_on
    assert not small.safe
