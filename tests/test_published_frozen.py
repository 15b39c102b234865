"""What a published term's outputs show beside its figures is frozen with them: the
partnership's name and logo, the disclosure rules they were shown by, and the number of
approved comments behind each theme of the commitments register. Changing any of these
after publishing leaves every output of the term byte-for-byte as published; a term not
yet published shows the change."""

from __future__ import annotations

from datetime import datetime
from importlib.resources import files

import pytest

from sefvoice import answer_tally as tally
from sefvoice.bulletin import register
from sefvoice.bulletin import service as bulletins
from sefvoice.bulletin.brand import current, save_look
from sefvoice.bulletin.views import export
from sefvoice.extensions import db
from sefvoice.feedback import comments
from sefvoice.models import Commitment, Response
from sefvoice.publishing import service as publishing
from sefvoice.release.service import rules
from sefvoice.surveys import held as held_responses
from sefvoice.surveys import versions as survey_versions

from .conftest import sign_in
from .test_bulletin import CREATED, make_data, officer, term
from .test_published import SUMMER, _live_tables, _page, outputs

EASY_READ = ("/bulletins/summer-2023/easy-read",)


@pytest.fixture
def data(app):
    with app.app_context():
        make_data()
        tally.recount()  # make_data dates its comments after sending them
    return app


@pytest.fixture
def published(data, client):
    """make_data's Summer 2023 published, and the client signed in as an officer."""
    sign_in(client, "officer")
    with data.app_context():
        assert publishing.publish_term(term(SUMMER), "officer@example.org") == 1
    return data


def frozen_outputs(client, app) -> dict:
    """Every output of Summer 2023 (test_published.outputs), and both PDFs' bytes."""
    found = outputs(client, app)
    with app.app_context():
        for edition in ("bulletin", "easy-read"):
            found[f"{edition}.pdf"] = export(term(SUMMER), edition, "pdf", created=CREATED)
    return found


def _live(app) -> tuple:
    """What a draft would show now: the look, the rules, the register and the figures."""
    with app.app_context():
        look = current()
        themes = [row.themes for row in register.register_for(term(SUMMER), rules())]
        return (look.name, look.logo, rules(), themes, _live_tables(app))


def _look(app) -> None:
    """A new name and a logo for the partnership."""
    logo = files("sefvoice").joinpath("data/demo-logo.svg").read_bytes()
    with app.app_context():
        save_look("Renamed partnership", "#4c2c92", "#fff7bf", logo, "A tree")


def _rules(app) -> None:
    """Smaller numbers allowed on show."""
    app.config["DISCLOSURE_MIN_COUNT"] = 3
    app.config["DISCLOSURE_MIN_BASE"] = 5


def _register_counts(app) -> None:
    """Five more comments about waiting, sent in the term and approved after publishing."""
    with app.app_context():
        survey = survey_versions.current_survey("all-types")
        question = survey_versions.definition_of(survey).question("anything-else")
        for day in range(5):
            response_id, _ = held_responses.start_response(survey, "me")
            answer_id = held_responses.save_answer(
                response_id, question, text=f"We waited months for therapy ({day})"
            )
            held_responses.submit_response(response_id)
            db.session.get(Response, response_id).submitted_at = datetime(2023, 7, 10 + day)
            db.session.commit()
            suggested = comments.get_comment(answer_id).suggested
            reviewer = officer(f"moderator{day}@example.org")
            comments.review_comment(
                answer_id, "approved", suggested, "Waiting", "open-and-honest", reviewer
            )


@pytest.mark.parametrize("change", [_look, _rules, _register_counts])
def test_a_published_term_keeps_the_look_rules_and_register_counts(published, client, change):
    before = frozen_outputs(client, published)
    live = _live(published)
    change(published)
    assert _live(published) != live  # a draft would show the change
    after = frozen_outputs(client, published)
    assert after.keys() == before.keys()
    for name in before:
        assert after[name] == before[name], name


def test_a_draft_shows_the_look_and_rules_as_they_are(data, client):
    sign_in(client, "officer")
    _look(data)
    _rules(data)
    assert "Renamed partnership" in _page(client, "/bulletins/summer-2023/")
    assert "a number below 3" in _page(client, "/feedback/?term=Summer+2023")


def test_the_easy_read_you_said_we_did_is_frozen_with_the_bulletin(published, client):
    """Its lines are the officers' words about carried commitments: editable while the
    bulletin is, frozen when it is published."""
    with published.app_context():
        summer = term(SUMMER)
        bulletins.publish_bulletin(bulletins.bulletin_for(summer), summer, "officer@example.org")
    before = frozen_outputs(client, published)
    assert "We will tell you about waits for therapy" in before[EASY_READ[0]]
    with published.app_context():
        bulletin = bulletins.bulletin_for(summer)
        carried = db.session.scalars(
            db.select(Commitment).filter_by(bulletin_id=bulletin.id, text="Therapy waits update")
        ).all()
        carried = next(c for c in carried if c.carried_from_id)
        bulletins.save_progress(
            bulletin,
            {carried.id: ("done", "All done")},
            easy_read={carried.id: "We changed how therapy waits work"},
        )
        assert publishing.figures_for(summer, drafts=False).status.version == 1
    after = frozen_outputs(client, published)
    for name in before:
        assert after[name] == before[name], name


def test_you_said_we_did_is_frozen_with_the_bulletin(published, client):
    """The register's words as a published bulletin shows them stay as they were when it
    was published: rewording what families said, or the themes it answers, changes only
    bulletins not yet published."""
    with published.app_context():
        summer = term(SUMMER)
        bulletins.publish_bulletin(bulletins.bulletin_for(summer), summer, "officer@example.org")
    before = frozen_outputs(client, published)
    assert "The wait for therapy is too long" in before["/bulletins/summer-2023/"]
    with published.app_context():
        said = register.entries()[0]
        register.save_you_said(said, "Therapy waits are far too long", ["Waiting", "Plans"])
        rows = register.register_for(summer, rules())
        assert rows[0].you_said == "Therapy waits are far too long"  # the register changed
    after = frozen_outputs(client, published)
    for name in before:
        assert after[name] == before[name], name
