"""What a respondent meets on the survey pages: optional answers left blank, the code shown
again, who runs the service and how to get help, the thank-you page, and the GOV.UK
markup of errors (read by the app's test client, CSRF on)."""

from __future__ import annotations

import re

from sefvoice.models import Response

from .conftest import post_form, sign_in
from .test_taking_a_survey import ALL_ANSWERS, SLUG, Q, answer, count, start, stored

CODE = re.compile(r'class="resume-code"[^>]*>([A-Z0-9-]+)<')


def test_an_optional_text_left_blank_is_a_skip(app, client):
    start(client)
    reply = answer(client, "anything-else", "   ", save="1")
    assert reply.status_code == 302 and reply.location.endswith(f"/s/{SLUG}/check")
    saved = stored(app, "anything-else")
    assert saved is not None and saved.text is None and not saved.option_ids


def test_an_optional_number_left_blank_is_a_skip(app, client):
    young = "young-people-quality-of-life"
    post_form(client, f"/s/{young}", {"filled_by": "me"})
    reply = post_form(client, f"/s/{young}/q/age", {"answer": "", "save": "1"})
    assert reply.status_code == 302, reply.text[:300]
    saved = stored(app, "age")
    assert saved is not None and saved.number is None


def test_an_optional_question_says_so_in_its_heading(client):
    start(client)
    page = client.get(Q + "anything-else").text
    assert re.search(r"Is there anything else\? \(optional\)</label></h1>", page)
    required = client.get(Q + "pick-one").text
    assert "(optional)" not in required


def test_an_error_is_marked_on_its_field_and_summed_up_after_the_heading(client):
    start(client)
    page = answer(client, "weeks-waited", "lots").text
    assert re.search(r'<input[^>]*id="answer"[^>]*aria-invalid="true"', page)
    assert page.index("<h1") < page.index("There is a problem")
    choice = answer(client, "pick-one", None).text
    assert re.search(r'<input[^>]*id="answer-1"[^>]*aria-invalid="true"', choice)
    assert choice.index("<h1") < choice.index("There is a problem")
    fine = client.get(Q + "pick-one").text
    assert "aria-invalid" not in fine


def test_the_back_link_is_inside_the_main_region(client):
    start(client)
    page = client.get(Q + "pick-many").text
    main = page[page.index("<main") : page.index("</main>")]
    assert 'class="back-link"' in main


def test_the_code_can_be_shown_again_while_this_browser_holds_the_answers(app, client):
    """Only the code's hash is kept: "Stop for now" makes a new code on request, and the
    old one stops working."""
    first = start(client)
    client.get(Q + "pick-one")  # the questions begin: the first code has left the session
    stop = client.get(f"/s/{SLUG}/code").text
    assert not CODE.search(stop) and "Show me a new code" in stop
    reply = post_form(client, f"/s/{SLUG}/new-code", {}, token_from=f"/s/{SLUG}/code")
    assert reply.status_code == 200
    second = CODE.search(reply.text)[1]
    assert second != first and "old code does not work now" in reply.text
    other = app.test_client()
    assert post_form(other, "/resume", {"code": first}).status_code == 400
    assert post_form(other, "/resume", {"code": second}).status_code == 302


def test_the_thank_you_page_gives_a_code_for_taking_the_answers_back(app, client):
    start(client)
    for question_id, value in ALL_ANSWERS:
        answer(client, question_id, value)
    post_form(client, f"/s/{SLUG}/check", {})
    done = client.get(f"/s/{SLUG}/done").text
    main = done[done.index("<main") : done.index("</main>")]
    assert main.count("Thank you") == 1 and "<img" in main
    assert 'href="https://www.example.org/what-you-told-us"' in main
    assert "January, May and September" in main
    assert "Show me a new code" in done
    reply = post_form(client, f"/s/{SLUG}/new-code", {}, token_from=f"/s/{SLUG}/done")
    code = CODE.search(reply.text)[1]
    assert "Take your answers back" in reply.text
    other = app.test_client()
    taken = post_form(other, "/withdraw", {"code": code, "confirm": "y"})
    assert taken.status_code == 200 and count(app, Response) == 0


def test_a_new_code_needs_the_browser_that_holds_the_answers(client):
    reply = post_form(client, f"/s/{SLUG}/new-code", {}, token_from="/resume")
    assert reply.status_code == 302 and reply.location.endswith(f"/s/{SLUG}")


def test_families_footer_is_on_their_pages_and_not_on_staff_pages(client):
    """The footer tells families their answers are safe and how to get help; a staff page
    keeps only the links (help, privacy, accessibility, cookies)."""
    families = "We keep your answers safe."
    for path in ("/", "/resume", "/help"):
        assert families in client.get(path).get_data(as_text=True), path
    sign_in(client, "officer")
    assert families in client.get("/").get_data(as_text=True)
    for path in ("/feedback/", "/releases/", "/jobs/"):
        page = client.get(path).get_data(as_text=True)
        assert families not in page and "Accessibility statement" in page, path
