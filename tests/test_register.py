"""The commitments register: "you said" tied to comment themes with protected counts,
commitments with a status and a change log, on each term's bulletin until done or dropped."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from sefvoice.bulletin import register
from sefvoice.bulletin.content import build_content
from sefvoice.bulletin.register import RegisterError
from sefvoice.extensions import db
from sefvoice.models import WeDidChange
from sefvoice.release.shown import Rules
from sefvoice.terms import TermCalendar

from .conftest import post_form, sign_in
from .test_comments import approve, officer, send

TERMS = TermCalendar()
AUTUMN, SPRING, SUMMER, NEXT = (
    TERMS.named(n) for n in ("Autumn 2022", "Spring 2023", "Summer 2023", "Autumn 2023")
)
RULES = Rules()


def comments_on(theme: str, how_many: int, sent: datetime = datetime(2022, 10, 3)) -> None:
    reviewer = officer(f"{theme.lower()}-{how_many}@example.org")
    for n in range(how_many):
        approve(send(f"About {theme} {n}", sent), reviewer, theme=theme)


def statuses(term) -> list[tuple[str, str]]:
    return [(row.commitment, row.status) for row in register.register_for(term, RULES)]


def test_a_commitment_stays_on_every_bulletin_until_done_or_dropped(ctx):
    said = register.save_you_said(None, "Therapy waits are too long", ["Waiting"])
    kept = register.add_commitment(said, "Hire two speech therapists", AUTUMN)
    dropped = register.add_commitment(said, "Open a Saturday clinic", AUTUMN)
    register.change_commitment(kept, SPRING, kept.text, "in-progress", "One started")
    register.change_commitment(dropped, SPRING, dropped.text, "dropped", "No room on Saturdays")
    register.change_commitment(kept, NEXT, kept.text, "done", "Both in post")

    assert statuses(AUTUMN) == [
        ("Hire two speech therapists", "Planned"),
        ("Open a Saturday clinic", "Planned"),
    ]
    assert statuses(SPRING) == [
        ("Hire two speech therapists", "In progress"),
        ("Open a Saturday clinic", "Dropped"),  # said in the term it was dropped
    ]
    assert statuses(SUMMER) == [("Hire two speech therapists", "In progress")]  # carried on
    assert statuses(NEXT) == [("Hire two speech therapists", "Done")]
    assert statuses(TERMS.named("Spring 2024")) == []
    assert statuses(TERMS.named("Summer 2022")) == []  # before it was made
    [row] = register.register_for(SUMMER, RULES)
    assert row.history == [
        ("Autumn 2022", "Planned"),
        ("Spring 2023", "In progress"),
    ]
    assert row.note == "One started"


def test_rewording_keeps_the_status_note_and_history(ctx):
    said = register.save_you_said(None, "Letters are late", ["Letters"])
    item = register.add_commitment(said, "Send letters within a week", AUTUMN)
    register.change_commitment(item, SPRING, item.text, "in-progress", "Half are on time")
    assert register.change_commitment(item, SPRING, item.text + ".", "in-progress", item.note)
    assert (item.text, item.status, item.note) == (
        "Send letters within a week.",
        "in-progress",
        "Half are on time",
    )
    assert [(c.term_name, c.text, c.status) for c in item.changes] == [
        ("Autumn 2022", "Send letters within a week", "planned"),
        ("Spring 2023", "Send letters within a week", "in-progress"),
        ("Spring 2023", "Send letters within a week.", "in-progress"),
    ]
    assert not register.change_commitment(item, SPRING, item.text, item.status, item.note)
    assert len(item.changes) == 3
    # The Autumn bulletin still reads the words as they were then.
    assert statuses(AUTUMN) == [("Send letters within a week", "Planned")]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": "dropped", "note": ""}, "Say why"),
        ({"status": "finished"}, "Choose a status"),
        ({"text": "  "}, "Enter what we will do"),
        ({"text": "x" * 301}, "at most 300 characters"),
        ({"term": TERMS.named("Summer 2022")}, "made in Autumn 2022"),
    ],
)
def test_a_change_that_makes_no_sense_is_refused_and_nothing_is_logged(ctx, change, message):
    said = register.save_you_said(None, "Letters are late", ["Letters"])
    item = register.add_commitment(said, "Send letters within a week", AUTUMN)
    values = {"term": SPRING, "text": item.text, "status": "in-progress", "note": "", **change}
    with pytest.raises(RegisterError, match=message):
        register.change_commitment(item, **values)
    assert (item.status, len(item.changes)) == ("planned", 1)
    assert db.session.scalar(select(func.count(WeDidChange.id))) == 1


def test_you_said_counts_the_comments_behind_it_protected(ctx):
    comments_on("Waiting", 6)
    comments_on("Therapy", 2)
    comments_on("Waiting", 1, sent=datetime(2023, 10, 2))  # after Summer 2023
    said = register.save_you_said(None, "Therapy waits are too long", ["waiting", " Therapy "])
    register.add_commitment(said, "Hire two speech therapists", AUTUMN)
    [row] = register.register_for(SUMMER, RULES)
    assert [(theme, shown.text) for theme, shown in row.themes] == [
        ("Therapy", "fewer than 5"),
        ("Waiting", "6"),
    ]


def test_the_bulletins_table_is_built_from_the_register(ctx):
    comments_on("Waiting", 7)
    said = register.save_you_said(None, "Therapy waits are too long", ["Waiting"])
    item = register.add_commitment(said, "Hire two speech therapists", AUTUMN)
    register.change_commitment(item, SPRING, item.text, "in-progress", "One started")
    content = build_content(SUMMER)
    assert content.progress.columns == [
        "You said",
        "Comments behind it",
        "We did",
        "Status",
        "Progress so far",
    ]
    assert content.progress.text_rows() == [
        [
            "Therapy waits are too long",
            "Waiting: 7",
            "Hire two speech therapists",
            "In progress: One started",
            "Autumn 2022: Planned; Spring 2023: In progress",
        ]
    ]
    assert content.progress_note == ""
    assert "nothing in the register" in build_content(TERMS.named("Summer 2022")).progress_note


def test_an_officer_keeps_the_register_on_its_page(app, client):
    sign_in(client, "officer")
    page = "/bulletins/register"
    reply = post_form(client, page, {"text": "Letters are late", "themes": "Letters, Being heard"})
    assert reply.status_code == 302
    shown = client.get(page).get_data(as_text=True)
    assert "Letters are late" in shown and "Being heard" in shown
    with app.app_context():
        [said] = register.entries()
        said_id = said.id
    reply = post_form(
        client,
        f"{page}/{said_id}/commitments",
        {"text": "Send letters within a week", "term": "Autumn 2022"},
        token_from=page,
    )
    assert reply.status_code == 302
    with app.app_context():
        item_id = register.entries()[0].commitments[0].id
    bad = post_form(
        client,
        f"{page}/commitments/{item_id}",
        {"text": "Send letters", "status": "dropped", "note": "", "term": "Spring 2023"},
        token_from=page,
    )
    assert bad.status_code == 400 and "Say why" in bad.get_data(as_text=True)
    post_form(
        client,
        f"{page}/commitments/{item_id}",
        {"text": "Send letters", "status": "in-progress", "note": "Half", "term": "Spring 2023"},
        token_from=page,
    )
    with app.app_context():
        item = register.entries()[0].commitments[0]
        assert (item.text, item.status, len(item.changes)) == ("Send letters", "in-progress", 2)
    assert client.get(page).status_code == 200
    sign_in(client, "pcv_rep")
    assert client.get(page).status_code == 403
