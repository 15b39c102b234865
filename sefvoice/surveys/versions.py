"""Stored survey versions: storing definitions, finding the current version, parsing it once."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from flask import current_app
from sqlalchemy import func, select

from ..definitions import Charter, SurveyDefinition, load_charter, parse_survey
from ..extensions import db
from ..models import Survey, utcnow
from .statements import CURRENT_SURVEY, IS_OPEN, NEWEST_VERSION, SURVEY_VERSION, SURVEYS, connection


def store_definitions(definitions: list[SurveyDefinition]) -> list[str]:
    """Store each definition's version if it is new. Returns a line per survey saying what happened.

    A stored version is never changed: new wording must come as a new version, so the
    answers already given keep the meaning they were given with.
    """
    report = []
    for definition in definitions:
        stored = db.session.scalar(
            select(Survey).filter_by(slug=definition.slug, version=definition.version)
        )
        if stored is not None:
            if stored.definition != definition.raw:
                raise ValueError(
                    f"{definition.slug}: version {definition.version} is already stored with other"
                    f" wording. Raise 'version' to {latest_version(definition.slug) + 1}"
                    " to change it."
                )
            report.append(f"{definition.slug} v{definition.version}: unchanged")
            continue
        previous = current_survey(definition.slug)
        db.session.add(
            Survey(
                slug=definition.slug,
                version=definition.version,
                title=definition.title,
                definition=definition.raw,
                is_open=previous.is_open if previous else True,
                opens_at=previous.opens_at if previous else None,
                closes_at=previous.closes_at if previous else None,
            )
        )
        report.append(f"{definition.slug} v{definition.version}: stored")
    db.session.commit()
    return report


def latest_version(slug: str) -> int:
    return db.session.scalar(select(func.max(Survey.version)).filter_by(slug=slug)) or 0


class SurveyVersion(NamedTuple):
    """Which stored version a response answers: enough to find its definition."""

    id: int
    slug: str
    version: int
    loaded_at: datetime


def current_survey(slug: str) -> Survey | None:
    """The newest stored version of a survey; it carries the survey's open/closed state and
    schedule (Survey.takes_answers)."""
    return db.session.scalar(CURRENT_SURVEY, {"slug": slug})


def survey_version(survey_id: int) -> SurveyVersion | None:
    """A stored version by its id (None: no such version), read once per app: a stored
    version never changes."""
    versions = current_app.extensions.setdefault(SURVEY_VERSIONS, {})
    version = versions.get(survey_id)
    if version is None:
        row = connection().execute(SURVEY_VERSION, {"survey_id": survey_id}).first()
        if row is None:
            return None
        version = versions[survey_id] = SurveyVersion(*row)
    return version


SURVEY_VERSIONS = "sefvoice_survey_versions"


def survey_is_open(slug: str) -> bool | None:
    """Whether the survey takes answers now (its newest version says); None: no such survey.
    Asked on its own only when the browser holds no response (held_response asks it too)."""
    return connection().scalar(IS_OPEN, {"slug": slug, "now": utcnow()})


def newest_version(slug: str) -> tuple[SurveyVersion | None, bool | None]:
    """The survey's newest version and whether it takes answers now (None, None: no such
    survey): what a survey's start page needs, without loading the stored definition."""
    row = connection().execute(NEWEST_VERSION, {"slug": slug, "now": utcnow()}).first()
    return (SurveyVersion(*row[:4]), row[4]) if row else (None, None)


def current_surveys() -> list[Survey]:
    newest = (
        select(Survey.slug, func.max(Survey.version).label("version"))
        .group_by(Survey.slug)
        .subquery()
    )
    return list(
        db.session.scalars(
            select(Survey)
            .join(newest, (Survey.slug == newest.c.slug) & (Survey.version == newest.c.version))
            .order_by(Survey.title)
        )
    )


def charter() -> Charter:
    return load_charter(Path(current_app.config["EASYREAD_DIR"]))


def definition_of(survey: Survey | SurveyVersion) -> SurveyDefinition:
    """The survey version's definition, parsed once per process: a stored version never
    changes, and every survey page needs it."""
    return _parsed_definition(survey.id, survey.slug, survey.version, survey.loaded_at)


@lru_cache(maxsize=256)
def _parsed_definition(
    survey_id: int, slug: str, version: int, loaded_at: datetime
) -> SurveyDefinition:
    # Keyed by when the version was stored too: a database made afresh (tests, a reset demo)
    # may hold other wording under the same id, slug and version.
    raw = connection().scalar(select(SURVEYS.c.definition).where(SURVEYS.c.id == survey_id))
    return parse_survey(raw, f"{slug} v{version}")
