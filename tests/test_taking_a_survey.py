"""Taking a survey through the web pages, as a respondent would (CSRF on, as in production)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import template_rendered
from sqlalchemy import event, func, select

from sefvoice.extensions import db
from sefvoice.models import Answer, AnswerChoice, Response, Survey, utcnow
from sefvoice.surveys import held as held_responses
from sefvoice.surveys import versions as survey_versions

from .conftest import CSRF_PATTERN as CSRF
from .conftest import csrf_token, post_form, sign_in

SLUG = "all-types"
Q = f"/s/{SLUG}/q/"


def start(client, filled_by: str = "me") -> str:
    """Start the test survey; returns the resume code shown to the respondent."""
    reply = post_form(client, f"/s/{SLUG}", {"filled_by": filled_by})
    assert reply.status_code == 302 and reply.location.endswith(f"/s/{SLUG}/code")
    page = client.get(f"/s/{SLUG}/code").get_data(as_text=True)
    return re.search(r'class="resume-code"[^>]*>([A-Z0-9-]+)<', page).group(1)


def answer(client, question_id: str, value, **extra):
    data = {"answer": value} if value is not None else {}
    return post_form(client, Q + question_id + extra.pop("query", ""), {**data, **extra})


def stored(app, question_id: str) -> Answer | None:
    with app.app_context():
        found = db.session.scalar(select(Answer).filter_by(question_id=question_id))
        if found is not None:
            found.option_ids  # load while the session is open  # noqa: B018
        return found


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


ALL_ANSWERS = [
    ("pick-one", "cats"),
    ("pick-many", ["bus", "walk"]),
    ("three-faces", "happy"),
    ("five-faces", "4"),
    ("views-included", "partly"),
    ("weeks-waited", "12"),
    ("anything-else", "Thank you"),
]


def test_start_page_says_what_the_survey_is_for(client):
    page = client.get(f"/s/{SLUG}").get_data(as_text=True)
    assert "This is a test." in page and "Who is filling this in?" in page
    # An answer's picture shows what its words say: it is not read out as well.
    assert 'alt="Two people"' not in page and 'alt=""' in page


def test_starting_without_saying_who_fills_it_in_asks_again(app, client):
    """The start page sent back with its error is made for that person; the page shown
    afterwards (shared) has no error on it."""
    reply = post_form(client, f"/s/{SLUG}", {})
    assert reply.status_code == 400 and "Choose who is filling this in." in reply.text
    assert "Choose who is filling this in." not in client.get(f"/s/{SLUG}").text
    assert count(app, Response) == 0


def test_every_question_type_is_saved_as_its_page_is_sent(app, client):
    start(client, "me-with-help")
    for question_id, value in ALL_ANSWERS:
        reply = answer(client, question_id, value)
        assert reply.status_code == 302, (question_id, reply.get_data(as_text=True)[:500])
    assert stored(app, "pick-one").option_ids == ["cats"]
    assert stored(app, "pick-many").option_ids == ["bus", "walk"]
    assert stored(app, "three-faces").option_ids == ["happy"]
    assert stored(app, "five-faces").option_ids == ["4"]
    assert stored(app, "views-included").option_ids == ["partly"]
    assert stored(app, "weeks-waited").number == 12
    assert stored(app, "anything-else").text == "Thank you"
    with app.app_context():
        assert db.session.scalar(select(Response.filled_by)) == "me-with-help"


def test_each_page_leads_to_the_next_and_the_last_to_check(client):
    start(client)
    assert answer(client, "pick-one", "dogs").location.endswith(Q + "pick-many")
    assert answer(client, "anything-else", "x").location.endswith(f"/s/{SLUG}/check")


def test_question_page_shows_progress_pictures_and_back_link(client):
    start(client)
    page = client.get(Q + "three-faces").get_data(as_text=True)
    assert "Question 3 of 7" in page
    assert 'alt="A sad face"' not in page and 'src="/static/pictures/face-1.svg?v=' in page
    assert f'href="{Q}pick-many">Back' in page


def test_whole_survey_completed_checked_and_sent(app, client):
    start(client)
    for question_id, value in ALL_ANSWERS:
        answer(client, question_id, value)
    check = client.get(f"/s/{SLUG}/check").get_data(as_text=True)
    assert "Bus, Walk" in check and "12 weeks" in check and "Partly" in check
    reply = post_form(client, f"/s/{SLUG}/check", {})
    assert reply.status_code == 302 and reply.location.endswith(f"/s/{SLUG}/done")
    assert "We will read your answers." in client.get(f"/s/{SLUG}/done").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Response.submitted_at)) is not None
    # After sending, the question pages lead to the thank-you page: nothing can be changed.
    assert client.get(Q + "pick-one").location.endswith(f"/s/{SLUG}/done")


def test_optional_question_can_be_skipped_and_a_required_one_cannot(app, client):
    start(client)
    assert "Skip this question" in client.get(Q + "anything-else").get_data(as_text=True)
    assert "Skip this question" not in client.get(Q + "pick-one").get_data(as_text=True)
    reply = post_form(client, Q + "anything-else", {"skip": "1"})
    assert reply.status_code == 302
    skipped = stored(app, "anything-else")
    assert skipped is not None and skipped.text is None and skipped.option_ids == []
    reply = post_form(client, Q + "pick-one", {"skip": "1"})
    assert reply.status_code == 400
    assert "Choose one answer." in reply.get_data(as_text=True)
    assert stored(app, "pick-one") is None


def test_sending_is_refused_until_required_questions_are_answered(app, client):
    start(client)
    answer(client, "pick-one", "cats")
    reply = post_form(client, f"/s/{SLUG}/check", {})
    assert reply.status_code == 400
    page = reply.get_data(as_text=True)
    assert "There is a problem" in page and 'href="#change-pick-many"' in page
    with app.app_context():
        assert db.session.scalar(select(Response.submitted_at)) is None


def test_resume_with_code_on_a_new_device(app, client):
    code = start(client)
    answer(client, "pick-one", "dogs")
    answer(client, "pick-many", ["car"])
    other_device = app.test_client()
    typed = code.lower().replace("-", " ")  # as someone might type it
    reply = post_form(other_device, "/resume", {"code": typed})
    assert reply.status_code == 302 and reply.location.endswith(Q + "three-faces")
    page = other_device.get(Q + "pick-one").get_data(as_text=True)
    assert re.search(r'value="dogs" checked', page)
    assert answer(other_device, "three-faces", "ok").status_code == 302
    assert count(app, Answer) == 3 and count(app, Response) == 1


def test_a_question_page_shows_the_saved_answer_and_only_its_own(app, client):
    """The page reads the saved answer with the response, in one query: every option chosen
    comes back ticked, a number comes back in its box, and another question's answer or
    another response's does not leak in."""
    start(client)
    assert answer(client, "pick-many", ["walk", "bus"]).status_code == 302
    assert answer(client, "weeks-waited", "12").status_code == 302
    someone_else = app.test_client()
    start(someone_else)
    assert answer(someone_else, "pick-many", ["car"]).status_code == 302
    page = client.get(Q + "pick-many").get_data(as_text=True)
    ticked = re.findall(r'value="(\w+)" checked', page)
    assert sorted(ticked) == ["bus", "walk"]
    assert 'value="12"' in client.get(Q + "weeks-waited").get_data(as_text=True)
    assert " checked" not in client.get(Q + "pick-one").get_data(as_text=True)
    assert re.findall(r'value="(\w+)" checked', someone_else.get(Q + "pick-many").text) == ["car"]


@pytest.mark.parametrize("page", [f"/s/{SLUG}", Q + "pick-one"], ids=["start", "question"])
def test_a_page_with_nothing_personal_on_it_is_made_once_and_shared(app, client, page):
    """The start page, and a question page with nothing saved on it, are made once and shared
    (views.shown_afresh): the second person's copy is not rendered, and each person gets
    their own CSRF token in it, which works."""
    start(client)
    other = app.test_client()
    start(other)
    first = client.get(page).text
    rendered = []
    with template_rendered.connected_to(lambda _app, template, **_: rendered.append(template), app):
        shared = other.get(page).text
    assert rendered == []
    (mine,), (theirs,) = set(CSRF.findall(first)), set(CSRF.findall(shared))
    assert mine != theirs and mine not in shared
    assert first.replace(mine, "token") == shared.replace(theirs, "token")
    sent = other.post(page, data={"csrf_token": theirs, "answer": "cats", "filled_by": "me"})
    assert sent.status_code == 302


def test_what_differs_between_people_is_never_on_a_shared_page(app, client):
    """A saved answer, bigger text and a signed-in staff member's links are never shared."""
    start(client)
    other = app.test_client()
    start(other)
    assert answer(other, "pick-one", "cats").status_code == 302
    assert re.findall(r'value="(\w+)" checked', other.get(Q + "pick-one").text) == ["cats"]
    assert " checked" not in client.get(Q + "pick-one").text
    post_form(other, "/display", {"next": "/"}, token_from="/resume")
    for page in (Q + "pick-many", f"/s/{SLUG}"):
        assert 'class="display-large"' in other.get(page).text
        assert 'class="display-large"' not in client.get(page).text
    staff = app.test_client()
    sign_in(staff, "officer")
    start(staff)
    for page in (Q + "pick-many", f"/s/{SLUG}"):
        assert "Staff pages" in staff.get(page).text
        assert "Staff pages" not in client.get(page).text


def test_change_an_answer_from_the_check_page(app, client):
    start(client)
    for question_id, value in ALL_ANSWERS:
        answer(client, question_id, value)
    page = client.get(f"/s/{SLUG}/check").get_data(as_text=True)
    assert f'href="{Q}pick-many?change=1"' in page
    change_page = client.get(Q + "pick-many?change=1").get_data(as_text=True)
    assert f'href="/s/{SLUG}/check">Back' in change_page
    assert f'<form method="post" action="{Q}pick-many?change=1"' in change_page  # stays in it
    reply = answer(client, "pick-many", ["car"], query="?change=1")
    assert reply.location.endswith(f"/s/{SLUG}/check")
    assert stored(app, "pick-many").option_ids == ["car"]
    assert count(app, AnswerChoice) == 5  # one choice in each of the five choice questions
    assert count(app, Answer) == len(ALL_ANSWERS)


def test_sending_the_same_page_twice_keeps_one_answer(app, client):
    start(client)
    token = csrf_token(client, Q + "pick-many")
    for _ in range(2):
        client.post(Q + "pick-many", data={"csrf_token": token, "answer": ["bus", "car"]})
    assert count(app, Answer) == 1 and count(app, AnswerChoice) == 2


def test_free_text_is_stored_as_typed_and_escaped_when_shown(app, client):
    start(client)
    typed = '<script>alert("hi")</script> & "quotes"\nnew line'
    answer(client, "anything-else", typed)
    assert stored(app, "anything-else").text == typed
    page = client.get(f"/s/{SLUG}/check").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    again = client.get(Q + "anything-else").get_data(as_text=True)
    assert "<script>alert" not in again and "&lt;script&gt;" in again


# Bad input: each gets a clear message and the right status, and loses nothing saved before.


@pytest.fixture
def half_done(app, client):
    """A respondent with two answers saved, whose answers must survive every bad request."""
    start(client)
    answer(client, "pick-one", "cats")
    answer(client, "anything-else", "Saved before")
    yield client
    assert stored(app, "pick-one").option_ids == ["cats"]
    assert stored(app, "anything-else").text == "Saved before"
    assert count(app, Answer) == 2


def test_tampered_question_id_is_not_found(half_done):
    assert half_done.get(Q + "no-such-question").status_code == 404
    reply = post_form(half_done, Q + "no-such-question", {"answer": "x"}, token_from=Q + "pick-one")
    assert reply.status_code == 404
    assert "We cannot find this page" in reply.get_data(as_text=True)


@pytest.mark.parametrize(
    ("question_id", "value"),
    [("pick-one", "mice"), ("pick-many", ["bus", "plane"]), ("views-included", "maybe")],
)
def test_tampered_option_id_is_refused(half_done, question_id, value):
    reply = answer(half_done, question_id, value)
    assert reply.status_code == 400
    assert "There is a problem" in reply.get_data(as_text=True)


@pytest.mark.parametrize("token", [None, "not-a-real-token"])
def test_missing_or_wrong_csrf_token(half_done, token):
    data = {"answer": "dogs"} | ({"csrf_token": token} if token else {})
    reply = half_done.post(Q + "pick-one", data=data)
    assert reply.status_code == 400
    assert "Any answers you saved before are safe." in reply.get_data(as_text=True)


def test_text_over_the_limit(half_done):
    reply = answer(half_done, "anything-else", "x" * 2001)
    assert reply.status_code == 400
    page = reply.get_data(as_text=True)
    assert "Your answer is too long. Use 2,000 letters or fewer." in page
    assert 'id="answer-error"' in page and 'href="#answer"' in page


@pytest.mark.parametrize("value", ["201", "-1", "twelve", "1.5", ""])
def test_number_out_of_range_or_not_a_number(half_done, value):
    reply = answer(half_done, "weeks-waited", value)
    assert reply.status_code == 400
    assert "Write a whole number from 0 to 200." in reply.get_data(as_text=True)


def test_number_typed_with_spaces_is_accepted(app, client):
    start(client)
    assert answer(client, "weeks-waited", " 150 ").status_code == 302
    assert stored(app, "weeks-waited").number == 150


def _send_answer_later(client):
    """Send an answer with a token from another page (the question page may now redirect)."""
    return post_form(client, Q + "pick-many", {"answer": ["car"]}, token_from="/resume")


def _sent(app) -> None:
    with app.app_context():
        db.session.scalar(select(Response)).submitted_at = utcnow()
        db.session.commit()


def _run_out(app) -> None:
    with app.app_context():
        db.session.scalar(select(Response)).last_saved_at = utcnow() - timedelta(days=31)
        db.session.commit()


def _closed(app) -> None:
    with app.app_context():
        db.session.scalar(select(Survey).filter_by(slug=SLUG)).is_open = False
        db.session.commit()


def _held_elsewhere(app) -> None:
    with app.app_context():
        response_id = db.session.scalar(select(Response.id))
        held_responses.hold_response(response_id)


@pytest.mark.parametrize(
    ("change", "status", "says"),
    [
        (_sent, 302, f"/s/{SLUG}/done"),
        (_run_out, 410, "Your code has run out"),
        (_closed, 410, "This survey is closed"),
        (_held_elsewhere, 302, f"/s/{SLUG}"),
    ],
)
def test_an_answer_is_not_saved_to_a_response_that_may_not_take_it(
    app, half_done, change, status, says
):
    """A save claims the response in one statement (held_responses.save_held_answer); when it may
    not be saved to, the page says why, as the pages shown do, and nothing is stored."""
    with app.app_context():
        saved_before = db.session.scalar(select(Response.last_saved_at))
    change(app)
    reply = _send_answer_later(half_done)
    assert reply.status_code == status
    assert says in (reply.location if status == 302 else reply.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(select(Response.last_saved_at)) <= max(
            saved_before, utcnow() - timedelta(days=30)
        )


@pytest.mark.parametrize(
    ("change", "status", "says"),
    [(_sent, 302, f"/s/{SLUG}/done"), (_closed, 410, "This survey is closed")],
)
def test_a_page_sent_with_a_mistake_to_a_response_that_may_not_take_it_says_why(
    app, half_done, change, status, says
):
    """The answer is checked before the save claims the response, so a page with a mistake
    looks at the response too: the person is told the survey is sent or closed, not asked to
    choose an answer they could not save."""
    change(app)
    reply = post_form(half_done, Q + "pick-one", {}, token_from="/resume")
    assert reply.status_code == status
    assert says in (reply.location if status == 302 else reply.get_data(as_text=True))


def test_only_a_saved_answer_keeps_an_unfinished_response_longer(app, client):
    start(client)
    ten_days_ago = utcnow() - timedelta(days=10)
    with app.app_context():
        db.session.scalar(select(Response)).last_saved_at = ten_days_ago
        db.session.commit()
    assert post_form(client, Q + "pick-one", {}).status_code == 400  # nothing chosen
    with app.app_context():
        assert db.session.scalar(select(Response.last_saved_at)) == ten_days_ago
    assert answer(client, "pick-one", "cats").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Response.last_saved_at)) > utcnow() - timedelta(minutes=1)


@pytest.mark.parametrize("kept", ["nothing", "an unknown version", "another survey's version"])
def test_a_session_without_its_survey_version_still_saves(app, client, kept):
    """A session from before the version was kept in it, or naming one that is not there (a
    database made afresh) or not this survey's, reads the version with the response."""
    start(client)
    with app.app_context():
        other = db.session.scalar(select(Survey.id).where(Survey.slug != SLUG).limit(1))
    with client.session_transaction() as held:
        if kept == "nothing":
            del held["responses"][SLUG]["survey"]
        else:
            held["responses"][SLUG]["survey"] = other if kept.startswith("another") else 10_000
        held.modified = True  # a change inside the session's dict is not seen by itself
    assert answer(client, "pick-one", "cats").status_code == 302
    assert stored(app, "pick-one").option_ids == ["cats"]


def test_an_answer_is_saved_when_its_response_could_take_it_by_the_second_look(
    app, client, monkeypatch
):
    """If the claim fails but the checks one by one then pass (the survey opened between
    the two), the response is claimed again and the answer saved; if that fails too, the
    respondent is asked to send the page again and nothing is stored."""
    start(client)
    save, saves = held_responses.save_held_answer, []

    def refused_once(*args, **answer):
        saves.append(args)
        return False if len(saves) == 1 else save(*args, **answer)

    monkeypatch.setattr(held_responses, "save_held_answer", refused_once)
    assert answer(client, "pick-one", "cats").status_code == 302
    assert stored(app, "pick-one").option_ids == ["cats"] and len(saves) == 2
    monkeypatch.setattr(held_responses, "save_held_answer", lambda *args, **answer: False)
    reply = answer(client, "pick-one", "dogs")
    assert reply.status_code == 400 and "Please go back and try again" in reply.text
    assert stored(app, "pick-one").option_ids == ["cats"]


def test_unknown_survey(client):
    assert client.get("/s/no-such-survey").status_code == 404


def test_closed_survey(app, half_done):
    with app.app_context():
        db.session.scalar(select(Survey).filter_by(slug=SLUG)).is_open = False
        db.session.commit()
    for url in (f"/s/{SLUG}", Q + "pick-many"):
        reply = half_done.get(url)
        assert reply.status_code == 410
        assert "This survey is closed" in reply.get_data(as_text=True)
    assert SLUG not in half_done.get("/").get_data(as_text=True)


def test_expired_resume_code(app, client):
    code = start(client)
    answer(client, "pick-one", "cats")
    with app.app_context():
        response = db.session.scalar(select(Response))
        response.last_saved_at = utcnow() - timedelta(days=31)
        db.session.commit()
    reply = post_form(app.test_client(), "/resume", {"code": code})
    assert reply.status_code == 410
    assert "Your code has run out" in reply.get_data(as_text=True)
    assert client.get(Q + "pick-many").status_code == 410


def test_unknown_resume_code(client):
    reply = post_form(client, "/resume", {"code": "ABCD-2345"})
    assert reply.status_code == 400
    assert "We cannot find that code." in reply.get_data(as_text=True)


def test_no_answer_chosen_shows_error_summary_and_field_message(client):
    start(client)
    reply = answer(client, "pick-one", None)
    page = reply.get_data(as_text=True)
    assert reply.status_code == 400
    assert 'href="#answer-1">Choose one answer.</a>' in page
    assert 'id="answer-error"' in page and "<title>Error:" in page


def test_questions_need_a_started_response(client):
    reply = client.get(Q + "pick-one")
    assert reply.status_code == 302 and reply.location.endswith(f"/s/{SLUG}")


def test_display_switch_is_remembered(client):
    reply = post_form(client, "/display", {"next": "/resume"}, token_from="/resume")
    assert reply.location.endswith("/resume")
    assert 'class="display-large"' in client.get("/resume").get_data(as_text=True)
    post_form(client, "/display", {"next": "//evil.example"}, token_from="/resume")
    assert 'class="display-large"' not in client.get("/").get_data(as_text=True)


def test_answers_keep_the_version_they_were_given_in(app, client, definitions, ctx):
    start(client)
    answer(client, "pick-one", "cats")
    test_survey = next(d for d in definitions if d.slug == SLUG)
    changed = {**test_survey.raw, "version": 2, "title": "Test survey, new wording"}
    changed["questions"] = [{**test_survey.raw["questions"][0], "text": "Which pet is best?"}]
    from sefvoice.definitions import parse_survey

    survey_versions.store_definitions([parse_survey(changed, "v2")])
    page = client.get(f"/s/{SLUG}/check").get_data(as_text=True)
    assert "Which do you like best?" in page and "Which pet is best?" not in page
    with pytest.raises(ValueError, match="Raise 'version' to 3"):
        survey_versions.store_definitions([parse_survey({**changed, "version": 1}, "v1 changed")])


@pytest.mark.parametrize(
    "slug",
    [
        "parent-carer-annual",
        "young-people-quality-of-life",
        "new-ehcp-parent",
        "annual-review-feedback",
    ],
)
def test_each_shipped_survey_can_be_completed_resumed_and_sent(app, slug, definitions):
    """Walk a shipped survey page by page, stop half way, carry on elsewhere, send it."""
    definition = next(d for d in definitions if d.slug == slug)
    first = app.test_client()
    reply = post_form(first, f"/s/{slug}", {"filled_by": "me-with-help"})
    assert reply.status_code == 302
    code = re.search(
        r'class="resume-code"[^>]*>([A-Z0-9-]+)<',
        first.get(f"/s/{slug}/code").get_data(as_text=True),
    ).group(1)
    half = len(definition.questions) // 2
    device = first
    for number, question in enumerate(definition.questions):
        if number == half:  # carry on with the code on another device
            device = app.test_client()
            resumed = post_form(device, "/resume", {"code": code})
            assert resumed.location.endswith(f"/s/{slug}/q/{question.id}")
        url = f"/s/{slug}/q/{question.id}"
        page = device.get(url).get_data(as_text=True)
        assert f"Question {number + 1} of {len(definition.questions)}" in page
        if question.type == "text":
            data = {"skip": "1"} if question.optional else {"answer": "Thank you"}
        elif question.type == "number":
            data = {"answer": str(question.min)}
        elif question.type == "multiple":
            data = {"answer": [o.id for o in question.options[:2]]}
        else:
            data = {"answer": question.options[-1].id}
        assert post_form(device, url, data).status_code == 302, question.id
    assert post_form(device, f"/s/{slug}/check", {}).location.endswith(f"/s/{slug}/done")
    with app.app_context():
        response = db.session.scalar(select(Response))
        assert response.submitted_at is not None
        assert count(app, Answer) == len(definition.questions)


def test_an_exclusive_answer_cannot_go_with_another(app, client):
    """ "No one" is chosen on its own: with another answer the page says so and saves nothing."""
    url = "/s/parent-carer-annual/q/who-helps"
    post_form(client, "/s/parent-carer-annual", {"filled_by": "me"})
    reply = post_form(client, url, {"answer": ["school", "nobody"]})
    assert reply.status_code == 400
    page = reply.get_data(as_text=True)
    assert "You cannot choose “No one” with other answers." in page
    assert 'href="#answer-1"' in page  # the error summary leads to the answers
    with app.app_context():
        assert count(app, Answer) == 0
    assert post_form(client, url, {"answer": ["nobody"]}).status_code == 302
    assert post_form(client, url, {"answer": ["school", "health"]}).status_code == 302


def described_by(page: str) -> list[str]:
    """The ids in the aria-describedby of the question's fieldset or field."""
    pattern = (
        r'<(?:fieldset|input|textarea) (?:[^>]* )?(?:class="fieldset"|id="answer")'
        r'[^>]*aria-describedby="([^"]*)"'
    )
    match = re.search(pattern, page)
    return match.group(1).split() if match else []


def test_each_question_has_one_instruction_tied_to_it(app, client, definitions):
    """Every hint on a question page (its own, the page's line on how many to choose, the
    length limit, the unit) is tied to the question, and no instruction is given twice."""
    for definition in definitions:
        post_form(client, f"/s/{definition.slug}", {"filled_by": "me"})
        for question in definition.questions:
            page = client.get(f"/s/{definition.slug}/q/{question.id}").get_data(as_text=True)
            tied = described_by(page)
            hints = re.findall(r'<(?:p|span) id="([^"]+)" class="(?:hint|input__suffix)"', page)
            assert hints == tied, (question.id, hints, tied)
            assert page.count("Choose all") <= 1, question.id
            if question.type == "text":
                assert "answer-instruction" in tied and "up to 2,000 letters" in page
            if question.unit:
                assert "answer-unit" in tied


def test_pages_shown_read_outside_a_transaction_and_answers_are_saved_in_one(
    database_url, app, client
):
    """A page shown (GET) only reads: its connection is in autocommit, so PostgreSQL gets no
    BEGIN and ROLLBACK around the reads. An answer sent is written in a transaction, a first
    answer in one statement that claims the response too; a changed one after it."""
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite's driver begins no transaction for reads")
    start(client)
    autocommit: list[tuple[str, bool]] = []

    def record(connection, _cursor, statement, *_args) -> None:
        driver = connection.connection.dbapi_connection
        on = driver.autocommit if hasattr(driver, "autocommit") else driver.isolation_level is None
        autocommit.append((statement.split()[0], on))

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", record)
    try:
        client.get(Q + "pick-one")
        shown = list(autocommit)
        autocommit.clear()
        assert answer(client, "pick-one", "cats").status_code == 302
        first = list(autocommit)
        autocommit.clear()
        assert answer(client, "pick-one", "dogs").status_code == 302
    finally:
        with app.app_context():
            event.remove(db.engine, "before_cursor_execute", record)
    assert shown and all(on for _statement, on in shown), shown
    written = [(statement, on) for statement, on in first if statement != "SELECT"]
    assert written == [("WITH", False)], first
    changed = [(statement, on) for statement, on in autocommit if statement != "SELECT"]
    assert changed[0] == ("WITH", False) and not any(on for _statement, on in changed), changed
    assert stored(app, "pick-one").option_ids == ["dogs"]
