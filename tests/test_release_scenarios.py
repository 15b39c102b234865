"""Terms built as the app stores them (online answers, and paper, phone and with-help
returns entered by staff), published, and attacked: no figure that must stay uncertain
can be narrowed to fewer than 5 values, in any version published.

The terms are those a statistician tried: a survey of 30 with 4 people not online; 40
people with a survey of 2 and a group of 2; a term of 15 whose Local Offer answers are
each fewer than 5; "No one" beside 29 (and 30) people who ticked School; a published
term revised after one more with-help return.
"""

from __future__ import annotations

import pytest

from . import release_terms as terms

# The 40-person term and the revision each take about a minute of solving.
SLOW = {terms.summer, terms.revision}


def _cases():
    for name, build in terms.SCENARIOS.items():
        marks = [pytest.mark.slow] if build in SLOW else []
        yield pytest.param(build, id=name, marks=marks)


@pytest.mark.parametrize("build", list(_cases()))
def test_no_hidden_figure_can_be_narrowed_in_any_version(app, build):
    published = build(app)
    assert terms.latest_version(app, published.term) == len(published.audits)
    for version, findings in enumerate(published.audits, start=1):
        assert findings, f"version {version} hides nothing that must stay uncertain"
        unsafe = [f for f in findings if not f.safe]
        assert not unsafe, f"version {version}: " + "; ".join(
            f"{' / '.join(f.key)} (true {f.value}) is {f.low} to {f.high}" for f in unsafe
        )


def test_the_term_of_fifteen_hides_its_small_local_offer_answers(app):
    """The scenario is what it says: three answers each fewer than 5, Partly and No shown
    together (easyread/combined-answers.yaml) and still under 5, so "hidden" as every
    count not shown is, and its % positive not shown."""
    published = terms.fifteen(app)
    with app.app_context():
        from sefvoice.publishing import service as publishing

        summary = publishing.figures_for(
            terms.term_named(app, published.term), drafts=True
        ).release.summary
    (local_offer,) = [q for q in summary.questions if q.question_id == "local-offer"]
    counts = {o.label: o.count.text for o in local_offer.options}
    assert counts["Yes"] == counts["Partly or no"] == "hidden"
    assert local_offer.positive.hidden


@pytest.mark.slow
def test_the_revision_is_version_2_and_counts_the_late_return(app):
    """One late return: version 2 counts the person among the people, and its answers wait
    for four more (versions.answers_counted), so no answer table or % changes; the
    with-help row, empty in version 1, now hides its size and says its % has no answers."""
    from sefvoice.publishing import service as publishing

    published = terms.revision(app)
    assert len(published.audits) == 2 and terms.latest_version(app, published.term) == 2
    assert terms.responses_stored(app) == 21
    shown = {}
    for version in (1, 2):
        with app.app_context():
            term = terms.term_named(app, published.term)
            found = publishing.figures_for(term, version, drafts=True)
        shown[version] = {
            (table.title, row[0], column): text
            for table in found.release.tables.every_table()
            for row in table.text_rows()
            for column, text in zip(table.columns[1:], row[1:], strict=False)
        }
    changed = {
        key[1:]: (shown[1][key], now) for key, now in shown[2].items() if shown[1][key] != now
    }
    assert changed == {
        ("With help from someone", "People who answered"): ("5", "6"),
        ("With help", "People who answered"): ("0", "hidden"),
        ("Parent carer survey", "People who answered"): ("20", "21"),
        (published.term, "People who answered"): ("20", "21"),
    }
    assert shown[2][("How people answered, Summer 2024", "With help", "% positive")] == "no answers"
    assert "The answers shown are those version 1 counted." in found.status.answers_note


def test_the_audit_command_attacks_a_term_just_published(app, database_url, monkeypatch):
    from click.testing import CliRunner

    from sefvoice.cli import main

    published = terms.spring(app)
    monkeypatch.setenv("SEFVOICE_DATABASE_URL", database_url)
    result = CliRunner().invoke(main, ["release", "audit", "--term", published.term])
    assert result.exception is None, repr(result.exception)
    assert result.exit_code == 0, result.output
    assert "attacked with its 1 published versions known" in result.output
    assert "No hidden figure can be narrowed to fewer than 5 values." in result.output


def test_a_survey_whose_every_respondent_wrote_a_comment_keeps_its_size_uncertain(app):
    """3 people answered the new-plan survey and each wrote a comment, approved: a rep who
    reads them knows at least 3 responded. With that, no figure the release does not show
    as a number, the survey's own respondents first, can be narrowed to fewer than 5
    values."""
    published = terms.commented(app)
    findings = terms.attack_with_comments(app, published.term)
    by_key = {f.key: f for f in findings}
    tiny = by_key[("respondents", "survey", terms.NEW_PLAN)]
    assert tiny.value == 3 and tiny.safe, f"the survey of 3 is {tiny.low} to {tiny.high}"
    unsafe = [f for f in findings if not f.safe]
    assert not unsafe, "; ".join(
        f"{' / '.join(f.key)} (true {f.value}) is {f.low} to {f.high}" for f in unsafe
    )


def _empty_rows_listed() -> bool:
    """Whether a release lists a group no one is in, as a reader sees in any term that has
    one: 12 people, all "me", in a term of its own."""
    from sefvoice.definitions import load_charter
    from sefvoice.release.keys import Grouping
    from sefvoice.release.protected_figures import ProtectedFigures
    from sefvoice.release.shown import Rules
    from sefvoice.release.summary import group_tables

    from .conftest import EASYREAD
    from .test_release import _all_types, _counts

    definition, names = _all_types(), load_charter(EASYREAD).filled_by
    grouping = Grouping("filled_by", "by-filled-by", "By who filled it in", "Who", names)
    counts = _counts([definition], [("all-types", "me", {})] * 12)
    release = ProtectedFigures([definition], [grouping], counts, Rules(5, 10))
    (table, _) = group_tables(release, "Term")
    return len(table.rows) == len(names)


def test_a_reader_who_knows_how_rows_are_listed_narrows_nothing_in_spring(app):
    """Spring: 26 of 30 online; paper, phone and with help 4 in all, each "hidden". Were an
    empty row left out of its table, each listed "hidden" would be at least 1, so those
    three 1 or 2 each. The reader here knows how rows are listed (from any term
    with an empty group), and narrows nothing."""
    from sefvoice.release import service as release_service
    from sefvoice.release.attack import Known, attack
    from sefvoice.release.figure_statuses import SHOWN

    published = terms.spring(app)
    with app.app_context():
        release = release_service.protected_figures_for(terms.term_named(app, published.term))
    listing: list[Known] = []
    if not _empty_rows_listed():
        listing = [
            Known(release.figures[key], 1, float("inf"))
            for key, status in release.protection.counts.items()
            if key[0] == "respondents" and len(key) == 3 and status != SHOWN
        ]
    hidden = [release.figures[k] for k, s in release.protection.counts.items() if s != SHOWN]
    assert any(f.key == ("respondents", "channel", "paper") for f in hidden)
    found = attack(release.cells, release.published_facts() + listing, hidden, 5)
    narrowed = [f for f in found if not f.safe]
    assert not narrowed, "; ".join(f"{' / '.join(f.key)} is {f.low} to {f.high}" for f in narrowed)
