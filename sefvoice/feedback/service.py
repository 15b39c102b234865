"""The feedback tab's data, from the app's settings: which terms, which rules, which tables."""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from ..easyread import Charter, load_charter
from ..extensions import db
from ..models import Response
from .aggregates import FeedbackSummary, build_summary
from .disclosure import Rules
from .tables import SummaryTables, summary_tables
from .terms import Term, TermCalendar, local_date


def rules() -> Rules:
    config = current_app.config
    return Rules(config["DISCLOSURE_MIN_COUNT"], config["DISCLOSURE_MIN_BASE"])


def calendar() -> TermCalendar:
    return TermCalendar(current_app.config["TERMS"], current_app.config["TIMEZONE"])


def charter() -> Charter:
    return load_charter(Path(current_app.config["EASYREAD_DIR"]))


def terms_with_responses() -> list[Term]:
    """Every term from the first submitted response to the last, newest first."""
    first, last = db.session.execute(
        select(func.min(Response.submitted_at), func.max(Response.submitted_at))
    ).one()
    if first is None:
        return []
    terms = calendar()
    days = (local_date(first, terms.zone), local_date(last, terms.zone))
    return list(reversed(terms.between(*days)))


def summary_for(term: Term) -> tuple[FeedbackSummary, SummaryTables]:
    """The tab's summary for a term; the trend covers up to TREND_TERMS terms, from the
    first term anyone answered in."""
    terms = calendar()
    answered = terms_with_responses()
    trend, current = [], term
    for _ in range(current_app.config["TREND_TERMS"]):
        trend.insert(0, current)
        current = terms.previous(current)
    if answered:
        trend = [t for t in trend if t >= answered[-1]] or [term]
    summary = build_summary(term, terms.previous(term), trend, charter(), rules())
    return summary, summary_tables(summary)
