"""Running surveys, as plain functions: their versions and counts, opening, closing and
scheduling them, and new versions uploaded in the browser."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError

from ..definitions import (
    SurveyDefinition,
    SurveyDefinitionError,
    check_survey_text,
    load_charter,
    parse_yaml,
)
from ..extensions import db
from ..models import Response, Survey, utcnow
from ..surveys import versions as survey_versions
from ..terms import Term, local_date, utc_midnight
from .changes import Changes, compare

MAX_DEFINITION_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Counts:
    """Responses started and sent, this term and in all."""

    started: int = 0
    sent: int = 0
    started_this_term: int = 0
    sent_this_term: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.started + other.started,
            self.sent + other.sent,
            self.started_this_term + other.started_this_term,
            self.sent_this_term + other.sent_this_term,
        )


@dataclass(frozen=True)
class VersionRow:
    survey: Survey
    counts: Counts


@dataclass
class SurveyRow:
    """A survey on the officers' page: its newest version first, then the earlier ones."""

    current: Survey
    versions: list[VersionRow] = field(default_factory=list)

    @property
    def counts(self) -> Counts:
        return sum((v.counts for v in self.versions), Counts())


def response_counts(term: Term) -> dict[int, Counts]:
    """Counts per survey version (by its id), counted in SQL with one GROUP BY."""
    start, end = term.bounds()
    in_term = (Response.started_at >= start) & (Response.started_at < end)
    sent_in_term = (Response.submitted_at >= start) & (Response.submitted_at < end)
    rows = db.session.execute(
        select(
            Response.survey_id,
            func.count(Response.id),
            func.count(Response.submitted_at),
            func.sum(case((in_term, 1), else_=0)),
            func.sum(case((sent_in_term, 1), else_=0)),
        ).group_by(Response.survey_id)
    )
    return {survey_id: Counts(*(int(n or 0) for n in numbers)) for survey_id, *numbers in rows}


def survey_rows(term: Term, slug: str | None = None) -> list[SurveyRow]:
    """Every survey (or the one named), each with all its versions and their counts."""
    query = select(Survey).order_by(Survey.slug, Survey.version.desc())
    if slug is not None:
        query = query.where(Survey.slug == slug)
    counts = response_counts(term)
    rows: dict[str, SurveyRow] = {}
    for survey in db.session.scalars(query):
        row = rows.setdefault(survey.slug, SurveyRow(current=survey))
        row.versions.append(VersionRow(survey, counts.get(survey.id, Counts())))
    return sorted(rows.values(), key=lambda row: row.current.title.lower())


def survey_version(slug: str, version: int) -> Survey | None:
    return db.session.scalar(select(Survey).filter_by(slug=slug, version=version))


# Opening, closing and the schedule. They change the newest version, which carries the
# survey's state (a new version takes it over).


class ScheduleError(ValueError):
    """A schedule that cannot be kept; the message says why, to the officer."""


def state(survey: Survey, now: datetime) -> str:
    """The survey's state in a few words, as the officers' page shows it."""
    if not survey.is_open:
        return "Closed"
    if survey.closes_at is not None and now >= survey.closes_at:
        return "Closed: its closing date has passed"
    if survey.opens_at is not None and now < survey.opens_at:
        return "Closed until its opening date"
    return "Open"


@dataclass(frozen=True)
class LocalDays:
    """Days as a clock in the partnership's time zone reads them. Times are stored as naive
    UTC; a survey opens at local midnight at the start of its opening day and closes at
    local midnight after its closing day."""

    zone: ZoneInfo

    def day_of(self, moment: datetime) -> date:
        return local_date(moment, self.zone)

    def today(self) -> date:
        return self.day_of(utcnow())

    def opening_day(self, survey: Survey) -> date | None:
        return self.day_of(survey.opens_at) if survey.opens_at else None

    def closing_day(self, survey: Survey) -> date | None:
        """The last day it is open."""
        return self.day_of(survey.closes_at) - timedelta(days=1) if survey.closes_at else None

    def start_of(self, day: date) -> datetime:
        return utc_midnight(day, self.zone)


def open_now(survey: Survey, now: datetime) -> str:
    """Open from now; a closing date still to come is kept. Returns what changed."""
    survey.is_open, survey.opens_at = True, None
    if survey.closes_at is not None and survey.closes_at <= now:
        survey.closes_at = None
    db.session.commit()
    closes = f", closes {survey.closes_at.isoformat()} UTC" if survey.closes_at else ""
    return f"{survey.slug}: opened{closes}"


def close_now(survey: Survey) -> str:
    """Closed until an officer opens it again: any schedule is cleared."""
    survey.is_open, survey.opens_at, survey.closes_at = False, None, None
    db.session.commit()
    return f"{survey.slug}: closed"


def schedule(survey: Survey, opens_on: date | None, closes_on: date | None, days: LocalDays) -> str:
    """Open from the start of `opens_on` (blank: now) to the end of `closes_on` (blank: no
    end), local days. Raises ScheduleError, changing nothing, for dates that cannot be kept."""
    today = days.today()
    if opens_on is None and closes_on is None:
        raise ScheduleError("Give an opening date, a closing date or both.")
    if opens_on is not None and opens_on < today:
        raise ScheduleError(
            f"The opening date {long_date(opens_on)} is in the past."
            " Choose today or a later day, or leave it blank to open now."
        )
    if closes_on is not None and closes_on < today:
        raise ScheduleError(f"The closing date {long_date(closes_on)} is in the past.")
    if opens_on is not None and closes_on is not None and closes_on < opens_on:
        raise ScheduleError(
            f"The closing date {long_date(closes_on)} is before the opening date"
            f" {long_date(opens_on)}. The survey must open before it closes."
        )
    survey.is_open = True
    survey.opens_at = days.start_of(opens_on) if opens_on else None
    survey.closes_at = days.start_of(closes_on + timedelta(days=1)) if closes_on else None
    db.session.commit()
    return (
        f"{survey.slug}: opens {opens_on.isoformat() if opens_on else 'now'},"
        f" closes {closes_on.isoformat() if closes_on else 'never'}"
    )


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


# New versions from the browser. Nothing is kept between checking and publishing: the
# publish form sends the YAML back and it is checked again, so any app server can take it.


class UploadRefused(ValueError):
    """An upload that is not looked at: too big, not text, or another survey's."""


@dataclass
class CheckedUpload:
    """An uploaded definition after the checks: what it would change, or its problems."""

    text: str
    problems: list[str]
    definition: SurveyDefinition | None = None
    changes: Changes | None = None
    base_version: int = 0


def check_upload(
    slug: str, data: bytes, file_name: str, easyread_dir: Path, static_dir: Path
) -> CheckedUpload:
    """Check an uploaded definition as `sefvoice surveys check` does, and that it is a new
    version of this survey; compare it with the newest stored version. Stores nothing."""
    if len(data) > MAX_DEFINITION_BYTES:
        raise UploadRefused(
            f"{file_name} is {len(data) / 1024 / 1024:.1f} MB. A survey definition must be"
            " 1 MB or less: is it the right file?"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UploadRefused(
            f"{file_name} is not a YAML text file (it is not UTF-8 text). Upload the survey's"
            " .yaml file."
        ) from error
    try:
        fields = parse_yaml(text, file_name)[1]
    except SurveyDefinitionError:
        fields = None  # the checker below says what is wrong
    if isinstance(fields, dict) and fields.get("slug") != slug:
        raise UploadRefused(
            f"{file_name} is for the survey {fields.get('slug')!r}, not {slug!r}."
            " Upload it on that survey's page, or correct its slug."
        )
    current = survey_versions.current_survey(slug)
    base_version = current.version if current else 0
    definition, problems = check_survey_text(
        text, file_name, load_charter(easyread_dir), static_dir
    )
    if definition is not None and definition.version <= base_version:
        problems = [
            f"{file_name}: version: it is {definition.version}, but version {base_version} is"
            f" already stored. Set 'version: {base_version + 1}' for the new version."
        ]
        definition = None
    checked = CheckedUpload(text, problems, definition, base_version=base_version)
    if definition is not None and current is not None:
        checked.changes = compare(survey_versions.definition_of(current), definition)
    return checked


class PublishRefused(ValueError):
    pass


def publish(checked: CheckedUpload, base_version: int) -> Survey:
    """Store the checked definition as the survey's new version. `base_version` is the
    version the officer saw the changes against: if another was published since, refuse."""
    if checked.definition is None:
        raise PublishRefused("The definition has problems, so it was not published.")
    if checked.base_version != base_version:
        raise PublishRefused(
            f"Version {checked.base_version} was published after you checked this file."
            " Check it again to see the changes against that version."
        )
    published_since = PublishRefused(
        f"Version {checked.definition.version} was published by someone else a moment ago."
        " Check the file again to see the changes against it."
    )
    try:
        [what] = survey_versions.store_definitions([checked.definition])
    except IntegrityError as error:  # stored by a request running alongside this one
        db.session.rollback()
        raise published_since from error
    except ValueError as error:  # the same version stored since, with other wording
        db.session.rollback()
        raise PublishRefused(str(error)) from error
    if what.endswith("unchanged"):  # the same version stored since, word for word
        raise published_since
    return survey_versions.current_survey(checked.definition.slug)
