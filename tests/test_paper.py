"""Paper, phone and assisted answers: the channel a response came in by, counted in the
tally; printed copies with references; staff data entry; withdrawing a paper response."""

from __future__ import annotations

import io
import json
import re
from datetime import datetime

import pdfplumber
import pytest
import segno
from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from sefvoice import answer_tally
from sefvoice.bulletin.content import build_content
from sefvoice.database import MIGRATIONS_DIR
from sefvoice.definitions import load_glossary
from sefvoice.extensions import db
from sefvoice.models import Answer, AnswerTally, AuditEvent, PaperCopy, Response, utcnow
from sefvoice.paper import service as paper_service
from sefvoice.paper.pdf import CopyAddresses, build_pdf
from sefvoice.paper.words import load_paper_words
from sefvoice.surveys import codes, retention
from sefvoice.surveys import held as held_responses
from sefvoice.surveys import versions as survey_versions

from .conftest import EASYREAD, STATIC, job_result, make_app, post_form, sign_in
from .test_database import at_once

# The channel in the tally

CHANNEL_REVISION = "0009"  # the migration that adds the channel


def _sent(survey, channel: str, pick: str, submitted: datetime) -> Response:
    response = db.session.get(Response, held_responses.start_response(survey, "me")[0])
    response.channel = channel
    db.session.commit()
    question = survey_versions.definition_of(survey).question("pick-one")
    held_responses.save_answer(response.id, question, option_ids=[pick])
    held_responses.submit_response(response.id)
    return response


def _tally_rows(kind: str, key: str) -> dict[str, int]:
    rows = db.session.execute(
        select(AnswerTally.channel, AnswerTally.count).filter_by(
            survey_slug="all-types", kind=kind, key=key
        )
    )
    return dict(rows.all())


def test_the_tally_counts_each_channel_apart_and_a_recount_agrees(ctx):
    survey = survey_versions.current_survey("all-types")
    for channel, pick in [
        ("online", "cats"),
        ("online", "cats"),
        ("paper", "cats"),
        ("phone", "dogs"),
        ("with_help", "cats"),
        ("paper", "dogs"),
    ]:
        _sent(survey, channel, pick, datetime(2023, 6, 1))
    as_kept = {
        "responses": _tally_rows("response", ""),
        "cats": _tally_rows("choice", "cats"),
        "dogs": _tally_rows("choice", "dogs"),
    }
    assert as_kept == {
        "responses": {"online": 2, "paper": 2, "phone": 1, "with_help": 1},
        "cats": {"online": 2, "paper": 1, "with_help": 1},
        "dogs": {"paper": 1, "phone": 1},
    }
    answer_tally.recount()
    assert {
        "responses": _tally_rows("response", ""),
        "cats": _tally_rows("choice", "cats"),
        "dogs": _tally_rows("choice", "dogs"),
    } == as_kept


def test_a_new_response_is_online_unless_said_otherwise(ctx):
    response_id, _code = held_responses.start_response(
        survey_versions.current_survey("all-types"), "me"
    )
    assert db.session.get(Response, response_id).channel == "online"


def test_the_migration_makes_existing_responses_and_counts_online(tmp_path):
    """Responses and tally rows stored before the channel existed become online, and the
    tally keeps its counts through the change of its key (and back)."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    before = ScriptDirectory.from_config(config).get_revision(CHANNEL_REVISION).down_revision
    app = make_app(f"sqlite:///{tmp_path / 'old.db'}", CHECK_MIGRATED=False)
    with app.app_context():
        upgrade(revision=before)
        db.session.execute(
            text(
                "INSERT INTO survey (id, slug, version, title, definition, is_open, loaded_at)"
                " VALUES (1, 's', 1, 'S', '{}', 1, '2023-06-01')"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO response (survey_id, filled_by, resume_code_hash, started_at,"
                " last_saved_at, submitted_at) VALUES (1, 'me', 'h', '2023-06-01',"
                " '2023-06-01', '2023-06-01')"
            )
        )
        db.session.execute(
            text("INSERT INTO answer_tally VALUES ('s', '', 'response', '', 'me', '2023-06-01', 7)")
        )
        db.session.commit()
        upgrade()
        assert db.session.execute(text("SELECT channel FROM response")).all() == [("online",)]
        assert db.session.execute(text("SELECT channel, count FROM answer_tally")).all() == [
            ("online", 7)
        ]
        downgrade(revision=before)
        assert db.session.execute(text("SELECT count FROM answer_tally")).all() == [(7,)]
        db.engine.dispose()


@pytest.mark.parametrize("channel", ["paper", "phone"])
def test_withdrawing_takes_the_response_out_of_its_channels_count(ctx, channel):
    survey = survey_versions.current_survey("all-types")
    kept = _sent(survey, "online", "cats", datetime(2023, 6, 1))
    leaving = _sent(survey, channel, "cats", datetime(2023, 6, 1))
    retention.withdraw_response(leaving)
    assert _tally_rows("choice", "cats") == {"online": 1}
    assert db.session.get(Response, kept.id) is not None


# Printing


def _print(client, copies: str, large: bool = False, slug: str = "all-types"):
    data = {"copies": copies, **({"large_print": "y"} if large else {})}
    return post_form(client, f"/paper/{slug}/print", data)


def _batch_pdf(client, reply) -> pdfplumber.PDF:
    """The PDF a print made, from its job's progress page (the job ran in the request)."""
    pdf = job_result(client, reply)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    return pdfplumber.open(io.BytesIO(pdf.data))


def _copies(pdf: pdfplumber.PDF) -> dict[str, list]:
    """The pages of each copy, by the reference at their top."""
    copies: dict[str, list] = {}
    for page in pdf.pages:
        found = REFERENCE.search(page.extract_text())
        assert found, f"page {page.page_number} has no reference"
        copies.setdefault(found.group(1), []).append(page)
    return copies


REFERENCE = re.compile(r"Reference: ([A-Z2-9]{4}-[A-Z2-9]{4})")


def test_a_batch_prints_each_copy_with_its_stored_reference_and_the_surveys_qr_code(app, client):
    sign_in(client, "officer")
    pdf = _batch_pdf(client, _print(client, "3"))
    copies = _copies(pdf)
    with app.app_context():
        stored = {codes.format_code(c.reference) for c in db.session.scalars(select(PaperCopy))}
    assert set(copies) == stored and len(stored) == 3
    for reference in copies:
        assert not set(reference) & set("01OIL")
    survey_address = "http://localhost/s/all-types"
    pages_per_copy = {len(pages) for pages in copies.values()}
    assert len(pages_per_copy) == 1
    links = _links(pdf)
    for pages in copies.values():
        assert survey_address in {links.get(page.page_number) for page in pages}
        cover = pages[0]
        assert survey_address in cover.extract_text().replace("\n", "")
        assert _qr_code(cover) == _matrix(survey_address)
        assert "http://localhost/withdraw" in cover.extract_text()


def _links(pdf: pdfplumber.PDF) -> dict[int, str]:
    """The address each page links to (the QR code is a link as well), by page number."""
    return {
        page.page_number: annotation["uri"]
        for page in pdf.pages
        for annotation in page.annots
        if annotation.get("uri")
    }


def _matrix(address: str) -> list[list[bool]]:
    return [[bool(m) for m in row] for row in segno.make(address, error="m").matrix]


def _qr_code(page) -> list[list[bool]]:
    """The QR code drawn on the page (its dark modules are equal filled squares), read back
    as a grid of modules."""
    squares = [r for r in page.rects if r["fill"] and not r["stroke"]]
    size = min(round(r["width"], 2) for r in squares)
    modules = [r for r in squares if round(r["width"], 2) == size]
    left = min(r["x0"] for r in modules)
    top = min(r["top"] for r in modules)
    count = round((max(r["x1"] for r in modules) - left) / size)
    grid = [[False] * count for _ in range(count)]
    for r in modules:
        grid[round((r["top"] - top) / size)][round((r["x0"] - left) / size)] = True
    return grid


def _words_on(page, text: str) -> list[dict]:
    """The words of a line of the page, matched in order."""
    words = page.extract_words(keep_blank_chars=False)
    wanted = text.split()
    for start in range(len(words) - len(wanted) + 1):
        if [w["text"] for w in words[start : start + len(wanted)]] == wanted:
            return words[start : start + len(wanted)]
    return []


@pytest.mark.parametrize(("large", "points"), [(False, 16), (True, 24)])
def test_each_question_is_one_block_with_pictures_left_of_options_and_large_text(
    app, client, definitions, large, points
):
    sign_in(client, "officer")
    pdf = _batch_pdf(client, _print(client, "1", large=large))
    (pages,) = _copies(pdf).values()
    definition = next(d for d in definitions if d.slug == "all-types")
    for page in pages:
        assert min(round(c["size"], 2) for c in page.chars) >= points
    for number, question in enumerate(definition.questions, 1):
        heading = f"{number}. {question.text}"
        holding = [p for p in pages if _words_on(p, heading)]
        assert len(holding) == 1, f"{heading!r} is on {len(holding)} pages"
        page = holding[0]
        for option in question.options:
            label = _words_on(page, option.label)
            assert label, f"{option.label!r} is not on the page with {heading!r}"
            top, bottom = label[0]["top"], label[0]["bottom"]
            beside = [
                shape
                for shape in page.curves + page.rects
                if shape["top"] < bottom and shape["bottom"] > top
            ]
            assert any(s["x1"] <= label[0]["x0"] for s in beside), "no picture left of it"
            # The tick box is beside its words (a picture's width away), not across the page.
            boxes = [s for s in beside if s in page.rects and s["stroke"]]
            near = [b for b in boxes if 0 <= label[0]["x0"] - b["x1"] <= points * 4]
            assert any(b["width"] >= points * 1.5 for b in near), "no tick box beside its words"


def test_a_copy_prints_meanings_tick_only_this_where_to_go_and_how_to_post_it(definitions):
    """The parent carer survey in large print, with an address longer than a line."""
    definition = next(d for d in definitions if d.slug == "parent-carer-annual")
    host = "https://surveys.riverside-family-partnership.example.org"
    addresses = CopyAddresses(f"{host}/s/parent-carer-annual", f"{host}/withdraw")
    words = load_paper_words(EASYREAD)
    pdf = build_pdf(
        definition, words, ["ABCD-2345"], addresses, STATIC, True, load_glossary(EASYREAD)
    )
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        pages = [page.extract_text() for page in document.pages]
    text = "\n".join(pages)
    who = next(p for p in pages if re.search(r"Who helps your child\s+now\?", p))
    assert "What does “physio” mean?" in who and "Physio is exercises with an expert." in who
    assert re.search(r"No one\s+Tick only this box\.", text)
    last = " ".join(pages[-1].split("\n")[1:])  # after the reference line
    assert last.startswith("Thank you. Now post it back.")
    assert "You do not need a stamp." in pages[-1]
    # The address (here the one to withdraw with, a line of its own) is broken only after a
    # slash, a dot or a dash.
    lines = text.split("\n")
    first = lines.index(next(line for line in lines if line.startswith("https://")))
    joined = ""
    for line in lines[first : first + 4]:
        if joined == addresses.withdraw:
            break
        assert joined == "" or joined[-1] in "/.-", f"broken in a word: {lines[first:]}"
        joined += line.strip()
    assert joined == addresses.withdraw


def test_a_batch_over_5000_copies_is_refused_and_nothing_is_stored(app, client):
    sign_in(client, "officer")
    reply = _print(client, "5001")
    assert reply.status_code == 400
    assert "You can print from 1 to 5,000 copies at once." in reply.get_data(as_text=True)
    for typed in ("0", "lots", ""):
        assert _print(client, typed).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PaperCopy)) == 0


def test_printing_needs_an_officer(client):
    sign_in(client, "pcv_rep")
    assert client.get("/paper/").status_code == 403
    assert client.get("/paper/all-types/print").status_code == 403


# Entering returns

ENTER = "/paper/all-types/1/enter"
TYPED = {
    "filled-by": "2",
    "q-pick-one": "1",
    "q-pick-many": "1 3",
    "q-three-faces": "3",
    "q-five-faces": "4",
    "q-views-included": "2",
    "q-weeks-waited": " 12 ",
    "q-anything-else": "",
}


def _references(app, copies: int, slug: str = "all-types") -> list[str]:
    with app.app_context():
        survey = survey_versions.current_survey(slug)
        batch = paper_service.print_batch(survey, copies, large_print=False)
        return [codes.format_code(r) for r in paper_service.batch_references(batch.id)]


def _enter(client, channel: str, reference: str = "", **changes):
    return post_form(
        client, ENTER, {**TYPED, "channel": channel, "reference": reference, **changes}
    )


def _stored(app) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(Response)),
            db.session.scalar(select(func.count()).select_from(Answer)),
        )


def test_a_paper_return_is_stored_with_its_channel_counted_and_audited(app, client):
    email = "enters-returns@example.org"
    sign_in(client, "officer", email=email)
    (reference,) = _references(app, 1)
    reply = _enter(client, "paper", reference.lower().replace("-", " "))
    assert reply.status_code == 302, reply.get_data(as_text=True)[:2000]
    page = client.get(reply.headers["Location"]).get_data(as_text=True)
    assert f"Saved the paper return {reference}" in page
    with app.app_context():
        response = db.session.scalar(select(Response))
        assert (response.channel, response.filled_by) == ("paper", "me-with-help")
        assert response.submitted_at is not None
        answers = held_responses.answers_by_question(response.id)
        assert answers["pick-many"].option_ids == ["bus", "walk"]
        assert answers["views-included"].option_ids == ["partly"]
        assert answers["weeks-waited"].number == 12
        assert held_responses.is_skipped(answers["anything-else"])
        copy = db.session.get(PaperCopy, codes.normalise_code(reference))
        assert copy.response_id == response.id and copy.entered_at is not None
        counted = _tally_rows("choice", "cats")
        assert counted == {"paper": 1}
        event = db.session.scalars(select(AuditEvent).filter_by(action="return entered")).one()
        assert event.actor == email and reference in event.detail
        # The staff member is in the audit log only, never in the counts.
        tally_text = " ".join(
            str(v) for row in db.session.execute(select(AnswerTally)) for v in row
        )
        assert email not in tally_text


def test_a_reference_entered_twice_is_refused_naming_when(app, client):
    sign_in(client, "officer")
    (reference,) = _references(app, 1)
    assert _enter(client, "paper", reference).status_code == 302
    before = _stored(app)
    reply = _enter(client, "paper", reference, **{"q-pick-one": "2"})
    assert reply.status_code == 400
    with app.app_context():
        entered_at = db.session.scalar(select(PaperCopy.entered_at))
    page = reply.get_data(as_text=True)
    assert f"Reference {reference} was already entered, on {entered_at:%-d %B %Y at %H:%M}" in page
    assert _stored(app) == before


@pytest.mark.parametrize(
    ("channel", "reference", "changes", "message"),
    [
        ("paper", "ABCD-2345", {}, "We cannot find reference ABCD-2345"),
        ("paper", "", {}, "Type the reference printed at the top of each page"),
        ("paper", "valid", {"q-pick-one": ""}, "Question 1: Choose one answer."),
        ("paper", "valid", {"q-pick-one": "1 2"}, "Type one number, from 1 to 2"),
        ("paper", "valid", {"q-pick-many": "4"}, "from 1 to 3"),
        ("paper", "valid", {"q-weeks-waited": "201"}, "Write a whole number from 0 to 200."),
        ("paper", "valid", {"q-pick-one": "²"}, "Type the number of each ticked box, from 1 to 2"),
        ("paper", "valid", {"q-pick-many": "9" * 5000}, "Type the number of each ticked box"),
        ("paper", "valid", {"filled-by": "1 ²"}, "Type the number of each ticked box"),
        ("paper", "valid", {"q-weeks-waited": "²"}, "Write a whole number from 0 to 200."),
        ("paper", "valid", {"q-weeks-waited": "9" * 5000}, "Write a whole number from 0 to 200."),
        ("paper", "valid", {"filled-by": ""}, "Choose who is filling this in."),
        ("phone", "valid", {}, "Only paper copies have a reference."),
        ("online", "", {}, "Choose how the answers came in"),
    ],
)
def test_bad_returns_get_a_clear_message_and_nothing_is_stored(
    app, client, channel, reference, changes, message
):
    sign_in(client, "officer")
    (valid,) = _references(app, 1)
    before = _stored(app)
    reply = _enter(client, channel, valid if reference == "valid" else reference, **changes)
    assert reply.status_code == 400
    page = reply.get_data(as_text=True)
    assert message in page and "Nothing was stored." in page
    assert _stored(app) == before
    with app.app_context():
        assert db.session.scalar(select(PaperCopy.entered_at)) is None


def test_a_reference_from_another_survey_is_refused(app, client):
    sign_in(client, "officer")
    (reference,) = _references(app, 1, slug="parent-carer-annual")
    reply = _enter(client, "paper", reference)
    assert reply.status_code == 400
    assert "is on a copy of the Parent carer survey survey, not this one" in reply.get_data(
        as_text=True
    )
    assert _stored(app) == (0, 0)


def test_a_phone_answer_gets_a_code_to_withdraw_with_and_online_answers_are_untouched(app, client):
    from tests.test_taking_a_survey import ALL_ANSWERS, answer, start

    online = app.test_client()
    start(online, "me")
    for question_id, value in ALL_ANSWERS:
        answer(online, question_id, value)
    post_form(online, "/s/all-types/check", {})
    with app.app_context():
        online_before = retention.response_record(db.session.scalar(select(Response)))

    sign_in(client, "officer")
    reply = _enter(client, "phone")
    page = client.get(reply.headers["Location"]).get_data(as_text=True)
    code = re.search(r'class="resume-code">([A-Z2-9]{4}-[A-Z2-9]{4})<', page).group(1)
    with app.app_context():
        responses = db.session.scalars(select(Response).order_by(Response.id)).all()
        assert [r.channel for r in responses] == ["online", "phone"]
        assert retention.response_record(responses[0]) == online_before
        assert codes.find_response(code).id == responses[1].id


def test_a_paper_response_is_withdrawn_with_its_reference_and_cannot_come_back(app, client):
    sign_in(client, "officer")
    entered, posted_later = _references(app, 2)
    assert _enter(client, "paper", entered).status_code == 302
    respondent = app.test_client()
    for reference in (entered, posted_later):
        reply = post_form(respondent, "/withdraw", {"code": reference, "confirm": "y"})
        assert reply.status_code == 200, reply.get_data(as_text=True)[:800]
    assert _stored(app) == (0, 0)
    with app.app_context():
        assert _tally_rows("response", "") == {}
    for reference in (entered, posted_later):
        reply = _enter(client, "paper", reference)
        assert reply.status_code == 400
        assert f"Reference {reference} was withdrawn" in reply.get_data(as_text=True)
    assert _stored(app) == (0, 0)


def test_one_copy_entered_by_two_people_at_once_is_stored_once(app, ctx):
    (reference,) = _references(app, 1)
    with app.app_context():
        survey = survey_versions.current_survey("all-types")
        checked, errors = paper_service.read_return(
            survey, "paper", {**TYPED, "reference": reference}
        )
        assert errors == {}
    refused: list[str] = []

    def enter() -> None:
        with app.test_request_context():
            try:
                paper_service.enter_return(
                    survey_versions.current_survey("all-types"), "paper", **checked
                )
            except paper_service.PaperError as error:
                refused.append(str(error))

    at_once(app, enter, enter)
    assert len(refused) == 1 and "was already entered" in refused[0]
    assert _stored(app) == (1, len(TYPED) - 1)
    with app.app_context():
        assert _tally_rows("response", "") == {"paper": 1}


def test_each_surveys_page_links_to_printing_and_entering(client):
    sign_in(client, "officer")
    page = client.get("/surveys/manage/all-types").get_data(as_text=True)
    assert 'href="/paper/all-types/print"' in page
    assert 'href="/paper/all-types/1/enter"' in page


def test_entering_applies_the_respondent_pages_rules_such_as_an_option_chosen_alone(
    app, client, definitions
):
    """The parent carer survey's "No one" cannot be ticked with others, online or entered."""
    definition = next(d for d in definitions if d.slug == "parent-carer-annual")
    typed = {"channel": "phone", "filled-by": "1"}
    for question in definition.questions:
        typed[f"q-{question.id}"] = str(question.min) if question.type == "number" else "1"
    typed["q-anything-else"] = ""
    sign_in(client, "officer")
    nobody = 1 + [o.id for o in definition.question("who-helps").options].index("nobody")
    reply = post_form(
        client,
        f"/paper/parent-carer-annual/{definition.version}/enter",
        {**typed, "q-who-helps": f"1 {nobody}"},
    )
    assert reply.status_code == 400
    assert "You cannot choose “No one” with other answers." in reply.get_data(as_text=True)
    assert _stored(app) == (0, 0)
    reply = post_form(
        client,
        f"/paper/parent-carer-annual/{definition.version}/enter",
        {**typed, "q-who-helps": f"{nobody}"},
    )
    assert reply.status_code == 302, reply.get_data(as_text=True)[:3000]


def test_a_paper_responses_record_is_found_by_its_reference_and_says_paper(app, client):
    sign_in(client, "admin")
    (reference,) = _references(app, 1)
    assert _enter(client, "paper", reference).status_code == 302
    reply = post_form(client, "/admin/response-record", {"code": reference})
    assert reply.status_code == 200, reply.get_data(as_text=True)[:500]
    record = json.loads(reply.data)
    assert record["channel"] == "paper" and record["filled_by"] == "me-with-help"


def test_the_tab_shows_how_people_answered_under_the_terms_protection(app, client):
    """The channel is one more grouping of the term's release: its table is protected with
    every other figure (a channel with fewer than 5 people says "hidden", one with no one
    says 0)."""
    from sefvoice.release import service as release_service
    from sefvoice.terms import calendar

    with app.app_context():
        survey = survey_versions.current_survey("all-types")
        for channel, people in (("online", 9), ("paper", 6), ("phone", 2)):
            for _ in range(people):
                _sent(survey, channel, "cats", datetime(2023, 6, 1))
        term = calendar().term_at(utcnow())
        release = release_service.publication_for(term)
    by_channel = {
        row.name: row.respondents.text for row in release.summary.group("by-channel").rows
    }
    # 17 people, 2 by phone, none with help: the 2 is not shown, and so neither can both of
    # the others be beside the total (17 less them, and the 0, would give 2 away).
    assert by_channel["Phone"] == "hidden" and by_channel["With help"] == "0"
    total = release.summary.respondents.text
    assert "hidden" in (by_channel["Online"], by_channel["Paper"], total)
    sign_in(client, "officer")
    page = client.get(f"/feedback/?term={term.name}").get_data(as_text=True)
    assert "How people answered" in page
    csv = client.get(f"/feedback/download/by-channel.csv?term={term.name}")
    assert csv.status_code == 200 and "Paper" in csv.data.decode("utf-8-sig")
    with app.test_request_context():
        line = build_content(term).feedback_line
    shown = ", ".join(f"{name.lower()} {text}" for name, text in by_channel.items())
    assert f"How people answered: {shown}." in line and "phone 2" not in line


NUMBERS = st.one_of(
    st.text(max_size=12),
    st.text(alphabet=st.characters(categories=["Nd", "No", "Nl"]), min_size=1, max_size=8),
    st.integers(-(10**6), 10**6).map(str),
    st.integers(1, 6000).map(lambda n: "9" * n),
    st.sampled_from(["²", "١", "½", "Ⅻ", "1e3", "0x1", "1_0", " 1 , 2 ", "-1", "٣ ٤"]),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.fixed_dictionaries({k: NUMBERS for k in TYPED}))
def test_any_typed_return_is_read_or_refused_with_messages(ctx, typed):
    survey = survey_versions.current_survey("all-types")
    stored, errors = paper_service.read_return(survey, "phone", typed)
    assert bool(stored) != bool(errors)
    assert all(isinstance(m, str) and 0 < len(m) < 300 for m in errors.values())
