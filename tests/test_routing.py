"""Routing (show_if), ways out and one-meaning pictures: what `surveys check` refuses, and a
question not asked of someone through the pages, data entry, paper and the figures."""

from __future__ import annotations

import copy

import pytest
import yaml
from sqlalchemy import select

from sefvoice.definitions import (
    SurveyDefinitionError,
    glossary_problems,
    load_glossary,
    parse_survey,
)
from sefvoice.definitions.routing import skip_to
from sefvoice.extensions import db
from sefvoice.models import Answer, Survey
from sefvoice.paper import service as paper
from sefvoice.paper.pdf import routing_words
from sefvoice.paper.words import load_paper_words
from sefvoice.release.protected_figures import ProtectedFigures
from sefvoice.surveys.pagecheck import unexplained_words

from .conftest import EASYREAD, STATIC, post_form
from .test_release import CHARTER, FILLED_BY, RULES, _counts

REVIEW = "annual-review-feedback"
ROUTED = "young-person-took-part"


def _review_data() -> dict:
    return yaml.safe_load((EASYREAD / f"{REVIEW}.yaml").read_text(encoding="utf-8"))


def _problems(data: dict) -> str:
    with pytest.raises(SurveyDefinitionError) as refused:
        parse_survey(data, "test.yaml", CHARTER, STATIC)
    return str(refused.value)


def _question(data: dict, question_id: str) -> dict:
    return next(q for q in data["questions"] if q["id"] == question_id)


def test_the_shipped_review_survey_routes_and_passes():
    definition = parse_survey(_review_data(), "review", CHARTER, STATIC)
    assert definition.question(ROUTED).show_if.question == "whose-plan"


def test_show_if_must_name_an_earlier_one_answer_question_and_its_answers():
    data = _review_data()
    _question(data, ROUTED)["show_if"] = {"question": "anything-else", "answers": ["x"]}
    assert "which is not an earlier question" in _problems(data)
    data = _review_data()
    _question(data, ROUTED)["show_if"] = {"question": "whose-plan", "answers": ["cousin"]}
    assert "has no answer ['cousin']" in _problems(data)
    data = _review_data()
    _question(data, ROUTED)["show_if"] = "whose-plan"
    assert "'show_if' must be" in _problems(data)


def test_a_required_choice_question_needs_a_way_out_unless_it_says_why():
    data = yaml.safe_load((EASYREAD / "young-people-quality-of-life.yaml").read_text())
    free_time = _question(data, "free-time")
    free_time["options"] = [o for o in free_time["options"] if o["id"] != "something-else"]
    assert "needs an answer for someone none of the others fits" in _problems(data)
    free_time["no_way_out"] = "every young person has some free time"
    parse_survey(data, "young.yaml", CHARTER, STATIC)


def test_one_picture_means_one_thing_in_a_survey():
    data = yaml.safe_load((EASYREAD / "parent-carer-annual.yaml").read_text())
    nobody = _question(data, "who-helps")["options"][-1]
    nobody["picture"] = "pictures/no.svg"
    assert "picture 'pictures/no.svg' means 'No'" in _problems(data)


def test_ehcp_is_in_the_glossary_and_a_page_using_it_must_say_what_it_means():
    glossary = load_glossary(EASYREAD)
    assert "Education, Health and Care Plan" in glossary["EHCP"]
    assert not glossary_problems(glossary, [])
    assert unexplained_words("<main><p>Your new EHCP.</p></main>", glossary) == ["EHCP"]


def _start(client) -> None:
    post_form(client, f"/s/{REVIEW}", {"filled_by": "me"})


def _send(client, question_id: str, value: str, change: bool = False):
    address = f"/s/{REVIEW}/q/{question_id}" + ("?change=1" if change else "")
    return post_form(client, address, {"answer": value, "save": "1"}, token_from=address)


def test_a_question_that_does_not_apply_is_not_asked_or_listed(app, client):
    _start(client)
    reply = _send(client, "whose-plan", "me")
    assert reply.location.endswith(f"/s/{REVIEW}/q/invite-in-time")
    assert client.get(f"/s/{REVIEW}/q/{ROUTED}").status_code == 302
    back = client.get(f"/s/{REVIEW}/q/right-people").text
    assert f'href="/s/{REVIEW}/q/felt-heard"' in back  # Back skips it too
    assert (
        "How did the child or young person take part?" not in client.get(f"/s/{REVIEW}/check").text
    )
    # Said it is their child's plan: now asked, and listed.
    reply = _send(client, "whose-plan", "child", change=True)
    assert reply.location.endswith(f"/s/{REVIEW}/q/{ROUTED}")
    _send(client, ROUTED, "came", change=True)
    assert "How did the child or young person take part?" in client.get(f"/s/{REVIEW}/check").text
    # Back to their own plan: the answer given meanwhile is not sent.
    _send(client, "whose-plan", "me", change=True)
    for question_id, value in [
        ("invite-in-time", "yes"),
        ("reports-before", "yes"),
        ("felt-heard", "4"),
        ("right-people", "yes"),
        ("clear-next-steps", "yes"),
        ("future-discussed", "yes"),
    ]:
        _send(client, question_id, value)
    sent = post_form(client, f"/s/{REVIEW}/check", {})
    assert sent.status_code == 302 and sent.location.endswith("/done")
    with app.app_context():
        kept = set(db.session.scalars(select(Answer.question_id)))
    assert ROUTED not in kept and "whose-plan" in kept


def test_data_entry_refuses_an_answer_to_a_question_not_asked(app, ctx):
    survey = db.session.scalar(
        select(Survey).filter_by(slug=REVIEW).order_by(Survey.version.desc())
    )
    typed = {"filled-by": "1", "q-whose-plan": "1", f"q-{ROUTED}": "1"}
    typed |= {f"q-{q}": "1" for q in ("invite-in-time", "reports-before", "right-people")}
    typed |= {"q-felt-heard": "4", "q-clear-next-steps": "1", "q-future-discussed": "1"}
    stored, errors = paper.read_return(survey, "phone", typed)
    assert errors == {
        f"q-{ROUTED}": "Leave this empty: it is only for people who ticked"
        " “My child, or a young person I care for” in question 1."
    }
    stored, errors = paper.read_return(survey, "phone", {**typed, f"q-{ROUTED}": ""})
    assert not errors and ROUTED not in stored["answers"]


def test_the_paper_copy_says_where_to_go_next():
    definition = parse_survey(_review_data(), "review", CHARTER, STATIC)
    assert skip_to(definition, definition.question(ROUTED)) == 6
    words = load_paper_words(EASYREAD)
    assert routing_words(definition, definition.question(ROUTED), words) == [
        "Answer this only if you ticked “My child, or a young person I care for” in question 1.",
        "If not, go to question 6.",
    ]
    assert routing_words(definition, definition.question("felt-heard"), words) == []


def test_someone_not_asked_a_question_did_not_skip_it():
    """12 people: 8 say it is their own plan (not asked), 4 their child's, of whom 3 answer."""
    definition = parse_survey(_review_data(), "review", CHARTER, STATIC)
    data = copy.copy(definition)
    responses = [(REVIEW, "me", {"whose-plan": ["me"]})] * 8
    responses += [(REVIEW, "me", {"whose-plan": ["child"], ROUTED: ["came"]})] * 3
    responses += [(REVIEW, "me", {"whose-plan": ["child"]})]
    release = ProtectedFigures([data], [FILLED_BY], _counts([data], responses), RULES)
    assert release.figures[("skipped", REVIEW, ROUTED)].value == 1  # not 9
