"""School terms. A response belongs to the term its submission date falls in.

Terms are named in config (SEFVOICE_TERMS): each is a name and the month it starts in
(as "05-01": terms start on the first of a month, because the feedback counts are kept by
month), and runs until the next one starts. The default is the three-term year the SEF
bulletin follows: Spring (January to April), Summer (May to August), Autumn (September to
December).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

DEFAULT_TERMS = "Spring=01-01,Summer=05-01,Autumn=09-01"
TERM_NAME = re.compile(r"^\s*(?P<season>[A-Za-z ]+?)\s+(?P<year>\d{4})\s*$")


@dataclass(frozen=True, order=True)
class Term:
    starts_on: date
    ends_on: date  # the last day in the term
    name: str

    def __str__(self) -> str:
        return self.name

    @property
    def slug(self) -> str:
        return self.name.lower().replace(" ", "-")

    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as datetimes, for `submitted_at >= start AND submitted_at < end`."""
        start = datetime.combine(self.starts_on, datetime.min.time())
        return start, datetime.combine(self.ends_on + timedelta(days=1), datetime.min.time())


class TermCalendar:
    def __init__(self, spec: str = DEFAULT_TERMS):
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
        return Term(starts_on, next_start - timedelta(days=1), f"{season} {year}")

    def term_for(self, day: date | datetime) -> Term:
        day = day.date() if isinstance(day, datetime) else day
        for year in (day.year, day.year - 1):
            for index in reversed(range(len(self.starts))):
                term = self._term(year, index)
                if term.starts_on <= day <= term.ends_on:
                    return term
        raise AssertionError(f"no term covers {day}")  # the terms cover every day of a year

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
