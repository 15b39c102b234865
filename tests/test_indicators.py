"""Indicator import: spellings, every error (all rows listed, nothing written), re-import,
history, XLSX, the Explore Education Statistics layout, the upload page and RAG status."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, update

from sefvoice import uploads
from sefvoice.extensions import db
from sefvoice.indicators import service
from sefvoice.indicators.importer import (
    EesMeasure,
    ImportProblems,
    from_ees,
    parse_number,
    read_ees_measures,
    read_rows,
    read_table,
)
from sefvoice.models import (
    AuditEvent,
    Import,
    Indicator,
    IndicatorValue,
    IndicatorValueHistory,
    PendingUpload,
    PendingUploadFile,
    User,
    utcnow,
)

from .conftest import FIXTURES, post_form, sign_in

EES_FILE = FIXTURES / "indicators" / "ees-ehcp.csv"
EES_MEASURES_FILE = FIXTURES / "indicators" / "ees-measures.csv"

HEADER = "code,name,domain,period,value,unit,england,target,higher_is_better,outcome,period_label"


def csv(*rows: str, header: str = HEADER) -> bytes:
    return "\n".join([header, *rows]).encode()


GOOD = csv(
    "ehcp-20,Plans in 20 weeks,education,2023-04,100%,percent,50.7,90,yes,3,Apr 2023",
    "ehcp-20,Plans in 20 weeks,education,2023-05-19,95,percent,50.7%,90,yes,3,",
    "waits,Therapy wait,health,2023-07,52,weeks,x,30,false,3,Jul 2023",
    'plans,EHC plans,education,2023-01," 1,212 ",count,,,,1,Jan 2023',
)


def import_bytes(data: bytes, name: str = "measures.csv", actor: str = "test"):
    plan = service.plan_import(read_rows(data, name))
    return plan, service.apply_import(plan, name, actor)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("23.4", (23.4, None)),
        ("23.4%", (23.4, None)),
        (" 1,234 ", (1234.0, None)),
        ("c", (None, "c")),
        ("X", (None, "x")),
        ("z", (None, "z")),
        (" u ", (None, "u")),
        ("", (None, None)),
        ("0", (0.0, None)),
    ],
)
def test_number_spellings(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["lots", "nan", "inf", "-", "1.2.3", "12 weeks"])
def test_what_is_not_a_number(text):
    with pytest.raises(ValueError, match="not a number"):
        parse_number(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true", True),
        ("TRUE", True),
        ("yes", True),
        ("Yes", True),
        ("false", False),
        ("no", False),
        ("NO", False),
        ("", None),
    ],
)
def test_direction_spellings(text, expected):
    (row,) = read_rows(csv(f"a,A,education,2023-01,1,count,,,{text},,"), "m.csv")
    assert row.higher_is_better is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-01", date(2023, 1, 1)),
        ("2023-01-19", date(2023, 1, 19)),
        (" 2023-12 ", date(2023, 12, 1)),
    ],
)
def test_period_spellings(text, expected):
    (row,) = read_rows(csv(f"a,A,education,{text},1,count,,,,,"), "m.csv")
    assert row.period == expected


def test_a_good_file_imports_with_every_spelling(ctx):
    plan, record = import_bytes(GOOD)
    assert (len(plan.new), len(plan.changed), plan.unchanged) == (4, 0, 0)
    assert record.rows == 4 and record.file_name == "measures.csv"
    values = {(v.indicator.code, v.period): v for v in db.session.scalars(select(IndicatorValue))}
    may = values["ehcp-20", date(2023, 5, 19)]
    assert (may.value, may.england, may.target) == (95.0, 50.7, 90.0)
    waits = values["waits", date(2023, 7, 1)]
    assert (waits.england, waits.england_marker) == (None, "x")  # kept as a marker, not 0
    assert values["plans", date(2023, 1, 1)].value == 1212.0
    indicators = {i.code: i for i in db.session.scalars(select(Indicator))}
    assert indicators["ehcp-20"].higher_is_better is True
    assert indicators["waits"].higher_is_better is False
    assert indicators["plans"].higher_is_better is None
    assert indicators["plans"].outcome == 1


def test_every_problem_is_listed_and_nothing_is_written(ctx):
    bad = csv(
        "a,A,schools,2023-01,1,count,,,,,",  # row 2: unknown domain
        "b,B,education,2023-01,1,people,,,,,",  # row 3: unknown unit
        "c,C,education,2023-01,lots,count,,,,,",  # row 4: not a number
        ",D,education,2023-01,1,count,,,,,",  # row 5: missing code
        "e,E,education,2023-01,1,count,,,,,",
        "e,E,education,2023-01-01,2,count,,,,,",  # row 7: same code and period as row 6
        "f,F,education,Jan 2023,1,count,,,,,",  # row 8: period
        "g,G,education,2023-01,1,count,,,maybe,7,",  # row 9: direction and outcome
        "h,,education,2023-13,1,count,,c,,,",  # row 10: no name, no 13th month, marker target
        "e,E2,education,2023-02,1,rate,,,,,",  # row 11: code e had another name and unit
    )
    with pytest.raises(ImportProblems) as raised:
        import_bytes(bad)
    problems = raised.value.problems
    assert problems == [
        "row 2, column domain: must be one of education, health, care, feedback, found 'schools'",
        "row 3, column unit: must be one of count, percent, rate, weeks, days, score,"
        " found 'people'",
        "row 4, column value: not a number or a marker (c, x, z, u, low or :), found 'lots'",
        "row 5, column code: missing, found ''",
        "row 7, column period: repeats code e and period of row 6, found '2023-01-01'",
        "row 8, column period: not a date like 2023-01-19 or a month like 2023-01,"
        " found 'Jan 2023'",
        "row 9, column higher_is_better: must be true, false, yes, no or blank, found 'maybe'",
        "row 9, column outcome: must be a SEF outcome area from 1 to 5, or blank, found '7'",
        "row 10, column name: missing, found ''",
        "row 10, column period: not a date like 2023-01-19 or a month like 2023-01,"
        " found '2023-13'",
        "row 10, column target: must be a number or blank, found 'c'",
        "row 11, column name: differs from an earlier row for code e, found 'E2'",
        "row 11, column unit: differs from an earlier row for code e, found 'rate'",
    ]
    assert count(Indicator) == count(IndicatorValue) == count(Import) == 0


def test_missing_required_columns(ctx):
    with pytest.raises(ImportProblems, match="row 1: the header has no column unit"):
        import_bytes(b"code,name,domain,period,value\na,A,education,2023-01,1")


@pytest.mark.parametrize(
    ("header", "meant"),
    [
        ("Englnd", "england"),
        ("period_lable", "period_label"),
        ("higher_is_beter", "higher_is_better"),
    ],
)
def test_a_misspelt_optional_column_is_refused_not_ignored(ctx, header, meant):
    data = f"code,name,domain,period,value,unit,{header}\na,A,education,2023-01,1,count,5"
    with pytest.raises(ImportProblems) as error:
        import_bytes(data.encode())
    assert error.value.problems == [
        f"row 1, column {header.lower()}: not a column sefvoice reads; rename it to {meant}"
        " if that is what it holds, or remove it"
    ]
    assert count(IndicatorValue) == 0


def test_columns_nothing_like_ours_are_left_unread(ctx):
    data = b"code,name,domain,period,value,unit,notes\na,A,education,2023-01,1,count,hi"
    plan, _record = import_bytes(data)
    assert [row.code for row in plan.rows] == ["a"]


def test_a_repeated_column_is_refused():
    with pytest.raises(ImportProblems, match="row 1: the header repeats column value"):
        read_rows(b"code,name,domain,period,value,unit,Value\na,A,education,2023-01,1,count,2", "m")


def test_blank_rows_are_skipped_and_row_numbers_stay_the_spreadsheets():
    data = csv(
        "a,A,education,2023-01,1,count,,,,,",
        "",
        ",,,,,,,,,,",  # what Excel writes for an empty row
        "b,B,education,2023-01,lots,count,,,,,",
    )
    with pytest.raises(ImportProblems) as raised:
        read_rows(data, "m.csv")
    assert raised.value.problems == [
        "row 5, column value: not a number or a marker (c, x, z, u, low or :), found 'lots'"
    ]


def test_a_code_stored_with_another_name_or_unit_is_refused(ctx):
    import_bytes(GOOD)
    clash = csv(
        "ehcp-20,Plans in 20 weeks,education,2023-07,90,percent,,,,,",  # fine on its own
        "waits,Therapy wait,health,2023-08,40,days,,,,,",
        "plans,Education health and care plans,education,2023-08,1300,count,,,,,",
    )
    with pytest.raises(ImportProblems) as raised:
        import_bytes(clash)
    assert raised.value.problems == [
        "row 3, column unit: code waits is stored as 'weeks', found 'days'",
        "row 4, column name: code plans is stored as 'EHC plans',"
        " found 'Education health and care plans'",
    ]
    assert count(IndicatorValue) == 4 and count(Import) == 1


def test_reimporting_the_same_file_changes_nothing(ctx):
    import_bytes(GOOD)
    plan, record = import_bytes(GOOD)
    assert record is None and plan.unchanged == 4 and not plan.new and not plan.changed
    assert count(Import) == 1 and count(IndicatorValueHistory) == 0


def test_a_newer_file_updates_values_and_keeps_history(ctx):
    _, first = import_bytes(GOOD, "spring.csv", actor="officer@example.org")
    newer = csv(
        "ehcp-20,Plans in 20 weeks,education,2023-04,98%,percent,50.7,90,yes,3,Apr 2023",
        "ehcp-20,Plans in 20 weeks,education,2023-06,97%,percent,50.7,90,yes,3,Jun 2023",
    )
    plan, second = import_bytes(newer, "summer.csv", actor="officer2@example.org")
    assert (len(plan.new), len(plan.changed), plan.unchanged) == (1, 1, 0)
    history = db.session.scalar(select(IndicatorValueHistory))
    assert (history.old_value, history.old_import_id, history.replaced_by_import_id) == (
        100.0,
        first.id,
        second.id,
    )
    replaced_by = db.session.get(Import, history.replaced_by_import_id)
    assert (replaced_by.actor, replaced_by.file_name) == ("officer2@example.org", "summer.csv")
    april = db.session.scalar(select(IndicatorValue).filter_by(period=date(2023, 4, 1)))
    assert april.value == 98.0 and april.import_id == second.id


def test_xlsx_and_a_named_sheet(ctx):
    frame = read_table(GOOD, "measures.csv")
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        pd.DataFrame({"note": ["ignore me"]}).to_excel(writer, sheet_name="Notes", index=False)
        frame.to_excel(writer, sheet_name="Measures", index=False)
    rows = read_rows(buffer.getvalue(), "measures.xlsx", sheet="Measures")
    assert [(r.code, r.value) for r in rows] == [
        ("ehcp-20", 100.0),
        ("ehcp-20", 95.0),
        ("waits", 52.0),
        ("plans", 1212.0),
    ]
    with pytest.raises(ImportProblems, match="has no sheet 'No such sheet' .*Notes, Measures"):
        read_rows(buffer.getvalue(), "measures.xlsx", sheet="No such sheet")


def test_xlsx_cells_are_read_as_the_officer_sees_them():
    """Excel stores a typed 2023-01 as a date, 23.4% as 0.234 and 3 as 3.0; the rows must
    not depend on that."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(
        [
            "Code",
            "name",
            "domain",
            "period",
            "value",
            "unit",
            "england",
            "outcome",
            "higher_is_better",
        ]
    )
    sheet.append(["a", "A", "education", datetime(2023, 1, 1), 0.234, "percent", 0.5, 3, True])
    sheet["E2"].number_format, sheet["G2"].number_format = "0.0%", "0%"
    sheet.append([])  # an empty row, skipped
    sheet.append(["b", "B", "health", date(2023, 5, 19), 1212, "count", "x", 2.0, False])
    sheet.append(["c", "C", "health", "2023-02", "12 weeks", "weeks", None, None, "no"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(ImportProblems) as raised:
        read_rows(buffer.getvalue(), "measures.xlsx")
    assert raised.value.problems == [
        "row 5, column value: not a number or a marker (c, x, z, u, low or :), found '12 weeks'"
    ]
    sheet.delete_rows(5)
    buffer = io.BytesIO()
    book.save(buffer)
    got = [
        (r.line, r.period, r.value, r.england, r.england_marker, r.outcome, r.higher_is_better)
        for r in read_rows(buffer.getvalue(), "measures.xlsx")
    ]
    assert got == [
        (2, date(2023, 1, 1), 23.4, 50.0, None, 3, True),
        (4, date(2023, 5, 19), 1212.0, None, "x", 2, False),
    ]


def test_a_file_that_is_not_a_spreadsheet():
    with pytest.raises(ImportProblems, match="cannot be read as CSV or Excel"):
        read_rows(b"not a zip", "measures.xlsx")


EES = (
    b"time_period,time_identifier,geographic_level,country_code,country_name,new_la_code,"
    b"la_name,ehcp_count,ehcp_within_20_weeks\n"
    b"202223,Academic year,National,E92000001,England,,,517049,50.7\n"
    b"202223,Academic year,Local authority,E92000001,England,E06000019,Herefordshire,1212,95\n"
    b"202223,Academic year,Local authority,E92000001,England,E06000020,Telford,1500,c\n"
    b"202122,Academic year,National,E92000001,England,,,473255,59.9\n"
    b"202122,Academic year,Local authority,E92000001,England,E06000019,Herefordshire,1100,70.5\n"
)
EES_MEASURES = [
    EesMeasure("ehcp_count", "ehcp-total", "EHC plans", "count", outcome=1),
    EesMeasure(
        "ehcp_within_20_weeks",
        "ehcp-20",
        "Plans in 20 weeks",
        "percent",
        outcome=3,
        higher_is_better=True,
    ),
]


def test_explore_education_statistics_layout(ctx):
    rows = from_ees(read_table(EES, "ees.csv"), "E06000019", EES_MEASURES)
    got = {(r.code, r.period_label): (r.value, r.england, r.period) for r in rows}
    assert got == {
        ("ehcp-total", "2022/23"): (1212.0, 517049.0, date(2022, 9, 1)),
        ("ehcp-20", "2022/23"): (95.0, 50.7, date(2022, 9, 1)),
        ("ehcp-total", "2021/22"): (1100.0, 473255.0, date(2021, 9, 1)),
        ("ehcp-20", "2021/22"): (70.5, 59.9, date(2021, 9, 1)),
    }
    plan = service.plan_import(rows)
    service.apply_import(plan, "ees.csv", "test")
    assert count(IndicatorValue) == 4
    with pytest.raises(ImportProblems, match="no rows for local authority 'E99999999'"):
        from_ees(read_table(EES, "ees.csv"), "E99999999", EES_MEASURES)
    with pytest.raises(ImportProblems) as raised:
        read_rows(EES, "ees.csv")
    assert raised.value.problems == [
        "ees.csv is an Explore Education Statistics file: give the local authority's"
        " new_la_code (for example E06000019, E06000020) and a measures file naming the"
        " columns to import (this file's columns after la_name: ehcp_count,"
        " ehcp_within_20_weeks)"
    ]


def test_the_ees_measures_file():
    measures = read_ees_measures(EES_MEASURES_FILE.read_bytes(), "ees-measures.csv")
    assert measures == [
        EesMeasure(
            "ehcp_count", "ehcp-total", "EHC plans the area is responsible for", "count", outcome=1
        ),
        EesMeasure(
            "ehcp_within_20_weeks",
            "ehcp-20-weeks",
            "New EHC plans issued within 20 weeks",
            "percent",
            outcome=3,
            higher_is_better=True,
        ),
    ]
    bad = b"column,code,name,unit,outcome,higher_is_better\n,a,A,people,9,maybe\nx,b,B,count,,\n"
    with pytest.raises(ImportProblems) as raised:
        read_ees_measures(bad, "m.csv")
    assert raised.value.problems == [
        "m.csv: row 2, column column: missing, found ''",
        "m.csv: row 2, column unit: must be one of count, percent, rate, weeks, days, score,"
        " found 'people'",
        "m.csv: row 2, column higher_is_better: must be true, false, yes, no or blank,"
        " found 'maybe'",
        "m.csv: row 2, column outcome: must be a SEF outcome area from 1 to 5, or blank, found '9'",
    ]


def test_an_ees_download_with_regions_and_a_lower_case_code(ctx):
    plan = service.plan_file(
        EES_FILE.read_bytes(),
        "ees-ehcp.csv",
        la_code="e06000019",
        measures_file=(EES_MEASURES_FILE.read_bytes(), "ees-measures.csv"),
    )
    got = {(r.code, r.period_label): (r.value, r.england, r.line) for r in plan.new}
    assert got == {
        ("ehcp-total", "2023"): (1212.0, 517049.0, 4),
        ("ehcp-20-weeks", "2023"): (95.0, 50.7, 4),
        ("ehcp-total", "2022"): (1100.0, 473255.0, 7),
        ("ehcp-20-weeks", "2022"): (70.5, 59.9, 7),
    }


def test_ees_problems_name_the_files_own_column(ctx):
    bad = EES.replace(b"1212,95", b"1212,lots")
    with pytest.raises(ImportProblems) as raised:
        from_ees(read_table(bad, "ees.csv"), "E06000019", EES_MEASURES)
    assert raised.value.problems == [
        "row 3, column ehcp_within_20_weeks: not a number or a marker (c, x, z, u, low or :),"
        " found 'lots'"
    ]


def test_measures_for_outcome_and_status(ctx):
    import_bytes(GOOD)
    (twenty,) = service.measures_for_outcome(3)[:1]
    assert twenty.code == "ehcp-20"
    assert (twenty.latest.value, twenty.previous.value, twenty.target) == (95.0, 100.0, 90.0)
    assert service.rag_status(twenty) == "green" and service.direction(twenty) == "getting worse"
    waits = next(m for m in service.measures_for_outcome(3) if m.code == "waits")
    assert service.rag_status(waits) == "red"  # 52 weeks against a target of under 30
    assert service.format_value(1212.0, None, "count") == "1,212"
    assert service.format_value(23.9, None, "percent") == "23.9%"
    assert service.format_value(None, "c", "percent") == "confidential"
    assert service.format_value(97.99, None, "percent") == "97.99%"  # as published
    assert service.format_value(52.0, None, "weeks") == "52 weeks"


def _measure(latest, previous, higher, target):
    """A percent measure with these figures; a None figure is a marker ("c")."""
    from sefvoice.indicators.service import MeasureSummary, Point

    def point(value):
        return Point(date(2023, 1, 1), "", value, None if value is not None else "c")

    earlier = point(previous) if previous is not None else None
    now = point(latest)
    series = (earlier, now) if earlier else (now,)
    return MeasureSummary(
        "m", "M", "percent", "education", higher, target, now, earlier, None, None, series
    )


@pytest.mark.parametrize(
    ("latest", "previous", "higher", "status"),
    [
        (90, 80, True, "green"),
        (86, 88, True, "amber"),
        (80, 70, True, "red"),  # improving, but 8 points short of 88: not within 5%
        (70, 80, True, "red"),
        (25, 35, False, "green"),
        (40, 30, False, "red"),
        (80, 70, None, "none"),
    ],
)
def test_rag_rule(latest, previous, higher, status):
    measure = _measure(latest, previous, higher, 88 if higher else 30)
    assert service.rag_status(measure) == status


@pytest.mark.parametrize(
    ("latest", "previous", "higher", "target", "words"),
    [
        (50, 40, True, 90, "Lower than the target of 90% (worse), rising (better)"),
        (40, 52, False, 30, "Higher than the target of 30% (worse), falling (better)"),
        (50, 60, True, 90, "Lower than the target of 90% (worse), falling (worse)"),
        (86, 88, True, 88, "Lower than the target of 88% (worse, within 5%), falling (worse)"),
        (31, 31, False, 30, "Higher than the target of 30% (worse, within 5%), no change"),
        (95, 100, True, 90, "Higher than the target of 90% (better), falling (worse)"),
        (78, 70, True, 60, "Higher than the target of 60% (better), rising (better)"),
        (95, None, True, 90, "Higher than the target of 90% (better)"),
        (90, 90, True, 90, "Meets the target of 90%, no change"),
        (50, 40, None, 90, "Target 90%, direction not set, rising"),
        (50, 60, None, 90, "Target 90%, direction not set, falling"),
        (50, 50, None, None, "No target, direction not set, no change"),
        (50, 40, True, None, "No target, rising (better)"),
        (None, 40, True, 90, "No latest number"),
    ],
)
def test_status_words(latest, previous, higher, target, words):
    assert service.status_words(_measure(latest, previous, higher, target)) == words


@pytest.mark.parametrize(
    ("unit", "latest", "previous", "higher", "target", "words"),
    [
        (
            "weeks",
            40,
            45,
            False,
            30,
            "Longer than the target of 30 weeks (worse), getting shorter (better)",
        ),
        (
            "weeks",
            25,
            20,
            False,
            30,
            "Shorter than the target of 30 weeks (better), getting longer (worse)",
        ),
        ("days", 1, 2, False, 1, "Meets the target of 1 day, getting shorter (better)"),
        ("count", 231, 240, True, 250, "Fewer than the target of 250 (worse), falling (worse)"),
        ("count", 1, 2, None, None, "No target, direction not set, falling"),
    ],
)
def test_status_words_in_the_measures_own_terms(unit, latest, previous, higher, target, words):
    measure = replace(_measure(latest, previous, higher, target), unit=unit)
    assert service.status_words(measure) == words


@pytest.mark.parametrize(
    ("unit", "england", "shown"),
    [
        ("percent", 73.5, "73.5%"),
        ("weeks", 12, "12 weeks"),
        ("rate", 4.2, "4.2"),
        ("count", 73281, "not compared: a count for all of England"),
        ("percent", None, "none"),
    ],
)
def test_england_is_shown_only_beside_a_measure_of_the_same_kind(unit, england, shown):
    measure = replace(_measure(50, 40, True, 90), unit=unit, england=england)
    assert service.england_words(measure) == shown


def test_the_same_status_words_on_the_measures_page_the_tab_and_the_bulletin(app, client):
    from sefvoice.release.tables import measures_table

    with app.app_context():
        import_bytes(
            csv(
                "ehcp-20,Plans in 20 weeks,education,2023-04,40,percent,,90,yes,3,Apr 2023",
                "ehcp-20,Plans in 20 weeks,education,2023-05,50,percent,,90,yes,3,May 2023",
                "waits,Therapy wait,health,2023-07,52,weeks,,30,,3,Jul 2023",
            )
        )
        table = measures_table(3, "Measures")  # the feedback tab's, and the bulletin's
        statuses = {row[0]: row[5] for row in table.text_rows()}
    assert statuses == {
        "Plans in 20 weeks": "Lower than the target of 90% (worse), rising (better)",
        "Therapy wait": "Target 30 weeks, direction not set",
    }
    sign_in(client, "pcv_rep")
    page = client.get("/indicators/").get_data(as_text=True)
    assert (
        '<span class="status status--red">Lower than the target of 90% (worse), rising (better)'
        in page
    )
    assert '<span class="status status--none">Target 30 weeks, direction not set</span>' in page
    assert "Nearly there" not in page and "No target" not in page


def test_import_command(app, database_url, monkeypatch, tmp_path):
    from sefvoice.cli import main

    monkeypatch.setenv("SEFVOICE_DATABASE_URL", database_url)
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_bytes(GOOD)
    bad.write_bytes(csv("a,A,schools,2023-01,1,count,,,,,", "b,B,education,2023-01,x1,count,,,,,"))
    runner = CliRunner()
    dry = runner.invoke(main, ["indicators", "import", str(good), "--dry-run"])
    assert dry.exit_code == 0 and "4 new, 0 changed, 0 unchanged" in dry.output
    failed = runner.invoke(main, ["indicators", "import", str(bad)])
    assert failed.exit_code == 1
    assert "row 2, column domain" in failed.output and "row 3, column value" in failed.output
    with app.app_context():
        assert count(IndicatorValue) == 0
    done = runner.invoke(main, ["indicators", "import", str(good)])
    assert done.exit_code == 0, done.output
    with app.app_context():
        assert count(IndicatorValue) == 4
        event = db.session.scalar(select(AuditEvent))
        assert (event.action, event.detail) == (
            "import indicators",
            "good.csv: 4 new, 0 changed, 0 unchanged (3 new measures)",
        )
        assert db.session.scalar(select(Import.actor)).startswith("command line (")
    ees = [
        "indicators",
        "import",
        str(EES_FILE),
        "--la-code",
        "E06000019",
        "--measures",
        str(EES_MEASURES_FILE),
    ]
    assert "4 new, 0 changed" in runner.invoke(main, [*ees, "--dry-run"]).output
    assert runner.invoke(main, ees).exit_code == 0
    with app.app_context():
        assert count(IndicatorValue) == 8


def upload(client, data: bytes, name: str = "measures.csv", **fields):
    return post_form(
        client, "/indicators/upload", {"file": (io.BytesIO(data), name), "sheet": "", **fields}
    )


def test_upload_preview_then_confirm(app, client):
    sign_in(client, "officer")
    preview = upload(client, GOOD)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "<strong>4</strong> new figures" in page
    with app.app_context():
        assert count(IndicatorValue) == 0  # nothing written before confirming
    confirmed = post_form(client, "/indicators/upload/confirm", {}, token_from="/indicators/")
    assert confirmed.status_code == 302
    listing = client.get("/indicators/").get_data(as_text=True)
    assert "Plans in 20 weeks" in listing and "95%" in listing and "1,212" in listing
    again = upload(client, GOOD).get_data(as_text=True)
    assert "This file changes nothing" in again


def test_upload_of_an_ees_file(app, client):
    sign_in(client, "officer")
    asked = upload(client, EES_FILE.read_bytes(), "ees-ehcp.csv").get_data(as_text=True)
    assert "give the local authority&#39;s new_la_code" in asked
    preview = upload(
        client,
        EES_FILE.read_bytes(),
        "ees-ehcp.csv",
        la_code="E06000019",
        measures=(io.BytesIO(EES_MEASURES_FILE.read_bytes()), "ees-measures.csv"),
    )
    assert "<strong>4</strong> new figures" in preview.get_data(as_text=True)
    confirmed = post_form(client, "/indicators/upload/confirm", {}, token_from="/indicators/")
    assert confirmed.status_code == 302
    with app.app_context():
        twenty = db.session.scalar(select(Indicator).filter_by(code="ehcp-20-weeks"))
        assert (twenty.outcome, twenty.higher_is_better) == (3, True)
        assert count(IndicatorValue) == 4
        assert db.session.scalar(
            select(AuditEvent.detail).filter_by(action="import indicators")
        ) == ("ees-ehcp.csv: 4 new, 0 changed, 0 unchanged (2 new measures)")


def waiting_uploads(app) -> dict[str, datetime]:
    with app.app_context():
        return dict(db.session.execute(select(PendingUpload.token, PendingUpload.expires_at)).all())


def test_an_upload_waits_in_the_database_until_confirmed(app, client):
    sign_in(client, "officer")
    upload(client, GOOD)
    [(token, expires_at)] = waiting_uploads(app).items()
    assert timedelta(hours=23) < expires_at - utcnow() <= uploads.KEPT_FOR
    assert not (Path(app.instance_path) / "uploads").exists()  # nothing on this server's disk
    post_form(client, "/indicators/upload/confirm", {}, token_from="/indicators/")
    assert waiting_uploads(app) == {}
    with app.app_context():
        assert count(PendingUploadFile) == 0


def test_an_upload_never_confirmed_is_deleted_after_a_day(app, client):
    email = "officer@example.org"
    sign_in(client, "officer", email)
    with app.app_context():
        officer = db.session.scalar(select(User).filter_by(email=email))
        old = uploads.keep("indicators", officer.id, {}, {"file": b"a day old"})
        db.session.execute(
            update(PendingUpload)
            .where(PendingUpload.token == old)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
        recent = uploads.keep("indicators", officer.id, {}, {"file": b"recent"})
    upload(client, GOOD)
    waiting = waiting_uploads(app)
    assert old not in waiting and recent in waiting and len(waiting) == 2
    with app.app_context():
        assert count(PendingUploadFile) == 2  # the old one's file went with it


def test_a_confirm_after_the_upload_expired_asks_for_it_again(app, client):
    sign_in(client, "officer")
    upload(client, GOOD)
    with app.app_context():
        db.session.execute(update(PendingUpload).values(expires_at=utcnow()))
        db.session.commit()
    confirmed = post_form(client, "/indicators/upload/confirm", {}, token_from="/indicators/")
    assert confirmed.status_code == 302 and confirmed.location.endswith("/indicators/upload")
    page = client.get("/indicators/upload").get_data(as_text=True)
    assert "That upload is no longer waiting. Please upload the file again." in page
    with app.app_context():
        assert count(IndicatorValue) == 0


def test_upload_with_problems_lists_them_all(app, client):
    sign_in(client, "officer")
    reply = upload(
        client, csv("a,A,schools,2023-01,1,count,,,,,", "b,B,education,2023-01,x1,count,,,,,")
    )
    page = reply.get_data(as_text=True)
    assert reply.status_code == 400
    assert "Nothing was imported: the file has 2 problems" in page
    assert "row 2, column domain" in page and "row 3, column value" in page
    assert upload(client, b"not,a\nspreadsheet", "notes.txt").status_code == 400


def test_officer_sets_a_measures_outcome(app, client):
    with app.app_context():
        import_bytes(GOOD)
    sign_in(client, "officer")
    reply = post_form(
        client, "/indicators/waits/outcome", {"outcome": "4"}, token_from="/indicators/"
    )
    assert reply.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Indicator.outcome).filter_by(code="waits")) == 4


@pytest.mark.parametrize(("role", "status"), [("pcv_rep", 403), ("officer", 200), ("admin", 200)])
def test_upload_needs_an_officer(client, role, status):
    sign_in(client, role)
    assert client.get("/indicators/upload").status_code == status
    assert client.get("/indicators/").status_code == 200


def test_every_demo_measure_is_under_an_outcome(ctx):
    from sefvoice.demo import load_demo_indicators

    load_demo_indicators()
    assert db.session.scalar(select(func.count()).where(Indicator.outcome.is_(None))) == 0
    twenty = next(m for m in service.measures_for_outcome(3) if m.code == "ehcp-20-weeks")
    assert [p.value for p in twenty.series] == [70.5, 100.0, 95.0]  # the bulletin's figures
    assert twenty.england == 50.7


def test_rows_longer_than_the_header_are_refused(ctx):
    with pytest.raises(ImportProblems) as raised:
        read_rows(
            b"code,name,domain,period,value,unit\na,A,education,2023-01,1,count,extra\n", "long.csv"
        )
    assert raised.value.problems == ["row 2: has 7 cells but the header has 6 columns"]


def test_a_csv_cell_over_the_field_limit_gets_a_clear_message():
    data = csv(f'big,"{"x" * 200_000}",education,2023-01,5,count,,,,3,')
    with pytest.raises(ImportProblems) as refused:
        read_rows(data, "big.csv")
    assert refused.value.problems == [
        "big.csv: row 2: a cell holds more than 131,072 characters; sefvoice reads at most"
        " that in one cell"
    ]


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x0b"])
def test_control_characters_in_a_cell_are_refused(ctx, character):
    data = csv(f"evil,Plans{character}in 20 weeks,education,2023-01,5,count,,,,3,")
    with pytest.raises(ImportProblems) as refused:
        read_rows(data, "control.csv")
    assert refused.value.problems == [
        "row 2, column name: holds a control character that a spreadsheet cannot hold"
        f" (such as a NUL or an escape), found {f'Plans{character}in 20 weeks'!r}"
    ]
    assert count(Indicator) == 0


def test_a_stored_name_with_a_control_character_still_downloads(app, client):
    """A measure stored before control characters were refused: the XLSX leaves them out."""
    with app.app_context():
        plan = service.plan_import(read_rows(csv(GOOD.decode().splitlines()[1]), "m.csv"))
        service.apply_import(plan, "m.csv", "test")
        # (PostgreSQL cannot store a NUL at all.)
        db.session.execute(update(Indicator).values(name="Plans\x0bin\x1b20 weeks"))
        db.session.commit()
    sign_in(client, "officer")
    xlsx = client.get("/feedback/download/measures-3.xlsx?term=Summer+2023")
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    assert [c.value for c in sheet[2]][0] == "Plansin20 weeks"
