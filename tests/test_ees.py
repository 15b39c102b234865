"""Explore Education Statistics files as the DfE publishes them: filter columns, periods
with a start and an end, and the markers EES uses (fixtures laid out like the "Education,
health and care plans" and "Special educational needs in England" releases)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from sefvoice.extensions import db
from sefvoice.indicators import service
from sefvoice.indicators.importer import ImportProblems, read_table
from sefvoice.indicators.importer import ees_shape as ees
from sefvoice.models import Indicator, IndicatorValue

from .conftest import FIXTURES, post_form, sign_in

HERE = FIXTURES / "ees"
EHCP = (HERE / "ehcp-timeliness.csv").read_bytes()
EHCP_MEASURES = ((HERE / "ehcp-timeliness-measures.csv").read_bytes(), "ehcp-measures.csv")
SEN = (HERE / "sen-in-england.csv").read_bytes()
SEN_MEASURES = ((HERE / "sen-in-england-measures.csv").read_bytes(), "sen-measures.csv")
HEREFORDSHIRE = "E06000019"


@pytest.mark.parametrize(
    ("time_period", "identifier", "start", "end", "label"),
    [
        ("2023", "Calendar year", date(2023, 1, 1), date(2023, 12, 31), "2023"),
        ("202223", "Academic year", date(2022, 9, 1), date(2023, 8, 31), "2022/23"),
        ("202223", "Financial year", date(2022, 4, 1), date(2023, 3, 31), "2022/23"),
        ("201920", "Academic year", date(2019, 9, 1), date(2020, 8, 31), "2019/20"),
        ("199900", "Financial year", date(1999, 4, 1), date(2000, 3, 31), "1999/00"),
        ("2023", "Calendar year Q2", date(2023, 4, 1), date(2023, 6, 30), "2023 Q2"),
        ("202324", "Financial year Q4", date(2024, 1, 1), date(2024, 3, 31), "2023/24 Q4"),
        ("202223", "Academic year Q1", date(2022, 9, 1), date(2022, 11, 30), "2022/23 Q1"),
        ("2024", "February", date(2024, 2, 1), date(2024, 2, 29), "Feb 2024"),
        ("2023", " december ", date(2023, 12, 1), date(2023, 12, 31), "Dec 2023"),
    ],
)
def test_a_period_has_a_start_and_an_end(time_period, identifier, start, end, label):
    assert ees.period_of(time_period, identifier) == ees.Period(start, end, label)


@pytest.mark.parametrize(
    ("time_period", "identifier", "message"),
    [
        ("202224", "Academic year", "written like 202223"),
        ("2023", "Academic year", "written like 202223"),
        ("202223", "Calendar year", "a year like 2023"),
        ("2023", "Week 3", "time_identifier must be"),
        ("2023", "Calendar year Q5", "time_identifier must be"),
    ],
)
def test_a_period_ees_does_not_publish_is_refused(time_period, identifier, message):
    with pytest.raises(ValueError, match=message):
        ees.period_of(time_period, identifier)


def test_filter_columns_by_name_and_by_several_values_per_place_and_period():
    ehcp = read_table(EHCP, "ehcp.csv")
    assert ees.filter_columns(ehcp, ["ehcp_new"]) == ["exception_type"]
    sen = read_table(SEN, "sen.csv")
    # phase_type_grouping has several values per place and period; the breakdown is named so.
    assert ees.filter_columns(sen, ["ehc_plan_percent"]) == [
        "phase_type_grouping",
        "sen_primary_need_breakdown",
    ]
    assert ees.filter_values(ehcp, "exception_type") == [
        "Total",
        "Excluding exceptions",
        "Exceptions only",
    ]


def values(code: str) -> dict[str, tuple]:
    rows = db.session.execute(
        select(
            IndicatorValue.period_label,
            IndicatorValue.value,
            IndicatorValue.value_marker,
            IndicatorValue.england,
            IndicatorValue.period,
            IndicatorValue.period_end,
        )
        .join(Indicator)
        .where(Indicator.code == code)
    )
    return {row[0]: tuple(row[1:]) for row in rows}


def test_the_total_is_imported_unless_another_value_is_chosen(ctx):
    plan = service.plan_file(EHCP, "ehcp.csv", la_code=HEREFORDSHIRE, measures_file=EHCP_MEASURES)
    assert [(f.column, f.chosen) for f in plan.filters] == [("exception_type", "Total")]
    service.apply_import(plan, "ehcp.csv", "test")
    assert values("ehcp-new-20-weeks") == {
        "2023": (94.8, None, 50.7, date(2023, 1, 1), date(2023, 12, 31)),
        "2022": (99.5, None, 49.7, date(2022, 1, 1), date(2022, 12, 31)),
    }
    chosen = service.plan_file(
        EHCP,
        "ehcp.csv",
        la_code=HEREFORDSHIRE,
        measures_file=EHCP_MEASURES,
        filters={"exception_type": "excluding EXCEPTIONS"},
    )
    assert {(r.code, r.period_label): r.value for r in chosen.rows} == {
        ("ehcp-new", "2023"): 226,
        ("ehcp-new-20-weeks", "2023"): 96.5,
        ("ehcp-new", "2022"): 196,
        ("ehcp-new-20-weeks", "2022"): 100,
    }
    assert {r.england for r in chosen.rows if r.code == "ehcp-new-20-weeks"} == {53.9, 53.0}


def test_markers_are_kept_as_what_they_mean(ctx):
    plan = service.plan_file(
        EHCP,
        "ehcp.csv",
        la_code=HEREFORDSHIRE,
        measures_file=EHCP_MEASURES,
        filters={"exception_type": "Exceptions only"},
    )
    service.apply_import(plan, "ehcp.csv", "test")
    stored = values("ehcp-new-20-weeks")
    assert (stored["2023"][:2], stored["2022"][:2]) == ((None, "c"), (None, "low"))
    sen = service.plan_file(
        SEN,
        "sen.csv",
        la_code=HEREFORDSHIRE,
        measures_file=SEN_MEASURES,
        filters={"phase_type_grouping": "Special school"},
    )
    markers = {(r.code, r.period_label): r.value_marker for r in sen.rows if r.value is None}
    assert markers == {
        ("pupils-sen-support-percent", "2022/23"): ":",
        ("pupils-sen-support-percent", "2021/22"): "z",
    }
    assert service.format_value(None, "low", "percent") == "more than 0 but rounds to 0"
    assert service.format_value(None, ":", "percent") == "not available"


def test_a_filter_without_a_total_or_an_unknown_value_says_what_to_choose(ctx):
    no_total = EHCP.replace(b",Total,", b",All plans,")
    with pytest.raises(ImportProblems) as raised:
        service.plan_file(no_total, "e.csv", la_code=HEREFORDSHIRE, measures_file=EHCP_MEASURES)
    assert raised.value.problems == [
        "column exception_type: a filter with several values for each place and period;"
        " choose one of All plans, Excluding exceptions, Exceptions only"
    ]
    with pytest.raises(ImportProblems, match=r"choose one of Total, .* \(found 'Some'\)"):
        service.plan_file(
            EHCP,
            "e.csv",
            la_code=HEREFORDSHIRE,
            measures_file=EHCP_MEASURES,
            filters={"exception_type": "Some"},
        )
    with pytest.raises(ImportProblems, match="phase: not a filter column of this file"):
        service.plan_file(
            EHCP,
            "e.csv",
            la_code=HEREFORDSHIRE,
            measures_file=EHCP_MEASURES,
            filters={"phase": "x"},
        )


def test_each_values_period_end_is_read_with_it(ctx):
    plan = service.plan_file(SEN, "sen.csv", la_code=HEREFORDSHIRE, measures_file=SEN_MEASURES)
    service.apply_import(plan, "sen.csv", "test")
    [measure] = [m for m in service.measures_for_outcome(1) if m.code == "pupils-ehc-plan-percent"]
    assert (measure.latest.period, measure.latest.last_day) == (date(2022, 9, 1), date(2023, 8, 31))
    assert (measure.latest.value, measure.england) == (4.4, 4.3)


def test_the_command_takes_a_filter(app, database_url, monkeypatch, tmp_path):
    from sefvoice.cli import main

    monkeypatch.setenv("SEFVOICE_DATABASE_URL", database_url)
    (tmp_path / "sen.csv").write_bytes(SEN)
    (tmp_path / "m.csv").write_bytes(SEN_MEASURES[0])
    command = ["indicators", "import", str(tmp_path / "sen.csv"), "--la-code", HEREFORDSHIRE]
    command += ["--measures", str(tmp_path / "m.csv")]
    primary = [*command, "--filter", "phase_type_grouping=State-funded primary"]
    done = CliRunner().invoke(main, primary)
    assert done.exit_code == 0, done.output
    assert "filter phase_type_grouping: State-funded primary" in done.output
    assert "4 new, 0 changed" in done.output
    with app.app_context():
        assert values("pupils-ehc-plan-percent")["2022/23"][:3] == (2.8, None, 2.7)
    bad = CliRunner().invoke(main, [*command, "--filter", "phase_type_grouping"])
    assert bad.exit_code == 2 and "give it as COLUMN=VALUE" in bad.output


def test_the_preview_shows_the_figures_and_takes_a_filter_choice(app, client):
    sign_in(client, "officer")
    preview = post_form(
        client,
        "/indicators/upload",
        {
            "file": (io.BytesIO(EHCP), "ehcp.csv"),
            "sheet": "",
            "la_code": HEREFORDSHIRE,
            "measures": (io.BytesIO(EHCP_MEASURES[0]), "m.csv"),
        },
    ).get_data(as_text=True)
    assert "<option selected>Total</option>" in preview
    assert "94.8%" in preview and "(1 Jan 2023 to 31 Dec 2023)" in preview
    chosen = post_form(
        client,
        "/indicators/upload/filters",
        {"filter-exception_type": "Excluding exceptions"},
        token_from="/indicators/",
    ).get_data(as_text=True)
    assert "<option selected>Excluding exceptions</option>" in chosen
    assert "96.5%" in chosen and "94.8%" not in chosen
    confirmed = post_form(client, "/indicators/upload/confirm", {}, token_from="/indicators/")
    assert confirmed.status_code == 302
    with app.app_context():
        assert values("ehcp-new-20-weeks")["2023"][0] == 96.5
