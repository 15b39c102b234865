"""School terms. A response belongs to the term its submission date falls in, as a clock
in the partnership's time zone (SEFVOICE_TIMEZONE, default Europe/London) reads it: an
answer sent at 00:30 BST on 1 May is Summer's, though it is still 30 April in UTC.

Terms are named in config (SEFVOICE_TERMS): each is a name and the month it starts in
(as "05-01": terms start on the first of a month, because the feedback counts are kept by
month), and runs until the next one starts. The default is the three-term year the SEF
bulletin follows: Spring (January to April), Summer (May to August), Autumn (September to
December). Times are stored as naive UTC (see models.utcnow); only dates are local.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app

DEFAULT_TERMS = "Spring=01-01,Summer=05-01,Autumn=09-01"
DEFAULT_TIMEZONE = "Europe/London"
TERM_NAME = re.compile(r"^\s*(?P<season>[A-Za-z ]+?)\s+(?P<year>\d{4})\s*$")


@dataclass(frozen=True, order=True)
class Term:
    starts_on: date
    ends_on: date  # the last day in the term
    name: str
    zone: ZoneInfo = field(default=ZoneInfo(DEFAULT_TIMEZONE), compare=False, repr=False)

    def __str__(self) -> str:
        return self.name

    @property
    def slug(self) -> str:
        return self.name.lower().replace(" ", "-")

    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as naive UTC, for `submitted_at >= start AND submitted_at < end`:
        local midnight at the start of the first day and after the last."""
        return utc_midnight(self.starts_on, self.zone), utc_midnight(
            self.ends_on + timedelta(days=1), self.zone
        )


def time_zone(name: str) -> ZoneInfo:
    """The named IANA time zone; ValueError saying what to set if there is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"SEFVOICE_TIMEZONE: {name!r} is not a time zone; use an IANA name like 'Europe/London'"
        ) from None


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    """The date a clock in `zone` showed at `moment` (naive UTC, as stored)."""
    return moment.replace(tzinfo=UTC).astimezone(zone).date()


def utc_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The start of `day` in `zone`, as naive UTC (to compare with stored times)."""
    local = datetime.combine(day, datetime.min.time(), tzinfo=zone)
    return local.astimezone(UTC).replace(tzinfo=None)


class TermCalendar:
    def __init__(self, spec: str = DEFAULT_TERMS, zone: str = DEFAULT_TIMEZONE):
        self.zone = time_zone(zone)
        starts = []
        for part in spec.split(","):
            name, _, month_day = part.partition("=")
            month, day = (int(x) for x in month_day.strip().split("-"))
            if day != 1:
                raise ValueError(f"SEFVOICE_TERMS: {part!r} must start on the 1st of a month")
            starts.append(((month, day), name.strip()))
        if not starts:
            raise ValueError("SEFVOICE_TERMS names no terms")
        self.starts = sorted(starts)

    def _term(self, year: int, index: int) -> Term:
        (month, day), season = self.starts[index]
        starts_on = date(year, month, day)
        if index + 1 < len(self.starts):
            (next_month, next_day), _ = self.starts[index + 1]
            next_start = date(year, next_month, next_day)
        else:
            (next_month, next_day), _ = self.starts[0]
            next_start = date(year + 1, next_month, next_day)
        return Term(starts_on, next_start - timedelta(days=1), f"{season} {year}", self.zone)

    def term_for(self, day: date) -> Term:
        """The term holding a (local) date."""
        for year in (day.year, day.year - 1):
            for index in reversed(range(len(self.starts))):
                term = self._term(year, index)
                if term.starts_on <= day <= term.ends_on:
                    return term
        raise AssertionError(f"no term covers {day}")  # the terms cover every day of a year

    def term_at(self, moment: datetime) -> Term:
        """The term holding a moment (naive UTC, as stored), by the local date then."""
        return self.term_for(local_date(moment, self.zone))

    def named(self, name: str) -> Term:
        """'Summer 2023' as a Term; ValueError with the accepted names if it is not one."""
        match = TERM_NAME.match(name or "")
        seasons = {season.lower(): i for i, (_, season) in enumerate(self.starts)}
        if not match or match["season"].lower() not in seasons:
            names = ", ".join(season for _, season in self.starts)
            raise ValueError(
                f"{name!r} is not a term: use one of {names} and a year, like 'Summer 2023'"
            )
        return self._term(int(match["year"]), seasons[match["season"].lower()])

    def previous(self, term: Term) -> Term:
        return self.term_for(term.starts_on - timedelta(days=1))

    def between(self, first: date, last: date) -> list[Term]:
        """Every term from the one holding `first` to the one holding `last`, oldest first."""
        terms, term = [], self.term_for(first)
        while term.starts_on <= last:
            terms.append(term)
            term = self.term_for(term.ends_on + timedelta(days=1))
        return terms


def calendar() -> TermCalendar:
    """The app's terms (SEFVOICE_TERMS, SEFVOICE_TIMEZONE)."""
    return TermCalendar(current_app.config["TERMS"], current_app.config["TIMEZONE"])
