"""The officers' survey pages: who may see them, counts, opening and closing, schedules,
preview, new versions from the browser, and sharing (QR code and flyer)."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pdfplumber
import pytest
import yaml
from sqlalchemy import func, select

from sefvoice.extensions import db
from sefvoice.manage import service
from sefvoice.models import Answer, AuditEvent, Response, Survey, utcnow
from sefvoice.surveys import held as held_responses
from sefvoice.surveys import versions as survey_versions
from sefvoice.terms import TermCalendar, local_date, utc_midnight

from .conftest import EASYREAD, FIXTURES, STATIC, csrf_token, post_form, sign_in
from .test_taking_a_survey import ALL_ANSWERS, answer, start

SLUG = "all-types"
MANAGE = f"/surveys/manage/{SLUG}"
PREVIEW = f"{MANAGE}/v1/preview"
TEST_YAML = (FIXTURES / "easyread" / "all-types.yaml").read_text()


@pytest.fixture
def officer(client):
    sign_in(client, "officer")
    return client


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def audited(app, action: str) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.detail).filter_by(action=action)))


# Who may see them


PAGES = [
    "/surveys/manage/",
    MANAGE,
    f"{MANAGE}/upload",
    f"{MANAGE}/qr.png",
    f"{MANAGE}/flyer.pdf",
    PREVIEW,
    f"{PREVIEW}/q/pick-one",
]
FORMS = [f"{MANAGE}/open", f"{MANAGE}/close", f"{MANAGE}/schedule", f"{MANAGE}/publish"]


def test_forum_reps_get_403_and_visitors_the_sign_in_page(app, client):
    for url in PAGES:
        reply = client.get(url)
        assert reply.status_code == 302 and "/sign-in" in reply.location, url
    sign_in(client, "pcv_rep")
    token = csrf_token(client, "/feedback/")
    for url in PAGES:
        assert client.get(url).status_code == 403, url
    for url in FORMS:
        assert client.post(url, data={"csrf_token": token}).status_code == 403, url
    with app.app_context():
        assert survey_versions.current_survey(SLUG).is_open
    assert "/surveys/manage/" not in client.get("/feedback/").get_data(as_text=True)


def test_officers_see_every_page_and_the_link_in_the_staff_menu(officer):
    for url in PAGES:
        assert officer.get(url).status_code == 200, url
    assert 'href="/surveys/manage/"' in officer.get("/feedback/").get_data(as_text=True)


# Counts


def test_responses_started_and_sent_are_counted_this_term_and_in_all(app, client, officer):
    for _ in range(3):
        respondent = app.test_client()
        start(respondent)
    sent = app.test_client()
    start(sent)
    for question_id, value in ALL_ANSWERS:
        answer(sent, question_id, value)
    post_form(sent, f"/s/{SLUG}/check", {})
    term = TermCalendar().term_at(utcnow())
    with app.app_context():
        # One more, sent in an earlier term: in all, not this term.
        survey = survey_versions.current_survey(SLUG)
        old = db.session.get(Response, held_responses.start_response(survey, "me")[0])
        old.started_at = old.submitted_at = old.last_saved_at = datetime(2020, 3, 1)
        db.session.commit()
        counts = service.response_counts(term)[survey.id]
    assert counts == service.Counts(started=5, sent=2, started_this_term=4, sent_this_term=1)
    page = officer.get("/surveys/manage/").get_data(as_text=True)
    assert f"Started in {term}" in page
    row = page[page.index("Test survey") :]
    cells = [cell.split("<")[0] for cell in row.split('<td class="numeric">')[1:5]]
    assert cells == ["4", "1", "5", "2"]


# Opening, closing and the schedule


def test_closing_and_opening_now(app, officer):
    respondent = app.test_client()
    start(respondent)
    assert post_form(officer, f"{MANAGE}/close", {}, MANAGE).status_code == 302
    for url in (f"/s/{SLUG}", f"/s/{SLUG}/q/pick-one"):
        reply = respondent.get(url)
        assert reply.status_code == 410 and "This survey is closed" in reply.get_data(as_text=True)
    assert "Closed" in officer.get(MANAGE).get_data(as_text=True)
    post_form(officer, f"{MANAGE}/open", {}, MANAGE)
    assert respondent.get(f"/s/{SLUG}/q/pick-one").status_code == 200
    assert [d.split(":")[1].strip() for d in audited(app, "close survey")] == ["closed"]
    assert audited(app, "open survey") == [f"{SLUG}: opened"]


def _schedule(officer, opens: str, closes: str):
    return post_form(
        officer, f"{MANAGE}/schedule", {"opens_on": opens, "closes_on": closes}, MANAGE
    )


LONDON = ZoneInfo("Europe/London")


def test_a_scheduled_survey_opens_and_closes_on_its_dates(app, officer):
    today = local_date(utcnow(), LONDON)
    reply = _schedule(officer, (today + timedelta(days=2)).isoformat(), "")
    assert reply.status_code == 302
    assert client_status(app, f"/s/{SLUG}") == 410
    assert SLUG not in app.test_client().get("/").get_data(as_text=True)
    assert "Closed until its opening date" in officer.get(MANAGE).get_data(as_text=True)

    # Two days on: open. (Time moves by moving the dates back.)
    with app.app_context():
        survey = survey_versions.current_survey(SLUG)
        survey.opens_at -= timedelta(days=2)
        db.session.commit()
    assert client_status(app, f"/s/{SLUG}") == 200

    # A closing date (end of today); once passed, closed, also for a response held open.
    assert _schedule(officer, "", today.strftime("%d/%m/%Y")).status_code == 302
    respondent = app.test_client()
    start(respondent)
    assert respondent.get(f"/s/{SLUG}/q/pick-one").status_code == 200
    with app.app_context():
        survey = survey_versions.current_survey(SLUG)
        # Midnight after the closing day, in the partnership's time zone, stored as UTC.
        assert survey.closes_at == utc_midnight(today + timedelta(days=1), LONDON)
        survey.closes_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert respondent.get(f"/s/{SLUG}/q/pick-one").status_code == 410
    assert client_status(app, f"/s/{SLUG}") == 410
    assert len(audited(app, "schedule survey")) == 2


def client_status(app, url: str) -> int:
    return app.test_client().get(url).status_code


@pytest.mark.parametrize(
    ("opens", "closes", "reason"),
    [
        (-1, 5, "is in the past. Choose today or a later day"),
        (5, 3, "is before the opening date"),
        (None, -1, "The closing date"),
        (None, None, "Give an opening date, a closing date or both."),
    ],
)
def test_dates_that_cannot_be_kept_are_refused_with_the_reason(app, officer, opens, closes, reason):
    today = local_date(utcnow(), LONDON)

    def day(offset):
        return (today + timedelta(days=offset)).isoformat() if offset is not None else ""

    reply = _schedule(officer, day(opens), day(closes))
    assert reply.status_code == 400
    assert reason in reply.get_data(as_text=True)
    with app.app_context():
        survey = survey_versions.current_survey(SLUG)
        assert (survey.is_open, survey.opens_at, survey.closes_at) == (True, None, None)
    assert audited(app, "schedule survey") == []


def test_a_date_that_is_not_a_date_is_refused(officer):
    reply = _schedule(officer, "next tuesday", "")
    assert reply.status_code == 400
    assert "Write the opening date as a date" in reply.get_data(as_text=True)


def test_the_sql_and_python_open_checks_agree(ctx):
    """Survey.takes_answers and the SQL the survey pages use (TAKES_ANSWERS) are one rule."""
    now = utcnow()
    survey = survey_versions.current_survey(SLUG)
    hour = timedelta(hours=1)
    for is_open in (True, False):
        for opens_at in (None, now - hour, now + hour):
            for closes_at in (None, now - hour, now + hour):
                survey.is_open, survey.opens_at, survey.closes_at = is_open, opens_at, closes_at
                db.session.commit()
                assert survey_versions.survey_is_open(SLUG) == survey.takes_answers(utcnow())


def test_days_are_read_in_the_partnerships_time_zone():
    """Opening on 1 June (BST) is 23:00 UTC on 31 May; that survey shows as opening 1 June."""
    days = service.LocalDays(LONDON)
    survey = Survey(opens_at=days.start_of(date(2027, 6, 1)), closes_at=None)
    assert survey.opens_at == datetime(2027, 5, 31, 23)
    assert days.opening_day(survey) == date(2027, 6, 1)
    survey.closes_at = days.start_of(date(2027, 7, 1))  # closes at the end of 30 June
    assert days.closing_day(survey) == date(2027, 6, 30)
    assert service.long_date(date(2027, 3, 1)) == "1 March 2027"


# Preview


def test_preview_walks_every_page_with_errors_and_saves_nothing(app, officer):
    definition = survey_versions.definition_of
    with app.app_context():
        questions = definition(survey_versions.current_survey(SLUG)).questions
    before = count(app, Response), count(app, Answer)
    page = officer.get(PREVIEW).get_data(as_text=True)
    assert "Preview: answers are not saved" in page and "Who is filling this in?" in page
    assert post_form(officer, PREVIEW, {}).status_code == 400  # no choice: the error
    reply = post_form(officer, PREVIEW, {"filled_by": "me"})
    assert reply.location.endswith(f"{PREVIEW}/code")
    code_page = officer.get(f"{PREVIEW}/code").get_data(as_text=True)
    assert f'href="{PREVIEW}/q/pick-one"' in code_page
    for question, (question_id, value) in zip(questions, ALL_ANSWERS, strict=True):
        url = f"{PREVIEW}/q/{question_id}"
        shown = officer.get(url).get_data(as_text=True)
        assert "Preview: answers are not saved" in shown and question.text in shown
        assert f'action="{url}"' in shown
        empty = post_form(officer, url, {})
        if question.optional:  # left blank, it is a skip
            assert empty.status_code == 302
        else:
            assert empty.status_code == 400 and "There is a problem" in empty.text
        sent = post_form(officer, url, {"answer": value})
        assert sent.status_code == 302 and f"{PREVIEW}/" in sent.location
    assert sent.location.endswith(f"{PREVIEW}/check")
    assert "Check your answers" in officer.get(f"{PREVIEW}/check").get_data(as_text=True)
    done = post_form(officer, f"{PREVIEW}/check", {})
    assert done.location.endswith(f"{PREVIEW}/done")
    assert "Thank you" in officer.get(f"{PREVIEW}/done").get_data(as_text=True)
    assert (count(app, Response), count(app, Answer)) == before
    # A respondent's pages have no banner.
    assert "Preview" not in app.test_client().get(f"/s/{SLUG}").get_data(as_text=True)


def test_preview_of_a_closed_survey_and_an_unknown_version(app, officer):
    post_form(officer, f"{MANAGE}/close", {}, MANAGE)
    assert officer.get(PREVIEW).status_code == 200
    assert officer.get(f"{MANAGE}/v9/preview").status_code == 404
    assert officer.get(f"{PREVIEW}/q/no-such-question").status_code == 404


# New versions


def version_2() -> str:
    """The test survey as version 2: one question reworded, one removed, one added, one
    question's options changed, and one id kept for a question that asks something else."""
    data = yaml.safe_load(TEST_YAML)
    data["version"] = 2
    questions = {q["id"]: q for q in data["questions"]}
    questions["pick-one"]["text"] = "Which pet do you like best?"
    questions["pick-many"]["options"][2]["label"] = "Walking"
    questions["pick-many"]["options"].append(
        {"id": "train", "label": "Train", "picture": "pictures/clock.svg", "alt": "A train"}
    )
    questions["three-faces"].update(text="Did you get a letter?", type="yes_partly_no")
    questions["three-faces"]["options"] = yaml.safe_load(
        """
        - {id: "yes", label: "Yes", picture: pictures/yes.svg, alt: A tick, positive: true}
        - {id: partly, label: Partly, picture: pictures/partly.svg, alt: A line}
        - {id: "no", label: "No", picture: pictures/no.svg, alt: A cross}
        """
    )
    data["questions"] = [q for q in data["questions"] if q["id"] != "weeks-waited"]
    data["questions"].append(
        {
            "id": "new-question",
            "text": "Did you like it?",
            "type": "yes_partly_no",
            "principle": "actively-listen",
            "outcome": 2,
            "options": questions["three-faces"]["options"],
        }
    )
    return yaml.safe_dump(data, sort_keys=False)


def upload(client, text: str | bytes, name: str = "all-types.yaml"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        f"{MANAGE}/upload",
        data={
            "csrf_token": csrf_token(client, f"{MANAGE}/upload"),
            "file": (io.BytesIO(data), name),
        },
        content_type="multipart/form-data",
    )


def publish_form(page: str) -> dict:
    import html
    import re

    value = re.search(r'name="definition" type="hidden" value="([^"]*)"', page)
    if value is None:
        value = re.search(r'id="definition" name="definition" type="hidden" value="([^"]*)"', page)
    return {
        "definition": html.unescape(value.group(1)),
        "file_name": "all-types.yaml",
        "base_version": re.search(r'name="base_version" value="(\d+)"', page).group(1),
    }


def test_a_new_version_shows_its_changes_then_is_published(app, officer):
    respondent = app.test_client()
    start(respondent)
    answer(respondent, "pick-one", "cats")
    reply = upload(officer, version_2())
    page = reply.get_data(as_text=True)
    assert reply.status_code == 200, page[:2000]
    assert "Check the changes in version 2" in page
    added = page[page.index("Questions added") : page.index("Questions removed")]
    assert "new-question" in added
    removed = page[page.index("Questions removed") : page.index("Questions reworded")]
    assert "weeks-waited" in removed
    assert "Was: Which do you like best?" in page and "Now: Which pet do you like best?" in page
    assert "Added: Train." in page and 'Was "Walk", now "Walking"' in page
    meaning = page[page.index("may now ask something else") : page.index("Questions added")]
    assert "three-faces" in meaning and "its type changed from face3 to yes_partly_no" in meaning
    assert "pick-one" not in meaning  # reworded, same meaning
    with app.app_context():
        assert survey_versions.current_survey(SLUG).version == 1  # nothing stored yet

    published = post_form(officer, f"{MANAGE}/publish", publish_form(page), MANAGE)
    assert published.status_code == 302
    with app.app_context():
        current = survey_versions.current_survey(SLUG)
        assert current.version == 2 and current.is_open
        assert survey_versions.definition_of(current).question("new-question")
    assert audited(app, "publish survey version") == [f"{SLUG} v2 from all-types.yaml"]
    # The response started in version 1 keeps it; a new one gets version 2, without a restart.
    assert "Which do you like best?" in respondent.get(f"/s/{SLUG}/q/pick-one").get_data(
        as_text=True
    )
    assert respondent.get(f"/s/{SLUG}/q/new-question").status_code == 404
    newcomer = app.test_client()
    start(newcomer)
    assert "Which pet do you like best?" in newcomer.get(f"/s/{SLUG}/q/pick-one").get_data(
        as_text=True
    )
    listing = officer.get(MANAGE).get_data(as_text=True)
    assert "2 (now in use)" in listing and f"{MANAGE}/v1/preview" in listing


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"slug: [unclosed", "not valid YAML"),
        (b"\xff\xfe\x00binary", "is not a YAML text file"),
        (b"# " + b"x" * (1024 * 1024), "must be 1 MB or less"),
        (
            TEST_YAML.replace("slug: all-types", "slug: parent-carer-annual").encode(),
            "is for the survey &#39;parent-carer-annual&#39;, not &#39;all-types&#39;",
        ),
        (TEST_YAML.encode(), "Set &#39;version: 2&#39; for the new version"),
        (
            TEST_YAML.replace("version: 1", "version: 2")
            .replace("outcome: 2", "outcome: 9", 1)
            .encode(),
            "line 26: question &#39;pick-one&#39;: &#39;outcome&#39; must be one of",
        ),
    ],
)
def test_bad_uploads_get_a_clear_message_and_change_nothing(app, officer, content, message):
    reply = upload(officer, content)
    assert reply.status_code == 400
    assert message in reply.get_data(as_text=True)
    assert "Publish version" not in reply.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Survey.id)).filter_by(slug=SLUG)) == 1
    assert audited(app, "publish survey version") == []


def test_a_definition_near_1_mb_is_published(app, officer):
    """Sent back with the publish form as it came, as one form part of almost 1 MB."""
    text = version_2() + "# " + "padding " * 120_000 + "\n"
    assert 0.9 < len(text) / 1024 / 1024 < 1
    page = upload(officer, text).get_data(as_text=True)
    assert "Publish version 2" in page
    form = {"csrf_token": csrf_token(officer, MANAGE), **publish_form(page)}
    reply = officer.post(f"{MANAGE}/publish", data=form, content_type="multipart/form-data")
    assert reply.status_code == 302, reply.get_data(as_text=True)[:500]
    with app.app_context():
        assert survey_versions.current_survey(SLUG).version == 2


def test_publish_checks_the_text_again_and_the_version_it_was_compared_with(app, officer):
    page = upload(officer, version_2()).get_data(as_text=True)
    form = publish_form(page)
    tampered = {**form, "definition": form["definition"].replace("outcome: 2", "outcome: 9")}
    reply = post_form(officer, f"{MANAGE}/publish", tampered, MANAGE)
    assert reply.status_code == 400 and "has problems" in reply.get_data(as_text=True)
    stale = {**form, "base_version": "0"}
    reply = post_form(officer, f"{MANAGE}/publish", stale, MANAGE)
    assert reply.status_code == 400 and "Check it again" in reply.get_data(as_text=True)
    with app.app_context():
        assert survey_versions.current_survey(SLUG).version == 1


# Sharing


def test_share_shows_the_link_and_qr_code_and_gives_a_png(officer):
    page = officer.get(MANAGE).get_data(as_text=True)
    assert 'href="http://localhost/s/all-types"' in page
    assert "<svg" in page and 'aria-label="QR code for localhost/s/all-types"' in page
    png = officer.get(f"{MANAGE}/qr.png")
    assert png.mimetype == "image/png" and png.data.startswith(b"\x89PNG")


def test_the_flyer_is_an_a4_pdf_in_large_print(officer):
    reply = officer.get(f"{MANAGE}/flyer.pdf")
    assert reply.mimetype == "application/pdf"
    with pdfplumber.open(io.BytesIO(reply.data)) as pdf:
        assert len(pdf.pages) == 1
        page = pdf.pages[0]
        assert (round(page.width), round(page.height)) == (595, 842)
        text = page.extract_text()
        assert "Test survey" in text
        assert "This is a test." in text  # the first paragraph of what it is for
        assert "localhost/s/all-types" in text
        assert min(char["size"] for char in page.chars) >= 16
        assert page.images or page.rects  # the picture and the QR code are drawn
        assert len(page.rects) > 100  # the QR code's squares


def test_the_flyer_uses_the_invitation_from_the_definition(app, officer):
    text = TEST_YAML.replace("version: 1", "version: 2").replace(
        "  how_long:", '  invitation: "Tell us what you think."\n  how_long:'
    )
    page = upload(officer, text).get_data(as_text=True)
    assert post_form(officer, f"{MANAGE}/publish", publish_form(page), MANAGE).status_code == 302
    with pdfplumber.open(io.BytesIO(officer.get(f"{MANAGE}/flyer.pdf").data)) as pdf:
        assert "Tell us what you think." in pdf.pages[0].extract_text()


def test_four_publishes_of_one_version_at_once_store_it_once(app, ctx):
    """Four officers (or four clicks) publish the same checked version together: one is
    stored, the others are told someone published it first, and none fails."""
    from .test_database import at_once

    with app.app_context():
        checked = service.check_upload(
            SLUG, version_2().encode(), "all-types.yaml", EASYREAD, STATIC
        )
    outcomes = []

    def publish() -> None:
        try:
            outcomes.append(service.publish(checked, 1).version)
        except service.PublishRefused as refused:
            outcomes.append(str(refused))

    at_once(app, publish, publish, publish, publish)
    assert (
        sorted(outcomes, key=str)
        == [2]
        + [
            "Version 2 was published by someone else a moment ago. Check the file again to see"
            " the changes against it."
        ]
        * 3
    )
    with app.app_context():
        assert db.session.scalar(select(func.count(Survey.id)).filter_by(slug=SLUG)) == 2


def test_the_flyer_has_the_logo_the_closing_date_and_how_to_get_help_and_fills_the_page(
    app, officer
):
    from sefvoice.bulletin.brand import save_look

    with app.app_context():
        save_look("Area partnership", "#005a70", "#e6f2f1", LOGO_SVG, "Our logo")
    closes = local_date(utcnow(), LONDON) + timedelta(days=20)
    assert _schedule(officer, "", closes.isoformat()).status_code == 302
    with pdfplumber.open(io.BytesIO(officer.get(f"{MANAGE}/flyer.pdf").data)) as pdf:
        assert len(pdf.pages) == 1
        page = pdf.pages[0]
        text = " ".join(page.extract_text().split())
        assert "Area partnership" in text
        assert f"Please answer by {closes:%A} {closes.day} {closes:%B %Y}." in text
        assert "Need help to answer?" in text
        assert min(char["size"] for char in page.chars) >= 16
        marks = page.chars + page.rects + page.curves + page.images
        # The partnership's logo (drawn, as an SVG) above its name at the top.
        assert min(m["top"] for m in marks) < 70
        assert max(m["bottom"] for m in marks) > page.height - 90  # down to the bottom


LOGO_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="40" viewBox="0 0 100 40">'
    b'<rect width="100" height="40" fill="#005a70"/></svg>'
)
