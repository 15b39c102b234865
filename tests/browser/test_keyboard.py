"""A whole survey by keyboard alone: Tab, Space, Enter and the arrow keys. On every page,
Tab goes round every control and back to the first, with focus visible at each stop and
never stuck (no keyboard trap)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from sefvoice.definitions import QUESTION_TYPES, Question, SurveyDefinition

from .checks import focus_state, go_round, tab_to
from .conftest import sign_in

pytestmark = pytest.mark.browser

# A shipped survey with a question of every type (checked below).
SURVEY = "young-people-quality-of-life"


def press_button(page: Page, name: str) -> None:
    """Tab to the button or link and press Enter; wait for the page it leads to."""
    target = page.get_by_role("button", name=name, exact=True).or_(
        page.get_by_role("link", name=name, exact=True)
    )
    tab_to(page, target)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def answer_by_keyboard(page: Page, question: Question) -> None:
    if question.type == "multiple":
        for option in ("#answer-1", "#answer-2"):
            tab_to(page, page.locator(option))
            page.keyboard.press("Space")
        expect(page.locator("#answer-1")).to_be_checked()
        expect(page.locator("#answer-2")).to_be_checked()
    elif question.is_choice:
        # Tab enters the group on its first radio; Space picks it, an arrow moves on.
        tab_to(page, page.locator("#answer-1"))
        page.keyboard.press("Space")
        expect(page.locator("#answer-1")).to_be_checked()
        page.keyboard.press("ArrowDown")
        expect(page.locator("#answer-2")).to_be_checked()
    else:
        tab_to(page, page.locator("#answer"))
        page.keyboard.type(str(question.min) if question.type == "number" else "It was fine.")


def error_by_keyboard(page: Page) -> None:
    """Send the page empty: focus moves to the error summary, whose link leads to the answer."""
    press_button(page, "Save and continue")
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    _, problem, _ = focus_state(page)
    assert problem is None, problem
    tab_to(page, summary.get_by_role("link"))
    page.keyboard.press("Enter")
    expect(page.locator("#answer-1")).to_be_focused()


def test_whole_survey_by_keyboard_alone(page, live_server):
    definition: SurveyDefinition = live_server.definitions[SURVEY]
    assert {q.type for q in definition.questions} == set(QUESTION_TYPES), "SURVEY lacks a type"
    page.goto("/")
    go_round(page)  # ends where it began: on the skip link
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    press_button(page, definition.title)
    fill_in_by_keyboard(page, definition)


def test_officers_page_and_preview_by_keyboard_alone(page, live_server):
    """The officers' survey page, then the preview of the survey, every page of it."""
    definition: SurveyDefinition = live_server.definitions[SURVEY]
    sign_in(page)
    page.goto(f"/surveys/manage/{SURVEY}")
    go_round(page)
    tab_to(page, page.get_by_role("link", name=re.compile("^Preview the survey")))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("Preview: answers are not saved")).to_be_visible()
    fill_in_by_keyboard(page, definition)


def fill_in_by_keyboard(page: Page, definition: SurveyDefinition) -> None:
    """From the survey's start page to its thank-you page."""
    go_round(page)
    tab_to(page, page.locator("#filled_by-1"))
    page.keyboard.press("Space")
    press_button(page, "Start the survey")
    go_round(page)
    press_button(page, "Go to the questions")

    first_choice = next(q for q in definition.questions if q.is_choice)
    for question in definition.questions:
        # No "#answer-1" carried over from the error's link: the page opens at its top.
        expect(page).to_have_url(re.compile(f"/q/{question.id}$"))
        go_round(page)
        if question is first_choice:
            error_by_keyboard(page)
        answer_by_keyboard(page, question)
        press_button(page, "Save and continue")

    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    go_round(page)
    press_button(page, "Send my answers")
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    go_round(page)
