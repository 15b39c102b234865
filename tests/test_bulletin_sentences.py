"""Every sentence the bulletin writes about its figures says what the published figure says:
a term total hidden by secondary suppression is said to be hidden (never "fewer than 5",
which only a published "fewer than 5" may say), the rest is still published, and the
easy-read edition's words for a share are true of the exact share."""

from __future__ import annotations

import dataclasses
import io
import re
from fractions import Fraction

import pytest
from docx import Document

from sefvoice.bulletin import easy_read
from sefvoice.bulletin.content import BulletinContent, OutcomeFeedback, Section, build_content
from sefvoice.bulletin.docx import build_docx
from sefvoice.bulletin.easy_read import build_easy_read, figure_points
from sefvoice.bulletin.easy_words import in_tens, quantifier, wording
from sefvoice.bulletin.pdf.full import build_pdf
from sefvoice.bulletin.sentences import outcome_headline
from sefvoice.feedback.charts import summary_sentence
from sefvoice.publishing import service as publishing
from sefvoice.release.shown import Shown, percent_text, share
from sefvoice.release.summary import OptionResult, QuestionResult, ScoreRow
from sefvoice.release.tables import Table

from .conftest import sign_in
from .test_bulletin import CREATED, flat, make_data, pages_text, term

HIDDEN_TOTAL = "is hidden to protect families"


@pytest.fixture
def hidden_total(app, monkeypatch):
    """Summer 2023 of make_data() (14 people, the cats' 64% published), published with the
    term's number of people hidden, as secondary suppression hides it to protect a small
    number in another table; every other figure as the release shows it."""
    with app.app_context():
        make_data()
    original = publishing.figures_for

    def figures_for(term, version=None, **kwargs):
        figures = original(term, version, **kwargs)
        summary = dataclasses.replace(figures.release.summary, respondents=Shown(None, "hidden"))
        release = dataclasses.replace(figures.release, summary=summary)
        return dataclasses.replace(figures, release=release)

    monkeypatch.setattr(publishing, "figures_for", figures_for)
    return app


def _content() -> BulletinContent:
    return build_content(term("Summer 2023"))


def test_a_hidden_term_total_is_said_to_be_hidden_and_the_rest_is_published(hidden_total):
    with hidden_total.app_context():
        content = _content()
        pdf = flat(" ".join(pages_text(build_pdf(content, created=CREATED))))
        document = Document(io.BytesIO(build_docx(content)))
    assert content.respondents.hidden and content.has_feedback
    assert "Fewer than" not in content.feedback_line
    assert HIDDEN_TOTAL in content.feedback_line
    assert (
        "How people answered: online hidden, paper hidden, phone 0, with help 0."
        in content.feedback_line
    )
    words = " ".join(p.text for p in document.paragraphs)
    for text in (pdf, words):
        assert "Fewer than 5 people" not in text and "too few to report" not in text
        assert HIDDEN_TOTAL in text
        # The outcome's figures are still there: the cats' 64%, its chart's sentence.
        assert "Which do you like best? Highest: Cats (positive) (64%)." in text


def test_the_web_page_and_the_tab_say_the_total_is_hidden(hidden_total, client):
    sign_in(client, "officer")
    page = client.get("/bulletins/summer-2023/").get_data(as_text=True)
    assert HIDDEN_TOTAL in page and "Fewer than 5 people" not in page
    assert "Highest: Cats (positive) (64%)." in page
    tab = client.get("/feedback/?term=Summer+2023").get_data(as_text=True)
    assert "hidden people" not in tab
    assert "The number of people who sent answers between" in tab and HIDDEN_TOTAL in tab


def test_the_easy_read_edition_shares_what_is_published_when_the_total_is_hidden(
    hidden_total,
):
    with hidden_total.app_context():
        edition = build_easy_read(_content())
    told_us = wording()["told_us"]
    assert edition.answered.text == wording()["answered"]["hidden"]
    notes = [o.note for o in edition.outcomes]
    assert not [note for note in notes if note and "any answers" in note]  # "too few to share"
    points = [p.text for o in edition.outcomes for p in o.points]
    assert any("Cats" in text for text in points)
    # No outcome says too few people answered: a hidden figure says nothing of size.
    assert told_us["hidden"] not in notes and told_us["none"] not in notes


def test_a_term_no_one_answered_says_so_and_nothing_else(ctx):
    content = build_content(term("Spring 2031"))  # no one answered: 0, shown as 0
    assert content.respondents.text == "0" and not content.has_feedback
    assert content.feedback_line.startswith("No one sent survey answers between 1 January and")
    assert "How people answered" not in content.feedback_line
    edition = build_easy_read(content)
    assert edition.answered.text == wording()["answered"]["none"]
    assert {o.note for o in edition.outcomes} == {wording()["told_us"]["no_one"]}


def test_a_chart_says_why_no_figure_is_shown_as_the_figures_say_it():
    def table(*values: Shown) -> Table:
        rows = [[f"Row {i}", value] for i, value in enumerate(values)]
        return Table("t", "Title", ["Row", "%"], rows, chart_value=1)

    few = Shown(None, "too few answers")
    hidden = Shown(None, "hidden")
    assert summary_sentence(table(few, few)) == "Title. Too few answers to show."
    assert summary_sentence(table(few, hidden)) == (
        "Title. No figures to show: they are hidden to protect families."
    )
    some = table(Shown(64, "64%"), hidden, Shown(20, "20%"))
    assert summary_sentence(some) == (
        "Title. Highest of those shown: Row 0 (64%). Lowest of those shown: Row 2 (20%)."
    )
    assert summary_sentence(table(Shown(64, "64%"), Shown(20, "20%"))) == (
        "Title. Highest: Row 0 (64%). Lowest: Row 1 (20%)."
    )
    # A group no one was in has no percentage to keep back.
    nobody = Shown(None, "no answers")
    assert summary_sentence(table(Shown(64, "64%"), nobody, Shown(20, "20%"))) == (
        "Title. Highest: Row 0 (64%). Lowest: Row 2 (20%)."
    )


def test_an_outcome_headline_counts_its_questions_in_words():
    row = ScoreRow("1", "O", 1, Shown(12, "12"), Shown(50, "50%"), Shown(0, "no change"))
    assert outcome_headline(row, "Spring 2023") == (
        "50% of 12 answers to 1 question about this outcome were positive, no change since"
        " Spring 2023."
    )


# Easy-read words for a share, decided from the exact share


@pytest.mark.parametrize(
    "positive, base, words, tens, shown",
    [
        (99, 200, "A little under half", "nearly 5 in 10", "50%"),  # 49.5%
        (100, 200, "Half", "5 in 10", "50%"),
        (101, 200, "A little over half", "more than 5 in 10", "51%"),  # 50.5%
        (98, 200, "A little under half", "nearly 5 in 10", "49%"),
        (199, 200, "Most", "more than 9 in 10", "100%"),  # 99.5%: not "Everyone"
        (1, 200, "Fewer than half", "fewer than 1 in 10", "1%"),  # 0.5%: not "No one"
        (1, 250, "Fewer than half", "fewer than 1 in 10", "0%"),  # 0.4%: not "No one"
        (139, 200, "More than half", "nearly 7 in 10", "70%"),  # 69.5%: not "Most"
        (7, 10, "Most", "7 in 10", "70%"),
    ],
)
def test_a_share_is_never_put_on_the_wrong_side_of_a_boundary(positive, base, words, tens, shown):
    exact = share(positive, base)
    assert (quantifier(exact), in_tens(exact), percent_text(exact).text) == (words, tens, shown)


def _section(*published: tuple[int, int]) -> Section:
    results = [
        QuestionResult(
            "s",
            "S",
            f"q{i}",
            "Do adults listen to you?",
            "yes_partly_no",
            "p",
            2,
            Shown(base, str(base)),
            positive=percent_text(share(*counts)),
            published_positive=counts,
            options=[OptionResult("Yes", True, Shown(None, "hidden"), Shown(None, "hidden"))],
        )
        for i, counts in enumerate(published)
        for base in [counts[1]]
    ]
    feedback = OutcomeFeedback("", [], Table("m", "M", [], []), None, [], [], results)
    return Section("outcome-2", "Outcome 2", [], [], [], feedback)


def test_a_point_is_written_from_the_exact_share_not_the_rounded_one(app):
    pictures = {"s/q0": ("pictures/tick.svg", "A tick"), "s/q1": ("pictures/tick.svg", "A")}
    with app.app_context():
        points, _ = figure_points(_section((99, 200), (101, 200)), {}, pictures)
    assert [p.text for p in points] == [
        "We asked: Do adults listen to you? A little under half (nearly 5 in 10) said “Yes”.",
        "We asked: Do adults listen to you? A little over half (more than 5 in 10) said “Yes”.",
    ]
    assert points[0].share == Fraction(99, 2) and points[0].figure.text == "50%"
    # An officer's own line may give the tens of the exact share, not of the rounded one.
    point = points[0]
    assert (
        easy_read.written_line_problems("Nearly 5 in 10 said yes.", point.figure, point.share) == []
    )


def test_every_share_on_a_grid_is_put_in_words_true_of_it():
    from .test_bulletin_easy_read import claim_holds

    wrong = []
    for base in range(1, 201):
        for positive in range(base + 1):
            p = share(positive, base)
            if not claim_holds(p, quantifier(p), in_tens(p)):
                wrong.append((positive, base, quantifier(p), in_tens(p)))
    assert wrong == []


def test_the_quantifiers_must_cover_0_to_100_with_no_gap_or_overlap():
    from sefvoice.bulletin.easy_words import covers_0_to_100

    rules = wording()["figures"]["quantifiers"]
    assert covers_0_to_100(rules)
    assert not covers_0_to_100(rules[:3] + rules[4:])  # no "Half": 50 is not covered
    overlap = [*rules[:2], {"from": 40, "below": 50, "words": "x"}, *rules[3:]]
    assert not covers_0_to_100(overlap)
    assert not covers_0_to_100([{"from": 0, "to": 100}, {"above": 100, "to": 100}])
    assert re.fullmatch(r"[A-Z].*", rules[0]["words"])
