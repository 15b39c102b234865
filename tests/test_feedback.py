"""The feedback tab: disclosure control (including a recovery attack), statistics, terms,
hand-counted numbers, downloads and roles."""

from __future__ import annotations

import io
import itertools
import random
from datetime import date, datetime

import pandas as pd
import pytest
from sqlalchemy import func, select

from sefvoice import tally
from sefvoice.demo import load_demo_data
from sefvoice.easyread import load_charter
from sefvoice.extensions import db
from sefvoice.feedback import disclosure
from sefvoice.feedback.aggregates import question_result
from sefvoice.feedback.disclosure import Rules
from sefvoice.feedback.statistics import wilson_interval
from sefvoice.feedback.terms import TermCalendar
from sefvoice.models import AnswerTally, AuditEvent, Response
from sefvoice.surveys import service

from .conftest import EASYREAD, post_form, sign_in

RULES = Rules(min_count=5, min_base=10)
NO_NUMBERS = pd.DataFrame(columns=["number", "n"])


# Statistics


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [  # Reference values: Newcombe (1998), Statistics in Medicine 17:857, table I.
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_interval_matches_published_values(successes, n, low, high):
    got_low, got_high = wilson_interval(successes, n)
    assert got_low == pytest.approx(low, abs=5e-4)
    assert got_high == pytest.approx(high, abs=5e-4)


# Terms


def test_responses_belong_to_the_term_of_their_submission_date():
    terms = TermCalendar()
    assert terms.term_for(date(2023, 5, 1)).name == "Summer 2023"
    assert terms.term_for(date(2023, 8, 31)).name == "Summer 2023"
    assert terms.term_for(date(2023, 9, 1)).name == "Autumn 2023"
    assert terms.term_for(datetime(2024, 1, 1, 0, 0, 1)).name == "Spring 2024"
    summer = terms.named("summer 2023")
    assert (summer.starts_on, summer.ends_on) == (date(2023, 5, 1), date(2023, 8, 31))
    assert terms.previous(summer).name == "Spring 2023"
    assert terms.previous(terms.named("Spring 2024")).name == "Autumn 2023"
    with pytest.raises(ValueError, match="use one of Spring, Summer, Autumn"):
        terms.named("Michaelmas 2023")


def test_terms_can_be_named_in_config():
    terms = TermCalendar("Autumn=09-01,Spring=01-01,Summer=04-01")
    assert terms.term_for(date(2023, 4, 20)).name == "Summer 2023"
    assert terms.named("Spring 2023").ends_on == date(2023, 3, 31)
    with pytest.raises(ValueError, match="must start on the 1st of a month"):
        TermCalendar("Spring=01-01,Summer=04-15")


# Disclosure control


def test_small_counts_are_shown_as_fewer_than_5():
    assert disclosure.count(4, RULES).text == "fewer than 5"
    assert disclosure.count(0, RULES).text == "fewer than 5"
    assert disclosure.count(5, RULES).text == "5"
    assert disclosure.count(1212, RULES).text == "1,212"
    assert disclosure.percent(5, 9, RULES).hidden
    assert disclosure.percent(5, 10, RULES).text == "50%"


def test_one_small_cell_in_a_row_with_a_total_takes_a_second_cell_with_it():
    protection = disclosure.protect([30, 3, 12, 20], [[0, 1, 2, 3]], RULES)
    assert protection.primary == {1}
    assert protection.secondary == {2}  # the smallest other cell


def test_a_group_that_cannot_be_protected_is_hidden_without_labels():
    # 0 and 5 out of 5: "fewer than 5" + "hidden (at least 5)" would give both away.
    protection = disclosure.protect([0, 5], [[0, 1]], RULES)
    assert protection.gave_up
    assert [disclosure.label(protection, i, n, RULES).text for i, n in enumerate([0, 5])] == [
        "hidden",
        "hidden",
    ]


def _options(count: int, positive: set[int]):
    from sefvoice.easyread import Option, Question, SurveyDefinition

    question = Question(
        id="q",
        text="Q",
        type="single" if count != 3 else "yes_partly_no",
        principle="actively-listen",
        outcome=2,
        optional=False,
        options=tuple(
            Option(id=f"o{i}", label=f"O{i}", picture="p", alt="a", positive=i in positive)
            for i in range(count)
        ),
    )
    return SurveyDefinition("s", 1, "S", "", {}, "", (), (), (question,))


def _published(result):
    return (
        [(o.count.value, o.count.text) for o in result.options],
        result.answering.value,
        result.positive.text if result.positive.value is not None else None,
    )


def _feasible_values(result, positive: set[int], n_true: int) -> list[set[int]]:
    """What a reader can infer of each cell from the published table: the set of values
    each cell takes over every table consistent with what is shown."""
    cells, _total, positive_text = _published(result)
    # The strongest reader: knows the true number answering even where it is not shown, and
    # that "hidden" beside a "fewer than 5" means at least 5, but with none beside it, anything.
    labelled = any(text == "fewer than 5" for _, text in cells)
    domains = []
    for value, text in cells:
        if value is not None:
            domains.append([int(value)])
        elif text == "fewer than 5":
            domains.append(range(0, 5))
        else:
            domains.append(range(5 if labelled else 0, n_true + 1))
    seen = [set() for _ in cells]
    for combo in itertools.product(*domains):
        n = sum(combo)
        if n != n_true:
            continue
        if positive_text is not None and (
            f"{100 * sum(combo[i] for i in positive) / n:.0f}%" != positive_text
        ):
            continue
        for i, value in enumerate(combo):
            seen[i].add(value)
    return seen


def test_a_hidden_count_cannot_be_recovered_from_any_table():
    """The recovery attack: for many random tables, every hidden cell must have at least two
    values consistent with everything published (cells, total, % positive)."""
    rng = random.Random(7)
    checked = 0
    for _ in range(400):
        size = rng.choice([2, 3, 4])
        positive = set(rng.sample(range(size), rng.randint(1, size - 1)))
        counts = [rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 12, 20]) for _ in range(size)]
        if not sum(counts):
            continue  # nobody answered: there is no one to identify
        definition = _options(size, positive)
        result = question_result(
            definition,
            "q",
            {f"o{i}": c for i, c in enumerate(counts)},
            sum(counts),
            NO_NUMBERS,
            RULES,
        )
        feasible = _feasible_values(result, positive, sum(counts))
        for i, option in enumerate(result.options):
            if option.count.hidden:
                checked += 1
                assert len(feasible[i]) >= 2, (counts, positive, _published(result))
                assert counts[i] in feasible[i]
    assert checked > 100  # the attack was really tried on hidden cells


def test_percentages_need_ten_answers():
    result = question_result(_options(2, {0}), "q", {"o0": 5, "o1": 4}, 9, NO_NUMBERS, RULES)
    assert all(o.percent.hidden for o in result.options)
    assert result.positive.hidden


# The tab's numbers equal a hand count on a small fixture


def _respond(survey, filled_by: str, answers: dict, submitted: datetime) -> None:
    response, _ = service.start_response(survey, filled_by)
    definition = service.definition_of(survey)
    for question_id, value in answers.items():
        question = definition.question(question_id)
        if question.type == "number":
            service.save_answer(response.id, question, number=value)
        else:
            service.save_answer(response.id, question, option_ids=value)
    response.submitted_at = submitted
    db.session.commit()


@pytest.fixture
def hand_counted(app):
    """Summer 2023: 14 people. pick-one: 9 cats, 5 dogs. views-included: 6 yes, 5 partly,
    3 no. weeks-waited: 1..14. Spring 2023: 10 people, pick-one 5 cats, 5 dogs."""
    with app.app_context():
        survey = service.current_survey("all-types")
        views = ["yes"] * 6 + ["partly"] * 5 + ["no"] * 3
        for i in range(14):
            _respond(
                survey,
                "me" if i < 8 else "someone-for-me",
                {
                    "pick-one": ["cats" if i < 9 else "dogs"],
                    "views-included": [views[i]],
                    "weeks-waited": i + 1,
                },
                datetime(2023, 6, 1 + i),
            )
        for i in range(10):
            _respond(
                survey, "me", {"pick-one": ["cats" if i < 5 else "dogs"]}, datetime(2023, 2, 1 + i)
            )
        # Not submitted: must not count.
        service.start_response(survey, "me")
        tally.recount()  # the responses were back-dated by hand, so count them afresh
    return app


def test_the_tally_kept_at_submission_equals_a_recount(app, client):
    from tests.test_taking_a_survey import ALL_ANSWERS, answer, start

    for filled_by in ("me", "me", "someone-for-me"):
        other = app.test_client()
        start(other, filled_by)
        for question_id, value in ALL_ANSWERS:
            answer(other, question_id, value)
        assert post_form(other, "/s/all-types/check", {}).status_code == 302
    with app.app_context():
        rows = select(AnswerTally).order_by(*AnswerTally.__table__.primary_key.columns)
        as_kept = [
            (t.survey_slug, t.question_id, t.kind, t.key, t.filled_by, t.count)
            for t in db.session.scalars(rows)
        ]
        tally.recount()
        recounted = [
            (t.survey_slug, t.question_id, t.kind, t.key, t.filled_by, t.count)
            for t in db.session.scalars(rows)
        ]
    assert as_kept == recounted
    assert ("all-types", "pick-many", "choice", "walk", "me", 2) in as_kept
    assert ("all-types", "", "response", "", "someone-for-me", 1) in as_kept
    assert ("all-types", "weeks-waited", "number", "12", "me", 2) in as_kept


def _result(summary, question_id: str):
    return next(
        q for q in summary.questions if (q.survey_slug, q.question_id) == ("all-types", question_id)
    )


def test_the_tabs_numbers_equal_a_hand_count(hand_counted, client):
    sign_in(client, "pcv_rep")
    page = client.get("/feedback/?term=Summer+2023").get_data(as_text=True)
    assert "14 people sent answers" in page
    from sefvoice.feedback import service as feedback_service

    with hand_counted.app_context():
        summary, _ = feedback_service.summary_for(feedback_service.calendar().named("Summer 2023"))
    pick_one = _result(summary, "pick-one")
    assert [(o.count.text, o.percent.text) for o in pick_one.options] == [
        ("9", "64%"),
        ("5", "36%"),
    ]
    assert pick_one.positive.text == "64%"
    views = _result(summary, "views-included")
    # 3 "no" is small; "partly" (5) goes too so it cannot be worked out from the total.
    assert [o.count.text for o in views.options] == ["6", "hidden", "fewer than 5"]
    assert views.answering.text == "14" and views.positive.text == "43%"
    weeks = _result(summary, "weeks-waited")
    assert weeks.median.text == "7.5 weeks"
    by_principle = {row.key: row for row in summary.by_principle}
    assert by_principle["actively-listen"].positive.text == "64%"  # pick-one only
    assert by_principle["actively-listen"].change.text == "+14 points"  # 64% against 50%
    by_filled_by = {row.name: row for row in summary.by_filled_by}
    me = load_charter(EASYREAD).filled_by["me"]
    assert by_filled_by[me].respondents.text == "8"
    # 6 people filled it in for someone else: too few for a percentage.
    assert by_filled_by[load_charter(EASYREAD).filled_by["someone-for-me"]].positive.hidden


def test_downloads_carry_the_same_suppression(hand_counted, client):
    sign_in(client, "pcv_rep")
    csv = client.get("/feedback/download/q-all-types-views-included.csv?term=Summer+2023")
    assert csv.status_code == 200 and "attachment" in csv.headers["Content-Disposition"]
    rows = pd.read_csv(io.BytesIO(csv.data), encoding="utf-8-sig")
    assert list(rows["People"]) == ["6", "hidden", "fewer than 5"]
    xlsx = client.get("/feedback/download/q-all-types-views-included.xlsx?term=Summer+2023")
    sheet = pd.read_excel(io.BytesIO(xlsx.data), dtype=str)
    assert list(sheet["People"]) == ["6", "hidden", "fewer than 5"]
    assert client.get("/feedback/download/nope.csv").status_code == 404
    assert client.get("/feedback/download/by-term.pdf").status_code == 404
    with hand_counted.app_context():
        exports = db.session.scalars(select(AuditEvent).filter_by(action="export")).all()
    assert len(exports) == 2


def test_hidden_numbers_never_reach_the_page(hand_counted, client):
    sign_in(client, "pcv_rep")
    page = client.get("/feedback/?term=Summer+2023").get_data(as_text=True)
    table = page[page.index('id="q-all-types-views-included"') :]
    table = table[: table.index("</table>")]
    assert "fewer than 5" in table and "hidden" in table
    # 5 of 14 is 36%, 3 of 14 is 21%: neither may appear, nor the counts themselves.
    assert "36%" not in table and "21%" not in table
    assert ">5<" not in table and ">3<" not in table


@pytest.mark.parametrize(
    ("role", "status"), [(None, 302), ("pcv_rep", 200), ("officer", 200), ("admin", 200)]
)
@pytest.mark.parametrize("url", ["/feedback/", "/feedback/download/by-term.csv"])
def test_feedback_pages_by_role(client, role, status, url):
    if role:
        sign_in(client, role)
    reply = client.get(url)
    assert reply.status_code == status
    if role is None:
        assert "/sign-in" in reply.location


def test_the_tab_with_every_survey_answered(app, client):
    with app.app_context():
        load_demo_data()
        summer = TermCalendar().named("Summer 2023")
        start, end = summer.bounds()
        in_summer = db.session.scalar(
            select(func.count(Response.id)).where(
                Response.submitted_at >= start, Response.submitted_at < end
            )
        )
    sign_in(client, "pcv_rep")
    page = client.get("/feedback/?term=Summer+2023").get_data(as_text=True)
    assert f"{in_summer} people sent answers" in page
    by_term = page[page.index('id="by-term"') :]
    assert f'<th scope="row">Summer 2023</th><td class="numeric">{in_summer}</td>' in by_term
    for title in ("Parent carer survey", "Your life survey", "Your annual review"):
        assert title in page
    # The measures sit beside the feedback of their outcome, with status in words.
    outcome_3 = page[page.index('id="outcome-3"') : page.index('id="outcome-4"')]
    assert "Longest wait for paediatric therapy" in outcome_3
    assert "52 weeks (Jul 2023)" in outcome_3 and "Off target, no direction" in outcome_3
    assert "New EHC plans issued within 20 weeks" in outcome_3
    assert "Jun 2022 70.5%, Apr 2023 100%, May 2023 95%" in outcome_3
    csv = client.get("/feedback/download/measures-3.csv?term=Summer+2023")
    assert csv.status_code == 200 and "Longest wait for paediatric therapy" in csv.text


def test_charts_are_svg_with_a_text_alternative_and_no_repeated_ids(hand_counted, client):
    sign_in(client, "pcv_rep")
    page = client.get("/feedback/?term=Summer+2023").get_data(as_text=True)
    # Each of the five charts twice: for a wide screen and, labels above bars, for a phone.
    assert page.count("<svg ") == 10
    assert page.count('<div class="chart__wide"><svg ') == 5
    assert page.count('<div class="chart__narrow"><svg ') == 5
    assert 'id="clip"' not in page and 'id="group"' not in page
    # The summary is said once, as the caption: the drawing has no name of its own.
    assert '<figcaption class="chart__summary">By term. Highest: Summer 2023 (' in page
    assert 'aria-label="By term.' not in page and page.count('<svg aria-hidden="true"') == 10


def test_unknown_term_is_not_found(client):
    sign_in(client, "pcv_rep")
    assert client.get("/feedback/?term=Michaelmas+2023").status_code == 404
