"""Easy read for every reader, what axe cannot see: each answer's accessible name is its
label alone; bigger text keeps headings above the body text at 320px; an exclusive answer
unticks the others; the code stays on one line; "Read this to me" reads each page in
order, shows that it is speaking and stops (speech stubbed: a test cannot hear)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from sefvoice.definitions import SurveyDefinition

from .conftest import SURVEY_SLUGS, new_page, send
from .test_pages import start_survey

pytestmark = pytest.mark.browser

# A role and name in Playwright's ARIA snapshot: `- radio "Yes"`, `- checkbox "No one"`.
SNAPSHOT_OPTION = re.compile(r'- (?:radio|checkbox) "((?:[^"\\]|\\.)*)"')


def option_names(page: Page) -> list[str]:
    """The accessible name of each answer, from the page's accessibility tree."""
    snapshot = page.locator("form fieldset").aria_snapshot()
    return [name.replace('\\"', '"') for name in SNAPSHOT_OPTION.findall(snapshot)]


@pytest.mark.parametrize("slug", SURVEY_SLUGS)
def test_each_answer_is_named_by_its_label_alone(page, live_server, slug):
    """The pictures show what the words say: an answer is read once, by its words."""
    definition: SurveyDefinition = live_server.definitions[slug]
    page.goto(f"/s/{slug}")
    assert option_names(page) == [o.label for o in definition.filled_by]
    page.check("#filled_by-1")
    send(page, "Start the survey")
    for question in definition.questions:
        if question.show_if:  # asked only after an earlier answer: give it first
            page.goto(f"/s/{slug}/q/{question.show_if.question}")
            page.check(f"input[value='{question.show_if.answers[0]}']")
            send(page, "Save and continue")
        if question.is_choice:
            page.goto(f"/s/{slug}/q/{question.id}")
            assert option_names(page) == [o.label for o in question.options], question.id


# The page's body text size, then each heading smaller than it and each piece of text
# smaller than 19px (visually hidden text and the skip link aside).
TEXT_SIZES_SCRIPT = """() => {
  const body = parseFloat(getComputedStyle(document.body).fontSize);
  const problems = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.visually-hidden, .skip-link') || !el.getClientRects().length) continue;
    const words = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.data.trim());
    const size = parseFloat(getComputedStyle(el).fontSize);
    const text = el.textContent.replace(/\\s+/g, ' ').trim().slice(0, 40);
    if (/^H[1-6]$/.test(el.tagName) && size < body) {
      problems.push(`${el.tagName} "${text}" is ${size}px, smaller than the body's ${body}px`);
    }
    if (words && size < 19) problems.push(`${el.tagName} "${text}" is ${size}px`);
  }
  return [body, problems];
}"""


def text_size_problems(page: Page) -> list[str]:
    body, problems = page.evaluate(TEXT_SIZES_SCRIPT)
    assert body >= 24, f"{page.url}: bigger text is not on (body {body}px)"
    return [f"{page.url}: {problem}" for problem in problems]


def test_bigger_text_keeps_every_heading_above_the_body_text_at_320px(page, live_server):
    """Every respondent page in bigger-text mode on a phone: no heading smaller than the
    body text, and nothing (footer, toggle, Back link, captions) below 19px."""
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/")
    send(page, "Bigger text and stronger colours")
    problems = text_size_problems(page)
    for address in ("/resume", "/withdraw", "/s/all-types"):
        page.goto(address)
        problems += text_size_problems(page)
    start_survey(page, "all-types")
    problems += text_size_problems(page)
    for question in live_server.definitions["all-types"].questions:
        page.goto(f"/s/all-types/q/{question.id}")
        problems += text_size_problems(page)
        send(page, "Save and continue")  # sent empty: the error state
        problems += text_size_problems(page)
    page.goto("/s/all-types/check")
    send(page, "Send my answers")  # nothing answered: the error state
    problems += text_size_problems(page)
    assert not problems, "\n".join(problems)


def test_an_exclusive_answer_unticks_the_others(page):
    start_survey(page, "parent-carer-annual")
    page.goto("/s/parent-carer-annual/q/who-helps")
    school, health = page.get_by_label("School or college"), page.get_by_label("A doctor or nurse")
    no_one = page.get_by_label("No one")
    school.check()
    health.check()
    no_one.check()
    expect(school).not_to_be_checked()
    expect(health).not_to_be_checked()
    school.check()
    expect(no_one).not_to_be_checked()
    expect(school).to_be_checked()


@pytest.mark.parametrize("display", ["standard", "bigger text"])
def test_the_code_stays_on_one_line_at_320px(page, display):
    page.set_viewport_size({"width": 320, "height": 640})
    start_survey(page, "all-types")
    if display == "bigger text":
        send(page, "Bigger text and stronger colours")
    lines = page.locator(".resume-code").evaluate(
        "el => { const r = document.createRange(); r.selectNodeContents(el);"
        " return new Set([...r.getClientRects()].map((box) => Math.round(box.top))).size; }"
    )
    assert lines == 1
    letters = page.locator(".resume-code + .visually-hidden").inner_text()
    code = page.locator(".resume-code").inner_text()
    assert letters == " ".join(code.replace("-", ""))


# A speech engine that only records: what was said, and how often it was stopped.
SPEECH_STUB = """
window.spoken = [];
window.cancelled = 0;
Object.defineProperty(window, 'speechSynthesis', { configurable: true, value: {
  speaking: false, pending: false, paused: false,
  speak(utterance) { window.spoken.push(utterance); },
  cancel() { window.cancelled += 1; },
  pause() {}, resume() {}, getVoices() { return []; },
}});
window.SpeechSynthesisUtterance = function (text) { this.text = text; };
"""
NO_SPEECH = "Object.defineProperty(window, 'speechSynthesis', { value: undefined });"


@pytest.fixture
def speaking_page(browser, live_server):
    page = new_page(browser, live_server)
    page.context.add_init_script(SPEECH_STUB)
    yield page
    page.context.close()


def spoken(page: Page) -> list[str]:
    return page.evaluate("window.spoken.map((utterance) => utterance.text)")


def read_aloud(page: Page) -> list[str]:
    """Press "Read this to me" by keyboard and return what it queued to say."""
    page.evaluate("window.spoken = []")
    page.get_by_role("button", name="Read this to me").focus()
    page.keyboard.press("Enter")
    return spoken(page)


def test_read_aloud_reads_a_start_page_in_order_shows_it_and_stops(speaking_page, live_server):
    page = speaking_page
    definition: SurveyDefinition = live_server.definitions["parent-carer-annual"]
    page.goto("/s/parent-carer-annual")
    said = read_aloud(page)
    start = definition.start
    assert said[:4] == [definition.title, "What is this survey for?", *start["what_for"]]
    who = said.index(definition.filled_by_question)
    answers = [f"{o.label}. Not ticked." for o in definition.filled_by]
    assert said[who + 1 :] == [*answers, "Button: Start the survey."]
    # Speaking: it says so, and Stop (focused) replaces the button.
    expect(page.get_by_role("status")).to_have_text("Reading this page to you.")
    stop = page.get_by_role("button", name="Stop reading")
    expect(stop).to_be_focused()
    expect(page.get_by_role("button", name="Read this to me")).to_be_hidden()
    # The part being read is marked, so the reader can follow it.
    page.evaluate("window.spoken[1].onstart()")
    expect(page.locator(".read-aloud__current")).to_have_text("What is this survey for?")
    cancelled = page.evaluate("window.cancelled")
    page.keyboard.press("Enter")
    assert page.evaluate("window.cancelled") == cancelled + 1
    expect(page.get_by_role("button", name="Read this to me")).to_be_focused()
    expect(stop).to_be_hidden()
    expect(page.locator(".read-aloud__current")).to_have_count(0)
    expect(page.locator(".read-aloud__status")).to_have_text("")


def test_read_aloud_reads_the_question_hint_and_each_answer(speaking_page, live_server):
    page = speaking_page
    definition: SurveyDefinition = live_server.definitions["young-people-quality-of-life"]
    question = definition.question("free-time")
    start_survey(page, definition.slug)
    page.goto(f"/s/{definition.slug}/q/{question.id}")
    said = read_aloud(page)
    number = definition.index_of(question.id) + 1
    caption = f"Question {number} of {len(definition.questions)}"
    options = [f"{o.label}. Not ticked." for o in question.options]
    assert said[: 3 + len(options)] == [caption, question.text, question.hint, *options]
    # When the last part has been said, the page is as it was.
    page.evaluate("window.spoken[window.spoken.length - 1].onend()")
    expect(page.get_by_role("button", name="Read this to me")).to_be_visible()
    expect(page.get_by_role("button", name="Stop reading")).to_be_hidden()


def test_read_aloud_is_on_every_respondent_page(speaking_page):
    page = speaking_page
    button = page.get_by_role("button", name="Read this to me")
    for address in ("/", "/resume", "/withdraw"):
        page.goto(address)
        expect(button).to_be_visible()
    start_survey(page, "all-types")
    expect(button).to_be_visible()  # the code page
    assert " ".join(page.locator(".resume-code").inner_text().replace("-", "")) in read_aloud(page)
    for address in ("/s/all-types/q/pick-one", "/s/all-types/check"):
        page.goto(address)
        expect(button).to_be_visible()


@pytest.mark.parametrize("without", ["JavaScript", "speech"])
def test_read_aloud_is_absent_without_javascript_or_speech(browser, live_server, without):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=without != "JavaScript"
    )
    context.add_init_script(NO_SPEECH)
    page = context.new_page()
    try:
        page.goto("/s/all-types")
        expect(page.get_by_role("heading", name="Test survey")).to_be_visible()
        expect(page.get_by_role("button", name="Read this to me")).to_have_count(0)
    finally:
        context.close()
