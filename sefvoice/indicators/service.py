"""Indicator imports and queries, as plain functions. Writes are in bulk, in one transaction."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Row as StoredValue
from sqlalchemy import insert, select, update

from ..extensions import db
from ..models import Import, Indicator, IndicatorValue, IndicatorValueHistory
from ..release.shown import half_up
from ..words import noun
from .importer import ImportProblems, Row, is_ees, read_ees_measures, read_table, rows_of
from .importer import ees_shape as ees

VALUE_FIELDS = (
    "period_end",
    "period_label",
    "value",
    "value_marker",
    "england",
    "england_marker",
    "target",
)


@dataclass
class Plan:
    """What an import would do: rows new, changed or unchanged, and any conflicts."""

    rows: list[Row]
    new: list[Row] = field(default_factory=list)
    changed: list[tuple[Row, StoredValue]] = field(default_factory=list)
    unchanged: int = 0
    new_measures: list[str] = field(default_factory=list)
    filters: list[ees.FilterChoice] = field(default_factory=list)  # an EES file's

    def first_figures(self, count: int = 6) -> dict[str, list[Row]]:
        """Each measure's first rows, for the officer to check the figures themselves."""
        found: dict[str, list[Row]] = {}
        for row in self.rows:
            shown = found.setdefault(row.code, [])
            if len(shown) < count:
                shown.append(row)
        return found

    @property
    def changes_anything(self) -> bool:
        return bool(self.new or self.changed)

    def summary(self, file_name: str) -> str:
        """For the command's output, the audit log and the page after confirming."""
        return (
            f"{file_name}: {len(self.new)} new, {len(self.changed)} changed,"
            f" {self.unchanged} unchanged ({len(self.new_measures)} new measures)"
        )


def _values_of(row: Row) -> tuple:
    return tuple(getattr(row, name) for name in VALUE_FIELDS)


def plan_import(rows: list[Row]) -> Plan:
    """Compare the rows with what is stored. Raises ImportProblems if a row's code is stored
    with another name or unit (which would change what the measure means)."""
    codes = {row.code for row in rows}
    stored = {
        i.code: i for i in db.session.scalars(select(Indicator).where(Indicator.code.in_(codes)))
    }
    problems = []
    for row in rows:
        indicator = stored.get(row.code)
        if indicator is None:
            continue
        for column in ("name", "unit"):
            if getattr(row, column).lower() != getattr(indicator, column).lower():
                problems.append(
                    f"row {row.line}, column {column}: code {row.code} is stored as"
                    f" {getattr(indicator, column)!r}, found {getattr(row, column)!r}"
                )
    if problems:
        raise ImportProblems(problems)
    # Plain rows, not ORM objects: a file of 6,000 figures loads 6,000 of them.
    existing = {
        (value.code, value.period): value
        for value in db.session.execute(
            select(
                Indicator.code,
                IndicatorValue.period,
                IndicatorValue.id,
                IndicatorValue.import_id,
                *(getattr(IndicatorValue, name) for name in VALUE_FIELDS),
            )
            .join(Indicator)
            .where(Indicator.code.in_(codes))
        )
    }
    plan = Plan(rows=rows, new_measures=sorted(codes - set(stored)))
    for row in rows:
        value = existing.get((row.code, row.period))
        if value is None:
            plan.new.append(row)
        elif tuple(getattr(value, name) for name in VALUE_FIELDS) != _values_of(row):
            plan.changed.append((row, value))
        else:
            plan.unchanged += 1
    return plan


def plan_file(
    data: bytes,
    file_name: str,
    sheet: str | None = None,
    la_code: str | None = None,
    measures_file: tuple[bytes, str] | None = None,
    filters: dict[str, str] | None = None,
) -> Plan:
    """Read, check and compare a file: the long format, or an Explore Education Statistics
    file with the local authority code, the measures file (its data and name) and the value
    of each filter column to import ({column: value}; "Total" where not given). Raises
    ImportProblems listing every fault."""
    measures = read_ees_measures(*measures_file) if measures_file else None
    frame = read_table(data, file_name, sheet)
    plan = plan_import(rows_of(frame, file_name, la_code, measures, filters))
    if measures and is_ees(frame):
        plan.filters = ees.filter_options(frame, [m.column for m in measures], filters or {})
    return plan


def _store_measures(plan: Plan) -> dict[str, int]:
    """Add new measures; fill in direction, outcome and source where the file gives them."""
    first_rows = {}
    for row in plan.rows:
        first_rows.setdefault(row.code, row)
    if plan.new_measures:
        db.session.execute(
            insert(Indicator),
            [
                {
                    "code": code,
                    "name": first_rows[code].name,
                    "domain": first_rows[code].domain,
                    "unit": first_rows[code].unit,
                    "higher_is_better": first_rows[code].higher_is_better,
                    "outcome": first_rows[code].outcome,
                    "source": first_rows[code].source,
                }
                for code in plan.new_measures
            ],
        )
    indicators = db.session.scalars(select(Indicator).where(Indicator.code.in_(first_rows)))
    ids = {}
    for indicator in indicators:
        row = first_rows[indicator.code]
        # A blank in the file keeps what an officer set after an earlier import.
        for column in ("higher_is_better", "outcome"):
            if getattr(row, column) is not None:
                setattr(indicator, column, getattr(row, column))
        indicator.source = row.source or indicator.source
        indicator.domain = row.domain
        ids[indicator.code] = indicator.id
    return ids


def _insert(model: type[db.Model], rows: list[dict]) -> None:
    # Through the table, not the ORM: the ORM's bulk insert costs more than the database does.
    if rows:
        db.session.execute(insert(model.__table__), rows)


def apply_import(
    plan: Plan, file_name: str, actor: str, user_id: int | None = None
) -> Import | None:
    """Write the plan: new values, changed values (keeping the old ones as history).
    Returns the Import, or None when the file changes nothing (then nothing is written)."""
    if not plan.changes_anything:
        return None
    record = Import(
        actor=actor,
        user_id=user_id,
        file_name=file_name,
        rows=len(plan.rows),
        new=len(plan.new),
        changed=len(plan.changed),
    )
    db.session.add(record)
    ids = _store_measures(plan)
    db.session.flush()
    _insert(
        IndicatorValue,
        [
            {"indicator_id": ids[row.code], "period": row.period, "import_id": record.id}
            | {name: getattr(row, name) for name in VALUE_FIELDS}
            for row in plan.new
        ],
    )
    _insert(
        IndicatorValueHistory,
        [
            {
                "value_id": value.id,
                "replaced_by_import_id": record.id,
                "old_import_id": value.import_id,
            }
            | {f"old_{name}": getattr(value, name) for name in VALUE_FIELDS}
            for _, value in plan.changed
        ],
    )
    if plan.changed:
        db.session.execute(
            update(IndicatorValue),
            [
                {"id": value.id, "import_id": record.id}
                | {name: getattr(row, name) for name in VALUE_FIELDS}
                for row, value in plan.changed
            ],
        )
    db.session.commit()
    return record


# Reading measures, for the feedback tab and the bulletin.


@dataclass(frozen=True)
class Point:
    period: date  # the first day the figure covers
    label: str
    value: float | None
    marker: str | None
    end: date | None = None  # the last day it covers

    @property
    def last_day(self) -> date:
        return self.end or self.period


@dataclass(frozen=True)
class MeasureSummary:
    code: str
    name: str
    unit: str
    domain: str
    higher_is_better: bool | None
    target: float | None
    latest: Point | None
    previous: Point | None
    england: float | None
    england_marker: str | None
    series: tuple[Point, ...]


YEAR_LABEL = re.compile(r"\d{4}")  # "2023": a calendar year
SPAN_LABEL = re.compile(r"\d{4}[/-]\d{2}")  # "2023/24": a year from the period's start


def period_end(period: date, label: str) -> date:
    """The last day a value's period covers, from its start and label: "2023" is the
    calendar year, "2023/24" the year from its start, anything else the month it starts in."""
    label = label.strip()
    if YEAR_LABEL.fullmatch(label):
        return date(period.year, 12, 31)
    if SPAN_LABEL.fullmatch(label):
        return date(period.year + 1, period.month, 1) - timedelta(days=1)
    following = date(period.year + period.month // 12, period.month % 12 + 1, 1)
    return following - timedelta(days=1)


def measures_for_outcome(outcome: int | None, until: date | None = None) -> list[MeasureSummary]:
    """Every measure of an outcome (None: those with no outcome yet), latest first figures;
    with `until`, only values whose period ends on or before that day (a term's release
    shows what was known for the term, never a later period)."""
    condition = Indicator.outcome.is_(None) if outcome is None else Indicator.outcome == outcome
    indicators = list(
        db.session.scalars(
            select(Indicator).where(condition).order_by(Indicator.domain, Indicator.name)
        )
    )
    values: dict[int, list[IndicatorValue]] = {i.id: [] for i in indicators}
    for value in db.session.scalars(
        select(IndicatorValue)
        .where(IndicatorValue.indicator_id.in_(values))
        .order_by(IndicatorValue.period)
    ):
        if until is None or period_end(value.period, value.period_label) <= until:
            values[value.indicator_id].append(value)
    summaries = []
    for indicator in indicators:
        series = tuple(
            Point(
                v.period,
                v.period_label or v.period.strftime("%b %Y"),
                v.value,
                v.value_marker,
                v.period_last_day,
            )
            for v in values[indicator.id]
        )
        last = values[indicator.id][-1] if values[indicator.id] else None
        summaries.append(
            MeasureSummary(
                code=indicator.code,
                name=indicator.name,
                unit=indicator.unit,
                domain=indicator.domain,
                higher_is_better=indicator.higher_is_better,
                target=last.target if last else None,
                latest=series[-1] if series else None,
                previous=series[-2] if len(series) > 1 else None,
                england=last.england if last else None,
                england_marker=last.england_marker if last else None,
                series=series,
            )
        )
    return summaries


AMBER_MARGIN = 0.05  # within 5% of the target is amber


def rag_status(measure: MeasureSummary) -> str:
    """'green' meets the target; 'amber' misses it by 5% of the target or less; 'red' misses
    it by more (improving or not: status_words says which); 'none' with no target, no
    direction or no latest number. The colour only marks the status; the words say it."""
    latest = measure.latest.value if measure.latest else None
    if measure.target is None or measure.higher_is_better is None or latest is None:
        return "none"
    sign = 1 if measure.higher_is_better else -1
    if sign * (latest - measure.target) >= 0:
        return "green"
    if abs(latest - measure.target) <= AMBER_MARGIN * abs(measure.target):
        return "amber"
    return "red"


def _change(measure: MeasureSummary) -> float | None:
    """Latest minus previous, or None without both numbers."""
    if not (measure.latest and measure.previous):
        return None
    if measure.latest.value is None or measure.previous.value is None:
        return None
    return measure.latest.value - measure.previous.value


def direction(measure: MeasureSummary) -> str:
    """'improving', 'getting worse', 'no change', or 'no direction' (in words, never colour)."""
    change = _change(measure)
    if change is None or measure.higher_is_better is None:
        return "no direction"
    if change == 0:
        return "no change"
    return "improving" if (change > 0) == measure.higher_is_better else "getting worse"


# How each unit says more and less: (than a target, over time).
COMPARED = {
    "weeks": (("Longer", "Shorter"), ("getting longer", "getting shorter")),
    "days": (("Longer", "Shorter"), ("getting longer", "getting shorter")),
    "count": (("More", "Fewer"), ("rising", "falling")),
}
HIGHER_LOWER = (("Higher", "Lower"), ("rising", "falling"))
# Units whose England figure can stand beside the area's: rates, shares and lengths, not counts.
COMPARABLE_WITH_ENGLAND = ("percent", "rate", "weeks", "days", "score")


def _better(up: bool, measure: MeasureSummary) -> str:
    return "better" if up == measure.higher_is_better else "worse"


def status_words(measure: MeasureSummary) -> str:
    """The measure's status in plain words, the same on the indicators page, the feedback
    tab and the bulletin, in the measure's own terms and saying which way is good news:
    "Longer than the target of 30 weeks (worse), getting shorter (better)". Within 5% of a
    missed target says so. Without a direction it gives the target and the change only."""
    if measure.latest is None or measure.latest.value is None:
        return "No latest number"
    (more, less), (rising, falling) = COMPARED.get(measure.unit, HIGHER_LOWER)
    latest, target = measure.latest.value, measure.target
    if target is None:
        status = "No target"
    elif measure.higher_is_better is None:
        status = f"Target {format_value(target, None, measure.unit)}"
    elif latest == target:
        status = f"Meets the target of {format_value(target, None, measure.unit)}"
    else:
        verdict = _better(latest > target, measure)
        if verdict == "worse" and rag_status(measure) == "amber":
            verdict = f"worse, within {AMBER_MARGIN:.0%}"
        status = (
            f"{more if latest > target else less} than the target of"
            f" {format_value(target, None, measure.unit)} ({verdict})"
        )
    if measure.higher_is_better is None:
        status += ", direction not set"
    change = _change(measure)
    if change is None:
        return status
    if change == 0:
        return f"{status}, no change"
    trend = rising if change > 0 else falling
    if measure.higher_is_better is None:
        return f"{status}, {trend}"
    return f"{status}, {trend} ({_better(change > 0, measure)})"


def england_words(measure: MeasureSummary) -> str:
    """England's figure beside the area's, only where the two are alike: a national count
    is never set beside a local one."""
    if measure.england is None and not measure.england_marker:
        return "none"
    if measure.unit not in COMPARABLE_WITH_ENGLAND:
        return "not compared: a count for all of England"
    return format_value(measure.england, measure.england_marker, measure.unit)


# What the DfE's markers mean, as the figure is shown where they stand.
MARKER_WORDS = {
    "c": "confidential",
    "x": "not available",
    ":": "not available",
    "z": "not applicable",
    "u": "low reliability",
    "low": "more than 0 but rounds to 0",
}


def format_value(value: float | None, marker: str | None, unit: str) -> str:
    """A figure as a UK reader expects it: 1,212; 95%; 23.9%; 37 weeks; markers spelt out."""
    if value is None:
        return MARKER_WORDS.get(marker or "", "no figure")
    # As published: 97.99 stays 97.99, 23.9 stays 23.9, 1212 becomes 1,212.
    text = f"{half_up(value, 2):,f}".rstrip("0").rstrip(".")
    if unit in ("weeks", "days"):
        return f"{text} {noun(unit.removesuffix('s'), value)}"
    return f"{text}%" if unit == "percent" else text
