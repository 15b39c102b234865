"""The easy-read edition's words: every line, carried from the last bulletin or written new,
is checked for jargon (abbreviations and words with plainer ones) as well as the surveys'
sentence length and reading ease."""

from __future__ import annotations

import pytest

from sefvoice.bulletin import service
from sefvoice.bulletin.content import build_content
from sefvoice.bulletin.easy_read import build_easy_read, line_problems, wording_problems

from .test_bulletin import term

JARGON = [
    "Gatsby Benchmarks report",
    "Peer review of the SENCO network",
    "Alternative provision sufficiency update",
]


def test_jargon_is_caught_and_plain_words_pass(ctx):
    assert any("Gatsby Benchmarks" in p and "careers" in p for p in line_problems(JARGON[0]))
    assert any("SENCO" in p and "glossary" in p for p in line_problems(JARGON[1]))
    assert any("sufficiency" in p and "enough places" in p for p in line_problems(JARGON[2]))
    assert line_problems("We will tell you about your SEND help. It is OK to ask.") == []
    assert wording_problems() == []  # the edition's own fixed words pass


def test_numbers_are_digits_and_no_line_gives_a_percentage(ctx):
    assert line_problems("Most (7 in 10) said yes. We will meet 3 times.") == []
    assert line_problems("Fewer than half (43%) said yes.") == [
        "'43%' is a percentage: say it in words, such as 'most' or '7 in 10'"
    ]
    assert line_problems("Five people said it took 2.5 weeks.") == [
        "'2.5' has a decimal point: give a whole number, or say it in words",
        "write 5, not 'Five': a number is easier to read in digits",
    ]
    summer, carried = _carried(["Waits are down by 20 percent"])
    problems = build_easy_read(build_content(term("Summer 2023"))).problems()
    assert any("'percent' is a percentage" in p for p in problems), problems
    progress = {carried["Waits are down by 20 percent"]: ("done", "Shorter waits")}
    with pytest.raises(service.BulletinError, match="percentage"):
        service.save_progress(summer, progress)
    easy = {carried["Waits are down by 20 percent"]: "Waits are shorter than before"}
    service.save_progress(summer, progress, easy_read=easy)
    assert build_easy_read(build_content(term("Summer 2023"))).problems() == []


def _carried(texts: list[str]):
    spring = service.create_bulletin(term("Spring 2023"))
    service.save_section(spring, "outcome-4", "Next steps.", "", texts)
    summer = service.create_bulletin(term("Summer 2023"))
    return summer, {c.text: c.id for c in summer.commitments if c.carried_from_id}


def test_carried_lines_with_jargon_are_reported_and_need_an_easy_read_line(ctx):
    summer, carried = _carried(JARGON)
    problems = build_easy_read(build_content(term("Summer 2023"))).problems()
    for text in JARGON:
        assert any(text.split()[0] in p for p in problems), (text, problems)
    progress = {carried[JARGON[0]]: ("done", "The report is out")}
    with pytest.raises(service.BulletinError, match="Gatsby Benchmarks"):
        service.save_progress(summer, progress)
    plain = {
        carried[JARGON[0]]: "A report on careers help in schools",
        carried[JARGON[1]]: "A look at how school staff who help with SEND work together",
        carried[JARGON[2]]: "A plan to make sure there are enough school places",
    }
    service.save_progress(summer, progress, easy_read=plain)
    assert build_easy_read(build_content(term("Summer 2023"))).problems() == []
