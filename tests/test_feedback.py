"""The feedback tab: disclosure control (including a recovery attack), statistics, terms,
hand-counted numbers, downloads and roles."""

from __future__ import annotations

import io
from datetime import date, datetime

import pandas as pd
import pytest
from sqlalchemy import func, select

from sefvoice import tally
from sefvoice.demo import load_demo_data
from sefvoice.easyread import load_charter
from sefvoice.extensions import db
from sefvoice.feedback.statistics import wilson_interval
from sefvoice.feedback.terms import TermCalendar
from sefvoice.models import AnswerTally, AuditEvent, Response
from sefvoice.release import shown
from sefvoice.release.shown import Rules
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


# Disclosure control (the rules for one number; whole releases: tests/test_release.py)


def test_small_counts_are_shown_as_fewer_than_5():
    assert shown.count(4, RULES).text == "fewer than 5"
    assert shown.count(0, RULES).text == "fewer than 5"
    assert shown.count(5, RULES).text == "5"
    assert shown.count(1212, RULES).text == "1,212"
    assert shown.percent(5, 9, RULES).hidden
    assert shown.percent(5, 10, RULES).text == "50%"


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
        summary = feedback_service.release_for(
            feedback_service.calendar().named("Summer 2023")
        ).summary
    pick_one = _result(summary, "pick-one")
    assert [(o.count.text, o.percent.text) for o in pick_one.options] == [
        ("9", "64%"),
        ("5", "36%"),
    ]
    assert pick_one.positive.text == "64%"
    views = _result(summary, "views-included")
    # 6 yes, 5 partly, 3 no. The 3 is small. Hiding "partly" too would leave "no" at
    # 14 - 6 - (5 or more): 0 to 3, four values; so "yes" goes, and the % positive with it
    # (with its interval it gives "yes" away): "no" is then 0 to 4 and "yes" 5 to 9.
    assert [o.count.text for o in views.options] == ["hidden", "5", "fewer than 5"]
    assert views.answering.text == "14" and views.positive.text == "hidden"
    weeks = _result(summary, "weeks-waited")
    assert weeks.median.text == "7.5 weeks"
    by_principle = {row.key: row for row in summary.by_principle}
    assert by_principle["actively-listen"].positive.text == "64%"  # pick-one only
    assert by_principle["actively-listen"].questions == 1
    assert by_principle["actively-listen"].change.text == "+14 points"  # 64% against 50%
    by_filled_by = {row.name: row for row in summary.group("by-filled-by").rows}
    me = load_charter(EASYREAD).filled_by["me"]
    assert by_filled_by[me].respondents.text == "8"
    # 6 people filled it in for someone else: too few for a percentage.
    assert by_filled_by[load_charter(EASYREAD).filled_by["someone-for-me"]].positive.hidden


def test_downloads_carry_the_same_suppression(hand_counted, client):
    sign_in(client, "pcv_rep")
    csv = client.get("/feedback/download/q-all-types-views-included.csv?term=Summer+2023")
    assert csv.status_code == 200 and "attachment" in csv.headers["Content-Disposition"]
    rows = pd.read_csv(io.BytesIO(csv.data), encoding="utf-8-sig")
    assert list(rows["People"]) == ["hidden", "5", "fewer than 5"]
    xlsx = client.get("/feedback/download/q-all-types-views-included.xlsx?term=Summer+2023")
    sheet = pd.read_excel(io.BytesIO(xlsx.data), dtype=str)
    assert list(sheet["People"]) == ["hidden", "5", "fewer than 5"]
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
    # 6 of 14 is 43%, 3 of 14 is 21%: neither may appear, nor the counts themselves.
    assert "43%" not in table and "21%" not in table
    assert ">6<" not in table and ">3<" not in table


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
    assert 'role="img" aria-label="By term. Highest: Summer 2023 (' in page


def test_unknown_term_is_not_found(client):
    sign_in(client, "pcv_rep")
    assert client.get("/feedback/?term=Michaelmas+2023").status_code == 404
