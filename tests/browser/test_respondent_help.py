"""What a real person needs beyond what axe checks: bigger text keeps what was ticked or typed
(with and without JavaScript), read aloud says the buttons and the ticks, "What does … mean?"
names its word, a young person is told who to talk to, every respondent page says who runs
the service and how to get help, and a question that does not apply is not asked."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import send
from .test_easy_read import read_aloud, speaking_page  # noqa: F401  (a fixture)
from .test_pages import start_survey

pytestmark = pytest.mark.browser
YOUNG = "young-people-quality-of-life"
REVIEW = "annual-review-feedback"


@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without"])
def test_bigger_text_keeps_what_was_ticked_and_typed(browser, live_server, javascript):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=javascript)
    page = context.new_page()
    try:
        page.goto(f"/s/{YOUNG}")
        page.check("#filled_by-2")
        send(page, "Bigger text and stronger colours")
        expect(page.locator("body")).to_have_class("display-large")
        expect(page.locator("#filled_by-2")).to_be_checked()
        send(page, "Start the survey")
        page.goto(f"/s/{YOUNG}/q/free-time")
        page.check("#answer-1")
        page.check("#answer-3")
        send(page, "Bigger text and stronger colours")  # back to standard
        expect(page.locator("body")).not_to_have_class("display-large")
        expect(page.locator("#answer-1")).to_be_checked()
        expect(page.locator("#answer-3")).to_be_checked()
        expect(page.get_by_role("heading", name="There is a problem")).to_have_count(0)
        page.goto(f"/s/{YOUNG}/q/anything-else")
        page.fill("#answer", "I like drawing.")
        send(page, "Bigger text and stronger colours")
        expect(page.locator("#answer")).to_have_value("I like drawing.")
    finally:
        context.close()


def test_read_aloud_says_the_buttons_and_which_answers_are_ticked(speaking_page):  # noqa: F811
    page = speaking_page
    start_survey(page, "all-types")
    page.goto("/s/all-types/q/pick-many")
    page.check("#answer-2")
    said = read_aloud(page)
    assert said[-5:] == [
        "Bus. Not ticked.",
        "Car. Ticked.",
        "Walk. Not ticked.",
        "Button: Save and continue.",
        "Stop for now and come back later",
    ]


def test_what_does_it_mean_names_the_word_it_explains(page):
    start_survey(page, "parent-carer-annual")
    page.goto("/s/parent-carer-annual/q/who-helps")
    for word in ("physio", "social care", "short breaks"):
        summary = page.get_by_text(f"What does “{word}” mean?", exact=True)
        expect(summary).to_be_visible()
    page.get_by_text("What does “physio” mean?", exact=True).click()
    expect(page.get_by_text("Physio is exercises with an expert.", exact=False)).to_be_visible()
    page.goto(f"/s/{REVIEW}")
    page.get_by_text("What does “EHCP” mean?", exact=True).click()
    expect(page.get_by_text("Education, Health and Care Plan", exact=False)).to_be_visible()


def test_a_young_person_is_told_who_to_talk_to(page):
    start_survey(page, YOUNG)
    page.goto(f"/s/{YOUNG}/q/feel-safe")
    panel = page.locator(".support")
    expect(panel).to_contain_text("Childline free on 0800 1111")
    expect(panel).to_contain_text("Riverside youth support team: 01632 960 456")
    page.goto(f"/s/{YOUNG}/q/friends")
    expect(page.locator(".support")).to_have_count(0)


def test_every_respondent_page_says_who_runs_it_and_how_to_get_help(page):
    for address in ("/", f"/s/{YOUNG}", "/resume", "/about/help"):
        page.goto(address)
        expect(page.locator("header")).to_contain_text("Riverside Family Partnership")
        footer = page.locator("footer")
        expect(footer.get_by_role("link", name="01632 960 123")).to_be_visible()
        expect(footer.get_by_role("link", name="help@example.org")).to_be_visible()
        for name in ("Privacy", "Accessibility statement", "Cookies"):
            footer.get_by_role("link", name=name, exact=True).click()
            expect(page.locator("h1")).to_contain_text(name.split()[0])
            page.goto(address)


def test_a_young_person_with_their_own_plan_is_not_asked_how_the_young_person_took_part(page):
    start_survey(page, REVIEW)
    page.get_by_role("link", name="Go to the questions").click()
    page.get_by_label("Me", exact=True).check()
    send(page, "Save and continue")
    for _ in range(3):  # the invite, the reports, being heard
        page.locator("#answer-1").check()
        send(page, "Save and continue")
    expect(page.locator("h1")).to_have_text("Were the right people at the meeting?")
