"""Every page, in a real browser: zero axe-core WCAG 2.0/2.1/2.2 A and AA violations, no
sideways scrolling at 320px wide or at 200% text, and each page a respondent sees at most
60 KB over the wire with everything it loads. A failure names each rule, element and page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from sefvoice.definitions import Question, SurveyDefinition

from .checks import assert_page_passes
from .conftest import (
    PUBLIC_FORMS,
    PUBLIC_PAGES,
    STAFF_FORMS,
    STAFF_PAGES,
    SURVEY_SLUGS,
    send,
    send_with_error,
)

pytestmark = pytest.mark.browser


def answer(page: Page, question: Question, definition: SurveyDefinition | None = None) -> None:
    """Its first option, its lowest number or a few words. With the definition: the first
    option that brings in a question asked only after it (show_if), so every page is seen."""
    routes = [
        q.show_if.answers[0]
        for q in (definition.questions if definition else ())
        if q.show_if and q.show_if.question == question.id
    ]
    if routes:
        ids = [o.id for o in question.options]
        page.check(f"#answer-{ids.index(routes[0]) + 1}")
    elif question.is_choice:
        page.check("#answer-1")
    elif question.type == "number":
        page.fill("#answer", str(question.min))
    else:
        page.fill("#answer", "It was fine.")


def start_survey(page: Page, slug: str) -> None:
    """From the survey's start page to its code page, as someone who fills it in alone."""
    page.goto(f"/s/{slug}")
    page.check("#filled_by-1")
    send(page, "Start the survey")


@pytest.mark.parametrize("slug", SURVEY_SLUGS)
def test_every_page_of_a_survey(page, live_server, slug):
    """Start page, code, each question, check your answers and thank you, as it is filled in."""
    definition: SurveyDefinition = live_server.definitions[slug]
    page.goto(f"/s/{slug}")
    assert_page_passes(page)
    page.check("#filled_by-1")
    send(page, "Start the survey")
    assert_page_passes(page)
    page.get_by_role("link", name="Go to the questions").click()
    for question in definition.questions:
        page.wait_for_url(f"**/q/{question.id}")
        assert_page_passes(page)
        answer(page, question, definition)
        send(page, "Save and continue")
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    assert_page_passes(page)
    send(page, "Send my answers")
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    assert_page_passes(page)


def test_error_state_of_every_question_type(page, live_server):
    """The test survey's pages sent without an answer: one question of each type."""
    definition: SurveyDefinition = live_server.definitions["all-types"]
    page.goto("/s/all-types")
    send_with_error(page, "Start the survey")
    assert_page_passes(page)
    page.check("#filled_by-1")
    send(page, "Start the survey")
    page.goto("/s/all-types/check")
    send_with_error(page, "Send my answers")
    assert_page_passes(page)
    for question in definition.questions:
        if question.optional:  # left blank, it is a skip: no error
            continue
        page.goto(f"/s/all-types/q/{question.id}")
        send_with_error(page, "Save and continue")
        assert_page_passes(page)


def test_bigger_text_and_stronger_colours(page):
    start_survey(page, "all-types")
    page.goto("/s/all-types/q/pick-one")
    send(page, "Bigger text and stronger colours")
    expect(page.locator("body")).to_have_class("display-large")
    assert_page_passes(page)
    send_with_error(page, "Save and continue")
    assert_page_passes(page)


def test_resume_and_withdraw(page):
    start_survey(page, "all-types")
    code = page.locator(".resume-code").inner_text()
    page.goto("/resume")
    page.fill("#code", code)
    send(page, "Carry on")
    expect(page).to_have_url(re.compile("/s/all-types/q/pick-one$"))
    page.goto("/withdraw")
    page.fill("#code", code)
    page.check("#confirm")
    send(page, "Delete my answers")
    expect(page.get_by_role("heading", name="Your answers are deleted")).to_be_visible()
    assert_page_passes(page)


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page(visitor_page, path):
    visitor_page.goto(path)
    assert_page_passes(visitor_page)


@pytest.mark.parametrize(("path", "button"), PUBLIC_FORMS)
def test_public_form_error_state(visitor_page, path, button):
    visitor_page.goto(path)
    send_with_error(visitor_page, button)
    assert_page_passes(visitor_page)


# Staff pages are not held to the page weight: they are used in offices, and the feedback
# tab's tables are as big as the figures they publish.
@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_page(staff_page, path):
    staff_page.goto(path)
    assert_page_passes(staff_page, weigh=False)


@pytest.mark.parametrize(("path", "button"), STAFF_FORMS)
def test_staff_form_error_state(staff_page, path, button):
    staff_page.goto(path)
    send_with_error(staff_page, button)
    assert_page_passes(staff_page, weigh=False)


def test_comment_review_page_and_its_error(staff_page):
    staff_page.goto("/feedback/comments")
    with staff_page.expect_navigation():
        staff_page.get_by_role("link", name=re.compile("^Edit")).first.click()
    assert_page_passes(staff_page, weigh=False)
    send_with_error(staff_page, "Approve and next")
    assert_page_passes(staff_page, weigh=False)


def test_an_error_link_is_not_carried_to_the_next_question(browser, live_server):
    """Without JavaScript, following the error summary's link puts #answer-1 in the address.
    Sent from there, the next question must open at its top, where its words are, not at
    its first option (a browser carries a fragment over a redirect that has none)."""
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        start_survey(page, "all-types")
        page.goto("/s/all-types/q/pick-one")
        send_with_error(page, "Save and continue")
        page.locator(".error-summary a").first.click()
        assert page.url.endswith("#answer-1")
        page.check("#answer-1")
        send(page, "Save and continue")
        page.wait_for_url("**/q/pick-many*")
        assert "#" not in page.url, page.url
    finally:
        context.close()
