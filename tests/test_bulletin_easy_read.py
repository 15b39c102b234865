"""The easy-read edition: figures in words that are true of the number, every figure the
published one (or absent where it is hidden), officers' lines checked, 16 pt and more in the
PDF, a picture beside every point, and the export command."""

from __future__ import annotations

import io
import re
from fractions import Fraction

import pdfplumber
import pytest
from click.testing import CliRunner

from sefvoice.bulletin import easy_read, service
from sefvoice.bulletin.content import build_content
from sefvoice.bulletin.easy_read import build_easy_read, wording_problems, written_line_problems
from sefvoice.bulletin.easy_words import in_tens, quantifier, suggested_line
from sefvoice.bulletin.pdf.easy_read import build_easy_read_pdf
from sefvoice.release import service as release_service

from .conftest import job_result, post_form, sign_in
from .test_bulletin import CREATED, make_data, term

# What each quantifier claims about the percentage p. A new word in the wording file needs
# its meaning here, so that the test can check it is true.
QUANTIFIERS = {
    "No one": lambda p: p == 0,
    "Fewer than half": lambda p: 0 < p < 50,
    "A little under half": lambda p: 45 <= p < 50,
    "Half": lambda p: p == 50,
    "A little over half": lambda p: 50 < p <= 55,
    "More than half": lambda p: 50 < p < 100,
    "Most": lambda p: 50 < p < 100,
    "Everyone": lambda p: p == 100,
}
TENS = [  # what "... n in 10" claims
    (re.compile(r"(\d+) in 10"), lambda p, n: p == 10 * n),
    (re.compile(r"more than (\d+) in 10"), lambda p, n: 10 * n < p < 10 * (n + 1)),
    (re.compile(r"nearly (\d+) in 10"), lambda p, n: 10 * n - 5 <= p < 10 * n),
    (re.compile(r"fewer than (\d+) in 10"), lambda p, n: 0 < p < 10 * n),
]


def claim_holds(p: int | Fraction, words: str, tens: str) -> bool:
    matches = [(check, m) for pattern, check in TENS if (m := pattern.fullmatch(tens))]
    assert len(matches) == 1, tens
    check, match = matches[0]
    return QUANTIFIERS[words](p) and check(p, int(match[1]))


def test_every_percentage_in_words_is_true_of_the_number():
    for p in range(101):
        assert claim_holds(p, quantifier(p), in_tens(p)), (p, quantifier(p), in_tens(p))


def test_figures_are_never_rounded_into_a_different_claim():
    assert (quantifier(48), in_tens(48)) == ("Fewer than half", "nearly 5 in 10")  # not "half"
    assert (quantifier(50), in_tens(50)) == ("Half", "5 in 10")
    assert (quantifier(52), in_tens(52)) == ("More than half", "more than 5 in 10")
    assert (quantifier(70), in_tens(70)) == ("Most", "7 in 10")
    assert (quantifier(69), in_tens(69)) == ("More than half", "nearly 7 in 10")
    assert (quantifier(3), in_tens(3)) == ("Fewer than half", "fewer than 1 in 10")
    assert (quantifier(99), in_tens(99)) == ("Most", "more than 9 in 10")  # not "everyone"
    assert suggested_line("Do adults listen to you?", 70, ["Yes"]) == (
        "We asked: Do adults listen to you? Most (7 in 10) said “Yes”."
    )


def test_the_claims_checker_catches_a_false_claim():
    assert not claim_holds(48, "Half", "5 in 10")
    assert not claim_holds(99, "Everyone", "10 in 10")
    assert not claim_holds(72, "Most", "nearly 7 in 10")


def test_the_fixed_wording_is_easy_read(monkeypatch):
    assert wording_problems() == []
    broken = {**easy_read.wording(), "intro": ["This sentence goes on and on " * 3 + "too long."]}
    monkeypatch.setattr(easy_read, "wording", lambda: broken)
    assert "a sentence has 20 words" in " ".join(wording_problems())


def test_an_officers_line_is_easy_read_and_gives_only_its_own_figure():
    from sefvoice.release.shown import Shown

    figure = Shown(43, "43%")
    assert written_line_problems("Fewer than half of you said yes.", figure) == []
    assert written_line_problems("Fewer than half of you (43%) said yes.", figure) == [
        "'43%' is a percentage: say it in words, such as 'most' or '7 in 10'"
    ]
    assert written_line_problems("More than 4 in 10 of you said yes.", figure) == []
    wrong = written_line_problems("Most of you (9 in 10) said yes.", figure)
    assert wrong == [
        "the line gives 9, which is not this figure (43%, more than 4 in 10): give the figure"
        " as it is, or no number"
    ]
    long = written_line_problems("We asked " + "a lot of people " * 4 + "about it.", figure)
    assert "a sentence has 20 words" in long[0]
    assert written_line_problems("We will do 3 things.", None)[0].startswith("the line gives 3")


# The edition, on the test data (14 people; pick-one 9 cats of 14 = 64%; views-included has
# 3 "no", so its % positive is hidden: see test_bulletin.make_data).


@pytest.fixture
def data(app):
    with app.app_context():
        make_data()
    return app


def release_figures() -> dict[str, object]:
    """Each question's published % positive, and (as "answered") how many people answered,
    as the feedback tab publishes them."""
    summary = release_service.publication_for(term("Summer 2023")).summary
    found = {f"{q.survey_slug}/{q.question_id}": q.positive for q in summary.questions}
    return {**found, "answered": summary.respondents}


def test_every_figure_is_the_published_one_or_absent_where_hidden(data):
    with data.app_context():
        edition = build_easy_read(build_content(term("Summer 2023")))
        published = release_figures()
    points = [p for o in edition.outcomes for p in o.points]
    assert points, "the test data publishes a % positive"
    for point in points:
        assert point.figure == published[point.key]
        assert not point.figure.hidden
        assert in_tens(int(point.figure.value)) in point.text
    shown = {key for key, figure in published.items() if figure.text and not figure.hidden}
    assert {p.key for p in points} == shown - {"answered"}
    # views-included's 3 "no" is hidden with its 5 "partly" (each "hidden", which says
    # nothing of size), so its % positive (6 of 14) is published, and has its point.
    assert published["all-types/views-included"].text == "43%"
    assert "all-types/views-included" in {p.key for p in points}
    assert edition.outcomes[1].note is None  # every % positive of the outcome is shown
    assert edition.answered.figure == published["answered"]
    assert f"{published['answered'].text} people" in edition.answered.text
    # With a higher bar for percentages, the same figure is hidden, and so is its point.
    data.config["DISCLOSURE_MIN_BASE"] = 20
    with data.app_context():
        edition = build_easy_read(build_content(term("Summer 2023")))
        published = release_figures()
        assert all(figure.hidden for key, figure in published.items() if key != "answered")
    assert not [p for o in edition.outcomes for p in o.points]
    texts = " ".join(note for o in edition.outcomes if (note := o.note))
    assert "Too few people answered" in texts and "64" not in texts


def test_the_pdf_is_16_point_and_more_with_a_picture_beside_each_point(data):
    with data.app_context():
        edition = build_easy_read(build_content(term("Summer 2023")))
        pdf = build_easy_read_pdf(edition, created=CREATED)
        assert pdf == build_easy_read_pdf(edition, created=CREATED)  # the same data and file
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        sizes = {round(c["size"], 1) for page in document.pages for c in page.chars}
        text = " ".join(page.extract_text() for page in document.pages)
        pictures = sum(len(page.curves) + len(page.rects) for page in document.pages[1:])
    assert min(sizes) >= 16
    text = " ".join(text.split())
    assert "14 people filled in our surveys this term." in text
    assert "More than half (more than 6 in 10) said “Cats”." in text
    assert "How to take part next time" in text and "Autumn 2023" in text
    assert "We will tell you about waits for therapy. We are still doing this." in text
    assert pictures >= len(edition.points)


def test_the_web_page_has_a_picture_beside_each_point_and_officers_download_it(data, client):
    sign_in(client, "pcv_rep")
    assert client.get("/bulletins/summer-2023/easy-read.pdf").status_code == 403
    sign_in(client, "officer")
    page = client.get("/bulletins/summer-2023/easy-read").get_data(as_text=True)
    points = re.findall(r'<li class="easy-read__point"><img [^>]*src="([^"]+)"', page)
    assert len(points) == page.count('class="easy-read__point"') >= 5
    assert all(src.startswith("/static/pictures/") for src in points)
    assert "More than half (more than 6 in 10) said “Cats”." in page
    reply = client.get("/bulletins/summer-2023/easy-read.html")
    one_file = reply.get_data(as_text=True)
    assert 'filename="easy-read-summer-2023.html"' in reply.headers["Content-Disposition"]
    assert "/static/" not in one_file and 'src="data:image/svg+xml;base64,' in one_file
    reply = job_result(client, client.get("/bulletins/summer-2023/easy-read.pdf"))
    assert reply.mimetype == "application/pdf" and reply.data.startswith(b"%PDF")
    show = client.get("/bulletins/summer-2023/").get_data(as_text=True)
    assert 'href="/bulletins/summer-2023/easy-read"' in show


def test_officers_accept_or_rewrite_each_line_beside_the_section(data, client):
    sign_in(client, "officer")
    url = "/bulletins/summer-2023/sections/outcome-2"
    page = client.get(url).get_data(as_text=True)
    suggested = "We asked: Which do you like best? More than half (more than 6 in 10) said “Cats”."
    line = "easy-" + re.search(rf'id="easy-(\d+)-hint">Suggested: {re.escape(suggested)}<', page)[1]
    form = {"body": "Words.", "stories": "", "commitments": "", "save": "Save"}
    wrong = post_form(client, url, {**form, line: "Most of you (9 in 10) said yes."})
    assert wrong.status_code == 400 and "the line gives 9" in wrong.get_data(as_text=True)
    hard = post_form(client, url, {**form, "easy_read": "We are " + "really " * 15 + "busy."})
    assert hard.status_code == 400 and "a sentence has" in hard.get_data(as_text=True)
    with data.app_context():
        bulletin = service.bulletin_for(term("Summer 2023"))
        assert not easy_read.written_lines(bulletin)  # nothing saved
    rewrite = "More than 6 in 10 of you like cats best."
    fields = {**form, line: rewrite, "easy_read": "We will talk to more families."}
    assert post_form(client, url, fields).status_code == 302
    page = client.get("/bulletins/summer-2023/easy-read").get_data(as_text=True)
    assert rewrite in page and suggested not in page and "We will talk to more families." in page
    # Sent back as suggested, the line follows the figure again.
    assert post_form(client, url, {**form, line: suggested}).status_code == 302
    page = client.get("/bulletins/summer-2023/easy-read").get_data(as_text=True)
    assert suggested in page and rewrite not in page


def test_export_command_easy_read(data, database_url, monkeypatch, tmp_path):
    from sefvoice.cli import main

    monkeypatch.setenv("SEFVOICE_DATABASE_URL", database_url)
    for name in ("easy.pdf", "easy.html"):
        args = ["bulletin", "export", "--term", "Summer 2023", "--edition", "easy-read"]
        result = CliRunner().invoke(main, [*args, "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
    assert (tmp_path / "easy.pdf").read_bytes().startswith(b"%PDF")
    assert "filled in our surveys" in (tmp_path / "easy.html").read_text(encoding="utf-8")
    bad = CliRunner().invoke(main, [*args, "--edition", "simple", "-o", "x.pdf"])
    assert bad.exit_code == 2 and "'simple' is not one of" in bad.output


def test_each_hard_word_the_edition_uses_is_explained(data, monkeypatch):
    glossary = {"cat": "A cat is a small furry pet.", "physio": "Exercises."}
    monkeypatch.setattr(easy_read, "load_glossary", lambda folder: glossary)
    with data.app_context():
        edition = build_easy_read(build_content(term("Summer 2023")))
        pdf = build_easy_read_pdf(edition)
    assert [p.text for p in edition.glossary] == ["A cat is a small furry pet."]  # "Cats"
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        text = " ".join(" ".join(page.extract_text().split()) for page in document.pages)
    assert "Words we use" in text and "A cat is a small furry pet." in text
