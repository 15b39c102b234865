"""Entering a paper return by keyboard alone: print a batch, then type the reference and
each answer's number, Tab from one to the next, and save; the same copy again is refused."""

from __future__ import annotations

import io
import re

import pdfplumber
import pytest
from playwright.sync_api import Page, expect

from sefvoice.definitions import Question

from .checks import go_round, tab_to
from .conftest import PARENT_CARER_ENTRY
from .test_keyboard import press_button
from .test_pages import assert_page_passes

pytestmark = pytest.mark.browser

SURVEY = "parent-carer-annual"


def typed_answer(question: Question) -> str:
    if question.type == "multiple":
        return "1 2"
    if question.is_choice:
        return "1"
    return str(question.min) if question.type == "number" else "It was fine."


def print_by_keyboard(page: Page, copies: str) -> list[str]:
    """Make a batch by keyboard, then read its copies' references from the PDF its job made."""
    page.goto(f"/paper/{SURVEY}/print")
    tab_to(page, page.locator("#copies"))
    page.keyboard.type(copies)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_page_passes(page, weigh=False)  # the job's progress page: it ran in the request
    expect(page.locator(".job__doing")).to_have_text("Finished.")
    download = page.get_by_role("link", name=re.compile(r"^Download .*\.pdf$"))
    pdf_address = download.get_attribute("href")
    pdf = pdfplumber.open(io.BytesIO(page.request.get(pdf_address).body()))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    return sorted(set(re.findall(r"Reference: ([A-Z2-9]{4}-[A-Z2-9]{4})", text)))


def enter_by_keyboard(page: Page, reference: str, questions: tuple[Question, ...]) -> None:
    """The reference field has focus when the page opens; Tab moves from answer to answer."""
    page.goto(PARENT_CARER_ENTRY)
    expect(page.locator("#reference")).to_be_focused()
    page.keyboard.type(reference)
    page.keyboard.press("Tab")
    page.keyboard.type("1")  # who filled it in
    for question in questions:
        page.keyboard.press("Tab")
        expect(page.locator(f"#q-{question.id}")).to_be_focused()
        page.keyboard.type(typed_answer(question))
    press_button(page, "Save this return")


def test_a_paper_return_entered_by_keyboard_alone_and_refused_the_second_time(
    staff_page, live_server
):
    definition = live_server.definitions[SURVEY]
    first, _second = print_by_keyboard(staff_page, "2")

    enter_by_keyboard(staff_page, first, definition.questions)
    expect(staff_page.get_by_role("status")).to_contain_text(f"Saved the paper return {first}")
    expect(staff_page.locator("#reference")).to_be_focused()  # ready for the next one
    go_round(staff_page)
    assert_page_passes(staff_page, weigh=False)

    enter_by_keyboard(staff_page, first, definition.questions)
    summary = staff_page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(f"Reference {first} was already entered, on ")
    expect(staff_page.get_by_role("status")).to_contain_text("Nothing was stored.")
    # What was typed is still there, to correct.
    expect(staff_page.locator(f"#q-{definition.questions[0].id}")).to_have_value("1")
    assert_page_passes(staff_page, weigh=False)
