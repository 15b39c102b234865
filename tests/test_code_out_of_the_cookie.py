"""The browser's session holds the response's id and a random token, never its resume code:
the code is shown on the code page, and leaves the session once the questions begin."""

from __future__ import annotations

import re

from sqlalchemy import select

from sefvoice.extensions import db
from sefvoice.models import Response

from .conftest import post_form
from .test_taking_a_survey import ALL_ANSWERS, answer

SLUG = "all-types"
CODE = re.compile(r'class="resume-code"[^>]*>([A-Z0-9-]+)<')


def session_of(app, client) -> dict:
    cookie = client.get_cookie("session")
    return app.session_interface.get_signing_serializer(app).loads(cookie.value)


def test_the_session_never_keeps_the_code_after_the_code_page(app, client):
    post_form(client, f"/s/{SLUG}", {"filled_by": "me"})
    code = CODE.search(client.get(f"/s/{SLUG}/code").text)[1]
    # Bigger text on the code page keeps the code on it (the display switch reloads the page).
    post_form(client, "/display", {"next": f"/s/{SLUG}/code"}, token_from=f"/s/{SLUG}/code")
    assert CODE.search(client.get(f"/s/{SLUG}/code").text)[1] == code
    client.get(f"/s/{SLUG}/q/pick-one")  # the questions begin
    held = session_of(app, client)["responses"][SLUG]
    assert set(held) == {"id", "token", "survey"}
    assert code.replace("-", "") not in str(session_of(app, client))
    again = client.get(f"/s/{SLUG}/code").text
    assert not CODE.search(again) and "we cannot show it again" in again


def test_after_sending_the_cookie_holds_no_code(app, client):
    post_form(client, f"/s/{SLUG}", {"filled_by": "me"})
    code = CODE.search(client.get(f"/s/{SLUG}/code").text)[1].replace("-", "")
    for question_id, value in ALL_ANSWERS:
        assert answer(client, question_id, value).status_code == 302
    assert post_form(client, f"/s/{SLUG}/check", {}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Response.submitted_at)) is not None
    assert code not in str(session_of(app, client))


def test_a_response_id_without_its_token_holds_nothing(app, client):
    """A session made with someone else's response id (a leaked secret key, say) is not
    enough: the token must match the one stored, hashed, with the response."""
    post_form(client, f"/s/{SLUG}", {"filled_by": "me"})
    held = session_of(app, client)["responses"][SLUG]
    forger = app.test_client()
    forged = app.session_interface.get_signing_serializer(app).dumps(
        {"responses": {SLUG: {"id": held["id"], "token": "guessed"}}}
    )
    forger.set_cookie("session", forged)
    reply = forger.get(f"/s/{SLUG}/q/pick-one")
    assert reply.status_code == 302 and reply.location.endswith(f"/s/{SLUG}")


def test_resuming_elsewhere_takes_the_response_from_the_first_browser(app, client):
    post_form(client, f"/s/{SLUG}", {"filled_by": "me"})
    code = CODE.search(client.get(f"/s/{SLUG}/code").text)[1]
    other = app.test_client()
    assert post_form(other, "/resume", {"code": code}).status_code == 302
    assert other.get(f"/s/{SLUG}/q/pick-one").status_code == 200
    reply = client.get(f"/s/{SLUG}/q/pick-one")
    assert reply.status_code == 302 and reply.location.endswith(f"/s/{SLUG}")
