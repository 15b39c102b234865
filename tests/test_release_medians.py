"""A number question's median: published only over enough answers, and never differenced
between the versions of a term (a revision's median beside version 1's would say on which
side of the middle the few people added or taken away answered)."""

from __future__ import annotations

import pandas as pd
import yaml

from sefvoice.definitions import parse_survey
from sefvoice.release.grouped_counts import TermCounts
from sefvoice.release.protected_figures import ProtectedFigures
from sefvoice.release.summary import question_results
from sefvoice.release.versions import Earlier, published_medians, read_facts

from .test_release import FILLED_BY, RULES, SMALL_SURVEY, _counts


def _survey():
    data = yaml.safe_load(SMALL_SURVEY)
    data["questions"] = [q | {"optional": False} for q in data["questions"] if q["id"] == "weeks"]
    return parse_survey(data, "small")


def _weeks(survey, values: list[int], skipped: int = 0) -> tuple[TermCounts, pd.DataFrame]:
    """`values` answered, and `skipped` more people who did not answer."""
    responses = [("small", "me", {"weeks": []}) for _ in values]
    responses += [("small", "me", {})] * skipped
    numbers = pd.Series(values).value_counts().rename_axis("number").reset_index(name="n")
    return _counts([survey], responses), numbers.assign(slug="small", question_id="weeks")


def _median(survey, values: list[int], earlier=(), skipped: int = 0):
    counts, numbers = _weeks(survey, values, skipped)
    release = ProtectedFigures([survey], [FILLED_BY], counts, RULES, earlier)
    return next(r for r in question_results(release, numbers) if r.question_id == "weeks").median


def _first_version(survey, values: list[int]) -> Earlier:
    counts, _ = _weeks(survey, values)
    stored = read_facts(1, ProtectedFigures([survey], [FILLED_BY], counts, RULES).facts())
    median = _median(survey, values)
    return Earlier(1, stored.cells, stored.facts, {("small", "weeks"): (median.value, len(values))})


def test_a_median_is_published_over_enough_answers_and_never_differenced():
    survey = _survey()
    first = list(range(1, 13))  # 12 answers: the median is 6.5
    assert _median(survey, first[:9], skipped=5).text == "too few answers"
    # A survey of 9 people shows none of its answers: no median, not even its label.
    assert _median(survey, first[:9]).text == ""
    assert _median(survey, first).text == "6.5"
    earlier = [_first_version(survey, first)]
    # One answer taken away moves the median: version 2 beside version 1 says which side of
    # the middle it fell. Not published.
    withdrawn = _median(survey, first[1:], earlier)
    assert withdrawn.value is None
    assert withdrawn.text == "hidden: 11 answers, too close to the 12 of version 1 to show a change"
    assert _median(survey, first[:-1], earlier).value is None
    # One late answer waits, with the rest of its answers, for four more: version 2 shows
    # version 1's median.
    assert _median(survey, [*first, 30], earlier).text == "6.5"
    # Five more answers, or the same answers: published.
    assert _median(survey, [*first, 1, 2, 30, 31, 32], earlier).text == "7"
    assert _median(survey, first, earlier).text == "6.5"


def test_a_versions_medians_are_read_from_its_record():
    record = {
        "summary": {
            "questions": [
                {
                    "survey_slug": "small",
                    "question_id": "weeks",
                    "median": {"@": "Shown", "value": 6.5, "text": "6.5"},
                    "answering": {"@": "Shown", "value": 12, "text": "12"},
                },
                {
                    "survey_slug": "small",
                    "question_id": "feel",
                    "median": {"@": "Shown", "value": None, "text": ""},
                    "answering": {"@": "Shown", "value": 12, "text": "12"},
                },
            ]
        }
    }
    assert published_medians(record) == {("small", "weeks"): (6.5, 12)}
