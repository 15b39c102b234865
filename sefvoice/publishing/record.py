"""A release's figures as JSON and back: the dataclasses every output renders (the tab's
summary and tables, quotes, measures), each tagged with its class so that reading a record
gives the very objects the outputs were built from when it was published.

Only the classes listed here can be read back (a record is data, never code to run).
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ..terms import Term

if TYPE_CHECKING:
    from ..release.service import Publication


@lru_cache(maxsize=1)
def classes() -> dict[str, type]:
    """The classes a record may hold, by name (imported here: the feedback views import
    this package, and the summary's module loads pandas)."""
    from ..feedback.comments import ApprovedComment
    from ..release.service import Publication
    from ..release.shown import Shown
    from ..release.summary import (
        FeedbackSummary,
        GroupRow,
        GroupTable,
        OptionResult,
        QuestionResult,
        ScoreRow,
    )
    from ..release.tables import SummaryTables, Table

    found = (
        ApprovedComment,
        FeedbackSummary,
        GroupRow,
        GroupTable,
        OptionResult,
        Publication,
        QuestionResult,
        ScoreRow,
        Shown,
        SummaryTables,
        Table,
    )
    return {cls.__name__: cls for cls in found}


def encode(value: Any) -> Any:
    """`value` as JSON-ready data, every dataclass, tuple, set and date tagged."""
    if isinstance(value, Term):
        return {
            "@": "Term",
            "name": value.name,
            "starts_on": value.starts_on.isoformat(),
            "ends_on": value.ends_on.isoformat(),
            "zone": value.zone.key,
        }
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        name = type(value).__name__
        if classes().get(name) is not type(value):
            raise TypeError(f"{name} cannot be stored in a release record")
        fields = {
            f.name: encode(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.metadata.get("stored", True)
        }
        return {"@": name, **fields}
    if isinstance(value, tuple):
        return {"@tuple": [encode(v) for v in value]}
    if isinstance(value, set | frozenset):
        return {"@set": sorted(encode(v) for v in value)}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {"@dict": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, datetime | date):
        return {"@date": value.isoformat()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"{type(value).__name__} cannot be stored in a release record")


def decode(data: Any) -> Any:
    """What `encode` wrote, as the objects it was written from."""
    if isinstance(data, list):
        return [decode(v) for v in data]
    if not isinstance(data, dict):
        return data
    if "@tuple" in data:
        return tuple(decode(v) for v in data["@tuple"])
    if "@set" in data:
        return {decode(v) for v in data["@set"]}
    if "@dict" in data:
        return {_hashable(decode(k)): decode(v) for k, v in data["@dict"]}
    if "@date" in data:
        text = data["@date"]
        return datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)
    name = data["@"]
    if name == "Term":
        return Term(
            date.fromisoformat(data["starts_on"]),
            date.fromisoformat(data["ends_on"]),
            data["name"],
            ZoneInfo(data["zone"]),
        )
    cls = classes()[name]
    return cls(**{k: decode(v) for k, v in data.items() if k != "@"})


def _hashable(key: Any) -> Any:
    return tuple(key) if isinstance(key, list) else key


def release_record(release: Publication) -> dict:
    """A release's figures as a record holds them: its summary and its tables."""
    return {"summary": encode(release.summary), "tables": encode(release.tables)}


def release_from(record: dict) -> Publication:
    """The release a record holds, as the objects it was written from."""
    from ..release.service import Publication

    return Publication(decode(record["summary"]), decode(record["tables"]))
