"""Terms of data for the disclosure-control tests, sent through the app's own functions.

Each scenario stores its responses as the app does (online: start, save each answer,
submit; paper, phone and with-help: the data-entry function staff use), dates them in
its term, publishes the term (and, for a revision, publishes again after a late
return), and says which term it is. `hidden_labels` counts what a term's published
release shows as not a number.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from math import inf

from flask import Flask
from sqlalchemy import select

from sefvoice import answer_tally
from sefvoice.auth import service as auth_service
from sefvoice.definitions import SurveyDefinition
from sefvoice.extensions import db
from sefvoice.feedback import comments
from sefvoice.models import Response, User
from sefvoice.paper import service as paper
from sefvoice.publishing import service as publishing
from sefvoice.release import service as release_service
from sefvoice.release.attack import Finding, Known, attack
from sefvoice.surveys import held
from sefvoice.surveys import versions as survey_versions
from sefvoice.terms import Term, calendar

PARENTS = "parent-carer-annual"
NEW_PLAN = "new-ehcp-parent"
YOUNG_PEOPLE = "young-people-quality-of-life"
HIDDEN_LABELS = ("hidden", "too few answers")
OFFICER = "officer@example.org"
MODERATOR = "moderator@example.org"
COMMENT = "anything-else"  # every survey's free-text question


@dataclass
class Person:
    """One response: its survey, who filled it in, how it came in, and answers that differ
    from the drawn ones ({question: [options]}, a number, or a comment's text; None:
    skipped)."""

    slug: str
    filled_by: str = "me"
    channel: str = "online"
    answers: dict[str, list[str] | int | str | None] = field(default_factory=dict)


def drawn_answers(
    definition: SurveyDefinition, rng: random.Random
) -> dict[str, list[str] | int | None]:
    """Plausible answers to every question: an optional one skipped now and then, "No one"
    ticked alone, no comments (a term that has them gives them to its people)."""
    answers: dict[str, list[str] | int | None] = {}
    for question in definition.questions:
        if question.type == "text" or (question.optional and rng.random() < 0.2):
            answers[question.id] = None
            continue
        if question.type == "number":
            answers[question.id] = rng.randint(question.min or 0, min(question.max or 60, 60))
            continue
        options = question.options
        if question.type == "multiple":
            alone = [o.id for o in options if o.exclusive]
            others = [o.id for o in options if not o.exclusive]
            if alone and rng.random() < 0.15:
                answers[question.id] = alone[:1]
            else:
                answers[question.id] = sorted(set(rng.choices(others, k=rng.randint(1, 3))))
            continue
        weights = [3 if o.positive else 2 for o in options]
        answers[question.id] = rng.choices([o.id for o in options], weights)
    return answers


def _online(survey, definition: SurveyDefinition, person: Person, answers: dict) -> int:
    response_id, _ = held.start_response(survey, person.filled_by)
    for question in definition.questions:
        value = answers.get(question.id)
        if value is None:
            continue
        if question.type == "number":
            held.save_answer(response_id, question, number=value)
        elif question.type == "text":
            held.save_answer(response_id, question, text=value)
        else:
            held.save_answer(response_id, question, option_ids=value)
    held.submit_response(response_id)
    return response_id


def _entered(app: Flask, survey, definition: SurveyDefinition, person: Person, answers) -> int:
    """A paper, phone or with-help return, as staff enter it."""
    reference = None
    if person.channel == "paper":
        batch = paper.print_batch(survey, 1, large_print=False)
        (reference,) = paper.batch_references(batch.id)
    stored = {}
    for question in definition.questions:
        value = answers.get(question.id)
        if value is None:
            continue
        key = {"number": "number", "text": "text"}.get(question.type, "option_ids")
        stored[question.id] = {key: value}
    with app.test_request_context():
        entered = paper.enter_return(survey, person.channel, reference, person.filled_by, stored)
    return entered.response_id


def send(app: Flask, people: list[Person], term: str, seed: int = 0) -> None:
    """Store each person's response, submitted on a day in `term`, and count them."""
    rng = random.Random(seed)
    with app.app_context():
        found = calendar().named(term)
        days = (found.ends_on - found.starts_on).days
        for person in people:
            survey = survey_versions.current_survey(person.slug)
            definition = survey_versions.definition_of(survey)
            answers = drawn_answers(definition, rng) | person.answers
            if person.channel == "online":
                response_id = _online(survey, definition, person, answers)
            else:
                response_id = _entered(app, survey, definition, person, answers)
            day = found.starts_on + timedelta(days=rng.randint(1, days - 1))
            db.session.get(Response, response_id).submitted_at = datetime(
                day.year, day.month, day.day, 12
            )
            db.session.commit()
        answer_tally.recount()


def publish(app: Flask, term: str, reason: str = "") -> list[Finding]:
    """Publish the term's next version, then attack it as published, with every version
    published so far known (the attacker a revision is protected with): the attacker's range
    for every figure that must stay uncertain (`ProtectedFigures.audit`, not exact)."""
    with app.app_context():
        found = calendar().named(term)
        publishing.publish_term(found, OFFICER, reason)
        release, latest = _latest(found)
        # The release counted again is the one published: the same facts, cell for cell.
        assert json.loads(json.dumps(release.facts())) == latest.facts
        return release.audit(exact=False)


def _latest(term: Term):
    """The term's latest published version counted again as it was protected, and its
    stored row."""
    rows = release_service.published_versions(term)
    definitions = release_service.published_definitions(rows[0]) if len(rows) > 1 else None
    earlier = release_service.earlier_versions(rows[:-1])
    return release_service.protected_figures_for(term, definitions, earlier), rows[-1]


def hidden_further(app: Flask, term: str) -> int:
    """How many counts and percentages the term's latest version hides beyond the first
    rules (to protect others)."""
    with app.app_context():
        return len(_latest(calendar().named(term))[0].protection.secondary)


# The scenarios: each sends its term's responses and publishes; returns the term's name and
# the audit of each version as published.


@dataclass
class Published:
    term: str
    audits: list[list[Finding]]  # per version, oldest first


def spring(app: Flask) -> Published:
    """One survey of 30: 26 online, and 4 across paper, phone and with help."""
    people = [Person(PARENTS) for _ in range(26)]
    people += [
        Person(PARENTS, "me", "paper"),
        Person(PARENTS, "someone-for-me", "paper"),
        Person(PARENTS, "me", "phone"),
        Person(PARENTS, "me-with-help", "with_help"),
    ]
    send(app, people, "Spring 2023", seed=1)
    return Published("Spring 2023", [publish(app, "Spring 2023")])


def summer(app: Flask) -> Published:
    """Several surveys, 40 people: a new-plan survey of 2, and 2 who had it filled in for
    them."""
    people = [Person(PARENTS, "me") for _ in range(20)]
    people += [Person(PARENTS, "me-with-help") for _ in range(4)]
    people += [Person(YOUNG_PEOPLE, "me") for _ in range(8)]
    people += [Person(YOUNG_PEOPLE, "me-with-help") for _ in range(4)]
    people += [Person(PARENTS, "someone-for-me"), Person(YOUNG_PEOPLE, "someone-for-me")]
    people += [Person(NEW_PLAN, "me"), Person(NEW_PLAN, "me-with-help", "phone")]
    people[3].channel, people[25].channel = "paper", "with_help"
    send(app, people, "Summer 2023", seed=2)
    return Published("Summer 2023", [publish(app, "Summer 2023")])


def fifteen(app: Flask) -> Published:
    """A term of 15 people: the Local Offer helped 4, partly 3, not 2 (each fewer than 5);
    6 had not used it."""
    local_offer = ["yes"] * 4 + ["some"] * 3 + ["no"] * 2 + ["not-used"] * 6
    people = [
        Person(PARENTS, "me" if i % 3 else "me-with-help", answers={"local-offer": [answer]})
        for i, answer in enumerate(local_offer)
    ]
    send(app, people, "Autumn 2023", seed=3)
    return Published("Autumn 2023", [publish(app, "Autumn 2023")])


def no_one(app: Flask, everyone_school: bool = False) -> Published:
    """30 parents: 29 said School helps their child (with others, or alone), and the 30th
    "No one" (or School too)."""
    helps = [["school"], ["school", "health"], ["school", "therapy"]]
    people = [Person(PARENTS, answers={"who-helps": helps[i % 3]}) for i in range(29)]
    people.append(
        Person(PARENTS, answers={"who-helps": ["school" if everyone_school else "nobody"]})
    )
    send(app, people, "Spring 2024", seed=4)
    return Published("Spring 2024", [publish(app, "Spring 2024")])


def everyone_school(app: Flask) -> Published:
    return no_one(app, everyone_school=True)


def revision(app: Flask) -> Published:
    """A term of 20 published; one with-help return dated in the term entered after; the
    revision published as version 2."""
    people = [Person(PARENTS, "me" if i % 4 else "me-with-help") for i in range(20)]
    send(app, people, "Summer 2024", seed=5)
    first = publish(app, "Summer 2024")
    send(app, [Person(PARENTS, "me-with-help", "with_help")], "Summer 2024", seed=6)
    second = publish(app, "Summer 2024", "One return entered late")
    return Published("Summer 2024", [first, second])


UNREAD = "Not read yet."  # a comment no officer has reviewed


def approve_comments(app: Flask) -> int:
    """Approve every comment waiting but those saying UNREAD, as an officer does from the
    queue; returns how many."""
    with app.app_context():
        ids = [c.answer_id for c in comments.pending_comments(1000) if c.text != UNREAD]
        officer = db.session.scalar(select(User).filter_by(email=MODERATOR))
        officer = officer or auth_service.create_user(MODERATOR, "correct horse battery", "officer")
        return comments.review_many(ids, "approved", "Being listened to", officer)


def commented(app: Flask) -> Published:
    """23 people: a new-plan survey of 3, each of whom wrote a comment, beside 20 parents, 6
    of whom wrote one; every comment approved but two of the parents'."""
    wrote = ["The school listened."] * 4 + [UNREAD] * 2 + [None] * 14
    people = [Person(PARENTS, answers={COMMENT: text}) for text in wrote]
    people += [Person(NEW_PLAN, answers={COMMENT: f"Plan comment {i}"}) for i in range(3)]
    send(app, people, "Autumn 2024", seed=7)
    approve_comments(app)
    return Published("Autumn 2024", [publish(app, "Autumn 2024")])


def attack_with_comments(app: Flask, term: str) -> list[Finding]:
    """A term published once, attacked by a reader who has also read every approved
    comment sent in the term (as reps do, each with its survey and question): k comments to
    a survey's question say that at least k people answered it, so at least k responded to
    the survey. Each figure the release's own audit attacks that is a count or a skip gets
    its best range with those facts too."""
    with app.app_context():
        found = calendar().named(term)
        rows = release_service.published_versions(found)
        assert len(rows) == 1, "a revision's reader has every version's facts: not modelled here"
        release = release_service.protected_figures_for(found)
        assert json.loads(json.dumps(release.facts())) == rows[0].facts  # as published
        start, end = found.bounds()
        seen = Counter(
            (c.survey_title, c.question_text)
            for c in comments.approved_comments(start=start, end=end)
        )
        figures, read = release.figures, []
        for definition in release.definitions:
            for question in definition.questions:
                k = seen[definition.title, question.text]
                if k:
                    read.append(Known(figures[("answering", definition.slug, question.id)], k, inf))
                    read.append(Known(figures[("respondents", "survey", definition.slug)], k, inf))
        targets = [figures[f.key] for f in release.audit() if f.key in figures]
        return attack(
            release.cells, release.published_facts() + read, targets, release.rules.min_count
        )


SCENARIOS: dict[str, Callable[[Flask], Published]] = {
    "spring: one survey of 30, 4 not online": spring,
    "summer: 40 people, a survey of 2, a group of 2": summer,
    "a term of 15": fifteen,
    "No one: 29 of 30 ticked School": no_one,
    "No one: all 30 ticked School": everyone_school,
    "a with-help return revises a published term": revision,
    "every one of a survey of 3 wrote a comment": commented,
}


# Counting what a release hides


def _is_figure(text: str) -> bool:
    return text in HIDDEN_LABELS or any(c.isdigit() for c in text)


def hidden_labels(app: Flask, term: str, version: int | None = None) -> tuple[Counter[str], int]:
    """(how many figures say each of "hidden" and "too few answers", figures) in a
    published version of the term (the
    latest unless `version` is given): every count and percentage of its own tables (the
    summaries, the by-group tables, the term's row of the trend, each question's table)
    and each question's % positive. Not figures: row names, how many questions a
    scorecard pools, changes since last term, the measures (not counted from answers),
    and blanks such as "no comparison"."""
    with app.app_context():
        release = publishing.figures_for(calendar().named(term), version, drafts=True).release
    tables = release.tables
    cells: list[str] = []
    for table in [tables.by_outcome, tables.by_principle, *tables.groups, tables.by_term]:
        skip = {
            i for i, c in enumerate(table.columns) if c in ("Questions", "Change since last term")
        }
        for row in table.text_rows():
            if table.id == "by-term" and row[0] != term:
                continue
            cells += [text for i, text in enumerate(row[1:], start=1) if i not in skip]
    for result, table in tables.questions:
        cells += [text for row in table.text_rows() for text in row[1:]]
        cells.append(result.positive.text)
    figures = [text for text in cells if _is_figure(text)]
    return Counter(text for text in figures if text in HIDDEN_LABELS), len(figures)


def latest_version(app: Flask, term: str) -> int:
    with app.app_context():
        return len(publishing.versions_of(calendar().named(term)))


def term_named(app: Flask, name: str) -> Term:
    with app.app_context():
        return calendar().named(name)


def responses_stored(app: Flask) -> int:
    with app.app_context():
        return len(db.session.scalars(select(Response.id)).all())
